/* Choosing the hypervisor's console (DESIGN.md 3 and 5): the option
 * console=, else the firmware's word for it. */
#ifndef TERN_CORE_CONSOLE_H
#define TERN_CORE_CONSOLE_H

/* option: the value of console= ("" when not given).  Runs once the
 * boot information, the direct map and ACPI are there; until then Tern
 * writes to COM1.  Output so far is shown again on the chosen console
 * when that is another. */
struct mb2_framebuffer;
/* fb: the screen the loader left (NULL when it said nothing); an EGA text
 * screen shows the console too, for PCs without a serial port. */
void console_choose(const char *option, const struct mb2_framebuffer *fb);
/* Every console character also goes to the screen, when there is one. */
void console_screen_putc(char c);

#endif
