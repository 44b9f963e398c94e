# Test guests: multiboot (v1) kernels in guest/tests/, built as ELF32 at
# 1 MiB.  Included by the top-level Makefile (which defines BUILD, CC,
# NASM, LD).  Every guest/tests/NAME.c becomes $(BUILD)/guests/NAME.elf,
# linked with the runtime in guest/tests/lib/ and the hypervisor's pure
# lib/format.c and lib/string.c.

# This file is included before the Makefile's first rule: keep its
# default goal (restored at the end).
GUEST_SAVED_GOAL := $(.DEFAULT_GOAL)

GUEST_DIR    := guest/tests
GUEST_OUT    := $(BUILD)/guests
GUEST_OBJDIR := $(GUEST_OUT)/obj

GUEST_CFLAGS := -std=gnu11 -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -nostdlib -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror -I. -MMD -MP
GUEST_NASMFLAGS := -f elf32 -g
GUEST_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 -T $(GUEST_DIR)/lib/guest.ld

GUEST_NAMES := $(sort $(patsubst $(GUEST_DIR)/%.c,%,$(wildcard $(GUEST_DIR)/*.c)))
GUEST_ELFS  := $(addprefix $(GUEST_OUT)/,$(addsuffix .elf,$(GUEST_NAMES)))
GUEST_OBJS  := $(addprefix $(GUEST_OBJDIR)/,$(addsuffix .o,$(GUEST_NAMES)))
GUEST_LIBOBJS := $(GUEST_OBJDIR)/lib/start.o $(GUEST_OBJDIR)/lib/libguest.o $(GUEST_OBJDIR)/lib/format.o \
	$(GUEST_OBJDIR)/lib/string.o
# Keep the objects (make would delete them as intermediates).
.SECONDARY: $(GUEST_OBJS)

# The guests `make iso` puts on the image (scripts/mkiso.sh syntax, one
# quoted word per guest).
DEFAULT_GUESTS := "$(GUEST_OUT)/hello.elf name=hello mem=16M -- hello world" \
	"$(GUEST_OUT)/platform.elf name=platform mem=32M -- check=platform-cmdline" \
	"$(GUEST_OUT)/shell.elf name=shell mem=16M -- idle=300"

.PHONY: guests
guests: $(GUEST_ELFS)

$(GUEST_OBJDIR)/lib/start.o: $(GUEST_DIR)/lib/start.asm $(GUEST_DIR)/guests.mk
	@mkdir -p $(dir $@)
	$(NASM) $(GUEST_NASMFLAGS) $< -o $@

$(GUEST_OBJDIR)/lib/libguest.o: $(GUEST_DIR)/lib/libguest.c $(GUEST_DIR)/guests.mk
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OBJDIR)/lib/%.o: lib/%.c $(GUEST_DIR)/guests.mk
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OBJDIR)/%.o: $(GUEST_DIR)/%.c $(GUEST_DIR)/guests.mk
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

# Link, then prove the result is a multiboot (v1) kernel whose header
# lies in the first 8 KiB and whose segments all sit at or above 1 MiB.
$(GUEST_OUT)/%.elf: $(GUEST_OBJDIR)/%.o $(GUEST_LIBOBJS) $(GUEST_DIR)/lib/guest.ld
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJDIR)/$*.o $(GUEST_LIBOBJS)
	@grub-file --is-x86-multiboot $@ || { echo "$@ is not a multiboot (v1) image"; rm -f $@; exit 1; }
	@$(GUEST_DIR)/check-elf.sh $@ || { rm -f $@; exit 1; }

-include $(shell find $(GUEST_OBJDIR) -name '*.d' 2>/dev/null)

.DEFAULT_GOAL := $(GUEST_SAVED_GOAL)
