/*
 * Micro-benchmark of mm/frame.c on the host.
 *
 *   gcc -std=gnu11 -O2 -I. tests/bench_frame.c mm/frame.c -o /tmp/bench_frame
 *
 * Each pattern runs a few times and reports the best (least disturbed)
 * run in ns per alloc+free pair.  The allocator state is checked after
 * every pattern so a fast-but-broken build cannot post a result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/frame.h"

#define GiB(x) ((uint64_t)(x) << 30)
#define MiB(x) ((uint64_t)(x) << 20)
#define REPEATS 5
#define BATCH 10000

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p) {
		fprintf(stderr, "out of memory (%zu bytes)\n", size);
		exit(1);
	}
	return p;
}

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "bench: consistency check failed: %s\n", what);
		exit(1);
	}
}

/* Build an allocator over [0, end) with the first MiB reserved, as on
 * a PC; returns the init time in ms. */
static double setup(struct frame_alloc *fa, uint64_t end, void **meta)
{
	static const struct mem_range reserved[] = { { 0, MiB(1) } };
	struct mem_range usable = { 0, end };
	size_t size = frame_meta_size(end);
	double t;

	*meta = xmalloc(size);
	memset(*meta, 0, size); /* fault the pages in outside the timing */
	t = now_ns();
	must(frame_init(fa, &usable, 1, reserved, 1, *meta, size) == 0,
	     "frame_init");
	return (now_ns() - t) / 1e6;
}

/* Alloc+free of one block, repeated: every pair splits a larger block
 * down to `order` and merges it straight back. */
static double bench_pairs(struct frame_alloc *fa, unsigned order, long n)
{
	double best = 1e30;

	for (int r = 0; r < REPEATS; r++) {
		double t = now_ns();
		for (long i = 0; i < n; i++) {
			uint64_t p = frame_alloc(fa, order);
			frame_free(fa, p, order);
		}
		t = (now_ns() - t) / (double)n;
		if (t < best)
			best = t;
	}
	return best;
}

/* Allocate BATCH 4K frames, then free them all (in allocation order). */
static double bench_batch(struct frame_alloc *fa, long rounds)
{
	uint64_t *held = xmalloc(BATCH * sizeof *held);
	double best = 1e30;

	for (int r = 0; r < REPEATS; r++) {
		double t = now_ns();
		for (long k = 0; k < rounds; k++) {
			for (int i = 0; i < BATCH; i++)
				held[i] = frame_alloc(fa, 0);
			for (int i = 0; i < BATCH; i++)
				frame_free(fa, held[i], 0);
		}
		t = (now_ns() - t) / ((double)rounds * BATCH);
		if (t < best)
			best = t;
	}
	free(held);
	return best;
}

int main(void)
{
	struct frame_alloc fa;
	uint64_t init[FRAME_MAX_ORDER + 1];
	void *meta;
	double ms;

	ms = setup(&fa, GiB(4), &meta);
	printf("frame init 4 GiB map: %.2f ms (%zu bytes metadata)\n", ms,
	       frame_meta_size(GiB(4)));
	memcpy(init, fa.free_blocks, sizeof init);

	printf("frame 4K alloc+free: %.1f ns/op\n", bench_pairs(&fa, 0, 10000000));

	/* With a 4K frame held, its buddy stays free at order 0, so each
	 * pair is a pure list pop/push without splitting or merging. */
	uint64_t hold = frame_alloc(&fa, 0);
	printf("frame 4K alloc+free (warm, no split): %.1f ns/op\n",
	       bench_pairs(&fa, 0, 10000000));
	frame_free(&fa, hold, 0);

	printf("frame 2M alloc+free: %.1f ns/op\n",
	       bench_pairs(&fa, FRAME_ORDER_2M, 10000000));
	printf("frame 4K batch of %d alloc then free: %.1f ns/op\n", BATCH,
	       bench_batch(&fa, 200));

	must(memcmp(init, fa.free_blocks, sizeof init) == 0, "coalescing");
	must(fa.used_frames == 0, "used_frames");
	must(frame_check(&fa), "frame_check");
	free(meta);

	ms = setup(&fa, GiB(64), &meta);
	printf("frame init 64 GiB map: %.2f ms (%zu bytes metadata)\n", ms,
	       frame_meta_size(GiB(64)));
	must(frame_check(&fa), "frame_check 64 GiB");
	free(meta);
	return 0;
}
