"""The emulator test cases (run by scripts/emutest.py).

A case: name; emu "qemu" (TCG: no VT-x; SVM with nested paging when
qemu_cpu is an SVM model such as EPYC) or "bochs" (VT-x); mem; hypervisor
options; guests (mkiso.sh syntax); end = which power-off ("success",
"failure", "panic", "no-vmx"; QEMU checks the exit status, Bochs the ACPI
power-off); expect / reject = regexes on the console; last = regex for
the last console line; checks = functions(console) -> None or a reason.

Every guest case runs on both backends: the VMX cases below (Bochs) get
an SVM twin (QEMU TCG, -cpu EPYC) from svm_twin(), with the exit names
SVM reports.
"""
import re

SVM_CPU = "EPYC"
# The names each backend gives the exits that cases count (vmx/backend.c,
# svm/backend.c).
VMX_NAMES = {"npf": "EPT violation", "hypercall": "VMCALL", "io": "I/O instruction",
             "quantum": "preemption timer", "present": r"vmx: VT-x present"}
SVM_NAMES = {"npf": "nested page fault", "hypercall": "VMMCALL", "io": "IOIO",
             "quantum": "INTR", "present": r"svm: AMD-V present: NPT"}

NO_VIRT = (r"^tern: no VT-x or AMD-V: CPUID\.1:ECX\.VMX\[bit 5\] = 0 and "
           r"CPUID\.80000001H:ECX\.SVM\[bit 2\] = 0\b.*Bochs.*QEMU with an SVM CPU model.*KVM")
# QEMU's default CPU (qemu64) offers SVM without nested paging.
NO_NPT = r"^tern: svm: cannot run guests: this CPU's AMD-V lacks nested paging \(NPT\)$"


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
    """At boot the allocator owns the RAM and nothing is in use: the
    direct map's page tables and the allocator's metadata were set aside
    before it existed."""
    def check(console):
        m = re.search(r"^tern: frames: (\d+) free \((\d+) MiB\), (\d+) used, (\d+) managed", console, re.M)
        if not m:
            return "no frame summary line"
        free, used, managed = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if free + used != managed:
            return "free %d + used %d != managed %d" % (free, used, managed)
        if used:
            return "%d frames used at boot, want none" % used
        if not lo_mib <= free * 4 // 1024 <= hi_mib:
            return "free frames %d (%d MiB), want %d..%d MiB" % (free, free * 4 // 1024, lo_mib, hi_mib)
        return None
    return check


LINK_ADDRESS = 0x200000   # linker.ld


def image_moved(lo_mib, hi_mib):
    """GRUB relocated the image (load preference "high"): it says so, and
    the image lies away from its link address, inside RAM."""
    def check(console):
        m = re.search(r"^tern: image at 0x([0-9a-f]+)-0x([0-9a-f]+) \(moved there by the boot loader\)$",
                      console, re.M)
        if not m:
            return "no line saying the image was moved"
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        if start == LINK_ADDRESS or start % (2 << 20):
            return "image at 0x%x: not moved by a multiple of 2 MiB" % start
        if not (lo_mib << 20) <= start < end <= (hi_mib << 20):
            return "image at 0x%x-0x%x, want it within %d..%d MiB" % (start, end, lo_mib, hi_mib)
        return None
    return check


def highest_above_4g(console):
    m = re.search(r"highest address 0x([0-9a-f]+)", console)
    if not m or int(m.group(1), 16) <= 1 << 32:
        return "highest usable address is not above 4 GiB"
    return None


def frames_returned(console):
    """Every frame a guest used is back in the allocator when it ends."""
    m = re.search(r"^tern: frames: (\d+) free before the guests, (\d+) after$", console, re.M)
    if not m:
        return "no before/after frame line"
    if m.group(1) != m.group(2):
        return "frames free before the guests %s, after %s" % (m.group(1), m.group(2))
    return None


def exit_count(console, guest, reason):
    m = re.search(r"^tern: guest %s: \d+ exits[^;]*?, %s (\d+)" % (guest, reason), console, re.M)
    return int(m.group(1)) if m else 0


def toucher_faults_per_page(console, names=VMX_NAMES):
    """Demand paging backs 4 KiB pages: one nested page fault per touched page."""
    m = re.search(r"^\[toucher\] touched (\d+) pages$", console, re.M)
    if not m:
        return "toucher did not report the pages it touched"
    touched = int(m.group(1))
    if touched < 16000:
        return "toucher touched only %d pages of 64 MiB" % touched
    faults = exit_count(console, "toucher", names["npf"])
    # The loader backs the image and boot information pages itself; every
    # other page costs exactly one violation (a few more for the stack etc.).
    if not touched <= faults <= touched + 16:
        return "%d %ss for %d touched pages" % (faults, names["npf"], touched)
    m = re.search(r"^tern: guest toucher: .*; (\d+) pages backed$", console, re.M)
    if not m or not faults <= int(m.group(1)) <= faults + 16:
        return "pages backed (%s) does not match %d violations" % (m and m.group(1), faults)
    return None


def spinners_interleave(console, names=VMX_NAMES):
    """Two CPU-bound guests make progress side by side: preemption works."""
    order = re.findall(r"^\[(spin-a|spin-b)\] spin (\d)$", console, re.M)
    if len(order) != 10:
        return "%d spin lines, want 10" % len(order)
    first_b = next(i for i, (g, _) in enumerate(order) if g == "spin-b")
    last_a = max(i for i, (g, _) in enumerate(order) if g == "spin-a")
    if first_b > last_a:
        return "spin-b printed only after spin-a finished: no preemption"
    for g in ("spin-a", "spin-b"):
        if exit_count(console, g, names["quantum"]) < 2:
            return "%s was not preempted twice or more" % g
    return None


def idle_is_cheap(console, names=VMX_NAMES, timed=True):
    """A guest waiting in HLT costs (almost) nothing: the ticker's idle
    ticks take one HLT exit each, and a CPU-bound guest beside it does its
    10,000,000 instructions of work in at most 2% more TSC ticks (Bochs:
    the TSC counts instructions, so this is deterministic: alone it takes
    10,018,885, beside the waiting ticker 10,126,457; QEMU's TSC follows
    the wall clock, so there only the exit count is checked)."""
    m = re.search(r"^\[ticker\] ticks: (\d+), RTC ticks: (\d+)$", console, re.M)
    if not m:
        return "no ticks line from the ticker"
    ticks = int(m.group(1)) + int(m.group(2))
    hlt = exit_count(console, "ticker", "HLT")
    if not ticks or hlt > ticks + 2:
        return "ticker: %d HLT exits for %d ticks: a wait is not one HLT" % (hlt, ticks)
    m = re.search(r"^\[spin\] spin work (\d+) ticks$", console, re.M)
    if not m:
        return "no work figure from the spinner"
    if timed and int(m.group(1)) > 10200000:
        return "the spinner's work took %s ticks beside an idle guest, more than 2%% over 10,000,000" % m.group(1)
    return None


def linux_tsc_agrees(console):
    """The rate Linux takes for its TSC (from CPUID leaves 15h/16h) is
    the one Tern measured, within 1%: a kernel that believed Bochs's own
    CPUID (3.5 GHz for a TSC at 50 MHz) would spin 70 times too long in
    every delay and keep time 70 times too slow."""
    tern = re.search(r"^tern: TSC: (\d+) kHz$", console, re.M)
    # "MHz TSC" when it differs from the processor's rate (leaf 16h).
    linux = (re.search(r"^\[linux\] \[ *[0-9.]+\] tsc: Detected (\d+)\.(\d+) MHz TSC$", console, re.M) or
             re.search(r"^\[linux\] \[ *[0-9.]+\] tsc: Detected (\d+)\.(\d+) MHz processor$", console, re.M))
    if not tern or not linux:
        return "no TSC rate from Tern or from Linux"
    khz, mhz = int(tern.group(1)), int(linux.group(1)) + int(linux.group(2)) / 1000
    if abs(mhz * 1000 - khz) > khz / 100:
        return "Linux took its TSC for %.3f MHz; Tern measured %d kHz" % (mhz, khz)
    return None


# The Linux guest from Debian's packages (scripts/linux-guest.sh builds
# both files before the emulator cases run).
LINUX_GUEST = ["build/linux/vmlinuz name=linux mem=128M -- console=ttyS0 nokaslr",
               "build/linux/initrd.gz initrd_for=linux"]
FLOOD_WARNING = r"^tern: guest flood floods its console \(over 2 KiB/s\): dropping lines beyond that$"


def flood_bounded(console, names=VMX_NAMES, timed=True):
    """A guest flooding its console for 3 s: while the four CPU-bound
    guests beside it run, at most its budget reaches the console (2 KiB/s
    and a 4 KiB burst, guest/vm.h: 10 KiB, about 160 of its 64-byte
    lines; more may follow once it is alone), the rest is dropped and
    counted, and the four each do their 10,000,000 instructions of work
    in at most 60,000,000 TSC ticks (five guests share the CPU:
    50,000,000 is the fair share; Bochs, deterministic).  QEMU's TCG runs
    the workers too fast for the flood to meet them (timed=False): only
    the workers' results count there."""
    ends = [m.start() for m in re.finditer(r"^tern: guest w\d exited", console, re.M)]
    contended = console[:max(ends)] if len(ends) == 4 else console
    printed = len(re.findall(r"^\[flood\] ", contended, re.M))
    if printed > (3 * 2 + 4) * 1024 // 64 + 10:
        return "%d flood lines reached the console beside the workers, more than its budget" % printed
    m = re.search(r"^tern: guest flood: .*; (\d+) console lines \((\d+) bytes\) dropped", console, re.M)
    if timed and (not m or int(m.group(1)) < 100):
        return "the flood's dropped lines are not reported (or too few: %s)" % (m and m.group(1))
    work = [int(x) for x in re.findall(r"^\[w\d\] spin work (\d+) ticks$", console, re.M)]
    if len(work) != 4:
        return "%d of the 4 workers reported their work" % len(work)
    if timed and max(work) > 60000000:
        return "a worker beside the flood took %d ticks, more than 60,000,000" % max(work)
    return None


def string_io_lines(console):
    """cpustate prints one line by REP OUTSB under each paging mode."""
    n = len(re.findall(r"^\[cpustate\] string I/O through guest paging works$", console, re.M))
    return None if n == 2 else "%d lines printed by string I/O under guest paging, want 2" % n


G = "build/guests/"
HELLO = G + "hello.elf name=hello mem=4M -- hello world"
# GRUB commands that punch a 4 KiB hole every 256 KiB from 4 MiB to 62 MiB.
FRAGMENT_MAP = "insmod mmap\n" + "\n".join(
    f"  cutmem {k}K {k + 4}K" for k in range(4096, 62 * 1024, 256))
HELLO_EXITED = r"^tern: guest hello exited status=1$"

def broken_first_guest(name, crashtest, expect, svm=False):
    """crashtest=<kind> breaks the first guest: its failure must be
    reported with a VMCS (VMCB) dump and contained, the second guest runs."""
    block = "VMCB" if svm else "VMCS"
    case = dict(name=name, emu="bochs", mem="64M", end="failure", timeout=180,
                options="crashtest=" + crashtest,
                guests=[G + "hello.elf name=broken mem=4M", HELLO],
                expect=[r"^%s of guest broken \(at 0x[0-9a-f]+\):$" % block] + expect +
                       [r"^tern: guest hello exited status=1$"],
                reject=[r"CRASH"],
                last=r"^tern: all guests done: 1 exited, 1 stopped$",
                checks=[frames_returned])
    if svm:
        case.update(emu="qemu", qemu_cpu=SVM_CPU, timeout=90, mem="128M")
    return case


# Words of a VMX case's patterns that name VMX mechanisms, and what the
# SVM backend says instead.
SVM_WORDS = [(VMX_NAMES[k], SVM_NAMES[k]) for k in ("npf", "hypercall", "io", "quantum", "present")]
# Cases that are about VMX itself (its CPU models, its failure reports):
# their SVM counterparts are written out below.
VMX_ONLY = ("bochs-vmentry-", "bochs-ept-misconfig", "bochs-cpu-", "bochs-crash-page-fault", "bochs-apicv-off",
            "bochs-missing-msr")   # QEMU's TCG raises no #GP for unknown MSRs


def svm_twin(case):
    """The same guests and verdict on the SVM backend: QEMU TCG with an
    SVM CPU model (nested paging, no NRIP save), where the exit status
    gives the end state."""
    twin = dict(case, name="svm-" + case["name"][len("bochs-"):], emu="qemu", qemu_cpu=SVM_CPU,
                timeout=min(case.get("timeout", 120), 120))
    if "svm_options" in case:
        twin["options"] = case["svm_options"]
    if "svm_guests" in case:
        twin["guests"] = case["svm_guests"]
    twin.pop("vmx_expect", None)
    twin.pop("svm_loose", None)
    swap = _swap
    for key in ("expect", "reject"):
        if key in case:
            twin[key] = [swap(p) for p in case[key]]
    # Patterns that hold on the deterministic Bochs clock only: QEMU TCG's
    # clock follows the host's, which a loaded machine makes uneven.
    for strict, loose in case.get("svm_loose", []):
        twin["expect"] = [loose if p == strict else p for p in twin["expect"]]
    if "last" in case:
        twin["last"] = swap(case["last"])
    twin["checks"] = [SVM_CHECKS.get(c, c) for c in case.get("checks", [])]
    return twin


def bochs_svm_twin(case):
    """The same on Bochs' AMD model (ryzen), which unlike QEMU has NRIP
    save, flush by ASID and an XSETBV intercept: the other SVM paths."""
    twin = svm_twin(case)
    twin.update(name="bochs-ryzen-" + case["name"][len("bochs-"):], emu="bochs", cpu="ryzen",
                timeout=case.get("timeout", 180))
    del twin["qemu_cpu"]
    if "vmx_expect" in case:
        twin["expect"] = twin["expect"] + [_swap(p) for p in case["vmx_expect"]]
    return twin


def _swap(pattern):
    for a, b in SVM_WORDS:
        pattern = pattern.replace(a, b)
    return pattern


# checks=on (guest/check.h): after creation, and after each guest ends.
CHECKS_CREATED = r"^tern: checks \(guests created\): allocator consistent, [1-9]\d* guest pages, each an allocated frame of one guest$"
CHECKS_AFTER = r"^tern: checks \(%s\): allocator consistent, \d+ guest pages, each an allocated frame of one guest$"

# Two batches: QEMU's SVM model has 16 ASIDs, so at most 15 guests.
HOSTILE_ACTS = ["write-past-ram", "fetch-past-ram", "unmapped-mmio", "mmio-fxsave", "pt-in-mmio",
                "pt-past-ram", "idt-in-mmio", "stack-in-mmio", "gdt-in-mmio", "acpi-s3",
                "apic-base-ram", "apic-base-rsvd", "x2apic-to-xapic"]
HOSTILE_SCANS = ["nmi-storm", "port-read-all", "msr-read-scan", "cpuid-scan", "hypercall-scan",
                 "illegal-vectors", "ipi-storm"]

# 625000 at 62.5 MHz, ~5% more for the exits.
SHELL_TIMER = r"^\[sh1\] LAPIC at 0xfee00000, I/O APIC at 0xfec00000, COM1 on pin 4, timer 6\d{5} counts"

BOOT_SUMMARY = [r"^tern: Tern hypervisor, loaded by GRUB", r"^tern: memory map: \d+ entries",
                r"^tern: image at 0x[0-9a-f]+-0x[0-9a-f]+",
                r"^tern: modules: \d+"]

BIOS_MAP = r"^tern: memory map: \d+ entries \(from the boot loader's memory map\)$"
EFI_MAP = r"^tern: memory map: \d+ entries \(from the EFI memory map\)$"

CASES = [
    dict(name="qemu-64M", emu="qemu", qemu_cpu=SVM_CPU, mem="64M", end="success", timeout=60,
         guests=[HELLO], expect=BOOT_SUMMARY + [HELLO_EXITED, BIOS_MAP, r"^tern: image at 0x200000-0x2[0-9a-f]{5}$"], last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned, ram_mib_between(60, 64), free_frames_between(56, 63)]),
    dict(name="qemu-512M", emu="qemu", qemu_cpu=SVM_CPU, mem="512M", end="success", timeout=60,
         guests=[HELLO], expect=BOOT_SUMMARY + [HELLO_EXITED], last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned, ram_mib_between(508, 512), free_frames_between(500, 511)]),
    dict(name="qemu-6G", emu="qemu", qemu_cpu=SVM_CPU, mem="6G", end="success", timeout=90,
         guests=[HELLO], expect=BOOT_SUMMARY + [HELLO_EXITED], last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned, ram_mib_between(6136, 6144), free_frames_between(6100, 6143), highest_above_4g]),
    dict(name="qemu-bad-options", emu="qemu", mem="64M", end="no-vmx", timeout=60,
         options="loglevel=loud frobnicate=1 quantum=0",
         expect=[r"^tern: option loglevel: expected none, error, warn, info, debug or 0-4; ignored",
                 r"^tern: option frobnicate: unknown option; ignored",
                 r"^tern: option quantum: expected a time slice in milliseconds"] + BOOT_SUMMARY,
         last=NO_NPT),
    dict(name="qemu-loglevel-error", emu="qemu", mem="64M", end="no-vmx", timeout=60,
         options="loglevel=error", reject=[r"^tern: memory map", r"^tern: RAM:"], last=NO_NPT),
    dict(name="qemu-no-virtualization", emu="qemu", mem="64M", end="no-vmx", timeout=60,
         qemu_cpu="qemu64,-svm", guests=[HELLO], expect=BOOT_SUMMARY, last=NO_VIRT),
    # UEFI (OVMF): the same ISO, GRUB's EFI image; the memory map, the
    # RSDP (from GRUB's ACPI tag: there is no BIOS area to scan) and the
    # power-off all come from UEFI firmware.
    dict(name="uefi-svm-guests", emu="qemu", qemu_cpu=SVM_CPU, firmware="uefi", mem="256M",
         end="success", timeout=90,
         guests=[HELLO, G + "platform.elf name=platform mem=32M -- check=platform-cmdline"],
         # OVMF's map has a hundred-odd descriptors: merged, none lost.
         expect=BOOT_SUMMARY + [HELLO_EXITED, EFI_MAP, r"^tern: memory map: [1-9]\d+ entries given, \d+ merged, 0 dropped$",
                                r"^\[platform\] platform: all [1-9]\d* checks passed$"],
         reject=[r"acpi: no", r"FAIL"],
         last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[frames_returned, ram_mib_between(200, 256)]),
    # GRUB relocates the image when told it may (boot/header.asm): the
    # copy booted here prefers the highest address, so it runs far from
    # its link address, as on a UEFI machine whose firmware owns 2 MiB.
    dict(name="uefi-image-moved", emu="qemu", qemu_cpu=SVM_CPU, firmware="uefi", mem="256M",
         load="high", end="success", timeout=90,
         guests=[HELLO, G + "platform.elf name=platform mem=32M -- check=platform-cmdline"],
         expect=BOOT_SUMMARY + [HELLO_EXITED, r"^\[platform\] platform: all [1-9]\d* checks passed$"],
         reject=[r"FAIL"], last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[frames_returned, image_moved(64, 256), free_frames_between(180, 255)]),
    dict(name="qemu-image-moved-crash", emu="qemu", mem="512M", load="high", end="panic", timeout=60,
         options="crashtest=pf",
         expect=[r"^tern: CRASH: CPU exception 14 \(#PF page fault\) in the hypervisor",
                 r"^RIP=ffffffff8[0-9a-f]{7} crash_page_fault\+0x[0-9a-f]+$",
                 r"^  #\d+ ffffffff8[0-9a-f]{7} kmain\+0x"],
         last=r"^tern: CRASH: powering off$", checks=[image_moved(256, 512)]),
    dict(name="uefi-no-virtualization", emu="qemu", qemu_cpu="qemu64,-svm", firmware="uefi",
         mem="128M", end="no-vmx", timeout=90, guests=[HELLO], expect=BOOT_SUMMARY, last=NO_VIRT),
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
    dict(name="qemu-stray-interrupt", emu="qemu", qemu_cpu=SVM_CPU, mem="64M", end="success",
         timeout=60, options="crashtest=strayirq", guests=[HELLO],
         expect=[r"^tern: host interrupt vector 65: no handler \(EOI sent",
                 r"^tern: crashtest: survived a stray interrupt$", HELLO_EXITED],
         reject=[r"CRASH"], last=r"^tern: all guests done: 1 exited, 0 stopped$"),
    # No PIT: the TSC rate the PIT gives is nonsense and is refused; the
    # guests still run on a sane fallback (a 1-tick quantum or a stalled
    # boot would time the case out).
    # Most RAM above 4 GiB (96 MiB below): guest frames come from high memory.
    # A fragmented map: GRUB's cutmem takes out one page in every 256 KiB
    # above 4 MiB (below it GRUB must find 2 MiB-aligned room for the
    # image), which gives some 230 RAM entries; the table keeps 128, the
    # largest, and says how much RAM the rest held.
    dict(name="qemu-fragmented-map", emu="qemu", qemu_cpu=SVM_CPU, mem="64M", end="success",
         timeout=90, grub_pre=FRAGMENT_MAP,
         guests=[G + "toucher.elf name=toucher mem=8M", HELLO],
         reject=[r"MTRR/RAM boundaries"],
         expect=[r"^tern: memory map: 128 entries \(from the boot loader's memory map\)$",
                 r"^tern: memory map: [2-9]\d\d entries given, \d+ merged, [1-9]\d+ dropped$",
                 r"^tern: memory map: more than 128 entries; [1-9]\d+ KiB of available RAM left unused$",
                 HELLO_EXITED, r"^\[toucher\] verified \d+ pages$"],
         last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[frames_returned]),
    dict(name="qemu-ram-above-4g", emu="qemu", qemu_cpu=SVM_CPU,
         qemu_machine="pc,max-ram-below-4g=96M", mem="3G", end="success", timeout=90,
         guests=[G + "toucher.elf name=toucher mem=64M", HELLO],
         expect=[HELLO_EXITED, r"^\[toucher\] verified \d+ pages$"],
         last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[frames_returned, highest_above_4g]),
    # Little RAM below 4 GiB, much above: the allocator's metadata (3 MiB
    # per GiB) does not fit low and goes above 4 GiB, reached through the
    # direct map, whose tables come from a small pool below 4 GiB.
    dict(name="qemu-metadata-above-4g", emu="qemu", qemu_cpu=SVM_CPU,
         qemu_machine="pc,max-ram-below-4g=32M", mem="16G", end="success", timeout=120,
         options="loglevel=debug", guests=[HELLO],
         expect=[r"^tern: mm: \d+ KiB of frame metadata at 0x[1-9a-f][0-9a-f]{8}; "
                 r"direct map tables: \d+ frames at 0x[0-9a-f]{1,8}$", HELLO_EXITED],
         last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned, highest_above_4g]),
    dict(name="qemu-no-pit", emu="qemu", qemu_cpu=SVM_CPU, qemu_machine="pc,pit=off", mem="64M",
         end="success", timeout=60, guests=[HELLO],
         expect=[r"^tern: TSC: PIT channel 2 does not count \(read 0xffff after loading 0x2e9b\)$",
                 r"^tern: TSC: no usable rate; assuming 2000000 kHz$", HELLO_EXITED],
         last=r"^tern: all guests done: 1 exited, 0 stopped$"),
    # The console (core/console.c): no COM1, the BIOS data area names COM2;
    # console= picks one; console=none still runs the guests (the exit
    # status says they exited); a bad value is reported, the default used.
    dict(name="qemu-console-com2-from-bda", emu="qemu", qemu_cpu=SVM_CPU, serial_port=2, mem="64M",
         end="success", timeout=60, guests=[HELLO],
         expect=BOOT_SUMMARY + [r"^tern: console: 16550 at I/O port 0x2f8 \(BIOS data area\)$",
                                HELLO_EXITED],
         last=r"^tern: all guests done: 1 exited, 0 stopped$"),
    dict(name="qemu-console-option", emu="qemu", qemu_cpu=SVM_CPU, serial_port=2, mem="64M",
         end="success", timeout=60, options="console=io:0x2f8", guests=[HELLO],
         expect=[r"^tern: console: 16550 at I/O port 0x2f8 \(console=\)$", HELLO_EXITED],
         last=r"^tern: all guests done: 1 exited, 0 stopped$"),
    dict(name="qemu-console-none", emu="qemu", qemu_cpu=SVM_CPU, mem="64M", end="success",
         timeout=60, options="console=none", guests=[HELLO],
         expect=[r"^tern: command line: console=none$"],
         reject=[r"^\[hello\]", r"all guests done"]),
    dict(name="qemu-console-bad", emu="qemu", qemu_cpu=SVM_CPU, mem="64M", end="success",
         timeout=60, options="console=com9", guests=[HELLO],
         expect=[r"^tern: option console=com9: expected com1-com4, io:PORT, mmio:ADDRESS\[,WIDTH\] or none; ignored$",
                 r"^tern: console: 16550 at I/O port 0x3f8 \(BIOS data area\)$", HELLO_EXITED],
         last=r"^tern: all guests done: 1 exited, 0 stopped$"),
    # A PC without a serial port: the text screen GRUB leaves (multiboot2
    # framebuffer tag, EGA text) shows the boot, the guests and the verdict.
    dict(name="qemu-text-screen", emu="qemu", qemu_cpu=SVM_CPU, mem="64M", timeout=60,
         options="console=none", guests=[G + "hello.elf name=hello mem=4M -- on screen"],
         screen_expect=[r"^tern: RAM: \d+ MiB usable in \d+ regions",
                        r"^\[hello\] command line: on screen$",
                        r"^tern: guest hello exited status=1$",
                        r"^tern: all guests done: 1 exited, 0 stopped$"]),
    # A UEFI PC's screen: GRUB passes on the GOP framebuffer (pixels, no
    # text mode); Tern draws its console there in an 8x16 font.  The
    # serial log says where the framebuffer is; the test reads the pixels
    # back into text.  The screen is half a screen scrolled by the end.
    dict(name="uefi-graphics-screen", emu="qemu", qemu_cpu=SVM_CPU, firmware="uefi", mem="256M",
         timeout=120, guests=[G + "hello.elf name=hello mem=4M -- on screen"],
         screen_expect=[r"^\[hello\] command line: on screen$",
                        r"^tern: guest hello exited status=1$",
                        r"^tern: all guests done: 1 exited, 0 stopped$"]),
    # An MSR the CPU lacks, read with rdmsr_safe: the #GP is expected and
    # survived.  Bochs raises it only with ignore_bad_msrs=0 (QEMU 7.2's TCG
    # reads unknown MSRs as 0).
    dict(name="bochs-missing-msr", emu="bochs", strict_msrs=True, mem="64M", end="success",
         timeout=120, options="crashtest=badmsr", guests=[HELLO],
         expect=[r"^tern: crashtest: rdmsr_safe of MSR 0x12345678: #GP, survived$", HELLO_EXITED],
         reject=[r"CRASH"], last=r"^tern: all guests done: 1 exited, 0 stopped$"),
    # The invariant checks can fail: one frame mapped into two guests.
    dict(name="qemu-checks-doublemap", emu="qemu", qemu_cpu=SVM_CPU, mem="64M", end="panic", timeout=60,
         options="checks=on crashtest=doublemap",
         guests=[HELLO, G + "hello.elf name=hello2 mem=4M"],
         expect=[r"^tern: crashtest: frame 0x[0-9a-f]+ of guest hello mapped into guest hello2 too$",
                 r"^tern: PANIC: checks \(guests created\): a frame is mapped twice \(into two guests, or twice into one\): guest hello2, gpa 0x3ff000 -> frame 0x[0-9a-f]+$"],
         last=r"^tern: CRASH: powering off$"),
    dict(name="crash-panic", emu="qemu", mem="64M", end="panic", timeout=60,
         options="crashtest=panic",
         expect=[r"^tern: PANIC: crashtest: deliberate panic$",
                 r"^  #\d+ ffffffff8[0-9a-f]{7} kmain\+0x"],
         last=r"^tern: CRASH: powering off$"),
    dict(name="bochs-guests-good", emu="bochs", mem="128M", end="success", timeout=300,
         guests=[HELLO, G + "platform.elf name=platform mem=32M -- check=platform-cmdline",
                 G + "cpustate.elf name=cpustate mem=16M"],
         expect=[r"^\[hello\] hello from a Tern guest$", r"^\[hello\] command line: hello world$",
                 r"^tern: guest hello exited status=1$",
                 r"^\[platform\] platform: all [1-9]\d* checks passed$",
                 r"^tern: guest platform exited status=1$",
                 r"^tern: guest platform: \d+ exits, CPUID \d+, VMCALL \d+, I/O instruction \d+",
                 r"^\[cpustate\] cpustate: all [1-9]\d* checks passed$",
                 r"^tern: guest cpustate exited status=1$",
                 r"^tern: guest cpustate: \d+ exits, .*CR access \d+"],
         # QEMU 7.2's SVM does not intercept XSETBV (it runs natively there).
         vmx_expect=[r"^tern: guest cpustate: \d+ exits, .*CR access \d+, .*XSETBV \d+"],
         reject=[r"FAIL", r"stopped:"],
         last=r"^tern: all guests done: 3 exited, 0 stopped$",
         checks=[frames_returned, string_io_lines]),
    # An interrupt-driven guest on the 8259 pair and the 8254, beside a
    # CPU-bound one that must not notice it while it waits in HLT: on VMX
    # (Bochs) and SVM (the svm- twin).
    dict(name="bochs-ticker", emu="bochs", mem="64M", end="success", timeout=300,
         guests=[G + "ticker.elf name=ticker mem=4M -- ticks=50",
                 G + "spinner.elf name=spin mem=4M -- work"],
         expect=[r"^\[ticker\] ticker: all [1-9]\d* checks passed$",
                 r"^tern: guest ticker exited status=1$",
                 r"^tern: guest ticker: \d+ exits, .*HLT \d+"],
         reject=[r"FAIL", r"stopped:"],
         last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[frames_returned, idle_is_cheap]),
    # The local APIC, as kernels drive it: xAPIC MMIO (instructions
    # emulated from their bytes), timer modes, TPR, self-IPIs, x2APIC.
    dict(name="bochs-apic", emu="bochs", mem="64M", end="success", timeout=300,
         guests=[G + "apic.elf name=apic mem=4M"],
         expect=[r"^\[apic\] apic: all [1-9]\d* checks passed$",
                 r"^tern: guest apic exited status=1$"],
         # Bochs' Skylake-X has all of it: reads from the virtual-APIC
         # page, writes as APIC-write exits, interrupts delivered and
         # ended by the CPU (no TPR-threshold exits then).
         vmx_expect=[r"^tern: vmx: APIC virtualization on: TPR shadow, APIC-access page, APIC-register virtualization, virtual-interrupt delivery$",
                     r"^tern: guest apic: \d+ exits, .*APIC write [1-9]\d*"],
         reject=[r"FAIL", r"stopped:"],
         last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned]),
    # The same guests with the software APIC only (apicv=off), as on a
    # CPU without APIC virtualization: every APIC access an EPT violation.
    dict(name="bochs-apicv-off", emu="bochs", mem="64M", end="success", timeout=300,
         options="apicv=off",
         guests=[G + "apic.elf name=apic mem=4M", G + "nmi.elf name=nmi mem=4M",
                 G + "ticker.elf name=ticker mem=4M -- ticks=20"],
         expect=[r"^tern: vmx: APIC virtualization off \(apicv=off\): software APIC$",
                 r"^\[apic\] apic: all [1-9]\d* checks passed$",
                 r"^\[nmi\] nmi: all 8 checks passed$",
                 r"^\[ticker\] ticker: all [1-9]\d* checks passed$"],
         reject=[r"FAIL", r"stopped:", r"APIC write", r"APIC access", r"TPR below"],
         last=r"^tern: all guests done: 3 exited, 0 stopped$",
         checks=[frames_returned]),
    # NMIs: an NMI IPI to itself, blocking until IRET, the one-NMI latch,
    # an I/O APIC pin in NMI mode, HLT woken by an NMI; and the console's
    # NMI key (Ctrl-A i) through the CMOS NMI mask and LINT1.
    dict(name="bochs-nmi", emu="bochs", mem="64M", end="success", timeout=300,
         guests=[G + "nmi.elf name=nmi mem=4M -- key"],
         typed=[(r"^\[nmi\] NMI masked: press Ctrl-A i, then a key$", "\x01ix"),
                (r"^\[nmi\] NMI unmasked: press Ctrl-A i$", "\x01i"),
                (r"^\[nmi\] LINT1 fixed: press Ctrl-A i$", "\x01i")],
         expect=[r"^tern: console: NMI to guest nmi dropped: its NMI mask \(port 70h bit 7\) is set$",
                 r"^tern: console: NMI sent to guest nmi$",
                 r"^\[nmi\] nmi: all 11 checks passed$",
                 r"^tern: guest nmi exited status=1$"],
         reject=[r"FAIL", r"stopped:"],
         last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned]),
    # Hardware task switches, which the CPU leaves to Tern: JMP, CALL and
    # IRET, GDT and IDT task gates for INT n, #GP, an interrupt and an
    # NMI, a 16-bit TSS, a fault in the new task (virt/task.c).
    # Two more switch to a TSS outside their RAM: stopped, each with the
    # access that reached there.
    dict(name="bochs-taskswitch", emu="bochs", mem="64M", end="failure", timeout=300,
         options="checks=on",
         guests=[G + "taskswitch.elf name=taskswitch mem=4M",
                 G + "taskswitch.elf name=past-ram mem=4M -- hostile=past-ram",
                 G + "taskswitch.elf name=in-mmio mem=4M -- hostile=in-mmio"],
         expect=[r"^\[taskswitch\] taskswitch: all 20 checks passed$",
                 r"^tern: guest taskswitch exited status=1$",
                 r"^tern: guest taskswitch: \d+ exits, .*task switch \d+",
                 r"^tern: guest past-ram stopped: task switch to TSS 0x70: reading the new TSS outside its RAM$",
                 r"^tern: guest in-mmio stopped: task switch to TSS 0x78: reading the new TSS outside its RAM$",
                 CHECKS_AFTER % "in-mmio"],
         reject=[r"FAIL", r"stopped: (?!task switch)"],
         last=r"^tern: all guests done: 1 exited, 2 stopped$",
         checks=[frames_returned]),
    # Debian's kernel with a busybox initramfs (scripts/linux-guest.sh)
    # beside a multiboot guest: it boots to its shell, commands typed
    # through the console run in it, its dmesg has no hypervisor-related
    # complaint, and poweroff -f ends it through ACPI S5.
    dict(name="bochs-linux", emu="bochs", mem="320M", end="success", timeout=1200,
         guests=LINUX_GUEST + [HELLO],
         typed=[(r"^\[linux\] tern-linux: userspace up", "uname -r; echo TERN-1\n"),
                (r"^\[linux\] TERN-1$", "grep -c ^processor /proc/cpuinfo; grep -m1 flags /proc/cpuinfo; "
                                         "echo TERN-2\n"),
                (r"^\[linux\] TERN-2$", "cat /proc/interrupts; echo TERN-3\n"),
                (r"^\[linux\] TERN-3$", "dmesg | grep -i -E 'tsc|apic|calibrat|clocksource'; echo TERN-4\n"),
                (r"^\[linux\] TERN-4$", "poweroff -f\n")],
         expect=[HELLO_EXITED,
                 r"^\[linux\] \[ +[0-9.]+\] Linux version 6\.",
                 r"^\[linux\] tern-linux: userspace up, kernel \d+\.\d+\.\d+-\S+-amd64$",
                 r"^\[linux\] \d+\.\d+\.\d+-\S+-amd64$",
                 r"^\[linux\] 1$",
                 r"^\[linux\] flags\s+: fpu .*\bapic\b",
                 r"^\[linux\] .*\btsc_known_freq\b",
                 r"^\[linux\] .*\bhypervisor\b",
                 r"^\[linux\] +0: +[1-9]\d* +IO-APIC +2-edge +timer$",
                 r"^\[linux\] +4: +[1-9]\d* +IO-APIC +4-edge +ttyS0$",
                 r"^\[linux\] LOC: +[1-9]\d* +Local timer interrupts$",
                 r"^\[linux\] \[ +[0-9.]+\] tsc: Detected \d+\.\d+ MHz processor$",
                 r"^\[linux\] \[ +[0-9.]+\] clocksource: Switched to clocksource tsc$",
                 r"^tern: guest linux exited status=1$",
                 r"^tern: guest linux: \d+ exits, "],
         reject=[r"stopped:", r"unchecked MSR", r"TSC calibration failed", r"[Uu]nable to calibrate",
                 r"Firmware Bug", r"APIC calibration", r"BUG:", r"WARNING: CPU", r"cut here", r"Oops",
                 r"Kernel panic", r"consistency problem",
                 r"marking it unstable|Marking clocksource .* as unstable", r"typed bytes dropped"],
         last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[linux_tsc_agrees, frames_returned]),
    # The firmware tables as kernels find them (MP, ACPI), the PM timer
    # and its SCI, the read-only BIOS ROM, and power-off through ACPI S5.
    dict(name="bochs-firmware", emu="bochs", mem="64M", end="success", timeout=300,
         guests=[G + "firmware.elf name=firmware mem=4M"],
         # QEMU TCG's clocks follow the host's wall clock under load: Tern's
         # TSC calibration there is good to tens of percent, not 2 (38%
         # seen with fuzzers running beside the suite).
         svm_guests=[G + "firmware.elf name=firmware mem=4M -- tolerance=60"],
         # The SCI is level-triggered: with virtual-interrupt delivery its
         # EOI exits (the EOI-exit bitmap) to reach the I/O APIC.
         vmx_expect=[r"^tern: guest firmware: \d+ exits, .*virtualized EOI [1-9]\d*"],
         expect=[r"^\[firmware\] firmware: all [1-9]\d* checks passed$",
                 r"^\[firmware\] entering ACPI S5 \(SLP_TYP 5\)$",
                 r"^tern: guest firmware exited status=1$",
                 r"^tern: guest firmware: \d+ exits, .*; 18 writes to ROM dropped; "],
         reject=[r"FAIL", r"stopped:", r"still running"],
         last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned]),
    # An interrupt-driven guest kernel typed into through the console
    # (COM1 on a socket): two of them, the input going to the one with
    # the focus, Ctrl-A n moving it, and moving on by itself when its
    # guest ends.
    dict(name="bochs-shell", emu="bochs", mem="64M", end="success", timeout=120,
         svm_loose=[(SHELL_TIMER, r"^\[sh1\] LAPIC at 0xfee00000, I/O APIC at 0xfec00000, COM1 on pin 4, timer \d+ counts")],
         guests=[G + "shell.elf name=sh1 mem=4M", G + "shell.elf name=sh2 mem=4M"],
         # Both shells ready, in either order, before sh1 (the focus) is typed to.
         typed=[(r"^\[sh[12]\] shell ready", ""),
                (r"^\[sh[12]\] shell ready", "echo hello from the console\r"),
                (r"^\[sh1\] hello from the console$", "ticks\r"),
                (r"^\[sh1\] ticks: \d+$", "uptime\r"),
                (r"^\[sh1\] uptime: ", "frobnicate\r"),
                (r"^\[sh1\] unknown command: frobnicate$", "\x01n"),
                (r"^tern: console input goes to guest sh2", "echo second\r"),
                (r"^\[sh2\] second$", "exit\r"),
                (r"^tern: console input goes to guest sh1", "exit\r")],
         expect=[r"^tern: console input goes to guest sh1 \(Ctrl-A n: next guest\)$",
                 SHELL_TIMER,
                 r"^\[sh1\] echo hello from the console$",
                 r"^\[sh1\] hello from the console$",
                 r"^\[sh1\] ticks: [1-9]\d*$",
                 r"^\[sh1\] uptime: \d+\.\d\d s$",
                 r"^\[sh1\] unknown command: frobnicate$",
                 r"^\[sh2\] second$",
                 r"^tern: guest sh2 exited status=1$",
                 r"^\[sh1\] bye after [1-9]\d* ticks$",
                 r"^tern: guest sh1 exited status=1$"],
         reject=[r"FAIL", r"stopped:", r"^\[sh2\] hello", r"^\[sh1\] second", r"typed bytes dropped"],
         last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[frames_returned]),
    # on_reset=reboot: each reset path boots the guest again with fresh
    # RAM (the CMOS survives), a reboot loop is stopped.
    dict(name="bochs-reboot", emu="bochs", mem="64M", end="failure", timeout=300,
         options="checks=on",
         guests=[G + "rebooter.elf name=reboot mem=4M on_reset=reboot",
                 G + "rebooter.elf name=loop mem=4M on_reset=reboot -- loop"],
         expect=[r"^tern: guest reboot reboots \(reset requested via port 0xcf9 \(value 0x6\); reboot 1\)$",
                 r"^tern: guest reboot reboots \(reset requested via port 0x64 \(keyboard controller command 0xfe\); reboot 2\)$",
                 r"^tern: guest reboot reboots \(reset requested via port 0x92 \(fast reset\); reboot 3\)$",
                 r"^tern: guest reboot reboots \(triple fault at rip=0x[0-9a-f]+; reboot 4\)$",
                 r"^\[reboot\] boot 5$",
                 r"^\[reboot\] rebooted through 4 reset paths, RAM fresh each time$",
                 r"^tern: guest reboot exited status=1$",
                 r"^tern: guest reboot: \d+ exits, .*; rebooted 4 times; \d+ pages backed$",
                 CHECKS_AFTER % "reboot",
                 r"^tern: guest loop reboots \(reset requested via port 0xcf9 \(value 0x6\); reboot 5\)$",
                 r"^tern: guest loop stopped: reset requested via port 0xcf9 \(value 0x6\): 6 resets within 10 s, rebooting too often$"],
         reject=[r"FAIL", r"reboot 6\)", r"still running"],
         last=r"^tern: all guests done: 1 exited, 1 stopped$",
         checks=[frames_returned]),
    # A guest flooding its console beside four CPU-bound ones: its output
    # is bounded and its drops reported; the others keep their share.
    dict(name="bochs-console-flood", emu="bochs", mem="128M", end="success", timeout=300,
         guests=[G + "flood.elf name=flood mem=4M -- seconds=3"] +
                [G + "spinner.elf name=w%d mem=4M -- work" % i for i in range(1, 5)],
         expect=[FLOOD_WARNING, r"^tern: guest flood exited status=1$"] +
                [r"^tern: guest w%d exited status=1$" % i for i in range(1, 5)],
         svm_loose=[(FLOOD_WARNING, r"^tern: guest flood exited status=1$")],
         reject=[r"FAIL", r"stopped:"],
         last=r"^tern: all guests done: 5 exited, 0 stopped$",
         checks=[flood_bounded, frames_returned]),
    # The hostile battery (guest/tests/hostile.c), one act per guest, each
    # with its verdict: stopped with the reason, or the fault a CPU raises;
    # the machine, the other guests and the frame count unharmed.
    dict(name="bochs-hostile-acts", emu="bochs", mem="128M", end="failure", timeout=300,
         options="checks=on",
         guests=[G + "hostile.elf name=%s mem=4M -- case=%s" % (c, c) for c in HOSTILE_ACTS] + [HELLO],
         expect=[CHECKS_CREATED, CHECKS_AFTER % "write-past-ram", CHECKS_AFTER % "hello",r"^tern: guest write-past-ram stopped: %s gpa=0x500000 rip=0x[0-9a-f]+ \(write\)$" % VMX_NAMES["npf"],
                 r"^tern: guest fetch-past-ram stopped: %s gpa=0x500000 rip=0x500000 \(fetch\)$" % VMX_NAMES["npf"],
                 r"^tern: guest unmapped-mmio stopped: %s gpa=0xfed00000 rip=0x[0-9a-f]+ \(read\)$" % VMX_NAMES["npf"],
                 r"^tern: guest mmio-fxsave stopped: MMIO access at gpa=0xfec00000 rip=0x[0-9a-f]+ not emulated: .* \(bytes 0f ae ",
                 r"^tern: guest pt-in-mmio stopped: guest page-table walk reached gpa=0xfec00000 outside RAM rip=0x[0-9a-f]+$",
                 r"^tern: guest pt-past-ram stopped: guest page-table walk reached gpa=0x500000 outside RAM rip=0x[0-9a-f]+$",
                 r"^tern: guest idt-in-mmio stopped: delivery of vector 6 reached gpa=0xfec00030 outside RAM rip=0x[0-9a-f]+$",
                 r"^tern: guest stack-in-mmio stopped: delivery of vector 6 reached gpa=0xfec000f[0-9a-f] outside RAM rip=0x[0-9a-f]+$",
                 r"^tern: guest gdt-in-mmio stopped: MMIO access at gpa=0xfec00010 rip=0x[0-9a-f]+ not emulated: ",
                 r"^tern: guest acpi-s3 stopped: entered ACPI sleep state SLP_TYP=3, which the DSDT does not offer",
                 r"^\[apic-base-ram\] apic-base-ram: #GP as a CPU raises it$",
                 r"^\[apic-base-rsvd\] apic-base-rsvd: #GP as a CPU raises it$",
                 r"^\[x2apic-to-xapic\] x2apic-to-xapic: #GP as a CPU raises it$",
                 HELLO_EXITED],
         reject=[r"FAIL", r"still running"],
         last=r"^tern: all guests done: 4 exited, 10 stopped$",
         checks=[frames_returned]),
    # Scans and storms: every port, 16384 MSRs, every CPUID leaf, 255
    # hypercall numbers with junk, illegal vectors, an NMI storm; each
    # guest goes on to a clean end.
    dict(name="bochs-hostile-scans", emu="bochs", mem="128M", end="success", timeout=300,
         options="checks=on",
         guests=[G + "hostile.elf name=%s mem=4M -- case=%s" % (c, c) for c in HOSTILE_SCANS] + [HELLO],
         expect=[CHECKS_CREATED, CHECKS_AFTER % "nmi-storm",r"^\[nmi-storm\] nmi-storm: [1-9]\d* NMIs taken, the guest ran on",
                 r"^\[port-read-all\] port-read-all: 65536 ports read, \d+ of them 0xFF$",
                 r"^\[msr-read-scan\] msr-read-scan: \d+ of 16384 MSRs raised #GP$",
                 r"^\[cpuid-scan\] cpuid-scan: \d+ leaves, 4 subleaves each$",
                 r"^\[hypercall-scan\] hypercall-scan: 255 calls, 252 ENOSYS$",
                 r"^\[illegal-vectors\] illegal-vectors: ESR 0x20 after a self-IPI with vector 3$",
                 r"^\[ipi-storm\] ipi-storm: 100000 self-IPIs sent with IF=0, 1 taken$"] +
                [r"^tern: guest %s exited status=1$" % c for c in HOSTILE_SCANS] + [HELLO_EXITED],
         reject=[r"FAIL", r"still running", r"stopped:"],
         last=r"^tern: all guests done: 8 exited, 0 stopped$",
         checks=[frames_returned]),
    dict(name="bochs-guests-hostile", emu="bochs", mem="128M", end="failure", timeout=300,
         guests=[G + "readpast.elf name=readpast mem=4M", G + "triple.elf name=triple mem=4M",
                 G + "vmxon.elf name=vmxon mem=4M",
                 G + "resetter.elf name=reset-cf9 mem=4M -- port=cf9",
                 G + "resetter.elf name=reset-64 mem=4M -- port=64",
                 G + "resetter.elf name=reset-92 mem=4M -- port=92",
                 G + "halter.elf name=halter mem=4M",
                 G + "halter.elf name=halter-sti mem=4M -- sti", HELLO],
         expect=[r"^tern: guest readpast stopped: EPT violation gpa=0x500000 rip=0x[0-9a-f]+ \(read\)$",
                 r"^tern: guest triple stopped: triple fault at rip=0x[0-9a-f]+$",
                 r"^\[vmxon\] vmxon: all 12 VMX instructions raised #UD$",
                 r"^tern: guest vmxon exited status=1$",
                 r"^tern: guest reset-cf9 stopped: reset requested via port 0xcf9 \(value 0x6\)",
                 r"^tern: guest reset-64 stopped: reset requested via port 0x64 ",
                 r"^tern: guest reset-92 stopped: reset requested via port 0x92 ",
                 r"^tern: guest halter stopped: halted$",
                 r"^tern: guest halter-sti stopped: halted with interrupts enabled, and no timer "
                 r"or interrupt is armed to wake it$",
                 r"^tern: guest hello exited status=1$"],
         reject=[r"FAIL", r"CRASH", r"PANIC"],
         last=r"^tern: all guests done: 2 exited, 7 stopped$",
         checks=[frames_returned]),
    dict(name="bochs-toucher-64M", emu="bochs", mem="128M", end="success", timeout=300,
         guests=[G + "toucher.elf name=toucher mem=64M"],
         expect=[r"^\[toucher\] verified \d+ pages$", r"^tern: guest toucher exited status=1$"],
         last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned, toucher_faults_per_page]),
    dict(name="bochs-preemption", emu="bochs", mem="64M", end="success", timeout=180,
         options="quantum=5", svm_options="quantum=1",   # QEMU runs the spinners faster
         guests=[G + "spinner.elf name=spin-a mem=4M", G + "spinner.elf name=spin-b mem=4M"],
         expect=[r"^tern: guest spin-a exited status=1$", r"^tern: guest spin-b exited status=1$"],
         last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[spinners_interleave, frames_returned]),
    dict(name="bochs-bad-guests", emu="bochs", mem="64M", end="failure", timeout=300,
         guests=[G + "hello.elf mem=4M", G + "hello.elf name=bad/name mem=4M",
                 G + "hello.elf name=nomem", G + "hello.elf name=tiny mem=1M",
                 G + "hello.elf name=typo mem=4M colour=blue", HELLO,
                 G + "hello.elf name=hello mem=4M",
                 "guest/tests/README.md name=text mem=4M", "build/tern.elf name=notmb1 mem=4M",
                 G + "bigbss.elf name=bigbss mem=2M", G + "hello.elf name=huge mem=60G",
                 # An initrd for a multiboot guest, and one for no guest.
                 G + "hello.elf name=mbrd mem=4M", "guest/tests/README.md initrd_for=mbrd",
                 "guest/tests/README.md initrd_for=nosuch"],
         expect=[r"^tern: guest module0 stopped: missing name= option$",
                 r"^tern: guest module1 stopped: option 'name=bad/name': ",
                 r"^tern: guest nomem stopped: missing mem= option$",
                 r"^tern: guest tiny stopped: option 'mem=1M': guest RAM must be 2M-64G",
                 r"^tern: guest typo stopped: option 'colour=blue': unknown option",
                 r"^tern: guest hello stopped: name 'hello' is already used by another guest$",
                 r"^tern: guest text stopped: unknown image format",
                 r"^tern: guest notmb1 stopped: ELF image without a multiboot header",
                 r"^tern: guest bigbss stopped: kernel segment \[0x[0-9a-f]+-0x[0-9a-f]+\) does not fit in guest RAM of 2048 KiB$",
                 r"^tern: guest huge stopped: not enough host memory for mem=61440M \(\d+ MiB free and not promised to other guests\)$",
                 r"^tern: guest mbrd stopped: it has an initrd \(initrd_for=\), but is no Linux kernel$",
                 r"^tern: guest module13 stopped: initrd_for=nosuch names no guest \(or one that already has an initrd\)$",
                 r"^\[hello\] hello from a Tern guest$", r"^tern: guest hello exited status=1$"],
         reject=[r"FAIL", r"CRASH"],
         last=r"^tern: all guests done: 1 exited, 12 stopped$",
         checks=[frames_returned]),
    broken_first_guest("bochs-vmentry-guest-state", "vmentry", [
        r"^tern: vmx: VM entry of guest broken failed: VM-entry failure: invalid guest state$",
        r"^    GUEST_TR_AR_BYTES +0x0000000000010000$",
        r"^    VM_EXIT_REASON +0x0000000080000021$",
        r"^tern: guest broken stopped: VM entry failed: invalid guest state"]),
    broken_first_guest("bochs-vmentry-control", "vmcontrol", [
        r"^tern: vmx: VM entry of guest broken failed: VM-instruction error 7: VM entry with invalid control field\(s\)$",
        r"^    VM_ENTRY_INTR_INFO_FIELD +0x0000000080000100$",
        r"^tern: guest broken stopped: VM entry failed: VM-instruction error 7 "]),
    broken_first_guest("bochs-ept-misconfig", "eptmisconfig", [
        r"^    VM_EXIT_REASON +0x0000000000000031$",
        r"^tern: guest broken stopped: EPT misconfiguration at gpa=0x[0-9a-f]+ \(a hypervisor bug; VMCS dumped above\)$"]),
    dict(name="qemu-no-long-mode", emu="qemu", mem="64M", end="hang", timeout=15, qemu_cpu="qemu32",
         last=r"^tern: this CPU has no long mode \(CPUID\.80000001H:EDX\[29\] = 0\); Tern needs x86-64; halting$"),
    # A CPU with a TPR shadow and the APIC-access page but no
    # APIC-register virtualization: every APIC access but the TPR's exits
    # to the instruction emulator (APIC-access exits).
    dict(name="bochs-cpu-sandybridge", emu="bochs", mem="64M", end="success", timeout=180,
         cpu="corei7_sandy_bridge_2600k",
         guests=[G + "apic.elf name=apic mem=4M", G + "nmi.elf name=nmi mem=4M"],
         expect=[r"^tern: vmx: APIC virtualization on: TPR shadow, APIC-access page$",
                 r"^\[apic\] apic: all [1-9]\d* checks passed$",
                 r"^\[nmi\] nmi: all 8 checks passed$",
                 r"^tern: guest apic: \d+ exits, .*APIC access [1-9]\d*, "],
         reject=[r"FAIL", r"stopped:", r"APIC write"],
         last=r"^tern: all guests done: 2 exited, 0 stopped$",
         checks=[frames_returned]),
    dict(name="bochs-cpu-lynnfield", emu="bochs", mem="64M", end="no-vmx", timeout=120,
         cpu="corei5_lynnfield_750", guests=[HELLO],
         last=r"^tern: vmx: cannot run guests: this CPU's VT-x lacks unrestricted guest$"),
    dict(name="bochs-cpu-penryn", emu="bochs", mem="64M", end="no-vmx", timeout=120,
         cpu="core2_penryn_t9600", guests=[HELLO],
         last=r"^tern: vmx: cannot run guests: this CPU's VT-x lacks .*EPT, unrestricted guest, VPID"),
    dict(name="bochs-boot-64M", emu="bochs", mem="64M", end="success", timeout=180,
         guests=[HELLO], expect=BOOT_SUMMARY + [r"^tern: vmx: VT-x present", HELLO_EXITED],
         last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned, ram_mib_between(60, 64), free_frames_between(56, 63)]),
    dict(name="bochs-boot-512M", emu="bochs", mem="512M", end="success", timeout=180,
         guests=[HELLO], expect=BOOT_SUMMARY + [r"^tern: vmx: VT-x present", HELLO_EXITED],
         last=r"^tern: all guests done: 1 exited, 0 stopped$",
         checks=[frames_returned, ram_mib_between(508, 512), free_frames_between(500, 511)]),
    dict(name="bochs-crash-page-fault", emu="bochs", mem="64M", end="panic", timeout=180,
         options="crashtest=pf",
         expect=[r"^tern: CRASH: CPU exception 14 \(#PF page fault\)",
                 r"^RIP=ffffffff8[0-9a-f]{7} crash_page_fault\+0x"],
         last=r"^tern: CRASH: powering off$"),
]

SVM_CHECKS = {
    toucher_faults_per_page: lambda c: toucher_faults_per_page(c, SVM_NAMES),
    spinners_interleave: lambda c: spinners_interleave(c, SVM_NAMES),
    idle_is_cheap: lambda c: idle_is_cheap(c, SVM_NAMES, timed=False),
    flood_bounded: lambda c: flood_bounded(c, SVM_NAMES, timed=False),
}

# The interrupt-driven shell typed into on the software APIC path too.
CASES += [dict(c, name="bochs-apicv-off-shell", options="apicv=off",
               reject=c["reject"] + [r"APIC write", r"APIC access"])
          for c in CASES if c["name"] == "bochs-shell"]

# Linux on QEMU's TCG calibrates its TSC against a clock that follows the
# host's, which a loaded machine makes uneven: bochs-linux runs on Bochs
# only (deterministic clock).
# QEMU's TCG (7.2) runs a guest's task switches itself, without the
# task-switch intercept: svm-taskswitch would test QEMU, and Tern's NMI
# single step (svm/nmi.c) would leak its TF into the TSS there.  Bochs'
# ryzen model intercepts them (bochs-ryzen-taskswitch below).
CASES += [svm_twin(c) for c in CASES
          if c["emu"] == "bochs" and not c["name"].startswith(VMX_ONLY)
          and c["name"] not in ("bochs-taskswitch", "bochs-linux")]
# Bochs 2.7's SVM falls short in two ways the other cases would trip on:
# a guest triple fault is a Bochs panic instead of a SHUTDOWN exit, and a
# host interrupt does not exit a guest that runs with RFLAGS.IF = 0 (it
# ignores V_INTR_MASKING there), so the quantum cannot end such a guest.
# QEMU and hardware do both; the hostile and preemption cases run there.
CASES += [bochs_svm_twin(c) for c in CASES if c["name"] in ("bochs-guests-good", "bochs-taskswitch")]

CASES += [
    broken_first_guest("svm-vmentry-guest-state", "vmentry", [
        r"^tern: svm: VMRUN of guest broken failed: VMEXIT_INVALID \(EFER\.SVME is zero\)$",
        r"^    st->efer +0x0000000000000000$",
        r"^    c->exit_code +0x0*ffffffff(ffffffff)?$",
        r"^tern: guest broken stopped: VM entry failed: VMRUN refused the VMCB \(VMEXIT_INVALID: EFER\.SVME is zero\)$"],
        svm=True),
    broken_first_guest("svm-vmentry-control", "vmcontrol", [
        r"^tern: svm: VMRUN of guest broken failed: VMEXIT_INVALID \(the ASID is 0, which is the host's\)$",
        r"^    c->asid +0x0000000000000000$",
        r"^tern: guest broken stopped: VM entry failed: VMRUN refused the VMCB \(VMEXIT_INVALID: the ASID is 0"],
        svm=True),
    broken_first_guest("svm-npt-misconfig", "eptmisconfig", [
        r"^    c->exit_code +0x0000000000000400$",
        r"^tern: guest broken stopped: nested page fault \(reserved bit\) at gpa=0x[0-9a-f]+ \(a hypervisor bug; VMCB dumped above\)$"],
        svm=True),
    dict(name="svm-crash-page-fault", emu="qemu", qemu_cpu=SVM_CPU, mem="64M", end="panic", timeout=60,
         options="crashtest=pf",
         expect=[r"^tern: CRASH: CPU exception 14 \(#PF page fault\)",
                 r"^RIP=ffffffff8[0-9a-f]{7} crash_page_fault\+0x"],
         last=r"^tern: CRASH: powering off$"),
]
