#!/usr/bin/env bash
# make test: host unit tests and the layering check, then emulator
# tests; ends with the line
# "N passed, N failed" and a non-zero status if anything failed.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
log=build/test.log
mkdir -p build
: > "$log"
for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" 2>&1 | sed "s/^\(ok\|FAIL\) - /\1 - ${name#test_}\//" | tee -a "$log" | grep -v '^ok - ' || true
	[ "${PIPESTATUS[0]}" -eq 0 ] || echo "FAIL - ${name#test_}: exited non-zero" | tee -a "$log"
done
scripts/check-layers.sh | tee -a "$log" | grep -v '^ok - ' || true
# Each fuzz target briefly (make fuzz runs them longer).
FUZZ_SECONDS=${FUZZ_SECONDS:-5} scripts/fuzz.sh | tee -a "$log" | grep -v '^ok - ' || true
echo "unit tests: $(grep -c '^ok - ' "$log") passed"
python3 scripts/emutest.py "$@" 2>&1 | tee -a "$log"
passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^FAIL - ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
