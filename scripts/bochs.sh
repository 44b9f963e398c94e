#!/usr/bin/env bash
# Run an ISO under Bochs, headless (DESIGN.md section 6).
# Usage: bochs.sh ISO   with MEM, SERIAL, CPU, IPS, BOCHS_LOG from the
# environment.  The console goes to SERIAL, or to the terminal when
# SERIAL is unset.  Bochs exits with status 1 on power-off as on a
# failure, so callers read the verdict from the console.
set -euo pipefail
iso=$(readlink -f "$1")
megs=${MEM:-256M}
megs=${megs%M}
case "$megs" in *G) megs=$(( ${megs%G} * 1024 ));; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
serial=${SERIAL:-}
follow=
if [ -z "$serial" ]; then
	serial=$work/serial.txt
	: > "$serial"
	follow=1
fi
# SERIAL_SOCKET=PORT: COM1 is a TCP server on localhost that Bochs waits
# for a client to connect to (a test that types into the console).
if [ -n "${SERIAL_SOCKET:-}" ]; then
	com1="com1: enabled=1, mode=socket-server, dev=localhost:$SERIAL_SOCKET"
	follow=
else
	com1="com1: enabled=1, mode=file, dev=\"$serial\""
fi
cat > "$work/bochsrc" <<RC
megs: $megs
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=${CPU:-corei7_skylake_x}, count=1, ips=${IPS:-50000000}, reset_on_triple_fault=0, ignore_bad_msrs=${BOCHS_IGNORE_BAD_MSRS:-1}
clock: sync=none, time0=1
ata0-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
$com1
display_library: sdl2
log: ${BOCHS_LOG:-/dev/null}
port_e9_hack: enabled=1
error: action=report
panic: action=fatal
info: action=ignore
debug: action=ignore
RC
printf 'c\nquit\n' > "$work/cmds"
export SDL_VIDEODRIVER=dummy
if [ -n "$follow" ]; then
	tail -f "$serial" &
	tailpid=$!
	set +e
	bochs -q -f "$work/bochsrc" -rc "$work/cmds" </dev/null >"$work/bochs.out" 2>&1
	rc=$?
	set -e
	sleep 0.2
	kill "$tailpid" 2>/dev/null || true
	exit $rc
fi
exec bochs -q -f "$work/bochsrc" -rc "$work/cmds" </dev/null >"${BOCHS_OUT:-/dev/null}" 2>&1
