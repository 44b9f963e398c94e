/* The console, in order of preference:
 *  1. console= (com1-4, io:PORT, mmio:ADDRESS[,WIDTH], none);
 *  2. the BIOS data area's first COM port (word at 0x400), if a UART
 *     answers there (on UEFI machines the area holds no such promise);
 *  3. the ACPI SPCR table's UART;
 *  4. COM1, if a UART answers there;
 *  5. none: Tern runs its guests all the same, silently. */
#include "core/console.h"
#include "arch/x86/acpi.h"
#include "arch/x86/uart16550.h"
#include "core/log.h"
#include "boot/mb2.h"
#include "lib/console_spec.h"
#include "lib/textcon.h"
#include "lib/format.h"
#include "mm/paging.h"

#define BDA_COM1 0x400

static const char *describe(const struct console_spec *c, char *buf, unsigned size)
{
	switch (c->kind) {
	case CONSOLE_NONE: return "none";
	case CONSOLE_MMIO: ksnprintf(buf, size, "MMIO UART at 0x%llx (registers %u bytes apart)",
				     (unsigned long long)c->base, c->width); return buf;
	default: ksnprintf(buf, size, "16550 at I/O port 0x%llx", (unsigned long long)c->base); return buf;
	}
}

static struct console_spec from_firmware(const char **source)
{
	uint16_t bda = *(const volatile uint16_t *)phys_to_virt(BDA_COM1);
	struct console_spec c = { .kind = CONSOLE_IO, .width = 1 };
	bool mmio;
	uint64_t base;
	unsigned width;

	if (bda && bda <= 0xFFF8 && uart_present_io(bda)) {
		c.base = bda;
		*source = "BIOS data area";
	} else if (!acpi_spcr_uart(&mmio, &base, &width) && (mmio || (base <= 0xFFF8 && uart_present_io((uint16_t)base)))) {
		c.kind = mmio ? CONSOLE_MMIO : CONSOLE_IO;
		c.base = base;
		c.width = width;
		*source = "ACPI SPCR";
	} else if (uart_present_io(COM1_PORT)) {
		c.base = COM1_PORT;
		*source = "COM1 answers";
	} else {
		c.kind = CONSOLE_NONE;
		*source = "no UART found";
	}
	return c;
}

static struct textcon screen;
static bool screen_on;
/* Characters of a graphics screen: 64 KiB covers 3840x2160 in 8x16 cells. */
static uint8_t screen_shadow[64 * 1024];

void console_screen_putc(char c)
{
	if (screen_on)
		textcon_putc(&screen, c);
}

/* The screen the loader left: a text-mode screen (multiboot2 framebuffer
 * type 2, as GRUB leaves a BIOS PC) or a pixel framebuffer (type 1, what
 * GRUB passes on from UEFI's GOP).  Cleared, shown everything printed so
 * far, then kept in step with the serial console. */
static void choose_screen(const struct mb2_framebuffer *fb)
{
	if (fb)
		pr_debug("console: the loader left a %ux%u framebuffer, type %u, %u bpp, pitch %u, at 0x%llx",
			 fb->width, fb->height, fb->type, fb->bpp, fb->pitch, (unsigned long long)fb->addr);
	if (!fb || !fb->width || !fb->height || (fb->type != MB2_FB_EGA_TEXT && fb->type != MB2_FB_RGB))
		return;
	if (fb->addr + (uint64_t)fb->pitch * fb->height > paging_direct_map_limit()) {
		pr_warn("console: screen at 0x%llx is outside the direct map", (unsigned long long)fb->addr);
		return;
	}
	if (fb->type == MB2_FB_EGA_TEXT) {
		textcon_init(&screen, phys_to_virt(fb->addr), fb->width, fb->height, fb->pitch);
	} else if (textcon_init_fb(&screen, phys_to_virt(fb->addr), fb->width, fb->height, fb->pitch,
				   &(struct textcon_pixels){ fb->bpp, fb->red_pos, fb->red_size, fb->green_pos,
							     fb->green_size, fb->blue_pos, fb->blue_size })) {
		pr_warn("console: cannot draw on a %u-bpp framebuffer (colour fields %u:%u:%u bits)",
			fb->bpp, fb->red_size, fb->green_size, fb->blue_size);
		return;
	} else if (textcon_set_shadow(&screen, screen_shadow, sizeof screen_shadow)) {
		pr_debug("console: screen too large for its shadow; scrolling moves pixels");
	}
	screen_on = true;
}

void console_choose(const char *option, const struct mb2_framebuffer *fb)
{
	struct console_spec c;
	const char *why = "", *source = "console=";
	char buf[80];

	if (!option[0]) {
		c = from_firmware(&source);
	} else if (console_spec_parse(option, &c, &why)) {
		pr_warn("option console=%s: %s; ignored", option, why);
		c = from_firmware(&source);
	}
	if (c.kind == CONSOLE_MMIO && (c.base + 8 * c.width > paging_direct_map_limit())) {
		pr_warn("console: MMIO UART at 0x%llx is outside the direct map; no console",
			(unsigned long long)c.base);
		c.kind = CONSOLE_NONE;
	}
	choose_screen(fb);
	if (c.kind == CONSOLE_IO && c.base == COM1_PORT) {
		console_replay_early(false);   /* everything is on COM1 already */
	} else {
		if (c.kind == CONSOLE_NONE)
			uart_disable();
		else if (c.kind == CONSOLE_MMIO)
			uart_init_mmio(phys_to_virt(c.base), c.width);
		else
			uart_init((uint16_t)c.base);
		console_replay_early(true);
	}
	pr_info("console: %s (%s)", describe(&c, buf, sizeof buf), source);
	if (screen_on && fb->type == MB2_FB_RGB)
		pr_info("console: and the %ux%u graphics screen at 0x%llx (%u bpp, pitch %u): %ux%u characters",
			fb->width, fb->height, (unsigned long long)fb->addr, fb->bpp, fb->pitch,
			screen.cols, screen.rows);
	else if (screen_on)
		pr_info("console: and the %ux%u text screen at 0x%llx", fb->width, fb->height,
			(unsigned long long)fb->addr);
}
