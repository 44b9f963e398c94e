#!/usr/bin/env bash
# The Linux guest's boot, under Tern and on the bare emulated machine,
# on Bochs with the deterministic clock of the tests (ips=50000000,
# clock sync=none: one TSC tick per emulated instruction): the same
# kernel, initramfs and command line, GRUB loading the kernel itself for
# the bare run.  The initramfs powers off right after its marker
# (tern_bench).  Prints, for each: wall seconds to power-off, the
# kernel's own clock at "Run /init" and at the marker (seconds, and
# emulated instructions at 50 per microsecond), and under Tern the exits
# by kind.  Usage: scripts/linux-bench.sh  (make bench-linux)
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
  linux /boot/vmlinuz $args
  initrd /boot/initrd.gz
}
CFG
grub-mkrescue -o $out/bare.iso "$root" >/dev/null 2>&1
scripts/mkiso.sh $out/tern.iso "" "build/linux/vmlinuz name=linux mem=128M -- $args" \
	"build/linux/initrd.gz initrd_for=linux"

run() {
	local start end
	start=$(date +%s.%N)
	MEM=320M SERIAL=$out/$1.serial timeout 1800 scripts/bochs.sh $out/$1.iso || true
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }' 
}
bare=$(run bare)
tern=$(run tern)

clock() {   # the kernel's timestamp of a console line matching $2 in $1
	grep -a -m1 "$2" "$1" | sed -n 's/.*\[ *\([0-9.]*\)\].*/\1/p'
}
report() {
	local name=$1 wall=$2 f=$out/$1.serial init
	init=$(clock $f "Run /init as init process")
	printf '%-6s wall %6.1f s; kernel clock at "Run /init": %s s (%s M instructions)\n' \
		"$name" "$wall" "${init:-?}" "$(awk -v t="${init:-0}" 'BEGIN { printf "%.0f", t * 50 }')"
	grep -aq "tern-linux: userspace up" $f || echo "$name: the marker never came (console: $f)"
}
echo "== Linux boot to the initramfs marker: Bochs 2.7, ips=50000000, clock sync=none =="
report bare "$bare"
report tern "$tern"
grep -a "^tern: guest linux: " $out/tern.serial || true
