#!/usr/bin/env bash
# make bench: the figures of docs/benchmarks.md.
#  1. Frame allocator on the host: ns per alloc+free (tests/bench_frame.c, -O2).
#  2. Exit costs seen by a guest: the bench guest (guest/tests/bench.c)
#     under Bochs, ips=50000000, clock sync=none, where the TSC advances
#     one tick per instruction, so the ticks are deterministic: VMX on
#     corei7_skylake_x, SVM on ryzen; and, for comparison only, SVM under
#     QEMU TCG (-cpu EPYC), whose TSC follows the wall clock.
#  3. Instructions the hypervisor executes for each of those exits,
#     counted by Bochs' debugger (scripts/exitcost.sh vmx|svm).
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
scripts/mkiso.sh build/bench-soft.iso "apicv=off" "build/guests/bench.elf name=bench mem=32M"
# The bench guest's line, "bench: cpuid=N vmcall=N pio=N ept_first_touch=N".
guest_ticks() {
	grep -o 'bench: cpuid=.*' "$1" | tr -d '\r' || true
}
# "bench-platform: lapic_read=N ... hlt_wakeup=N"
platform_ticks() {
	grep -o 'bench-platform: .*' "$1" | tr -d '\r' || true
}
MEM=128M IPS=50000000 CPU=corei7_skylake_x SERIAL=build/bench-vmx.serial timeout 600 \
	scripts/bochs.sh build/bench.iso || true
MEM=128M IPS=50000000 CPU=corei7_skylake_x SERIAL=build/bench-vmx-soft.serial timeout 600 \
	scripts/bochs.sh build/bench-soft.iso || true
MEM=128M IPS=50000000 CPU=ryzen SERIAL=build/bench-svm.serial timeout 600 \
	scripts/bochs.sh build/bench.iso || true
MEM=128M QEMU_CPU=EPYC SERIAL=build/bench-qemu.serial timeout 600 \
	scripts/run.sh build/bench.iso qemu || true
vmx=$(guest_ticks build/bench-vmx.serial)
svm=$(guest_ticks build/bench-svm.serial)
qemu=$(guest_ticks build/bench-qemu.serial)
[ -n "$vmx" ] && [ -n "$svm" ] || { echo "bench guest did not report (see build/bench-*.serial)"; exit 1; }

declare -A vmx_insns svm_insns
while read -r name count; do vmx_insns[$name]=$count; done < <(scripts/exitcost.sh vmx)
while read -r name count; do svm_insns[$name]=$count; done < <(scripts/exitcost.sh svm)
tick() { local line=$1 name=$2; echo "$line" | tr ' ' '\n' | awk -F= -v n="$name" '$1 == n { print $2 }'; }

{
	echo
	echo "== VM exits: Bochs 2.7, ips=50000000, clock sync=none (deterministic: one TSC tick per instruction) =="
	echo "   VMX: corei7_skylake_x (VMCALL)   SVM: ryzen (VMMCALL); guest ticks / hypervisor instructions"
	printf '%-16s %12s %10s %12s %10s %18s\n' exit vmx-ticks vmx-insns svm-ticks svm-insns qemu-tcg-svm-ticks
	for name in cpuid vmcall pio ept_first_touch; do
		printf '%-16s %12s %10s %12s %10s %18s\n' "$name" "$(tick "$vmx" "$name")" "${vmx_insns[$name]:-?}" \
			"$(tick "$svm" "$name")" "${svm_insns[$name]:-?}" "$(tick "$qemu" "$name")"
	done
	echo "   qemu-tcg-svm-ticks: QEMU TCG -cpu EPYC, wall-clock TSC: varies from run to run and machine to machine"
	echo
	echo "== The emulated platform, same set-up: guest ticks per operation =="
	echo "   vmx-apicv: the CPU's APIC virtualization (TPR shadow, APIC-access page, APIC-register"
	echo "   virtualization, virtual-interrupt delivery); vmx-soft: apicv=off; svm: the software APIC"
	vmxp=$(platform_ticks build/bench-vmx.serial)
	softp=$(platform_ticks build/bench-vmx-soft.serial)
	svmp=$(platform_ticks build/bench-svm.serial)
	printf '%-16s %12s %12s %12s\n' operation vmx-apicv vmx-soft svm
	for name in lapic_read lapic_write eoi ioapic_write pit_read irq_latency hlt_wakeup; do
		printf '%-16s %12s %12s %12s\n' "$name" "$(tick "$vmxp" "$name")" "$(tick "$softp" "$name")" \
			"$(tick "$svmp" "$name")"
	done
} | tee -a "$out"
