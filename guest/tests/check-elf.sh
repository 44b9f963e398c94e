#!/bin/sh
# check-elf.sh GUEST.elf: a test guest must be ELF32 i386, with every
# program header at or above 1 MiB and the multiboot (v1) header magic
# 0x1BADB002 (4-byte aligned) within the file's first 8 KiB.
set -eu
f=$1
readelf -h "$f" | grep -q 'Class:.*ELF32' || { echo "$f: not ELF32"; exit 1; }
readelf -h "$f" | grep -q 'Machine:.*80386' || { echo "$f: not i386"; exit 1; }
n=0
readelf -lW "$f" | awk '$1 ~ /^[A-Z_]+$/ && $2 ~ /^0x/ && $3 ~ /^0x/ { print $1, $3, $4 }' > "$f.phdrs"
while read -r type vaddr paddr; do
	n=$((n + 1))
	if [ $((vaddr)) -lt 1048576 ] || [ $((paddr)) -lt 1048576 ]; then
		echo "$f: $type segment at $vaddr (physical $paddr) is below 1 MiB"
		rm -f "$f.phdrs"
		exit 1
	fi
done < "$f.phdrs"
rm -f "$f.phdrs"
[ "$n" -gt 0 ] || { echo "$f: no program headers"; exit 1; }
off=$(od -A d -t x4 -v -N 8192 "$f" | awk '{ for (i = 2; i <= NF; i++) if ($i == "1badb002") { print $1 + (i - 2) * 4; exit } }')
[ -n "$off" ] || { echo "$f: no multiboot header in the first 8 KiB"; exit 1; }
exit 0
