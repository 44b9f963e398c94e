#!/usr/bin/env python3
"""Emulator tests: boot the real image with real guests and judge it.

Each case builds an ISO (scripts/mkiso.sh), boots it in QEMU TCG or Bochs
with a timeout, and checks the serial console and how the machine ended:
  - QEMU: the exit status is (value written to isa-debug-exit << 1) | 1,
    so it says which power-off Tern chose (arch/x86/power.h);
  - Bochs: exits 1 for power-off and for failures alike (DESIGN.md 6),
    so the verdict is Bochs' own log saying "soft power off" plus the
    "tern-exit=N" line Tern writes to the debug port 0xE9 (port_e9_hack,
    Bochs' standard output) just before, with the same value.
Cases run in parallel (TERN_JOBS, default 2).  Prints "ok - NAME" or
"FAIL - NAME: why" per case; scripts/test.sh counts those.

Usage: emutest.py [CASE-NAME-SUBSTRING ...]
"""
import concurrent.futures
import os
import re
import socket
import subprocess
import sys
import time

from cases import CASES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "emutest")

# Tern's power-off values (arch/x86/power.h) and QEMU's exit statuses for them.
POWER_OFF_VALUE = {"success": 0, "failure": 1, "panic": 2, "no-vmx": 3}
QEMU_STATUS = {end: (value << 1) | 1 for end, value in POWER_OFF_VALUE.items()}


MB2_HEADER_MAGIC = 0xE85250D6
MB2_TAG_RELOCATABLE = 10
MB2_LOAD_PREFER_HIGH = 2


def prefer_high(src, dst):
    """Copy the image with its relocatable tag's load preference set to
    "high" (boot/header.asm), so that GRUB moves it far from its link
    address: the same code, booted where a UEFI machine might put it."""
    data = bytearray(open(src, "rb").read())
    for off in range(0, 32768, 8):
        if int.from_bytes(data[off:off + 4], "little") == MB2_HEADER_MAGIC:
            break
    else:
        raise RuntimeError("no multiboot2 header in " + src)
    tag = off + 16
    if int.from_bytes(data[tag:tag + 2], "little") != MB2_TAG_RELOCATABLE:
        raise RuntimeError("the first multiboot2 header tag is not the relocatable one")
    data[tag + 20:tag + 24] = MB2_LOAD_PREFER_HIGH.to_bytes(4, "little")
    open(dst, "wb").write(data)


def build_iso(case):
    iso = os.path.join(OUT, case["name"] + ".iso")
    guests = case.get("guests", [])
    env = dict(os.environ)
    if case.get("load") == "high":
        image = os.path.join(OUT, case["name"] + ".tern.elf")
        prefer_high(os.path.join(ROOT, "build", "tern.elf"), image)
        env["TERN_IMAGE"] = image
    env["TERN_GRUB_PRE"] = case.get("grub_pre", "")
    subprocess.run(["scripts/mkiso.sh", iso, case.get("options", "")] + guests,
                   cwd=ROOT, check=True, env=env)
    return iso


def fresh_paths(case, *suffixes):
    """build/emutest/NAME.SUFFIX for each suffix, none of them left from
    an earlier run."""
    paths = [os.path.join(OUT, case["name"] + s) for s in suffixes]
    for f in paths:
        if os.path.exists(f):
            os.unlink(f)
    return paths


def boot(case, iso):
    serial, bochs_log, bochs_out = fresh_paths(case, ".serial", ".bochs.log", ".bochs.out")
    env = dict(os.environ, MEM=case.get("mem", "64M"), SERIAL=serial,
               BOCHS_LOG=bochs_log, BOCHS_OUT=bochs_out)
    # Bochs reads unknown MSRs as 0 unless told to raise #GP as a CPU does.
    env["BOCHS_IGNORE_BAD_MSRS"] = "0" if case.get("strict_msrs") else "1"
    if "cpu" in case:
        env["CPU"] = case["cpu"]
    # Without a model of its own a case gets QEMU's default, qemu64: SVM
    # without nested paging, which Tern refuses with a one-line reason.
    env["QEMU_CPU"] = case.get("qemu_cpu", "qemu64")
    env["FIRMWARE"] = case.get("firmware", "bios")
    env["QEMU_MACHINE"] = case.get("qemu_machine", "pc")
    env["SERIAL_PORT"] = str(case.get("serial_port", 1))
    emu = case["emu"]
    cmd = ["scripts/run.sh", iso, emu]
    start = time.time()
    if "typed" in case:
        status = run_typing(case, cmd, env, serial)
    else:
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, timeout=case.get("timeout", 120),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            status = proc.returncode
        except subprocess.TimeoutExpired:
            status = None
    elapsed = time.time() - start
    console = open(serial, errors="replace").read() if os.path.exists(serial) else ""
    log = open(bochs_log, errors="replace").read() if os.path.exists(bochs_log) else ""
    if os.path.exists(bochs_out):
        log += open(bochs_out, errors="replace").read()
    return status, console.replace("\r", ""), log, elapsed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_typing(case, cmd, env, serial):
    """Boot with the console on a TCP socket and type into it: for each
    (pattern, text) of case["typed"], wait until the console shows the
    pattern (after what the last step matched), then send the text.  The
    console is saved to `serial` as it arrives.  Returns the exit status,
    or None on timeout."""
    env = dict(env, SERIAL_SOCKET=str(free_port()))
    deadline = time.time() + case.get("timeout", 120)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    sock = None
    while sock is None and time.time() < deadline and proc.poll() is None:
        try:
            sock = socket.create_connection(("127.0.0.1", int(env["SERIAL_SOCKET"])), timeout=1)
        except OSError:
            time.sleep(0.2)
    steps, seen, at = list(case["typed"]), "", 0
    with open(serial, "wb") as out:
        while sock and time.time() < deadline:
            sock.settimeout(0.2)
            try:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                out.write(chunk)
                out.flush()
                seen += chunk.decode("latin-1").replace("\r", "")
            except socket.timeout:
                if proc.poll() is not None:
                    break
            while steps:
                m = re.search(steps[0][0], seen[at:], re.M)
                if not m:
                    break
                at += m.end()
                sock.sendall(steps.pop(0)[1].encode("latin-1"))
    if sock:
        sock.close()
    try:
        return proc.wait(timeout=max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def monitor_output(sock, command, quiet=1.0, limit=30.0):
    """Send a monitor command and return what it printed, read until the
    monitor has been quiet for `quiet` seconds."""
    drain(sock)
    sock.sendall(command.encode() + b"\n")
    out, last, start = b"", time.time(), time.time()
    sock.settimeout(0.2)
    while time.time() - last < quiet and time.time() - start < limit:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        out += chunk
        last = time.time()
    sock.settimeout(None)
    return out.decode("latin-1").replace("\r", "")


DIRECT_MAP_BASE = 0xFFFF800000000000   # mm/paging.h


def check_write_combining(tlb, fb_addr, fb_size):
    """QEMU's "info tlb" lists each leaf as "VADDR: PADDR FLAGS", with
    T for PWT and C for PCD.  The direct map of the framebuffer must be
    PWT alone (host PAT entry 1, write-combining: mm/paging.c), and the
    RAM around it not."""
    fb_lo, fb_hi = DIRECT_MAP_BASE + fb_addr, DIRECT_MAP_BASE + fb_addr + fb_size
    inside = outside = 0
    for m in re.finditer(r"^([0-9a-f]{16}): ([0-9a-f]{16}) ([-A-Z]+)$", tlb, re.M):
        va, flags = int(m.group(1), 16), m.group(3)
        if va < DIRECT_MAP_BASE:
            continue
        wc = "T" in flags and "C" not in flags
        if fb_lo <= va < fb_hi:
            inside += 1
            if not wc:
                return "framebuffer page 0x%x is mapped %s, not write-combining (PWT alone)" % (va, flags)
        elif wc:
            return "page 0x%x outside the framebuffer is mapped write-combining" % va
        else:
            outside += 1
    if not inside or not outside:
        return "info tlb shows %d framebuffer and %d other direct-map pages" % (inside, outside)
    return None


def drain(sock):
    """Read what the monitor echoed, so its output never fills up."""
    sock.setblocking(False)
    try:
        while sock.recv(65536):
            pass
    except (BlockingIOError, OSError):
        pass
    sock.setblocking(True)


FONT = None


def font8x16():
    """The console's glyphs, from the generated build/font8x16.c."""
    global FONT
    if FONT is None:
        src = open(os.path.join(ROOT, "build", "font8x16.c")).read()
        data = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", src.split("{", 1)[1]))
        FONT = {data[c * 16:(c + 1) * 16]: chr(c) for c in range(0x7E, 0x1F, -1)}
    return FONT


def fb_text(pixels, cols, rows, pitch, bpp):
    """Turn a pixel framebuffer back into text: each 8x16 cell's lit
    pixels as glyph rows, looked up in the font ('#' if none matches)."""
    font, step = font8x16(), bpp // 8
    lines = []
    for r in range(rows):
        line = ""
        for c in range(cols):
            glyph = bytearray(16)
            for gy in range(16):
                base = (r * 16 + gy) * pitch + c * 8 * step
                for gx in range(8):
                    if any(pixels[base + gx * step:base + gx * step + step]):
                        glyph[gy] |= 0x80 >> gx
            line += font.get(bytes(glyph), "#")
        lines.append(line.rstrip())
    return "\n".join(lines)


FB_LINE = re.compile(r"^tern: console: and the \d+x\d+ graphics screen at (0x[0-9a-f]+) "
                     r"\((\d+) bpp, pitch (\d+)\): (\d+)x(\d+) characters$", re.M)


def read_screen(case):
    """Boot with a QEMU monitor and read the screen out of the machine
    every half second, until it shows the case's last pattern or the
    timeout: what a PC without a serial port would show.  On BIOS that
    is the VGA text screen (80x25 cells at 0xB8000); on UEFI the GOP
    framebuffer, found from the console line on the serial log and read
    back glyph by glyph.  Tern powers off at the end; -no-shutdown keeps
    the machine (paused) for the last read."""
    serial, sock, dump = fresh_paths(case, ".serial", ".mon", ".screen")
    iso = build_iso(case)
    uefi = case.get("firmware") == "uefi"
    env = dict(os.environ, MEM=case.get("mem", "64M"), SERIAL=serial, QEMU_MONITOR=sock,
               QEMU_CPU=case.get("qemu_cpu", "qemu64"), QEMU_MACHINE="pc",
               FIRMWARE="uefi" if uefi else "bios", SERIAL_PORT="1")
    proc = subprocess.Popen(["scripts/run.sh", iso, "qemu"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + case.get("timeout", 60)
    text, mon, m, wc_problem = "", None, None, None
    try:
        while time.time() < deadline and mon is None:
            time.sleep(0.2)
            try:
                mon = socket.socket(socket.AF_UNIX)
                mon.connect(sock)
            except OSError:
                mon = None
        while mon and time.time() < deadline:
            time.sleep(0.5)
            if uefi:
                log = open(serial, "rb").read().decode("latin-1") if os.path.exists(serial) else ""
                m = FB_LINE.search(log.replace("\r", ""))
                if not m:
                    continue
                addr, bpp, pitch, cols, rows = m.group(1), *map(int, m.groups()[1:])
                size = pitch * rows * 16
            else:
                addr, size = "0xb8000", 4000
            # The file name quoted: unquoted, "4000 /path" reads as a division.
            mon.sendall(('pmemsave %s %d "%s"\n' % (addr, size, dump)).encode())
            time.sleep(0.3 if not uefi else 1.0)
            drain(mon)
            cells = open(dump, "rb").read() if os.path.exists(dump) else b""
            if uefi:
                text = fb_text(cells, cols, rows, pitch, bpp) if len(cells) == size else ""
            else:
                text = "\n".join(cells[r * 160:(r + 1) * 160:2].decode("latin-1").rstrip()
                                 for r in range(len(cells) // 160))
            if re.search(case["screen_expect"][-1], text, re.M):
                break
        if mon and uefi and m:
            tlb = monitor_output(mon, "info tlb")
            open(os.path.join(OUT, case["name"] + ".tlb.txt"), "w").write(tlb)
            height = int(re.search(r"the \d+x(\d+) graphics screen", log).group(1))
            wc_problem = check_write_combining(tlb, int(addr, 16), pitch * height)
        if mon:
            mon.sendall(b"quit\n")
            time.sleep(0.5)
            mon.close()
    except OSError as e:  # the verdict below says what was missing
        text += "\n(reading the screen failed: %s)" % e
    finally:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            subprocess.run(["pkill", "-f", sock])
            proc.kill()
    open(os.path.join(OUT, case["name"] + ".screen.txt"), "w").write(text)
    for pattern in case["screen_expect"]:
        if not re.search(pattern, text, re.M):
            return "screen lacks /%s/ (build/emutest/%s.screen.txt)" % (pattern, case["name"])
    if uefi and (wc_problem or not m):
        return "%s (build/emutest/%s.tlb.txt)" % (wc_problem or "no graphics console line", case["name"])
    return None


def judge(case, status, console, log):
    """Return None if the run is as expected, else the reason it is not."""
    end = case["end"]
    if end == "hang":
        # Cases that must stop the CPU for good (nothing to power off with).
        if status is not None:
            return "the machine ended (status %s); it should have halted" % status
    elif status is None:
        return "timed out after %ss (the machine did not power off)" % case.get("timeout", 120)
    elif case["emu"] == "qemu":
        want = QEMU_STATUS[end]
        if status != want:
            return "QEMU exit status %s, want %d (%s)" % (status, want, end)
    else:
        if "soft power off" not in log and "Shutdown" not in log:
            return "Bochs ended without an ACPI power-off (exit %s)" % status
        values = re.findall(r"tern-exit=(\d+)", log)
        if not values:
            return "Bochs powered off without Tern's tern-exit=N on port 0xE9"
        if int(values[-1]) != POWER_OFF_VALUE[end]:
            return "Tern powered off with value %s, want %d (%s)" % (
                values[-1], POWER_OFF_VALUE[end], end)
    lines = [l for l in console.split("\n") if l.strip()]
    for pattern in case.get("expect", []) + case.get("vmx_expect", []):
        if not re.search(pattern, console, re.M):
            return "console lacks /%s/" % pattern
    for pattern in case.get("reject", []):
        m = re.search(pattern, console, re.M)
        if m:
            return "console has forbidden /%s/: %r" % (pattern, m.group(0))
    if "last" in case:
        if not lines or not re.search(case["last"], lines[-1]):
            return "last console line %r does not match /%s/" % (
                lines[-1] if lines else "", case["last"])
    for check in case.get("checks", []):
        why = check(console)
        if why:
            return why
    return None


def run_case(case):
    if "screen_expect" in case:
        start = time.time()
        return case["name"], read_screen(case), time.time() - start
    try:
        iso = build_iso(case)
    except subprocess.CalledProcessError as e:
        return case["name"], "ISO build failed: %s" % e, 0
    status, console, log, elapsed = boot(case, iso)
    return case["name"], judge(case, status, console, log), elapsed


def main():
    os.makedirs(OUT, exist_ok=True)
    want = sys.argv[1:]
    cases = [c for c in CASES if not want or any(w in c["name"] for w in want)]
    # Slow (Bochs) cases first so the two workers finish together.
    cases.sort(key=lambda c: -c.get("timeout", 120))
    jobs = int(os.environ.get("TERN_JOBS", "2"))
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for name, why, elapsed in pool.map(run_case, cases):
            if why:
                failed += 1
                print("FAIL - emu/%s: %s (console: build/emutest/%s.serial)" % (name, why, name),
                      flush=True)
            else:
                print("ok - emu/%s (%.1fs)" % (name, elapsed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
