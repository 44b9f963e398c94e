#!/usr/bin/env bash
# Boot an ISO: scripts/run.sh ISO [qemu|kvm|bochs]
# Without a choice: KVM (-enable-kvm -cpu host) when /dev/kvm is usable
# and the CPU has VMX or SVM, otherwise Bochs.  qemu is QEMU's TCG with
# an AMD CPU model that has SVM and nested paging (EPYC): Tern runs its
# guests there on the SVM backend.  The serial console is this terminal
# (stdout).  Extra settings from the environment:
#   MEM=64M      guest RAM of the emulated machine
#   SERIAL=FILE  write the console to FILE instead
#   SERIAL_SOCKET=PORT  the console is a TCP server on localhost:PORT; the
#                machine waits for a client (tests that type into it)
#   CPU=model    Bochs CPU model (default corei7_skylake_x, VMX; ryzen has SVM)
#   IPS=n        Bochs instructions per emulated second
#   QEMU_CPU=m   QEMU CPU model (TCG only; default EPYC)
#   FIRMWARE=uefi  boot QEMU (TCG or KVM) with OVMF instead of its BIOS
#   QEMU_MACHINE=m QEMU machine and its options (default pc; e.g. pc,pit=off)
#   SERIAL_PORT=2  QEMU: no COM1; the console file or terminal is COM2
#   QEMU_MONITOR=SOCK  QEMU: a monitor on that Unix socket, no exit device,
#                  and the machine kept (paused) after power-off
set -euo pipefail
iso=$1
emu=${2:-}
mem=${MEM:-256M}
here=$(dirname "$(readlink -f "$0")")

have_kvm() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo
}
if [ -z "$emu" ]; then
	if have_kvm; then emu=kvm; else emu=bochs; fi
fi

qemu_args=(-M "${QEMU_MACHINE:-pc}" -m "$mem" -cdrom "$iso" -boot d -display none -no-reboot)
if [ -n "${QEMU_MONITOR:-}" ]; then
	# For a test that reads the machine after it powered off: no exit
	# device, the machine stays (paused) until the monitor says quit.
	qemu_args+=(-no-shutdown -monitor "unix:$QEMU_MONITOR,server,nowait")
else
	qemu_args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x01)
fi
if [ "${FIRMWARE:-bios}" = uefi ]; then
	qemu_args+=(-bios /usr/share/ovmf/OVMF.fd)
fi
serial_arg() {
	if [ -n "${SERIAL_SOCKET:-}" ]; then echo "tcp:127.0.0.1:$SERIAL_SOCKET,server=on,wait=on"
	elif [ -n "${SERIAL:-}" ]; then echo "file:$SERIAL"; else echo "stdio"; fi
}
serial_args=(-serial "$(serial_arg)")
if [ "${SERIAL_PORT:-1}" = 2 ]; then
	serial_args=(-serial none -serial "$(serial_arg)")
fi

case "$emu" in
qemu)
	exec qemu-system-x86_64 -cpu "${QEMU_CPU:-EPYC}" "${qemu_args[@]}" "${serial_args[@]}" ;;
kvm)
	have_kvm || { echo "run: /dev/kvm is not usable or the CPU has neither VMX nor SVM" >&2; exit 1; }
	exec qemu-system-x86_64 -enable-kvm -cpu host "${qemu_args[@]}" "${serial_args[@]}" ;;
bochs)
	if [ -z "${SERIAL:-}" ] && [ -z "${SERIAL_SOCKET:-}" ] && [ -t 0 ]; then
		# Typed input: COM1 on a socket, this terminal bridged to it.
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		SERIAL_SOCKET=$port "$here/bochs.sh" "$iso" &
		bochs=$!
		"$here/console.py" "$port" || true
		wait "$bochs"
		exit $?
	fi
	exec "$here/bochs.sh" "$iso" ;;
*)
	echo "run: unknown emulator '$emu' (qemu, kvm or bochs)" >&2; exit 1 ;;
esac
