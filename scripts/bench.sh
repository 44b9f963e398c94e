#!/usr/bin/env bash
# make bench: the figures of docs/benchmarks.md.
#  1. Frame allocator on the host: ns per alloc+free (tests/bench_frame.c, -O2).
#  2. Exit costs seen by a guest: the bench guest (guest/tests/bench.c)
#     under Bochs corei7_skylake_x, ips=50000000, clock sync=none, where
#     the TSC advances one tick per instruction, so the ticks are
#     deterministic.
#  3. Instructions the hypervisor executes for each of those exits,
#     counted by Bochs' debugger (scripts/exitcost.sh).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
mkdir -p build
out=build/bench.txt

gcc -std=gnu11 -O2 -I. tests/bench_frame.c mm/frame.c -o build/bench_frame
{
	echo "== frame allocator (host, gcc -O2) =="
	build/bench_frame
} | tee "$out"

scripts/mkiso.sh build/bench.iso "" "build/guests/bench.elf name=bench mem=32M"
MEM=128M IPS=50000000 CPU=corei7_skylake_x SERIAL=build/bench.serial timeout 600 \
	scripts/bochs.sh build/bench.iso || true
ticks=$(grep -o 'bench: cpuid=.*' build/bench.serial | tr -d '\r' || true)
[ -n "$ticks" ] || { echo "bench guest did not report (see build/bench.serial)"; exit 1; }

declare -A insns
while read -r name count; do insns[$name]=$count; done < <(scripts/exitcost.sh)

{
	echo
	echo "== VM exits (Bochs 2.7 corei7_skylake_x, ips=50000000, clock sync=none) =="
	printf '%-16s %14s %22s\n' exit guest-ticks hypervisor-instructions
	for kv in ${ticks#bench: }; do
		name=${kv%%=*}
		printf '%-16s %14s %22s\n' "$name" "${kv#*=}" "${insns[$name]:-?}"
	done
} | tee -a "$out"
