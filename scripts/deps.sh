#!/usr/bin/env bash
# Install the Debian packages Tern's build, run and test need, only those
# missing.  As root it runs apt-get itself, otherwise through sudo; with
# neither it prints the exact command and stops (DESIGN.md section 3).
set -euo pipefail
PKGS=(gcc make nasm binutils grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools
      qemu-system-x86 ovmf bochs bochs-sdl bochsbios vgabios python3 clang libclang-rt-14-dev)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1; then
	SUDO=(sudo)
else
	echo "deps: missing packages; as root, run:"
	echo "  apt-get update && ${cmd[*]}"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" "${cmd[@]}" >/dev/null
