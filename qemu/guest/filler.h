/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory filler for the in-guest tests: page cache (files on a tmpfs) and
 * anonymous memory, each block holding a pattern that can be checked later,
 * until the CMA areas are mostly occupied by movable pages.
 */
#ifndef FILLER_H
#define FILLER_H

#include <stddef.h>

#define FILLER_BLOCK	(4UL << 20)
#define FILLER_MAX	256

struct filler {
	const char *dir;		/* tmpfs mount point */
	void *anon[FILLER_MAX];		/* anonymous blocks */
	int nr_anon, nr_files;
	unsigned long cma_free_before_kb, cma_free_after_kb, mem_free_kb;
	const char *why;		/* why the last top-up stopped */
};

/* Fill until CmaFree <= goal_kb, keeping MemFree >= reserve_kb. */
int filler_fill(struct filler *f, const char *dir, unsigned long goal_kb,
		unsigned long reserve_kb);
/* Add blocks to a filled filler until CmaFree <= goal_kb again. */
int filler_top_up(struct filler *f, unsigned long goal_kb,
		  unsigned long reserve_kb);
/* Number of blocks whose pattern changed or could not be read. */
int filler_verify(const struct filler *f);
void filler_release(struct filler *f);
int meminfo_kb(const char *field, unsigned long *kb);

#endif
