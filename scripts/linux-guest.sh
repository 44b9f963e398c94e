#!/usr/bin/env bash
# The Linux test guest, from Debian packages only (never committed):
# the kernel of linux-image-amd64 and an initramfs around busybox-static
# (scripts/initramfs.py).  Leaves build/linux/vmlinuz and
# build/linux/initrd.gz; does nothing when they are there and newer than
# this script and initramfs.py.  LINUX_KERNEL=path uses that bzImage
# instead of Debian's.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
out=build/linux
if [ -s $out/vmlinuz ] && [ -s $out/initrd.gz ] && [ $out/initrd.gz -nt scripts/initramfs.py ] &&
   [ $out/initrd.gz -nt scripts/linux-guest.sh ] && [ -z "${LINUX_KERNEL:-}" ]; then
	exit 0
fi
mkdir -p $out/debs $out/root
fetch() {
	# The versioned image package the metapackage depends on.
	local image
	image=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$image" ] || return 1
	(cd $out/debs && rm -f ./*.deb && apt-get download "$image" busybox-static >/dev/null 2>&1)
}
if [ -z "${LINUX_KERNEL:-}" ] || [ ! -s $out/root/bin/busybox ]; then
	update=(apt-get update -qq)
	[ "$(id -u)" = 0 ] || update=(sudo "${update[@]}")
	fetch || { "${update[@]}" >/dev/null && fetch; } || {
		echo "linux-guest: could not download linux-image-amd64 and busybox-static" >&2; exit 1; }
	for d in $out/debs/*.deb; do dpkg-deb -x "$d" $out/root; done
fi
if [ -n "${LINUX_KERNEL:-}" ]; then
	cp "$LINUX_KERNEL" $out/vmlinuz
else
	cp "$(ls $out/root/boot/vmlinuz-* | head -1)" $out/vmlinuz
fi
python3 scripts/initramfs.py $out/root/bin/busybox $out/initrd.gz
echo "linux-guest: kernel $(stat -c %s $out/vmlinuz) bytes, initrd $(stat -c %s $out/initrd.gz) bytes in $out"
