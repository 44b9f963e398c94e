#!/usr/bin/env bash
# Build a GRUB ISO with the hypervisor and guests.  With grub-pc-bin and
# grub-efi-amd64-bin installed, grub-mkrescue makes one hybrid image that
# boots on BIOS and on UEFI machines, from a CD or written to a USB stick.
# Usage: mkiso.sh OUT.iso "HYPERVISOR OPTIONS" [GUEST ...]
#   GUEST = "path/to/image.elf name=NAME mem=SIZE [options] [-- cmdline]"
# GRUB talks on COM1 as well as the screen, so a serial-only user sees
# its menu; the timeout is TERN_GRUB_TIMEOUT seconds (default 0).
# TERN_IMAGE replaces build/tern.elf (the tests boot patched copies);
# TERN_GRUB_PRE holds GRUB commands run before the multiboot2 line (the
# tests reshape the memory map with them, e.g. badram).
set -euo pipefail
out=$1; hvopts=$2; shift 2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub" "$root/guests"
cp "${TERN_IMAGE:-build/tern.elf}" "$root/boot/tern.elf"
{
	# Video drivers, so that on UEFI (no text mode) GRUB hands Tern the
	# GOP framebuffer; a BIOS PC keeps its text screen either way.
	echo "insmod all_video"
	echo "serial --unit=0 --speed=115200"
	echo "terminal_input serial console"
	echo "terminal_output serial console"
	echo "set timeout=${TERN_GRUB_TIMEOUT:-0}"
	echo "menuentry \"Tern\" {"
	if [ -n "${TERN_GRUB_PRE:-}" ]; then echo "  ${TERN_GRUB_PRE}"; fi
	echo "  multiboot2 /boot/tern.elf $hvopts"
	for g in "$@"; do
		img=${g%% *}
		args=${g#"$img"}
		base=$(basename "$img")
		cp "$img" "$root/guests/$base"
		echo "  module2 /guests/$base$args"
	done
	echo "  boot"
	echo "}"
} > "$root/boot/grub/grub.cfg"
mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$root" >/dev/null 2>&1 || { grub-mkrescue -o "$out" "$root"; exit 1; }
