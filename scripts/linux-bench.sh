#!/usr/bin/env bash
# The Linux guest's boot, under Tern and on the bare emulated machine,
# on Bochs with the deterministic clock of the tests (ips=50000000,
# clock sync=none: one tick per emulated instruction): the same
# kernel, initramfs and command line, GRUB loading the kernel itself for
# the bare run, where the kernel is told the TSC's rate (tsc_early_khz):
# Bochs's CPUID says 3.5 GHz for a TSC that counts its 50,000,000
# instructions a second, and a kernel that believes it spins 70 times too
# long in every delay (Tern's CPUID gives the rate it measured, docs/
# linux.md).  The initramfs powers off right after its marker
# (tern_bench).  Prints, for each: wall seconds and Bochs ticks from
# power-on to power-off (instructions, plus the time skipped while the
# CPU halted), the kernel's own clock at "Run /init", and under Tern the
# exits by kind.
# Usage: scripts/linux-bench.sh  (make bench-linux)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/linux-guest.sh
out=build/linux-bench
mkdir -p $out
args="console=ttyS0 nokaslr tern_bench"

# The bare machine: GRUB's own Linux loader.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub"
cp build/linux/vmlinuz build/linux/initrd.gz "$root/boot/"
cat > "$root/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry "Linux" {
  linux /boot/vmlinuz $args tsc_early_khz=50000
  initrd /boot/initrd.gz
}
CFG
grub-mkrescue -o $out/bare.iso "$root" >/dev/null 2>&1
scripts/mkiso.sh $out/tern.iso "" "build/linux/vmlinuz name=linux mem=128M -- $args" \
	"build/linux/initrd.gz initrd_for=linux"

run() {
	local start end
	start=$(date +%s.%N)
	MEM=320M SERIAL=$out/$1.serial BOCHS_OUT=$out/$1.bochs timeout 1800 scripts/bochs.sh $out/$1.iso || true
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }' 
}
bare=$(run bare)
tern=$(run tern)

clock() {   # the kernel's timestamp of a console line matching $2 in $1
	grep -a -m1 "$2" "$1" | sed -n 's/.*\[ *\([0-9.]*\)\].*/\1/p'
}
# Bochs's tick count when it stopped, from its last line "(0).[TICKS] ...":
# one tick per instruction, plus the ticks skipped while the CPU halted.
ticks() {
	grep -a -o '^(0)\.\[[0-9]*\]' "$1" | tail -1 | tr -dc 0-9
}
report() {
	local name=$1 wall=$2 f=$out/$1.serial t
	t=$(ticks $out/$1.bochs)
	printf '%-5s %8.1f s wall, %6s M ticks (%5.1f emulated s) to power-off; kernel clock at "Run /init": %s s\n' \
		"$name" "$wall" "$(awk -v t="${t:-0}" 'BEGIN { printf "%.0f", t / 1e6 }')" \
		"$(awk -v t="${t:-0}" 'BEGIN { printf "%.1f", t / 5e7 }')" "$(clock $f "Run /init as init process")"
	grep -aq "tern-linux: userspace up" $f || echo "$name: the marker never came (console: $f)"
}
echo "== Linux boot to the initramfs marker, then power-off: Bochs 2.7, ips=50000000, clock sync=none =="
report bare "$bare"
report tern "$tern"
grep -a "^tern: guest linux: " $out/tern.serial || true
