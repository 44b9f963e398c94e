#include "guest/memory.h"
#include "lib/compiler.h"
#include "lib/range.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/setup.h"

#define PAGE 4096ull

static uint64_t table_alloc(void *ctx)
{
	struct guest_memory *m = ctx;
	uint64_t phys = frame_alloc(&frames, 0);

	if (phys == FRAME_NONE)
		return 0;
	m->table_frames++;
	return phys;
}

static void table_free(void *ctx, uint64_t phys)
{
	struct guest_memory *m = ctx;

	frame_free(&frames, phys, 0);
	m->table_frames--;
}

static uint64_t *table_ptr(void *ctx, uint64_t phys)
{
	(void)ctx;
	return phys_to_virt(phys);
}

/* Bytes promised to guests that exist: their RAM plus the tables that
 * can map it.  Demand paging must never find the allocator empty, so a
 * guest is only created when its whole promise fits in what is free. */
static uint64_t committed;

static uint64_t promise(uint64_t ram_size)
{
	/* One 4 KiB table per 2 MiB of RAM, the upper levels, and slack
	 * for the vCPU's VMCS and host stack. */
	return ram_size + (ram_size >> 9) + 16 * PAGE;
}

int gmem_init(struct guest_memory *m, const struct stage2 *s2, uint64_t ram_size)
{
	uint64_t free_bytes = frames.free_frames * PAGE;

	memset(m, 0, sizeof *m);
	if (committed + promise(ram_size) > free_bytes)
		return -1;
	committed += promise(ram_size);
	m->ram_size = ram_size;
	m->device_gpa = GMEM_NO_DEVICE;
	m->s2 = s2;
	m->leaf_ram = s2->format->leaf_ram;
	m->table_mem = (struct pt_mem){ table_alloc, table_free, table_ptr, m };
	/* 4 KiB leaves only: demand paging backs exactly what is touched,
	 * one EPT violation per page (docs/memory.md). */
	return pt_create(&m->table, s2->format, &m->table_mem, 1);
}

/* Host pointer to the backed page holding gpa, backing it if needed. */
static HOT_PATH uint8_t *backed_page(struct guest_memory *m, uint64_t gpa, enum gmem_fault *why)
{
	uint64_t hpa, flags;
	int level;

	if (gpa >= m->ram_size) {
		*why = GMEM_OUTSIDE;
		return NULL;
	}
	gpa &= ~(PAGE - 1);
	if (pt_translate(&m->table, gpa, &hpa, &flags, &level)) {
		/* A fault on a backed page: a write to the ROM (gmem_fault). */
		if (unlikely(gmem_in_rom(gpa)))
			*why = GMEM_OUTSIDE;
		return phys_to_virt(hpa);
	}
	hpa = frame_alloc_zeroed(0);
	if (hpa == FRAME_NONE) {
		*why = GMEM_NO_MEMORY;
		return NULL;
	}
	/* Not-present -> present needs no INVEPT (SDM Vol. 3C 29.4.3.1:
	 * no translations are cached for not-present entries). */
	if (pt_map_page(&m->table, gpa, hpa, 1, gmem_in_rom(gpa) ? m->s2->format->leaf_rom : m->leaf_ram)) {
		frame_free(&frames, hpa, 0);
		*why = GMEM_NO_MEMORY;
		return NULL;
	}
	m->ram_frames++;
	*why = GMEM_MAPPED;
	return phys_to_virt(hpa);
}

/* On the path of every first touch of guest RAM.  A ROM page that is
 * already backed faults only for a write: GMEM_OUTSIDE, for the ROM
 * device to drop it. */
HOT_PATH enum gmem_fault gmem_fault(struct guest_memory *m, uint64_t gpa)
{
	enum gmem_fault why = GMEM_MAPPED;

	backed_page(m, gpa, &why);
	return why;
}

enum copy { COPY_OUT, COPY_IN, COPY_IN_ROM };

/* Walk [gpa, gpa + len) page by page, copying with each backed page.
 * The guest's own writes (COPY_IN) skip ROM pages. */
static int copy_pages(struct guest_memory *m, uint64_t gpa, uint8_t *buf, size_t len, enum copy how)
{
	enum gmem_fault why;

	if (!range_within(gpa, len, m->ram_size))
		return -1;
	while (len) {
		uint8_t *page = backed_page(m, gpa, &why);
		size_t off = gpa & (PAGE - 1);
		size_t n = PAGE - off < len ? PAGE - off : len;
		if (!page)
			return -1;
		if (how == COPY_OUT)
			memcpy(buf, page + off, n);
		else if (how == COPY_IN_ROM || !gmem_in_rom(gpa))
			memcpy(page + off, buf, n);
		gpa += n, buf += n, len -= n;
	}
	return 0;
}

int gmem_write(struct guest_memory *m, uint64_t gpa, const void *src, size_t len)
{
	return copy_pages(m, gpa, (uint8_t *)src, len, COPY_IN);
}

int gmem_read(struct guest_memory *m, uint64_t gpa, void *dst, size_t len)
{
	return copy_pages(m, gpa, dst, len, COPY_OUT);
}

int gmem_write_rom(struct guest_memory *m, uint64_t gpa, const void *src, size_t len)
{
	if (!len || !gmem_in_rom(gpa) || !gmem_in_rom(gpa + len - 1))
		return -1;
	return copy_pages(m, gpa, (uint8_t *)src, len, COPY_IN_ROM);
}

static void free_leaf(void *arg, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
	struct guest_memory *m = arg;
	(void)va, (void)flags;

	frame_free(&frames, pa, level == 1 ? 0 : 9 * (unsigned)(level - 1));
	m->ram_frames -= PT_LEVEL_SIZE(level) / PAGE;
}

uint64_t gmem_uncommitted(void)
{
	uint64_t free_bytes = frames.free_frames * PAGE;
	return free_bytes > committed ? free_bytes - committed : 0;
}

void gmem_unmap_device(struct guest_memory *m)
{
	if (m->device_gpa == GMEM_NO_DEVICE)
		return;
	pt_unmap(&m->table, m->device_gpa, PAGE);
	m->device_gpa = GMEM_NO_DEVICE;
	gmem_invalidate(m);
}

int gmem_map_device(struct guest_memory *m, uint64_t gpa, uint64_t hpa)
{
	gpa &= ~(PAGE - 1);
	if (gpa < m->ram_size)
		return -1;
	gmem_unmap_device(m);
	if (pt_map_page(&m->table, gpa, hpa, 1, m->leaf_ram))
		return -1;
	m->device_gpa = gpa;
	return 0;
}

void gmem_destroy(struct guest_memory *m)
{
	if (!m->ram_size)
		return;
	gmem_unmap_device(m);   /* not the guest's frame */
	committed -= promise(m->ram_size);
	m->ram_size = 0;
	if (!m->table.root)
		return;
	/* Flush first: the frames go to other guests next. */
	gmem_invalidate(m);
	pt_for_each_leaf(&m->table, free_leaf, m);
	pt_destroy(&m->table);
}
