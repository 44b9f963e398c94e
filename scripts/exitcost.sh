#!/usr/bin/env bash
# Instructions the hypervisor executes for one VM exit, counted by Bochs.
# Usage: exitcost.sh [vmx|svm]   (after `make all guests`)
#
# For each exiting instruction of the bench guest (guest/tests/bench.c)
# Bochs' debugger stops at that guest instruction (a linear breakpoint:
# only the guest has anything mapped that low), then where the exit
# arrives and where the guest is entered again, printing Bochs' tick
# count ("ptime": one tick per instruction executed) at both:
#   vmx (corei7_skylake_x): vmx_exit_stub, and the stub's VMRESUME;
#   svm (ryzen): the instruction after VMRUN in svm_vmrun, and the VMRUN.
# The difference plus one (the VMRESUME or VMRUN) is the hypervisor's
# instruction count for exactly that exit; the average over SAMPLES (16)
# consecutive exits is printed as "NAME INSTRUCTIONS".
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
SAMPLES=${SAMPLES:-16}
tern=build/tern.elf
guest=build/guests/bench.elf
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT; [ -n "${KEEP:-}" ] && echo "work: $work" >&2

backend=${1:-vmx}
sym() { nm "$tern" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
# The address of the first instruction matching $2 in function $1, or
# (with $3 = next) of the instruction after it.
insn_in() {
	objdump -d --no-show-raw-insn "$tern" | awk -v fn="<$1>:" -v pat="$2" -v nxt="${3:-}" '
		$2 == fn { f = 1; next } /^$/ { f = 0 }
		f && take { sub(":", "", $1); print "0x" $1; exit }
		f && $0 ~ pat { if (nxt) { take = 1; next } sub(":", "", $1); print "0x" $1; exit }'
}
if [ "$backend" = svm ]; then
	cpu=ryzen
	enter=$(sym svm_vmrun)
	stub=$(insn_in svm_vmrun '\tvmrun' next)
	resume=$(insn_in svm_vmrun '\tvmrun')
	hypercall=vmmcall
else
	cpu=corei7_skylake_x
	enter=$(sym vmx_enter)
	stub=$(sym vmx_exit_stub)
	resume=$(insn_in vmx_exit_stub '\tvmresume')
	hypercall=vmcall
fi
# The guest instruction in the function that measures it.
guest_insn() {
	objdump -d --no-show-raw-insn "$guest" | awk -v fn="<$1>:" -v pat="$2" '
		$2 == fn { f = 1; next } /^$/ { f = 0 } f && $0 ~ pat { sub(":", "", $1); print "0x" $1; exit }'
}

scripts/mkiso.sh "$work/bench.iso" "" "$guest name=bench mem=32M"
measure() {
	local name=$1 at=$2
	# Stop in vmx_enter first: before the guest runs, GRUB's code uses
	# the same low linear addresses.
	# From the third execution of the instruction on (for the page
	# touch, the first one in a 2 MiB region also builds an EPT table),
	# SAMPLES consecutive exits are measured and averaged: an exit's cost
	# varies a little, e.g. when the frame allocator splits a block.
	{
		printf "lb %s\nc\nd 1\nlb %s\nc\nc\nc\nd 2\nlb %s\nlb %s\n" "$enter" "$at" "$stub" "$resume"
		for _ in $(seq "$SAMPLES"); do printf "c\nptime\nc\nptime\n"; done
		printf "quit\n"
	} > "$work/cmds"
	cat > "$work/rc" <<RC
megs: 128
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=$cpu, count=1, ips=50000000, reset_on_triple_fault=0
clock: sync=none, time0=1
ata0-master: type=cdrom, path="$work/bench.iso", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$work/serial
display_library: sdl2
log: /dev/null
RC
	SDL_VIDEODRIVER=dummy timeout 300 bochs -q -f "$work/rc" -rc "$work/cmds" </dev/null > "$work/out" 2>&1 || true
	# Pairs of (stub, VMRESUME) tick counts; +1 counts the VMRESUME.
	awk -v n="$name" -v s="$SAMPLES" '/^ptime:/ { t[++i] = $2 }
		END {
			if (i != 2 * s) { print n, "?"; exit }
			for (k = 1; k <= s; k++) sum += t[2 * k] - t[2 * k - 1] + 1
			printf "%s %.0f\n", n, sum / s
		}' "$work/out"
}
measure cpuid "$(guest_insn loop_cpuid 'cpuid')"
measure vmcall "$(guest_insn loop_$hypercall "$hypercall")"
measure pio "$(guest_insn loop_pio '\tin ')"
# touch_pages() is inlined into main: its load is "mov (%eax),%cl".
measure ept_first_touch "$(guest_insn main 'mov +\\(%eax\\),%cl')"
