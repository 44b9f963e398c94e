#!/usr/bin/env python3
"""Build the Linux test guest's initramfs (a gzipped cpio "newc"
archive, Documentation/driver-api/early-userspace/buffer-format.rst)
from a static busybox, with no cpio tool needed.

Usage: initramfs.py BUSYBOX OUT.gz

/init mounts /proc, /sys and /dev, prints the marker line the tests
wait for, and runs a shell on the console (ttyS0).  poweroff -f in it
ends the guest through ACPI S5; with tern_bench on the kernel command
line /init powers off right after the marker (scripts/linux-bench.sh)."""
import gzip
import io
import os
import sys

INIT = b"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "tern-linux: userspace up, kernel $(uname -r)"
# scripts/linux-bench.sh times the boot to here, then powers off.
grep -qw tern_bench /proc/cmdline && poweroff -f
exec setsid cttyhack sh
"""


def entry(out, name, mode, data=b"", rdev=(0, 0), ino=[1]):
    name_b = name.encode() + b"\0"
    fields = [ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    ino[0] += 1
    out.write(b"070701" + b"".join(b"%08X" % f for f in fields) + name_b)
    out.write(b"\0" * (-(110 + len(name_b)) % 4))
    out.write(data)
    out.write(b"\0" * (-len(data) % 4))


def main():
    busybox, dest = sys.argv[1], sys.argv[2]
    raw = io.BytesIO()
    for d in ("bin", "dev", "proc", "sys", "tmp", "root"):
        entry(raw, d, 0o040755)
    entry(raw, "dev/console", 0o020600, rdev=(5, 1))
    entry(raw, "dev/ttyS0", 0o020600, rdev=(4, 64))
    with open(busybox, "rb") as f:
        entry(raw, "bin/busybox", 0o100755, f.read())
    entry(raw, "bin/sh", 0o120777, b"busybox")
    entry(raw, "init", 0o100755, INIT)
    entry(raw, "TRAILER!!!", 0)
    tmp = dest + ".tmp"
    with open(tmp, "wb") as f, gzip.GzipFile(filename="", fileobj=f, mode="wb", compresslevel=9, mtime=0) as z:
        z.write(raw.getvalue())
    os.replace(tmp, dest)


if __name__ == "__main__":
    main()
