"""The emulator test cases (run by scripts/emutest.py).

A case: name; emu "qemu" (TCG, no VT-x) or "bochs" (VT-x); mem; hypervisor
options; guests (mkiso.sh syntax); end = which power-off ("success",
"failure", "panic", "no-vmx"; QEMU checks the exit status, Bochs the ACPI
power-off); expect / reject = regexes on the console; last = regex for
the last console line; checks = functions(console) -> None or a reason.
"""
import re

NO_VTX = r"^tern: no VT-x: CPUID\.1:ECX\.VMX\[bit 5\] = 0\b.*IA32_FEATURE_CONTROL.*Bochs.*KVM with nested VT-x"


def ram_mib_between(lo, hi):
    """The boot summary's usable RAM must match the emulator's RAM size."""
    def check(console):
        m = re.search(r"^tern: RAM: (\d+) MiB usable in (\d+) regions, highest address 0x([0-9a-f]+)",
                      console, re.M)
        if not m:
            return "no RAM summary line"
        mib = int(m.group(1))
        if not lo <= mib <= hi:
            return "usable RAM %d MiB, want %d..%d" % (mib, lo, hi)
        return None
    return check


def free_frames_between(lo_mib, hi_mib):
    def check(console):
        m = re.search(r"^tern: frames: (\d+) free \((\d+) MiB\), 0 used, (\d+) managed", console, re.M)
        if not m:
            return "no frame summary line"
        free, managed = int(m.group(1)), int(m.group(3))
        if free != managed:
            return "free frames %d != managed %d at boot" % (free, managed)
        if not lo_mib <= free * 4 // 1024 <= hi_mib:
            return "free frames %d (%d MiB), want %d..%d MiB" % (free, free * 4 // 1024, lo_mib, hi_mib)
        return None
    return check


def highest_above_4g(console):
    m = re.search(r"highest address 0x([0-9a-f]+)", console)
    if not m or int(m.group(1), 16) <= 1 << 32:
        return "highest usable address is not above 4 GiB"
    return None


BOOT_SUMMARY = [r"^tern: Tern hypervisor, loaded by GRUB", r"^tern: memory map: \d+ entries",
                r"^tern: modules: \d+"]

CASES = [
    dict(name="qemu-64M", emu="qemu", mem="64M", end="no-vmx", timeout=60,
         expect=BOOT_SUMMARY, last=NO_VTX,
         checks=[ram_mib_between(60, 64), free_frames_between(56, 63)]),
    dict(name="qemu-512M", emu="qemu", mem="512M", end="no-vmx", timeout=60,
         expect=BOOT_SUMMARY, last=NO_VTX,
         checks=[ram_mib_between(508, 512), free_frames_between(500, 511)]),
    dict(name="qemu-6G", emu="qemu", mem="6G", end="no-vmx", timeout=90,
         expect=BOOT_SUMMARY, last=NO_VTX,
         checks=[ram_mib_between(6136, 6144), free_frames_between(6100, 6143), highest_above_4g]),
    dict(name="qemu-bad-options", emu="qemu", mem="64M", end="no-vmx", timeout=60,
         options="loglevel=loud frobnicate=1 quantum=0",
         expect=[r"^tern: option loglevel: expected none, error, warn, info, debug or 0-4; ignored",
                 r"^tern: option frobnicate: unknown option; ignored",
                 r"^tern: option quantum: expected a time slice in milliseconds"] + BOOT_SUMMARY,
         last=NO_VTX),
    dict(name="qemu-loglevel-error", emu="qemu", mem="64M", end="no-vmx", timeout=60,
         options="loglevel=error", reject=[r"^tern: memory map", r"^tern: RAM:"], last=NO_VTX),
    dict(name="crash-page-fault", emu="qemu", mem="64M", end="panic", timeout=60,
         options="crashtest=pf",
         expect=[r"^tern: CRASH: CPU exception 14 \(#PF page fault\) in the hypervisor",
                 r"^vector=14 error_code=0x2$",
                 r"^RIP=ffffffff8[0-9a-f]{7} crash_page_fault\+0x[0-9a-f]+$",
                 r"^CR0=[0-9a-f]{16} CR2=000000000dead000 CR3=[0-9a-f]{16} CR4=[0-9a-f]{16}$",
                 r"^RAX=[0-9a-f]{16} RBX=", r"^R12=[0-9a-f]{16} R13=",
                 r"^backtrace:$", r"^  #\d+ ffffffff8[0-9a-f]{7} crashtest_run\+0x",
                 r"^  #\d+ ffffffff8[0-9a-f]{7} kmain\+0x"],
         last=r"^tern: CRASH: powering off$"),
    dict(name="crash-invalid-opcode", emu="qemu", mem="64M", end="panic", timeout=60,
         options="crashtest=ud",
         expect=[r"^tern: CRASH: CPU exception 6 \(#UD invalid opcode\)",
                 r"^RIP=ffffffff8[0-9a-f]{7} crash_invalid_opcode\+0x"],
         last=r"^tern: CRASH: powering off$"),
    dict(name="crash-panic", emu="qemu", mem="64M", end="panic", timeout=60,
         options="crashtest=panic",
         expect=[r"^tern: PANIC: crashtest: deliberate panic$",
                 r"^  #\d+ ffffffff8[0-9a-f]{7} kmain\+0x"],
         last=r"^tern: CRASH: powering off$"),
    dict(name="bochs-boot-64M", emu="bochs", mem="64M", end="success", timeout=180,
         expect=BOOT_SUMMARY + [r"^tern: vmx: VT-x present"],
         last=r"^tern: all guests done: 0 exited, 0 stopped$",
         checks=[ram_mib_between(60, 64), free_frames_between(56, 63)]),
    dict(name="bochs-crash-page-fault", emu="bochs", mem="64M", end="panic", timeout=180,
         options="crashtest=pf",
         expect=[r"^tern: CRASH: CPU exception 14 \(#PF page fault\)",
                 r"^RIP=ffffffff8[0-9a-f]{7} crash_page_fault\+0x"],
         last=r"^tern: CRASH: powering off$"),
]
