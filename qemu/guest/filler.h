/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory filler for the in-guest tests: page cache (files on a tmpfs, or
 * on a disk's file system) and anonymous memory, each block holding a
 * pattern that can be checked later, until the CMA areas are mostly
 * occupied by movable pages.
 */
#ifndef FILLER_H
#define FILLER_H

#include <stddef.h>
#include <stdint.h>

#define FILLER_BLOCK	(4UL << 20)
#define FILLER_MAX	256

/* What a filler's blocks are */
enum filler_kind {
	FILL_MIXED,	/* tmpfs files and anonymous memory, alternating */
	FILL_TMPFS,	/* tmpfs files */
	FILL_ANON,	/* private anonymous memory */
	FILL_CLEAN,	/* files on a disk, written back, read back in: clean */
	FILL_DIRTY,	/* files on a disk, written, not written back */
};

struct filler {
	const char *dir;		/* tmpfs mount point, or a disk's directory */
	enum filler_kind kind;
	void *anon[FILLER_MAX];		/* anonymous blocks */
	int nr_anon, nr_files;
	unsigned long cma_free_before_kb, cma_free_after_kb, mem_free_kb;
	const char *why;		/* why the last top-up stopped */
};

/* Fill until CmaFree <= goal_kb, keeping MemFree >= reserve_kb. */
int filler_fill(struct filler *f, const char *dir, unsigned long goal_kb,
		unsigned long reserve_kb);
/*
 * The same with blocks of one kind.  FILL_CLEAN and FILL_DIRTY: @dir is
 * created on a mounted disk's file system, and removed by the release.
 */
int filler_fill_kind(struct filler *f, const char *dir, enum filler_kind kind,
		     unsigned long goal_kb, unsigned long reserve_kb);
/* Add blocks to a filled filler until CmaFree <= goal_kb again. */
int filler_top_up(struct filler *f, unsigned long goal_kb,
		  unsigned long reserve_kb);
/* Number of blocks whose pattern changed or could not be read. */
int filler_verify(const struct filler *f);
void filler_release(struct filler *f);
int meminfo_kb(const char *field, unsigned long *kb);
/*
 * Wait for CmaFree (kB, in *kb) to reach want_kb: 0 once it has, -1 if
 * it has not after CMA_FREE_SETTLE_MS.  Freed pages count in CmaFree only
 * once they leave the per-cpu free lists; since 6.7 the page allocator
 * raises a list's high mark while its CPU frees a lot, and vmstat's
 * once-a-second work lowers it again by an eighth each time, so after a
 * large free they may take seconds to come back.  Says how long it took,
 * or by how much it fell short, with the per-cpu lists' pages.
 */
#define CMA_FREE_SETTLE_MS	20000
int cma_free_settles(unsigned long want_kb, unsigned long *kb);
/* A word pattern that differs at every offset, per seed; and its check */
void filler_pattern(uint32_t *p, size_t bytes, uint32_t seed);
int filler_pattern_ok(const uint32_t *p, size_t bytes, uint32_t seed);

#endif
