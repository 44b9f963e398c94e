/* platform: checks the platform contract (DESIGN.md section 4) from the
 * inside: multiboot state and information, fw_cfg, CPUID, demand-backed
 * RAM, unassigned ports, MSR filtering, hypercalls, command line.
 * One line per check ("ok: ..." or "FAIL: ..."), then a summary; exits 0
 * when every check passed, 1 otherwise.  The harness passes
 * "-- check=platform-cmdline". */
#include "guest/tests/lib/libguest.h"

#define KIB             1024u
#define MIB             0x100000u

static void check_boot_state(uint32_t magic)
{
	uint32_t cr0 = read_cr0();
	uint32_t efer_lo = 0, efer_hi = 0;

	check(magic == MB_BOOTLOADER_MAGIC, "multiboot magic 0x%08x", magic);
	check((cr0 & 1) && !(cr0 & 0x80000000u), "protected mode, paging off (CR0=0x%08x)", cr0);
	expect_exception(-1, 0);
	__asm__ volatile(TRAP_INSN("rdmsr") : "=a"(efer_lo), "=d"(efer_hi) : "c"(0xC0000080u) : "memory");
	int v = caught_exception();
	check(v < 0, "rdmsr IA32_EFER allowed (%s)", v < 0 ? "no exception" : exception_name((unsigned)v));
	if (v < 0)
		check(!(efer_lo & ((1u << 8) | (1u << 10))), "EFER.LME and EFER.LMA clear (EFER=0x%08x%08x)",
		      efer_hi, efer_lo);
}

/* A word of the BIOS data area at 400h + off (through asm: the compiler
 * takes so low a constant address for a null-pointer offset). */
static uint16_t bda_word(uint32_t off)
{
	uint16_t v;
	__asm__ volatile("movw (%1), %0" : "=r"(v) : "r"(0x400 + off) : "memory");
	return v;
}

static void check_mbi(const struct mb_info *mbi, uint64_t fw_mem)
{
	uint32_t want = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MMAP | MB_INFO_LOADER_NAME;

	check((mbi->flags & want) == want,
	      "mbi flags 0x%x have mem, cmdline, mmap, loader name", mbi->flags);
	printf("boot loader: \"%s\", command line: \"%s\"\n", mbi_loader_name(mbi), mbi_cmdline(mbi));
	check(mbi->mem_lower == 640 || mbi->mem_lower == 639, "mem_lower = %u KiB", mbi->mem_lower);
	uint64_t mem = mbi_mem_bytes(mbi);
	check(mem == fw_mem, "mem_upper %u KiB + 1 MiB = 0x%llx = fw_cfg RAM size 0x%llx",
	      mbi->mem_upper, (unsigned long long)mem, (unsigned long long)fw_mem);

	/* The map: an available region at 0 covering >= 639 KiB (and not the
	 * VGA hole); one from 1 MiB ending at mem (or within 1 MiB below, as
	 * QEMU's does); nothing available at or beyond mem. */
	const struct mb_mmap_entry *e;
	bool low = false, high = false, beyond = false, hole = false;
	unsigned n = 0;
	for (unsigned i = 0; (e = mbi_mmap_entry(mbi, i)); i++, n++) {
		uint64_t end = e->base + e->len;
		printf("mmap: 0x%09llx-0x%09llx type %u\n", (unsigned long long)e->base,
		       (unsigned long long)end, e->type);
		if (e->type != MB_MMAP_AVAILABLE)
			continue;
		if (e->base == 0 && end >= 639 * KIB && end <= 640 * KIB)
			low = true;
		if (e->base == MIB && end <= mem && end + MIB > mem)
			high = true;
		if (end > mem)
			beyond = true;
		if (e->base < 0x100000 && end > 640 * KIB)
			hole = true;
	}
	check(n > 0, "mmap has %u entries (%u bytes)", n, mbi->mmap_length);
	/* The BIOS data area, as a BIOS leaves it (DESIGN.md 4). */
	uint16_t com1 = bda_word(0x00), ebda = bda_word(0x0E), base_kib = bda_word(0x13);
	check(com1 == 0x3F8 && ebda == 0x9FC0 && base_kib == mbi->mem_lower,
	      "BDA: COM1 0x%x, EBDA segment 0x%x, base memory %u KiB", com1, ebda, base_kib);
	check(low, "mmap: [0, 640K) available");
	check(high, "mmap: [1M, mem) available");
	check(!beyond, "mmap: nothing available at or beyond mem");
	check(!hole, "mmap: [640K, 1M) not available");
}

static void check_fw_cfg(uint64_t *mem)
{
	char sig[5] = { 0 };

	fw_cfg_read(FW_CFG_SIGNATURE, sig, 4);
	check(memcmp(sig, "QEMU", 4) == 0, "fw_cfg signature \"%s\"", sig);
	*mem = fw_cfg_read64(FW_CFG_RAM_SIZE);
	printf("fw_cfg RAM size 0x%llx (%llu MiB)\n", (unsigned long long)*mem,
	       (unsigned long long)(*mem >> 20));
	uint16_t cpus = fw_cfg_read16(FW_CFG_NB_CPUS);
	check(cpus == 1, "fw_cfg CPU count %u", cpus);
}

static void check_cpuid(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	check(r.ecx & CPUID1_ECX_HYPERVISOR, "CPUID.1:ECX hypervisor bit set (ECX=0x%08x)", r.ecx);
	check(!(r.ecx & CPUID1_ECX_VMX), "CPUID.1:ECX VMX bit clear");

	r = cpuid(CPUID_HV_LEAF, 0);
	char sig[13];
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 0;
	for (int i = 0; i < 12; i++)
		if (sig[i] < 0x20 || sig[i] > 0x7E)
			sig[i] = '.';
	check(memcmp(sig, "TernTernTern", 12) == 0 && r.eax >= CPUID_HV_LEAF,
	      "CPUID 0x40000000: max leaf 0x%08x, signature \"%s\"", r.eax, sig);
}

/* Fresh RAM reads as zero; then a pattern written reads back.  The range
 * is above the image and the multiboot information, 4-6 MiB if it can. */
static void check_ram(const struct mb_info *mbi, uint64_t mem)
{
	uint32_t lo = (uint32_t)_end;
	if (mbi_end(mbi) > lo)
		lo = mbi_end(mbi);
	lo = (lo + MIB - 1) & ~(MIB - 1);
	if (lo < 4 * MIB)
		lo = 4 * MIB;
	uint32_t hi = lo + 2 * MIB;
	if (hi > mem) {
		check(false, "RAM 0x%llx too small for a fresh 2 MiB above 0x%08x",
		      (unsigned long long)mem, lo);
		return;
	}

	uint32_t nonzero = 0, first = 0;
	for (uint32_t a = lo; a < hi; a += 4)
		if (*(volatile uint32_t *)a != 0 && nonzero++ == 0)
			first = a;
	check(nonzero == 0, "fresh RAM 0x%08x-0x%08x reads zero (%u non-zero words, first at 0x%08x)",
	      lo, hi, nonzero, first);

	for (uint32_t a = lo; a < hi; a += 4)
		*(volatile uint32_t *)a = a * 2654435761u;
	uint32_t bad = 0;
	first = 0;
	for (uint32_t a = lo; a < hi; a += 4)
		if (*(volatile uint32_t *)a != a * 2654435761u && bad++ == 0)
			first = a;
	check(bad == 0, "pattern written to 0x%08x-0x%08x reads back (%u wrong words, first at 0x%08x)",
	      lo, hi, bad, first);
}

static void check_ports(void)
{
	uint8_t b = inb(0x2E8);
	uint16_t w = inw(0x300);
	uint32_t l = inl(0x300);
	check(b == 0xFF, "unassigned port: inb 0x2e8 = 0x%02x", b);
	check(w == 0xFFFF, "unassigned port: inw 0x300 = 0x%04x", w);
	check(l == 0xFFFFFFFFu, "unassigned port: inl 0x300 = 0x%08x", l);
	outb(0x2E8, 0x12);
	outl(0x300, 0x12345678);
	b = inb(0x2E8);
	l = inl(0x300);
	check(b == 0xFF && l == 0xFFFFFFFFu,
	      "unassigned port ignores writes (inb 0x2e8 = 0x%02x, inl 0x300 = 0x%08x)", b, l);
}

/* A byte from the 8042's output buffer, waiting (bounded) for OBF. */
static int kbc_byte(void)
{
	for (int i = 0; i < 1000; i++)
		if (inb(0x64) & 1)
			return inb(0x60);
	return -1;
}

/* The 8042 as a probing driver sees it, and the CRT controller's cursor
 * registers, which a kernel writing the text screen moves. */
static void check_kbc_and_crtc(void)
{
	outb(0x64, 0xAA);
	int st = kbc_byte();
	check(st == 0x55 && (inb(0x64) & 0x04), "8042 self-test 0x%02x, system flag set", st);
	outb(0x64, 0x20);
	int cb = kbc_byte();
	check(cb >= 0 && (cb & 0x01), "8042 command byte 0x%02x: keyboard interrupt on", cb);
	outb(0x64, 0xAD);                            /* keyboard off while we talk: no IRQ1 */
	outb(0x60, 0xFF);                            /* keyboard reset */
	int ack = kbc_byte(), bat = kbc_byte();
	check(ack == 0xFA && bat == 0xAA, "keyboard reset: 0x%02x 0x%02x (ACK, self-test passed)",
	      ack, bat);
	outb(0x64, 0xAE);
	outb(0x3D4, 0x0E);
	outb(0x3D5, 0x01);
	outb(0x3D4, 0x0F);
	outb(0x3D5, 0x23);
	outb(0x3D4, 0x0E);
	uint8_t hi = inb(0x3D5);
	outb(0x3D4, 0x0F);
	check(hi == 0x01 && inb(0x3D5) == 0x23, "CRT controller cursor 0x%02x%02x reads back", hi,
	      inb(0x3D5));
}

static void check_msrs(void)
{
	uint32_t lo, hi;

	expect_exception(13, 0);
	__asm__ volatile(TRAP_INSN("rdmsr") : "=a"(lo), "=d"(hi) : "c"(0x12345678u) : "memory");
	int v = caught_exception();
	if (v < 0)
		check(false, "rdmsr 0x12345678 raises #GP(0) (no exception)");
	else
		check(v == 13 && guest_trap_error == 0, "rdmsr 0x12345678 raises #GP(0) (caught %s, error 0x%x)",
		      exception_name((unsigned)v), guest_trap_error);

	expect_exception(-1, 0);
	__asm__ volatile(TRAP_INSN("rdmsr") : "=a"(lo), "=d"(hi) : "c"(0x1Bu) : "memory");
	v = caught_exception();
	check(v < 0, "rdmsr IA32_APIC_BASE allowed (%s, value 0x%08x%08x)",
	      v < 0 ? "no exception" : exception_name((unsigned)v), v < 0 ? hi : 0, v < 0 ? lo : 0);
}

static void check_hypercalls(void)
{
	static const char line[] = "console write via hypercall works\n";
	uint32_t r;
	int v;

	v = try_vmcall(TERN_HC_VERSION, 0, 0, 0, &r);
	if (!check(v < 0 && r == 1, "hypercall VERSION returns %d (%s)", (int)r,
		   v < 0 ? "no exception" : exception_name((unsigned)v))) {
		/* Not Tern: no point in the others. */
		check(false, "hypercall CONSOLE_WRITE (skipped)");
		check(false, "hypercall YIELD (skipped)");
		check(false, "unknown hypercall (skipped)");
		return;
	}
	v = try_vmcall(TERN_HC_CONSOLE_WRITE, (uint32_t)line, sizeof line - 1, 0, &r);
	check(v < 0 && r == sizeof line - 1, "hypercall CONSOLE_WRITE returns %d (want %u)",
	      (int)r, (unsigned)(sizeof line - 1));
	v = try_vmcall(TERN_HC_YIELD, 0, 0, 0, &r);
	check(v < 0 && r == 0, "hypercall YIELD returns %d", (int)r);
	v = try_vmcall(0x7777, 0, 0, 0, &r);
	check(v < 0 && r == TERN_HC_ENOSYS, "unknown hypercall 0x7777 returns %d (-ENOSYS = -38)",
	      (int)r);
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint64_t fw_mem = 0;

	puts("platform: checking the guest platform");
	check_boot_state(magic);
	if (magic != MB_BOOTLOADER_MAGIC) {
		puts("platform: no multiboot information");
		return check_summary("platform");
	}
	check_fw_cfg(&fw_mem);
	check_mbi(mbi, fw_mem);
	check_cpuid();
	check_ram(mbi, mbi_mem_bytes(mbi));
	check_ports();
	check_kbc_and_crtc();
	check_msrs();
	check_hypercalls();
	check(cmdline_has_word(mbi_cmdline(mbi), "check=platform-cmdline"),
	      "command line has check=platform-cmdline");

	return check_summary("platform");
}
