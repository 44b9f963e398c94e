#!/usr/bin/env bash
# Run every libFuzzer target in build/fuzz for FUZZ_SECONDS (default 60)
# each, two at a time, from the seeds in fuzz/seeds/NAME (plus, for the
# multiboot loader, the test guests' images) and what earlier runs kept
# in build/fuzz/corpus/NAME.  Prints "ok - fuzz/NAME" or "FAIL -
# fuzz/NAME: ..." with the input that crashed it; a crash found becomes
# a unit-test regression input (tests/) once fixed.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
secs=${FUZZ_SECONDS:-60}
run() {
	name=$1
	corpus=build/fuzz/corpus/$name
	mkdir -p "$corpus"
	[ -d "fuzz/seeds/$name" ] && cp -n fuzz/seeds/"$name"/* "$corpus"/ 2>/dev/null
	[ "$name" = multiboot ] && cp -n build/guests/*.elf "$corpus"/ 2>/dev/null
	log=build/fuzz/$name.log
	if "build/fuzz/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -artifact_prefix="build/fuzz/$name-" -print_final_stats=1 \
		"$corpus" >"$log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
		echo "ok - fuzz/$name (${runs:-?} inputs in ${secs}s)"
	else
		crash=$(ls -t build/fuzz/"$name"-* 2>/dev/null | head -1)
		echo "FAIL - fuzz/$name: $(grep -m1 -E 'ERROR|runtime error|deadly signal' "$log") (input: ${crash:-none}, log: $log)"
	fi
}
export -f run
export secs
ls build/fuzz/fuzz_* | sed 's|build/fuzz/fuzz_||' | xargs -P 2 -I{} bash -c 'run {}'
