# Tern build.  `make` -> build/tern.elf, `make iso` -> build/tern.iso,
# `make run` boots it, `make test` runs every test (README.md).

BUILD   := build
.SECONDEXPANSION:
CC      := gcc
NASM    := nasm
LD      := ld

# Hypervisor: freestanding C in the x86-64 kernel code model (it runs in
# the top 2 GiB, see linker.ld), no SSE (guest state is not ours to
# clobber), frame pointers for the crash dump's backtrace.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	   -mno-red-zone -mgeneral-regs-only -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
	   -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin-printf \
	   -Wall -Wextra -Werror -I. -MMD -MP
KLDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld
NASMFLAGS := -f elf64 -I.

KDIRS   := boot arch/x86 core lib mm virt vmx svm guest devices
KSRCS   := $(sort $(foreach d,$(KDIRS),$(wildcard $(d)/*.c)))
KASM    := $(sort $(foreach d,$(KDIRS),$(wildcard $(d)/*.asm)))
KOBJS   := $(patsubst %.c,$(BUILD)/k/%.o,$(KSRCS)) $(patsubst %.asm,$(BUILD)/k/%.asm.o,$(KASM)) \
	   $(BUILD)/k/font8x16.o

# Host unit tests: each tests/test_X.c with the pure modules it tests,
# under AddressSanitizer and UndefinedBehaviorSanitizer.
HCFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-format-truncation \
	   -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -I.
TEST_DEPS_frame     := mm/frame.c
TEST_DEPS_mb2       := boot/mb2.c
TEST_DEPS_format    := lib/format.c
TEST_DEPS_cmdline   := lib/cmdline.c
TEST_DEPS_memmap    := mm/memmap.c
TEST_DEPS_pagetable := mm/pagetable.c
TEST_DEPS_acpi      := arch/x86/acpi_s5.c
TEST_DEPS_ksyms     := core/ksyms.c
# The formatter's tests pass deliberately odd format strings.
TEST_CFLAGS_format  := -Wno-format -Wno-format-overflow
TEST_DEPS_guestcfg  := guest/config.c lib/cmdline.c lib/format.c
TEST_DEPS_multiboot := guest/multiboot.c guest/layout.c lib/format.c
TEST_DEPS_devices   := guest/portbus.c guest/dev_uart.c guest/dev_fwcfg.c guest/dev_misc.c guest/platform.c \
		       guest/dev_pic.c guest/dev_pit.c guest/intr.c guest/dev_lapic.c guest/dev_kbc.c guest/dev_rtc.c \
		       devices/i8259.c devices/i8254.c devices/i8042.c devices/rtc.c \
		       devices/lapic.c devices/ioapic.c guest/dev_acpi.c devices/acpi_pm.c devices/uart16550.c
TEST_DEPS_gva       := guest/gva.c
TEST_DEPS_vmxcaps   := vmx/caps_adjust.c
TEST_DEPS_insn      := virt/insn.c
TEST_DEPS_tss       := virt/tss.c
TEST_DEPS_linux     := guest/linux.c guest/layout.c lib/format.c
TEST_DEPS_console   := lib/console_spec.c
TEST_DEPS_mtrr      := mm/mtrr.c
TEST_DEPS_textcon   := lib/textcon.c $(BUILD)/font8x16.c
TEST_DEPS_vmxdecode := vmx/decode.c vmx/ept.c mm/pagetable.c mm/formats.c
TEST_DEPS_svmdecode := svm/decode.c svm/check.c svm/npt.c mm/pagetable.c mm/formats.c
TEST_DEPS_i8259     := devices/i8259.c
TEST_DEPS_i8254     := devices/i8254.c
TEST_DEPS_mmio_insn := virt/mmio_insn.c
TEST_DEPS_lapic     := devices/lapic.c
TEST_DEPS_ioapic    := devices/ioapic.c
TEST_DEPS_i8042     := devices/i8042.c
TEST_DEPS_rtc       := devices/rtc.c
TEST_DEPS_acpi_pm   := devices/acpi_pm.c
TEST_DEPS_uart      := devices/uart16550.c
TEST_DEPS_focus     := guest/focus.c
TEST_DEPS_range     :=
TEST_DEPS_ratio     :=
TEST_DEPS_firmware  := guest/firmware.c arch/x86/acpi_s5.c
TESTS   := $(patsubst tests/test_%.c,%,$(wildcard tests/test_*.c))
TEST_BINS := $(addprefix $(BUILD)/tests/test_,$(TESTS))

# Guests: test guests and examples, built as multiboot (v1) ELF32 kernels.
include guest/tests/guests.mk

.PHONY: all iso run run-linux linux-guest test unit-tests bench bench-linux deps clean
all: $(BUILD)/tern.elf

$(BUILD)/k/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.asm.o: %.asm boot/layout.inc virt/gprs.inc Makefile
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) $< -o $@

# The screen console's glyphs (lib/font8x16.h): GRUB's 8x16 ASCII font,
# from the grub-common the ISO is built with anyway.
GRUB_FONT := /usr/share/grub/ascii.h
$(BUILD)/font8x16.c: $(GRUB_FONT) scripts/genfont.sh
	@mkdir -p $(BUILD)
	scripts/genfont.sh $< > $@
$(BUILD)/k/font8x16.o: $(BUILD)/font8x16.c
	$(CC) $(KCFLAGS) -c $< -o $@

# Two-pass link so the image carries its own symbol table: pass 1 has an
# empty table, pass 2 the table of pass 1.  The table sits in .rodata,
# after .text, so function addresses cannot move between the passes; the
# cmp proves it.
$(BUILD)/ksyms_empty.c: scripts/gensyms.sh
	@mkdir -p $(BUILD)
	scripts/gensyms.sh --empty > $@
$(BUILD)/tern.pass1.elf: $(KOBJS) $(BUILD)/k/ksyms_empty.o linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/k/ksyms_empty.o
$(BUILD)/ksyms.c: $(BUILD)/tern.pass1.elf scripts/gensyms.sh
	scripts/gensyms.sh $< > $@
$(BUILD)/k/ksyms_empty.o: $(BUILD)/ksyms_empty.c
	$(CC) $(KCFLAGS) -c $< -o $@
$(BUILD)/k/ksyms.o: $(BUILD)/ksyms.c
	$(CC) $(KCFLAGS) -c $< -o $@
$(BUILD)/tern.elf: $(KOBJS) $(BUILD)/k/ksyms.o linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/k/ksyms.o
	@nm -n $(BUILD)/tern.pass1.elf | awk '$$2 ~ /^[tT]$$/' > $(BUILD)/syms.pass1
	@nm -n $@ | awk '$$2 ~ /^[tT]$$/' > $(BUILD)/syms.pass2
	@cmp -s $(BUILD)/syms.pass1 $(BUILD)/syms.pass2 || { echo "symbol addresses moved between link passes"; exit 1; }
	@grub-file --is-x86-multiboot2 $@ || { echo "$@ is not a multiboot2 image"; exit 1; }

iso: $(BUILD)/tern.iso
$(BUILD)/tern.iso: $(BUILD)/tern.elf $(GUEST_ELFS) scripts/mkiso.sh
	scripts/mkiso.sh $@ "" $(DEFAULT_GUESTS)

# The emulator's exit status is not a verdict (Bochs exits 1 on every
# power-off, QEMU with isa-debug-exit exits odd): the console says how
# the run went.
run: deps iso
	@scripts/run.sh $(BUILD)/tern.iso $(EMU); \
	echo "run: the machine is off (emulator exit status $$?); the console above says how it went"

# Every header counts (a test compiles several sources at once, so
# gcc's per-object dependency files cannot say which).
HEADERS := $(wildcard */*.h */*/*.h)
$(BUILD)/tests/test_%: tests/test_%.c tests/test.h $$(TEST_DEPS_$$*) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $(TEST_CFLAGS_$*) $< $(TEST_DEPS_$*) -o $@

unit-tests: $(TEST_BINS)

test: deps all unit-tests fuzz-targets $(GUEST_ELFS) linux-guest
	scripts/test.sh

# The Linux guest from Debian's packages, never committed (build/linux/:
# vmlinuz, initrd.gz); LINUX_KERNEL=path/to/bzImage boots your own.
linux-guest:
	@scripts/linux-guest.sh

# Debian's kernel with the busybox initramfs, beside nothing else, on
# $(EMU) (default: see scripts/run.sh) with 512M of machine RAM (MEM=);
# type into its shell, `poweroff -f` ends it.  LINUX_MEM and
# LINUX_CMDLINE change what the guest gets.
LINUX_MEM ?= 128M
LINUX_CMDLINE ?= console=ttyS0
run-linux: deps all linux-guest
	scripts/mkiso.sh $(BUILD)/linux.iso "" \
		"$(BUILD)/linux/vmlinuz name=linux mem=$(LINUX_MEM) -- $(LINUX_CMDLINE)" \
		"$(BUILD)/linux/initrd.gz initrd_for=linux"
	@MEM=$${MEM:-512M} scripts/run.sh $(BUILD)/linux.iso $(EMU); \
	echo "run-linux: the machine is off (emulator exit status $$?); the console above says how it went"

# libFuzzer targets (fuzz/): every parser and decoder that takes outside
# bytes, built from the hypervisor's own sources with clang.  `make fuzz
# FUZZ_SECONDS=N` runs each for N seconds; make test runs each briefly.
FUZZ_SECONDS ?= 60
FUZZ_DEPS_mb2       := boot/mb2.c lib/format.c
FUZZ_DEPS_guestcfg  := guest/config.c lib/cmdline.c lib/format.c
FUZZ_DEPS_multiboot := guest/multiboot.c guest/layout.c lib/format.c
FUZZ_DEPS_mmio_insn := virt/mmio_insn.c
FUZZ_DEPS_gva       := guest/gva.c
FUZZ_DEPS_acpi      := arch/x86/acpi_s5.c
FUZZ_DEPS_exitdecode := vmx/decode.c svm/decode.c
FUZZ_DEPS_tss       := virt/tss.c
FUZZ_DEPS_linux     := guest/linux.c guest/layout.c lib/format.c
FUZZ_DEPS_devices   := devices/uart16550.c devices/i8259.c devices/i8254.c devices/ioapic.c \
		       devices/i8042.c devices/rtc.c devices/acpi_pm.c
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS  := $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_NAMES))

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $$(FUZZ_DEPS_$$*) $(HEADERS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Wall -Wextra -Werror -I. $< $(FUZZ_DEPS_$*) -o $@

.PHONY: fuzz fuzz-targets
fuzz-targets: $(FUZZ_BINS)
fuzz: deps fuzz-targets $(GUEST_ELFS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

bench: deps all $(GUEST_ELFS)
	scripts/bench.sh

# The Linux guest's boot under Tern and on the bare emulated machine.
bench-linux: deps all
	scripts/linux-bench.sh

deps:
	@scripts/deps.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/k -name '*.d' 2>/dev/null)
