#!/usr/bin/env bash
# The split of DESIGN.md section 1 stays true: no file of the
# vendor-neutral core includes a backend header, and neither backend
# includes the other's.  Prints one "ok - layers/..." or "FAIL - ..."
# line per rule (scripts/test.sh counts them).
cd "$(dirname "$(readlink -f "$0")")/.."
CORE_DIRS=(boot arch core lib mm virt guest devices)

check() {
	local name=$1 pattern=$2; shift 2
	local hits
	hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]($pattern)/" "$@" \
		--include='*.c' --include='*.h' --include='*.asm' --include='*.inc' 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "FAIL - layers/$name: $(echo "$hits" | head -3 | tr '\n' ' ')"
	else
		echo "ok - layers/$name"
	fi
}

check core-includes-no-backend 'vmx|svm' "${CORE_DIRS[@]}"
check vmx-includes-no-svm 'svm' vmx
check svm-includes-no-vmx 'vmx' svm
