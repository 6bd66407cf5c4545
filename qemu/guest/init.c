// SPDX-License-Identifier: GPL-2.0
/*
 * init for the test initramfs: mounts the kernel's file systems, runs the
 * in-guest checks, prints their results as a KTAP document and powers the
 * machine off.  Static, no libraries beyond libc.
 *
 * The first line it prints, "cma-init: start", separates its KTAP document
 * from the kernel's KUnit output on the console.
 */
#define _GNU_SOURCE	/* vmsplice(), sync_file_range() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "debugfs_cmd.h"
#include "filler.h"

/* syslog(2): the console prints messages of a level below this one */
#define SYSLOG_ACTION_CONSOLE_LEVEL	8
#define CONSOLE_LEVEL_WARNINGS		5	/* KERN_WARNING is 4 */

#define DEBUGFS_CMA "/sys/kernel/debug/cma"

struct check {
	const char *name;
	int (*run)(void);	/* 0: pass, <0: fail, 1: skip */
};

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static int read_ulong(const char *path, unsigned long *val)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f) {
		diag("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	ok = fscanf(f, "%lu", val) == 1;
	fclose(f);
	if (!ok)
		diag("no number in %s", path);
	return ok ? 0 : -1;
}

static int write_ulong(const char *path, unsigned long val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f) {
		diag("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	ret = fprintf(f, "%lu\n", val) < 0;
	ret |= fclose(f) != 0;
	if (ret)
		diag("cannot write %lu to %s: %s", val, path, strerror(errno));
	return ret ? -1 : 0;
}

static int area_path(char *buf, size_t size, const char *area,
		     const char *file)
{
	return snprintf(buf, size, "%s/%s/%s", DEBUGFS_CMA, area, file) >=
	       (int)size ? -1 : 0;
}

/* The in-tree debugfs interface still allocates and frees (6 MiB). */
static int check_cma_debug_alloc_free(void)
{
	const unsigned long pages = 1536;
	unsigned long before, during, after;
	char alloc[256], free_path[256], used[256];

	if (area_path(alloc, sizeof(alloc), "reserved", "alloc") ||
	    area_path(free_path, sizeof(free_path), "reserved", "free") ||
	    area_path(used, sizeof(used), "reserved", "used"))
		return -1;
	if (read_ulong(used, &before) || write_ulong(alloc, pages) ||
	    read_ulong(used, &during) || write_ulong(free_path, pages) ||
	    read_ulong(used, &after))
		return -1;
	diag("used pages: %lu before, %lu allocated, %lu after", before,
	     during, after);
	if (during != before + pages || after != before) {
		diag("cma_debug alloc/free did not account %lu pages", pages);
		return -1;
	}
	return 0;
}

struct area {
	char name[256];
	unsigned long count, used;
};

#define MAX_AREAS 32
static struct area areas[MAX_AREAS];
static int nr_areas;

static int read_areas(void)
{
	char path[256];
	struct dirent *d;
	DIR *dir = opendir(DEBUGFS_CMA);

	if (!dir) {
		diag("cannot open %s: %s", DEBUGFS_CMA, strerror(errno));
		return -1;
	}
	nr_areas = 0;
	while ((d = readdir(dir)) && nr_areas < MAX_AREAS) {
		struct area *a = &areas[nr_areas];

		if (d->d_name[0] == '.')
			continue;
		snprintf(a->name, sizeof(a->name), "%s", d->d_name);
		if (area_path(path, sizeof(path), a->name, "count") ||
		    read_ulong(path, &a->count) ||
		    area_path(path, sizeof(path), a->name, "used") ||
		    read_ulong(path, &a->used)) {
			closedir(dir);
			return -1;
		}
		nr_areas++;
	}
	closedir(dir);
	return 0;
}

static int is_private(const struct area *a)
{
	return !strncmp(a->name, "private-", 8);
}

/* A reusable context, not an in-tree area ("reserved") */
static int is_reusable_context(const struct area *a)
{
	return !strncmp(a->name, "reusable-", 9);
}

/* The largest area that @match accepts, or NULL */
static struct area *largest_area(int (*match)(const struct area *))
{
	struct area *best = NULL;
	int i;

	for (i = 0; i < nr_areas; i++)
		if (match(&areas[i]) && (!best || areas[i].count > best->count))
			best = &areas[i];
	return best;
}

/* Every CMA area and context, for the console checks: name, pages. */
static int check_areas_listed(void)
{
	int i;

	if (read_areas())
		return -1;
	for (i = 0; i < nr_areas; i++)
		diag("area %s: %lu pages, %lu used", areas[i].name,
		     areas[i].count, areas[i].used);
	return nr_areas ? 0 : -1;
}

/*
 * CmaTotal counts the reusable areas and contexts, not the private ones.
 * MemTotal counts the reusable ones too: MemTotal plus the private areas
 * is the same in every boot of a machine, whatever its regions, which
 * ci/test compares across boots ("memory: ...").
 */
static int check_cmatotal_counts_reusable_areas(void)
{
	unsigned long total_kb, mem_kb, pages = 0, private = 0;
	int i;

	if (meminfo_kb("CmaTotal", &total_kb) || meminfo_kb("MemTotal", &mem_kb) ||
	    read_areas())
		return -1;
	for (i = 0; i < nr_areas; i++)
		if (!is_private(&areas[i]))
			pages += areas[i].count;
		else
			private += areas[i].count;
	diag("memory: MemTotal %lu kB, private areas %lu kB", mem_kb,
	     private * (unsigned long)(getpagesize() / 1024));
	diag("CmaTotal %lu kB, reusable areas %lu pages", total_kb, pages);
	return total_kb == pages * (unsigned long)(getpagesize() / 1024) ? 0 : -1;
}

static struct filler filler;
static struct area *target;	/* the reusable context the checks fill */
static unsigned long target_alloc;

/*
 * Fill memory with page cache and anonymous pages until less than a tenth
 * of CMA is free: the page allocator only uses CMA pageblocks for movable
 * pages once they hold more than half of a zone's free memory, so this
 * takes most of RAM.
 */
static int check_filler_occupies_cma(void)
{
	unsigned long total_kb;

	if (read_areas() || meminfo_kb("CmaTotal", &total_kb))
		return -1;
	target = largest_area(is_reusable_context);
	if (!target) {
		diag("no reusable context");
		return -1;
	}
	if (filler_fill(&filler, "/mnt/fill", total_kb / 10, 48 * 1024))
		return -1;
	return filler.cma_free_after_kb <= total_kb / 10 ? 0 : -1;
}

/* Allocate all but one pageblock (4 MiB) of it: migration must make room. */
static int check_full_context_serves_most(void)
{
	char path[256];
	unsigned long used;

	if (!target)
		return -1;
	target_alloc = target->count - 1024;
	if (area_path(path, sizeof(path), target->name, "alloc") ||
	    write_ulong(path, target_alloc)) {
		target_alloc = 0;
		return -1;
	}
	if (area_path(path, sizeof(path), target->name, "used") ||
	    read_ulong(path, &used))
		return -1;
	diag("%s: %lu of %lu pages allocated", target->name, used,
	     target->count);
	return used >= target_alloc ? 0 : -1;
}

static int check_filler_intact(void)
{
	int bad = filler_verify(&filler);

	if (bad)
		diag("%d filler blocks changed", bad);
	return bad || !(filler.nr_anon + filler.nr_files) ? -1 : 0;
}

/* Freed, the chunk and the filler give CMA back to the page allocator. */
static int check_cmafree_recovers(void)
{
	unsigned long free_kb, total_kb;
	char path[256];
	int ret = 0;

	if (target_alloc &&
	    (area_path(path, sizeof(path), target->name, "free") ||
	     write_ulong(path, target_alloc)))
		ret = -1;
	filler_release(&filler);
	/* All but what the DMA API holds in the default area */
	if (cma_free_settles(filler.cma_free_before_kb > 4096 ?
			     filler.cma_free_before_kb - 4096 : 0, &free_kb))
		ret = -1;
	if (meminfo_kb("CmaTotal", &total_kb))
		return -1;
	diag("CmaFree %lu of %lu kB", free_kb, total_kb);
	return ret;
}

/*
 * Pages that processes map, in a reusable context, moved by
 * alloc_contig_range()'s batched migration (one TLB flush a batch): each
 * kind of mapping a migration must keep working, in two processes.
 */
enum mkind {
	ANON_PRIVATE,	/* one process's anonymous memory (MADV_DONTFORK) */
	ANON_SHARED,	/* MAP_SHARED | MAP_ANONYMOUS, in both */
	ANON_COW,	/* private, shared copy-on-write after fork() */
	FILE_SHARED,	/* a tmpfs file mapped shared, in both */
	FILE_PRIVATE,	/* a tmpfs file mapped private, half of it written */
	MLOCKED,	/* mlock()ed anonymous memory (MADV_DONTFORK) */
	NR_MKINDS
};

static const char *const mkind_names[NR_MKINDS] = {
	"anon-private", "anon-shared", "anon-cow", "file-shared",
	"file-private", "mlocked",
};

#define MBLOCK		(1UL << 20)
#define MBLOCK_PAGES	(MBLOCK / 4096)
#define MAX_MBLOCKS	1024
#define MAPPED_DIR	"/mnt/mapped"
#define BENCH_CMD	"/sys/kernel/debug/cma_bench/cmd"

struct mblock {
	enum mkind kind;
	uint32_t seed;
	uint8_t *p;
	uint64_t pfn[MBLOCK_PAGES];	/* in the parent, when last looked */
};

static struct mblock *mblocks;
static int nr_mblocks, pagemap_fd = -1, to_child = -1, from_child = -1;
static pid_t mapped_child = -1;
static unsigned long ctx_base, ctx_count;
static char ctx_name[64];
static volatile uint8_t mapped_sink;
static int child_cow_written;		/* in the child: after 'c' */

/* Page @page of a block: a pattern no other page of the boot has */
static void mfill(uint8_t *p, uint32_t seed, unsigned long page)
{
	uint32_t *w = (uint32_t *)(p + page * 4096);
	unsigned int i;

	for (i = 0; i < 1024; i++)
		w[i] = seed ^ (uint32_t)((page * 1024 + i) * 2654435761u);
}

static int mcheck(const uint8_t *p, uint32_t seed, unsigned long page)
{
	const uint32_t *w = (const uint32_t *)(p + page * 4096);
	unsigned int i;

	for (i = 0; i < 1024; i++)
		if (w[i] != (seed ^ (uint32_t)((page * 1024 + i) * 2654435761u)))
			return 0;
	return 1;
}

/* The seed page @page of block @b holds: written pages of a private file */
static uint32_t mseed(const struct mblock *b, unsigned long page)
{
	return b->kind == FILE_PRIVATE && page < MBLOCK_PAGES / 2 ?
	       b->seed ^ 0xc0c0c0c0u : b->seed;
}

static int mblock_ok(const struct mblock *b)
{
	unsigned long i;

	for (i = 0; i < MBLOCK_PAGES; i++)
		if (!mcheck(b->p, mseed(b, i), i))
			return 0;
	return 1;
}

static int in_child(const struct mblock *b)
{
	return b->kind != ANON_PRIVATE && b->kind != MLOCKED;
}

static uint8_t *map_file_block(int n, enum mkind kind, uint32_t seed)
{
	char name[64];
	uint8_t *p, *buf = NULL;
	unsigned long i;
	int fd, ok = 1;

	snprintf(name, sizeof(name), "%s/block-%d", MAPPED_DIR, n);
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return MAP_FAILED;
	if (kind == FILE_PRIVATE) {
		/* Page cache written through write(), then mapped private */
		buf = malloc(MBLOCK);
		if (buf) {
			for (i = 0; i < MBLOCK_PAGES; i++)
				mfill(buf, seed, i);
			ok = write(fd, buf, MBLOCK) == (ssize_t)MBLOCK;
		}
		free(buf);
		ok = ok && buf;
	} else {
		ok = !ftruncate(fd, MBLOCK);
	}
	p = ok ? mmap(NULL, MBLOCK, PROT_READ | PROT_WRITE,
		      kind == FILE_SHARED ? MAP_SHARED : MAP_PRIVATE, fd, 0) :
		 MAP_FAILED;
	close(fd);
	unlink(name);
	return p;
}

static int add_mblock(enum mkind kind)
{
	struct mblock *b = &mblocks[nr_mblocks];
	unsigned long i;

	b->kind = kind;
	b->seed = 0x3a900000u + nr_mblocks;
	if (kind == FILE_SHARED || kind == FILE_PRIVATE)
		b->p = map_file_block(nr_mblocks, kind, b->seed);
	else
		b->p = mmap(NULL, MBLOCK, PROT_READ | PROT_WRITE,
			    (kind == ANON_SHARED ? MAP_SHARED : MAP_PRIVATE) |
			    MAP_ANONYMOUS, -1, 0);
	if (b->p == MAP_FAILED)
		return -1;
	if ((kind == ANON_PRIVATE || kind == MLOCKED) &&
	    madvise(b->p, MBLOCK, MADV_DONTFORK))
		return -1;
	for (i = 0; i < MBLOCK_PAGES; i++) {
		if (kind == FILE_PRIVATE && i >= MBLOCK_PAGES / 2)
			/* Read, not written: the file's page is mapped */
			mapped_sink += b->p[i * 4096];
		else
			mfill(b->p, mseed(b, i), i);
	}
	if (kind == MLOCKED && mlock(b->p, MBLOCK))
		return -1;
	nr_mblocks++;
	return 0;
}

/* Look up the block's PFNs; how many are in the context */
static unsigned long mblock_pfns(struct mblock *b)
{
	uint64_t e[MBLOCK_PAGES];
	unsigned long i, inside = 0;
	off_t off = (uintptr_t)b->p / 4096 * sizeof(uint64_t);

	if (pread(pagemap_fd, e, sizeof(e), off) != (ssize_t)sizeof(e)) {
		memset(b->pfn, 0, sizeof(b->pfn));
		return 0;
	}
	for (i = 0; i < MBLOCK_PAGES; i++) {
		/* Bit 63: present; bits 0-54: the PFN */
		b->pfn[i] = e[i] >> 63 ? e[i] & ((1ULL << 55) - 1) : 0;
		inside += b->pfn[i] >= ctx_base &&
			  b->pfn[i] < ctx_base + ctx_count;
	}
	return inside;
}

/* The pages of each kind in the context, in the diagnostics */
static unsigned long mapped_inside(const char *when)
{
	unsigned long kind_in[NR_MKINDS] = { 0 }, total = 0;
	int i;

	for (i = 0; i < nr_mblocks; i++) {
		unsigned long n = mblock_pfns(&mblocks[i]);

		kind_in[mblocks[i].kind] += n;
		total += n;
	}
	for (i = 0; i < NR_MKINDS; i++)
		diag("%s: %lu %s pages in %s", when, kind_in[i], mkind_names[i],
		     ctx_name);
	return total;
}

/* Which of the parent's blocks the child checks, each command a byte */
static int child_verify(uint8_t what)
{
	int i, bad = 0;

	for (i = 0; i < nr_mblocks; i++) {
		struct mblock *b = &mblocks[i];
		unsigned long p;

		if (!in_child(b))
			continue;
		if (what == 'v' && b->kind == ANON_COW && child_cow_written) {
			for (p = 0; p < MBLOCK_PAGES; p++)
				bad += !mcheck(b->p, b->seed ^ 0x11111111u, p);
		} else if (what == 'v') {
			bad += !mblock_ok(b);
		} else if (what == 'g') {
			/* The parent rewrote its shared blocks */
			uint32_t seed = b->kind == ANON_SHARED ||
					b->kind == FILE_SHARED ?
					~b->seed : b->seed;

			for (p = 0; p < MBLOCK_PAGES; p++)
				bad += !mcheck(b->p, b->kind == FILE_PRIVATE ?
					       mseed(b, p) : seed, p);
		} else if (what == 'c' && b->kind == ANON_COW) {
			/* Copy on write: the parent must not see these */
			for (p = 0; p < MBLOCK_PAGES; p++)
				mfill(b->p, b->seed ^ 0x11111111u, p);
			child_cow_written = 1;
		}
	}
	return bad;
}

static void mapped_child_loop(int in, int out)
{
	uint8_t cmd, ans;

	while (read(in, &cmd, 1) == 1 && cmd != 'q') {
		ans = child_verify(cmd) ? 'F' : 'P';
		if (write(out, &ans, 1) != 1)
			break;
	}
	_exit(0);
}

/* A command to the child; 0 if it answered that its view is right */
static int ask_child(uint8_t cmd)
{
	uint8_t ans = 0;

	if (write(to_child, &cmd, 1) != 1 || read(from_child, &ans, 1) != 1) {
		diag("the mapping child did not answer '%c'", cmd);
		return -1;
	}
	if (ans != 'P')
		diag("the mapping child saw wrong data ('%c')", cmd);
	return ans == 'P' ? 0 : -1;
}

static int area_number(const char *area, const char *file, unsigned long *val)
{
	char path[256];

	return area_path(path, sizeof(path), area, file) || read_ulong(path, val);
}

static int read_ctx_number(const char *file, unsigned long *val)
{
	return area_number(ctx_name, file, val);
}

#define ALLOC_CONTIG "/sys/kernel/debug/alloc_contig"

static int write_string(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(value, f) < 0;
	ret |= fclose(f) != 0;
	return ret ? -1 : 0;
}

/* Is the running kernel MAJOR.MINOR or later? */
static int kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * The series' batched unmap for alloc_contig_range() (6.1): since 6.3
 * migrate_pages() batches the unmap and the TLB flush of every migration
 * itself (migrate_pages_batch()), there is no switch, and it is on.
 */
static int set_batch_unmap(const char *value)
{
	if (access(ALLOC_CONTIG "/batch_unmap", F_OK) && errno == ENOENT &&
	    kernel_at_least(6, 3))
		return value[0] == 'Y' ? 0 : -1;
	return write_string(ALLOC_CONTIG "/batch_unmap", value);
}

static int set_migration(const char *batch_unmap, const char *batch,
			 const char *split)
{
	return set_batch_unmap(batch_unmap) ||
	       write_ulong(ALLOC_CONTIG "/migrate_batch", strtoul(batch, NULL, 10)) ||
	       write_string(ALLOC_CONTIG "/split_batch", split) ? -1 : 0;
}

/*
 * Blocks of every kind, round robin, until half the context holds them
 * (the page allocator takes CMA pageblocks once they hold half the free
 * memory) or memory runs low; then a child that maps the shared ones.
 */
static int check_mapped_pages_fill_context(void)
{
	unsigned long inside = 0, free_kb;
	struct area *ctx;
	int pipes[2][2];

	if (read_areas() || !(ctx = largest_area(is_reusable_context)))
		return -1;
	snprintf(ctx_name, sizeof(ctx_name), "%.63s", ctx->name);
	mkdir(MAPPED_DIR, 0755);
	mblocks = calloc(MAX_MBLOCKS, sizeof(*mblocks));
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	/* A write to a pipe whose child died fails instead of killing init */
	signal(SIGPIPE, SIG_IGN);
	if (!mblocks || pagemap_fd < 0 ||
	    mount("tmpfs", MAPPED_DIR, "tmpfs", 0, "size=90%") ||
	    read_ctx_number("base_pfn", &ctx_base) ||
	    read_ctx_number("count", &ctx_count) ||
	    set_migration("Y\n", "512", "Y\n"))
		return -1;
	while (nr_mblocks < MAX_MBLOCKS && inside < ctx_count / 2) {
		if (meminfo_kb("MemFree", &free_kb) || free_kb < 128 * 1024)
			break;
		if (add_mblock(nr_mblocks % NR_MKINDS)) {
			diag("block %d (%s): %s", nr_mblocks,
			     mkind_names[nr_mblocks % NR_MKINDS], strerror(errno));
			return -1;
		}
		inside += mblock_pfns(&mblocks[nr_mblocks - 1]);
	}
	diag("%d MiB mapped, %lu of %s's %lu pages", nr_mblocks, inside,
	     ctx_name, ctx_count);
	inside = mapped_inside("before");
	if (pipe(pipes[0]) || pipe(pipes[1]))
		return -1;
	fflush(stdout);
	mapped_child = fork();
	if (mapped_child < 0)
		return -1;
	if (!mapped_child) {
		close(pipes[0][1]);
		close(pipes[1][0]);
		mapped_child_loop(pipes[0][0], pipes[1][1]);
	}
	close(pipes[0][0]);
	close(pipes[1][1]);
	to_child = pipes[0][1];
	from_child = pipes[1][0];
	return inside >= ctx_count / 4 && !ask_child('v') ? 0 : -1;
}

/*
 * Most of the context, allocated with the batched path on: every block's
 * page in the allocated range had to move, and with more than one CPU,
 * batches were split between two of them (alloc_contig/batches_split).
 */
static int check_batched_migration_moves_mapped_pages(void)
{
	unsigned long before = 0, moved = 0, after, i, p, split0, split1;
	uint64_t (*old)[MBLOCK_PAGES];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char out[64];
	int ret;

	if (mapped_child <= 0 || read_ulong(ALLOC_CONTIG "/batches_split", &split0) ||
	    !(old = calloc(nr_mblocks, sizeof(*old))))
		return -1;
	for (i = 0; i < (unsigned long)nr_mblocks; i++) {
		before += mblock_pfns(&mblocks[i]);
		memcpy(old[i], mblocks[i].pfn, sizeof(old[i]));
	}
	ret = debugfs_command(BENCH_CMD, out, sizeof(out), "hold %s %lu 1",
			      ctx_name, (ctx_count - 1024) * 4096);
	if (ret)
		diag("hold %lu pages of %s: %s", ctx_count - 1024, ctx_name,
		     strerror(-ret));
	after = mapped_inside("holding most of the context");
	for (i = 0; i < (unsigned long)nr_mblocks; i++)
		for (p = 0; p < MBLOCK_PAGES; p++)
			moved += old[i][p] >= ctx_base &&
				 old[i][p] < ctx_base + ctx_count &&
				 mblocks[i].pfn[p] != old[i][p];
	free(old);
	diag("%lu of the %lu pages in the context moved, %lu still there",
	     moved, before, after);
	if (read_ulong(ALLOC_CONTIG "/batches_split", &split1))
		ret = -1;
	else
		diag("%lu batches split between two CPUs (%ld online)",
		     split1 - split0, cpus);
	if (debugfs_command(BENCH_CMD, out, sizeof(out), "release"))
		ret = -1;
	return !ret && after <= 1024 && moved + 1024 >= before &&
	       (cpus < 2 || split1 > split0) ? 0 : -1;
}

/* Data, sharing, copy-on-write and mlock after the move, in both processes */
static int check_mapped_pages_intact_in_both_processes(void)
{
	unsigned long locked_kb = 0, resident = 0, i, p, nr_mlocked = 0;
	int bad = 0;
	unsigned char vec[MBLOCK_PAGES];
	char line[128];
	FILE *f;

	if (mapped_child <= 0)
		return -1;
	for (i = 0; i < (unsigned long)nr_mblocks; i++)
		bad += !mblock_ok(&mblocks[i]);
	if (bad)
		diag("%d blocks changed in the parent", bad);
	if (ask_child('v'))
		bad++;
	/* Still shared: the child sees the parent's new data */
	for (i = 0; i < (unsigned long)nr_mblocks; i++)
		if (mblocks[i].kind == ANON_SHARED || mblocks[i].kind == FILE_SHARED)
			for (p = 0; p < MBLOCK_PAGES; p++)
				mfill(mblocks[i].p, ~mblocks[i].seed, p);
	if (ask_child('g'))
		bad++;
	for (i = 0; i < (unsigned long)nr_mblocks; i++)
		if (mblocks[i].kind == ANON_SHARED || mblocks[i].kind == FILE_SHARED)
			for (p = 0; p < MBLOCK_PAGES; p++)
				mfill(mblocks[i].p, mblocks[i].seed, p);
	/* Still private: the child's writes stay in the child */
	if (ask_child('c'))
		bad++;
	for (i = 0; i < (unsigned long)nr_mblocks; i++) {
		if (mblocks[i].kind == ANON_COW && !mblock_ok(&mblocks[i])) {
			diag("block %lu: the child's copy-on-write reached the parent", i);
			bad++;
		}
		if (mblocks[i].kind != MLOCKED)
			continue;
		nr_mlocked++;
		if (!mincore(mblocks[i].p, MBLOCK, vec))
			for (p = 0; p < MBLOCK_PAGES; p++)
				resident += vec[p] & 1;
	}
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "VmLck: %lu kB", &locked_kb);
	if (f)
		fclose(f);
	diag("mlocked: %lu kB locked, %lu of %lu pages resident", locked_kb,
	     resident, nr_mlocked * MBLOCK_PAGES);
	return bad || locked_kb != nr_mlocked * MBLOCK / 1024 ||
	       resident != nr_mlocked * MBLOCK_PAGES ? -1 : 0;
}

/*
 * The first page of @b in a reusable context with nothing allocated (as
 * read_areas() last saw it), which a request for the whole of it can
 * take once the page lets go: that context, with the page's index in
 * *page; NULL if none is.
 */
static struct area *page_in_reusable_context(const struct mblock *b,
					     unsigned long *page)
{
	unsigned long base[MAX_AREAS], p;
	int i;

	for (i = 0; i < nr_areas; i++)
		if (!is_reusable_context(&areas[i]) || areas[i].used ||
		    area_number(areas[i].name, "base_pfn", &base[i]))
			base[i] = ULONG_MAX;
	for (p = 0; p < MBLOCK_PAGES; p++)
		for (i = 0; i < nr_areas; i++)
			if (base[i] != ULONG_MAX && b->pfn[p] >= base[i] &&
			    b->pfn[p] < base[i] + areas[i].count) {
				*page = p;
				return &areas[i];
			}
	return NULL;
}

/*
 * A page held by a pipe (vmsplice(), as a device's short-term pin would)
 * cannot move: a range over it must fail, with nothing lost, and succeed
 * once the pipe lets go.
 */
static int check_pinned_page_fails_allocation_cleanly(void)
{
	unsigned long i, p = 0, free_kb = 0, cma_kb = 0;
	struct mblock *b = NULL;
	struct area *in = NULL;
	uint64_t pfn = 0;
	int pipefd[2], ret, ok = 1;
	struct iovec iov;
	char out[64];

	if (mapped_child <= 0 || read_areas())
		return -1;
	/*
	 * Movable pages go to CMA once it holds half of a zone's free
	 * memory: the more highmem outside the contexts (the LPAE boot has
	 * more than twice the others'), the more it takes.  Any reusable
	 * context will do: which one the page allocator picks is its own
	 * business, and with several small ones (the invalid layout) it
	 * may not be the largest.
	 */
	for (i = 0; !in && nr_mblocks < MAX_MBLOCKS; i++) {
		if (meminfo_kb("MemFree", &free_kb) || free_kb < 128 * 1024)
			break;
		if (add_mblock(ANON_PRIVATE))
			return -1;
		b = &mblocks[nr_mblocks - 1];
		mblock_pfns(b);
		in = page_in_reusable_context(b, &p);
	}
	if (!in) {
		meminfo_kb("CmaFree", &cma_kb);
		diag("no new page landed in a reusable context: %lu MiB added, MemFree %lu kB, CmaFree %lu kB",
		     i * MBLOCK >> 20, free_kb, cma_kb);
		return -1;
	}
	pfn = b->pfn[p];
	iov.iov_base = b->p + p * 4096;
	iov.iov_len = 4096;
	if (pipe(pipefd) || vmsplice(pipefd[1], &iov, 1, 0) != 4096)
		return -1;
	ret = debugfs_command(BENCH_CMD, out, sizeof(out), "hold %s %lu 1",
			      in->name, in->count * 4096);
	diag("the whole of %s with page %#llx in a pipe: %s", in->name,
	     (unsigned long long)pfn, ret ? strerror(-ret) : "allocated");
	if (!ret) {
		ok = 0;
		debugfs_command(BENCH_CMD, out, sizeof(out), "release");
	}
	mblock_pfns(b);
	if (b->pfn[p] != pfn || !mblock_ok(b)) {
		diag("the pinned page moved or changed: %#llx",
		     (unsigned long long)b->pfn[p]);
		ok = 0;
	}
	close(pipefd[0]);
	close(pipefd[1]);
	ret = debugfs_command(BENCH_CMD, out, sizeof(out), "hold %s %lu 1",
			      in->name, in->count * 4096);
	diag("the whole of %s once the pipe is closed: %s", in->name,
	     ret ? strerror(-ret) : "allocated");
	ok = ok && !ret;
	if (!ret && debugfs_command(BENCH_CMD, out, sizeof(out), "release"))
		ok = 0;
	for (i = 0; i < (unsigned long)nr_mblocks; i++)
		ok = ok && mblock_ok(&mblocks[i]);
	return ok && !ask_child('v') ? 0 : -1;
}

/*
 * File pages of a real file system in the context: ext4 on the virtio-blk
 * disk that disk=vda names (ci/stages/initramfs makes it; QEMU throttles
 * its writes).  alloc_contig_range() treats them apart: clean ones it
 * drops (reclaim_clean_pages_from_list()) instead of moving them, dirty
 * ones it must move, ones under writeback it must wait for.
 */
enum dkind {
	DISK_CLEAN,		/* read from the disk, not mapped */
	DISK_CLEAN_MAPPED,	/* read from the disk, mapped shared */
	DISK_DIRTY,		/* written, not written back */
	DISK_DIRTY_MAPPED,	/* written through a shared mapping */
	DISK_WRITEBACK,		/* written; writeback starts before the allocation */
	NR_DKINDS
};

static const char *const dkind_names[NR_DKINDS] = {
	"clean", "clean-mapped", "dirty", "dirty-mapped", "writeback",
};

#define DISK_DIR	"/mnt/disk"
#define MAX_DBLOCKS	256
#define MAX_BALLAST	256
#define KPF_DIRTY	4	/* /proc/kpageflags bits */
#define KPF_WRITEBACK	8

struct dblock {
	enum dkind kind;
	uint32_t seed;
	int fd;
	uint8_t *map;			/* the mapped kinds' mapping */
	uint64_t pfn[MBLOCK_PAGES];	/* when last looked; 0: not resident */
};

static struct dblock *dblocks;
static int nr_dblocks, disk_mounted, kpageflags_fd = -1, queue_fd = -1;

/*
 * Dirty data written back just ahead of the writeback kind: its I/O,
 * throttled, keeps the writeback kind's pages under writeback for about
 * two seconds, however few of them the context holds.
 */
#define QUEUE_BYTES	(8UL << 20)
static void *ballast[MAX_BALLAST];
static int nr_ballast;
static unsigned long writeback_at_start;	/* context pages, kpageflags */

/* vm.dirty_* while the checks run: no writeback but the checks' own */
static const char *const dirty_knobs[] = {
	"/proc/sys/vm/dirty_writeback_centisecs",
	"/proc/sys/vm/dirty_background_ratio",
	"/proc/sys/vm/dirty_ratio",
};
static const unsigned long dirty_values[] = { 0, 80, 90 };
static unsigned long dirty_saved[3];
static int dirty_set;

static int disk_wanted(void)
{
	return getenv("disk") != NULL;
}

/* disk=vda or disk=/dev/vda: the device, mounted on DISK_DIR */
static int mount_disk(void)
{
	char dev[64];

	snprintf(dev, sizeof(dev), "%s%.50s", getenv("disk")[0] == '/' ? "" : "/dev/",
		 getenv("disk"));
	mkdir(DISK_DIR, 0755);
	if (mount(dev, DISK_DIR, "ext4", 0, "commit=300")) {
		diag("mount %s (disk=%s) on %s: %s", dev, getenv("disk"), DISK_DIR,
		     strerror(errno));
		return -1;
	}
	return 0;
}

static int set_dirty_knobs(int on)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < 3; i++) {
		if (on && read_ulong(dirty_knobs[i], &dirty_saved[i]))
			return -1;
		ret |= write_ulong(dirty_knobs[i],
				   on ? dirty_values[i] : dirty_saved[i]);
	}
	dirty_set = on;
	return ret;
}

/* Block @b's data, through read(); 1 if every page holds its pattern */
static int dblock_read_ok(const struct dblock *b, uint8_t *buf)
{
	unsigned long p;

	if (pread(b->fd, buf, MBLOCK, 0) != (ssize_t)MBLOCK)
		return 0;
	for (p = 0; p < MBLOCK_PAGES; p++)
		if (!mcheck(buf, b->seed, p))
			return 0;
	return 1;
}

static int add_dblock(enum dkind kind, uint8_t *buf)
{
	struct dblock *b = &dblocks[nr_dblocks];
	char name[64];
	unsigned long p;
	int ok = 1;

	b->kind = kind;
	b->seed = 0xd15c0000u + nr_dblocks;
	snprintf(name, sizeof(name), "%s/block-%d", DISK_DIR, nr_dblocks);
	b->fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (b->fd < 0)
		return -1;
	for (p = 0; p < MBLOCK_PAGES; p++)
		mfill(buf, b->seed, p);
	if (kind == DISK_DIRTY_MAPPED) {
		ok = !ftruncate(b->fd, MBLOCK);
	} else {
		ok = pwrite(b->fd, buf, MBLOCK, 0) == (ssize_t)MBLOCK;
	}
	if (ok && (kind == DISK_CLEAN || kind == DISK_CLEAN_MAPPED)) {
		/* On the disk, out of the page cache, then read back in */
		ok = !fsync(b->fd) &&
		     !posix_fadvise(b->fd, 0, MBLOCK, POSIX_FADV_DONTNEED) &&
		     pread(b->fd, buf, MBLOCK, 0) == (ssize_t)MBLOCK;
	}
	if (ok && (kind == DISK_CLEAN_MAPPED || kind == DISK_DIRTY_MAPPED)) {
		b->map = mmap(NULL, MBLOCK, PROT_READ | PROT_WRITE, MAP_SHARED,
			      b->fd, 0);
		ok = b->map != MAP_FAILED;
		for (p = 0; ok && p < MBLOCK_PAGES; p++) {
			if (kind == DISK_DIRTY_MAPPED)
				mfill(b->map, b->seed, p);
			else
				mapped_sink += b->map[p * 4096];
		}
	}
	if (!ok) {
		if (b->map && b->map != MAP_FAILED)
			munmap(b->map, MBLOCK);
		b->map = NULL;
		close(b->fd);
		return -1;
	}
	nr_dblocks++;
	return 0;
}

/* Where @b's pages are: PFNs of the resident ones; how many in the context */
static unsigned long dblock_pfns(struct dblock *b)
{
	uint64_t e[MBLOCK_PAGES];
	unsigned char vec[MBLOCK_PAGES];
	unsigned long p, inside = 0;
	uint8_t *m = b->map;

	memset(b->pfn, 0, sizeof(b->pfn));
	if (!m)
		m = mmap(NULL, MBLOCK, PROT_READ, MAP_SHARED, b->fd, 0);
	if (m == MAP_FAILED)
		return 0;
	/* Residency first: looking at a page must not read it back in */
	if (!mincore(m, MBLOCK, vec)) {
		for (p = 0; p < MBLOCK_PAGES; p++)
			if (vec[p] & 1)
				mapped_sink += m[p * 4096];
		if (pread(pagemap_fd, e, sizeof(e),
			  (uintptr_t)m / 4096 * sizeof(uint64_t)) == (ssize_t)sizeof(e))
			for (p = 0; p < MBLOCK_PAGES; p++) {
				if (!(vec[p] & 1) || !(e[p] >> 63))
					continue;
				b->pfn[p] = e[p] & ((1ULL << 55) - 1);
				inside += b->pfn[p] >= ctx_base &&
					  b->pfn[p] < ctx_base + ctx_count;
			}
	}
	if (!b->map)
		munmap(m, MBLOCK);
	return inside;
}

static uint64_t kpageflags(uint64_t pfn)
{
	uint64_t flags = 0;

	if (pread(kpageflags_fd, &flags, sizeof(flags), pfn * sizeof(flags)) !=
	    (ssize_t)sizeof(flags))
		return 0;
	return flags;
}

/*
 * Anonymous ballast while the context is held, until little memory is free
 * outside it; once the context is released, it holds most of the free
 * memory, and the page allocator serves the disk blocks from it (CMA
 * pageblocks serve movable allocations once they hold half the free
 * memory).  Then blocks of every kind, round robin, until a quarter of the
 * context holds them.
 */
static int check_disk_pages_fill_context(void)
{
	unsigned long inside = 0, mem_kb = 0, cma_kb = 0, kind_in[NR_DKINDS] = { 0 };
	uint8_t *buf;
	char out[64];
	int i, ret = -1, held;

	if (!disk_wanted())
		return 1;
	if (mapped_child <= 0 || pagemap_fd < 0)
		return -1;
	if (mount_disk())
		return -1;
	disk_mounted = 1;
	kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
	dblocks = calloc(MAX_DBLOCKS, sizeof(*dblocks));
	buf = malloc(MBLOCK);
	if (!dblocks || !buf || kpageflags_fd < 0 || set_dirty_knobs(1))
		goto out;
	held = debugfs_command(BENCH_CMD, out, sizeof(out), "hold %s %lu 1",
			       ctx_name, ctx_count * 4096);
	if (held) {
		diag("hold all of %s: %s", ctx_name, strerror(-held));
		goto out;
	}
	while (nr_ballast < MAX_BALLAST && !meminfo_kb("MemFree", &mem_kb) &&
	       mem_kb > 80 * 1024) {
		ballast[nr_ballast] = mmap(NULL, FILLER_BLOCK, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ballast[nr_ballast] == MAP_FAILED)
			break;
		memset(ballast[nr_ballast++], 0xba, FILLER_BLOCK);
	}
	if (debugfs_command(BENCH_CMD, out, sizeof(out), "release"))
		goto out;
	meminfo_kb("MemFree", &mem_kb);
	meminfo_kb("CmaFree", &cma_kb);
	diag("ballast: %d MiB anonymous; then MemFree %lu kB, CmaFree %lu kB",
	     nr_ballast * 4, mem_kb, cma_kb);
	while (nr_dblocks < MAX_DBLOCKS && inside < ctx_count / 4) {
		if (meminfo_kb("MemFree", &mem_kb) || mem_kb < 64 * 1024)
			break;
		if (add_dblock(nr_dblocks % NR_DKINDS, buf)) {
			diag("disk block %d (%s): %s", nr_dblocks,
			     dkind_names[nr_dblocks % NR_DKINDS], strerror(errno));
			goto out;
		}
		inside += dblock_pfns(&dblocks[nr_dblocks - 1]);
	}
	for (i = 0; i < nr_dblocks; i++)
		kind_in[dblocks[i].kind] += dblock_pfns(&dblocks[i]);
	for (i = 0; i < NR_DKINDS; i++)
		diag("%lu %s disk pages in %s", kind_in[i], dkind_names[i],
		     ctx_name);
	diag("%d MiB on the disk, %lu of %s's %lu pages", nr_dblocks, inside,
	     ctx_name, ctx_count);
	queue_fd = open(DISK_DIR "/queue", O_RDWR | O_CREAT | O_TRUNC, 0600);
	for (i = 0; queue_fd >= 0 && i < (int)(QUEUE_BYTES / MBLOCK); i++)
		if (pwrite(queue_fd, buf, MBLOCK, i * MBLOCK) != (ssize_t)MBLOCK)
			goto out;
	ret = queue_fd >= 0 && inside >= ctx_count / 8 ? 0 : -1;
out:
	free(buf);
	return ret;
}

/*
 * All of the context, with writeback just started on the writeback kind:
 * no disk page may stay; dirty pages must move (they are the only copy of
 * their data); clean ones are dropped.
 */
static int check_disk_pages_leave_context(void)
{
	unsigned long in[NR_DKINDS] = { 0 }, dropped[NR_DKINDS] = { 0 };
	unsigned long moved[NR_DKINDS] = { 0 }, stayed = 0, i, p;
	unsigned long wb_kb = 0;
	uint64_t (*old)[MBLOCK_PAGES];
	char out[64];
	int ret, ok = 1;

	if (!disk_wanted())
		return 1;
	if (!nr_dblocks || !(old = calloc(nr_dblocks, sizeof(*old))))
		return -1;
	for (i = 0; i < (unsigned long)nr_dblocks; i++) {
		struct dblock *b = &dblocks[i];

		dblock_pfns(b);
		memcpy(old[i], b->pfn, sizeof(old[i]));
		for (p = 0; p < MBLOCK_PAGES; p++)
			in[b->kind] += b->pfn[p] >= ctx_base &&
				       b->pfn[p] < ctx_base + ctx_count;
	}
	/* Writeback, then at once the allocation: the disk is throttled */
	if (queue_fd < 0 ||
	    sync_file_range(queue_fd, 0, QUEUE_BYTES, SYNC_FILE_RANGE_WRITE))
		ok = 0;
	for (i = 0; i < (unsigned long)nr_dblocks; i++)
		if (dblocks[i].kind == DISK_WRITEBACK &&
		    sync_file_range(dblocks[i].fd, 0, MBLOCK, SYNC_FILE_RANGE_WRITE))
			ok = 0;
	writeback_at_start = 0;
	for (i = 0; i < (unsigned long)nr_dblocks; i++)
		for (p = 0; dblocks[i].kind == DISK_WRITEBACK && p < MBLOCK_PAGES; p++)
			if (old[i][p] >= ctx_base && old[i][p] < ctx_base + ctx_count)
				writeback_at_start += !!(kpageflags(old[i][p]) &
							 (1ULL << KPF_WRITEBACK));
	meminfo_kb("Writeback", &wb_kb);
	ret = debugfs_command(BENCH_CMD, out, sizeof(out), "hold %s %lu 1",
			      ctx_name, ctx_count * 4096);
	if (ret)
		diag("hold all of %s: %s", ctx_name, strerror(-ret));
	for (i = 0; i < (unsigned long)nr_dblocks; i++) {
		struct dblock *b = &dblocks[i];

		dblock_pfns(b);
		for (p = 0; p < MBLOCK_PAGES; p++) {
			if (old[i][p] < ctx_base || old[i][p] >= ctx_base + ctx_count)
				continue;
			if (!b->pfn[p])
				dropped[b->kind]++;
			else if (b->pfn[p] < ctx_base || b->pfn[p] >= ctx_base + ctx_count)
				moved[b->kind]++;
			else
				stayed++;
		}
	}
	free(old);
	for (i = 0; i < NR_DKINDS; i++)
		diag("%s: %lu pages in %s, %lu dropped, %lu moved", dkind_names[i],
		     in[i], ctx_name, dropped[i], moved[i]);
	diag("%lu pages stayed; %lu kB under writeback at the start, %lu of them in %s",
	     stayed, wb_kb, writeback_at_start * 4, ctx_name);
	if (!ret && debugfs_command(BENCH_CMD, out, sizeof(out), "release"))
		ok = 0;
	/* Dirty data has no other copy: dropping a dirty page loses it */
	ok = ok && !ret && !stayed && !dropped[DISK_DIRTY] &&
	     !dropped[DISK_DIRTY_MAPPED];
	/* Clean pages are dropped, not moved: most of them at least */
	ok = ok && (dropped[DISK_CLEAN] + dropped[DISK_CLEAN_MAPPED]) * 10 >=
		   (in[DISK_CLEAN] + in[DISK_CLEAN_MAPPED]) * 9;
	/* The test is only one if writeback was still going on */
	if (!writeback_at_start)
		diag("no page of %s was under writeback when the allocation started",
		     ctx_name);
	return ok && writeback_at_start ? 0 : -1;
}

/*
 * The data after the move: through read() and the mappings, then from the
 * disk once everything is written back and dropped from the page cache.
 * Then the blocks, the ballast and the disk go; vm.dirty_* come back.
 */
static int check_disk_pages_intact(void)
{
	uint8_t *buf = malloc(MBLOCK);
	unsigned long p;
	int i, bad = 0, pass;

	if (!disk_wanted()) {
		free(buf);
		return 1;
	}
	if (!buf || !nr_dblocks) {
		bad++;
		goto out;
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nr_dblocks; i++) {
			struct dblock *b = &dblocks[i];
			int good = dblock_read_ok(b, buf);

			for (p = 0; good && b->map && p < MBLOCK_PAGES; p++)
				good = mcheck(b->map, b->seed, p);
			if (!good)
				diag("disk block %d (%s) changed%s", i,
				     dkind_names[b->kind], pass ? " on the disk" : "");
			bad += !good;
			/* Written back, then read from the disk next pass */
			if (!pass && (fsync(b->fd) ||
				      posix_fadvise(b->fd, 0, MBLOCK, POSIX_FADV_DONTNEED))) {
				diag("disk block %d: %s", i, strerror(errno));
				bad++;
			}
		}
		/* Mapped pages stay in the page cache; unmap them to drop them */
		for (i = 0; !pass && i < nr_dblocks; i++)
			if (dblocks[i].map) {
				munmap(dblocks[i].map, MBLOCK);
				dblocks[i].map = NULL;
				posix_fadvise(dblocks[i].fd, 0, MBLOCK, POSIX_FADV_DONTNEED);
			}
	}
	diag("%d of %d disk blocks intact after the move and on the disk",
	     nr_dblocks - bad, nr_dblocks);
out:
	free(buf);
	for (i = 0; i < nr_dblocks; i++) {
		if (dblocks[i].map)
			munmap(dblocks[i].map, MBLOCK);
		close(dblocks[i].fd);
	}
	nr_dblocks = 0;
	free(dblocks);
	dblocks = NULL;
	for (i = 0; i < nr_ballast; i++)
		munmap(ballast[i], FILLER_BLOCK);
	nr_ballast = 0;
	if (kpageflags_fd >= 0)
		close(kpageflags_fd);
	if (queue_fd >= 0)
		close(queue_fd);
	queue_fd = -1;
	if (dirty_set && set_dirty_knobs(0))
		bad++;
	if (disk_mounted && umount(DISK_DIR)) {
		diag("umount %s: %s", DISK_DIR, strerror(errno));
		bad++;
	}
	disk_mounted = 0;
	return bad ? -1 : 0;
}

/* The child, the blocks and their files go; CMA comes back */
static int check_mapped_pages_released(void)
{
	uint8_t quit = 'q';
	int i, status;

	if (mapped_child > 0) {
		if (write(to_child, &quit, 1) != 1)
			kill(mapped_child, SIGKILL);
		waitpid(mapped_child, &status, 0);
		close(to_child);
		close(from_child);
	}
	for (i = 0; i < nr_mblocks; i++)
		munmap(mblocks[i].p, MBLOCK);
	nr_mblocks = 0;
	free(mblocks);
	mblocks = NULL;
	if (pagemap_fd >= 0)
		close(pagemap_fd);
	signal(SIGPIPE, SIG_DFL);
	return mapped_child > 0 && !umount(MAPPED_DIR) ? 0 : -1;
}

/* Run a program of the initramfs; 0 if it exits 0. */
static int run(char *const argv[])
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execv(argv[0], argv);
		diag("exec %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/*
 * The sample camera, with its context full of movable pages; with @ahead,
 * its buffers allocated ahead (camera-test -a, on the board's camera
 * context, its largest reusable one).
 */
static int camera_run(int ahead)
{
	/* Boot arguments without a dot reach init as environment variables */
	const char *bufs = getenv("camera_buffers"), *got = getenv("camera_got");
	const char *share = getenv("share");
	char *argv[16] = { "/bin/camera-test", "-f", "rgb24", "-n", "60",
			   "-b", "8" };
	int argc = 7;
	struct area *ctx;

	if (bufs)
		argv[6] = (char *)bufs;
	if (got) {
		argv[argc++] = "-e";
		argv[argc++] = (char *)got;
	}
	if (ahead) {
		if (read_areas() || !(ctx = largest_area(is_reusable_context)))
			return -1;
		argv[argc++] = "-a";
		argv[argc++] = "-c";
		argv[argc++] = ctx->name;
		return run(argv);
	}
	/* share=9p: the host's share (ci/stages/boot -s) gets the last frame */
	if (share && !strcmp(share, "9p")) {
		mkdir("/mnt/share", 0755);
		if (mount("share", "/mnt/share", "9p", 0, "trans=virtio,version=9p2000.L"))
			diag("mount 9p share: %s", strerror(errno));
		argv[argc++] = "-o";
		argv[argc++] = "/mnt/share/frame.ppm";
	}
	return run(argv);
}

static int check_camera(void)
{
	return camera_run(0);
}

static int check_camera_ahead(void)
{
	return camera_run(1);
}

/*
 * v4l2-compliance (Debian's armhf build) on the camera, streaming included:
 * MMAP, and DMABUF with buffers that the board's second camera (on the
 * default CMA area) exports (-e).
 * Its report goes to the console as diagnostics; the verdict is its total
 * line: no failure.  Warnings are counted in the diagnostics.
 *
 * One failure is not the kernel's: since Linux 6.8 VIDIOC_CREATE_BUFS
 * returns max_num_buffers in what Debian 12's v4l2-compliance (1.22) still
 * reads as reserved bytes that must be 0.  On such a kernel, that one
 * failure, alone, is allowed and said so.
 */
static int check_v4l2_compliance(void)
{
	char line[512];
	int fds[2], status, failed = -1, warnings = -1, fails = 0, known = 0;
	pid_t pid;
	FILE *out;

	fflush(stdout);
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execl("/usr/bin/v4l2-compliance", "v4l2-compliance",
		      "-d", "/dev/video0", "-s", "-e", "/dev/video1",
		      (char *)NULL);
		printf("exec v4l2-compliance: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	while (out && fgets(line, sizeof(line), out)) {
		const char *total = strstr(line, "Total for ");

		line[strcspn(line, "\n")] = 0;
		diag("v4l2-compliance: %s", line);
		if (strstr(line, "fail: ")) {
			fails++;
			known += !!strstr(line, "check_0(crbufs.reserved, sizeof(crbufs.reserved))");
		}
		if (total && strstr(total, "Failed: "))
			sscanf(strstr(total, "Failed: "),
			       "Failed: %d, Warnings: %d", &failed, &warnings);
	}
	if (out)
		fclose(out);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	diag("v4l2-compliance: %d failed, %d warnings, exit %d", failed,
	     warnings, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (failed == 1 && fails == 1 && known == 1 && kernel_at_least(6, 8) &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 1) {
		diag("v4l2-compliance: the one failure is its 1.22 check of CREATE_BUFS's reserved bytes, max_num_buffers since Linux 6.8: allowed");
		return 0;
	}
	return failed == 0 && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* ---- The debug kernel's runs (torture=1 on the command line) ---- */

#define TORTURE_CMD "/sys/kernel/debug/cma_torture/cmd"

static int torture_command(const char *cmd, char *out, size_t size)
{
	int ret = debugfs_command(TORTURE_CMD, out, size, "%s", cmd);

	diag("'%s': %s", cmd, ret ? strerror(-ret) : out);
	return ret ? -1 : 0;
}

/* A number from a one-line file (debugfs, sysfs); -1 if there is none. */
static int read_number(const char *path, long long *v)
{
	FILE *f = fopen(path, "r");
	int ok = f && fscanf(f, "%lld", v) == 1;

	if (f)
		fclose(f);
	if (!ok)
		diag("%s: no number", path);
	return ok ? 0 : -1;
}

/* "ops N errors 0" with N > 0 */
static int torture_clean(const char *out)
{
	unsigned long ops, errors;

	return sscanf(out, "ops %lu errors %lu", &ops, &errors) == 2 && ops &&
	       !errors ? 0 : -1;
}

/* ... and "failed N" with N > 0: fault injection did hit the loop. */
static int faults_clean(const char *out)
{
	unsigned long ops, errors, failed;

	if (sscanf(out, "ops %lu errors %lu failed %lu", &ops, &errors,
		   &failed) != 3 || !failed) {
		diag("no allocation failed: fault injection did not reach the loop");
		return -1;
	}
	return torture_clean(out);
}

/*
 * A child keeps page cache and anonymous memory churning in the reusable
 * contexts while four kernel threads use the chunk API at random on the
 * camera's context and the private one.
 */
static int check_torture_under_pressure(void)
{
	struct area *ctx, *priv;
	char cmd[160], out[64];
	int status, ret;
	pid_t child;

	if (read_areas() || !(ctx = largest_area(is_reusable_context)) ||
	    !(priv = largest_area(is_private)))
		return -1;
	fflush(stdout);
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		unsigned long total_kb;
		int round, bad = 0;

		meminfo_kb("CmaTotal", &total_kb);
		for (round = 0; round < 1000 && !bad; round++) {
			struct filler f;

			if (filler_fill(&f, "/mnt/torture-fill", total_kb / 10,
					64 * 1024))
				_exit(1);
			bad = filler_verify(&f);
			filler_release(&f);
		}
		_exit(bad ? 1 : 0);
	}
	snprintf(cmd, sizeof(cmd), "run %.63s %.63s 30", ctx->name, priv->name);
	ret = torture_command(cmd, out, sizeof(out));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	/* The child's page cache goes with its tmpfs */
	umount2("/mnt/torture-fill", MNT_DETACH);
	if (WIFEXITED(status) && WEXITSTATUS(status)) {
		diag("the filler's data changed");
		ret = -1;
	}
	return ret ? ret : torture_clean(out);
}

static int fault_attr(const char *fault, const char *attr, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", fault, attr);
	f = fopen(path, "w");
	if (!f || fputs(val, f) < 0 || fclose(f)) {
		diag("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Fail 1 in 10 slab and page allocations (order 0 and highmem included) of
 * the tasks marked for it, or none.  Only the torture driver marks a task,
 * itself, while its fault loops run.
 */
static int fault_injection(int on)
{
	static const char *const faults[] = { "failslab", "fail_page_alloc" };
	unsigned int i;
	int ret = 0;

	for (i = 0; i < 2; i++) {
		ret |= fault_attr(faults[i], "task-filter", "Y");
		ret |= fault_attr(faults[i], "verbose", "0");
		ret |= fault_attr(faults[i], "interval", "1");
		ret |= fault_attr(faults[i], "times", "-1");
		ret |= fault_attr(faults[i], "ignore-gfp-wait", "N");
		ret |= fault_attr(faults[i], "probability", on ? "10" : "0");
	}
	ret |= fault_attr("fail_page_alloc", "ignore-gfp-highmem", "N");
	ret |= fault_attr("fail_page_alloc", "min-order", "0");
	return ret;
}

/* One torture command with fault injection on; 0 if its failures were clean. */
static int faults_command(const char *cmd)
{
	char out[64];
	int ret;

	if (fault_injection(1))
		return -1;
	ret = torture_command(cmd, out, sizeof(out));
	fault_injection(0);
	return ret ? ret : faults_clean(out);
}

static int check_faults_in_alloc(void)
{
	struct area *ctx;
	char cmd[128];

	if (read_areas() || !(ctx = largest_area(is_reusable_context)))
		return -1;
	snprintf(cmd, sizeof(cmd), "alloc %.63s 500", ctx->name);
	return faults_command(cmd);
}

/*
 * Failures anywhere in cm_alloc(), its moves included, leave every chunk's
 * data intact: some large requests must have failed, some got their chunk,
 * and chunks moved.
 */
static int check_faults_in_moves(void)
{
	unsigned long ops, errors, failed, big, big_failed;
	long long moves_before, moves;
	char cmd[128], path[160], out[96];
	struct area *ctx;
	int ret;

	if (read_areas() || !(ctx = largest_area(is_reusable_context)))
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%.63s/moves",
		 ctx->name);
	snprintf(cmd, sizeof(cmd), "moves %.63s 24", ctx->name);
	if (read_number(path, &moves_before) || fault_injection(1))
		return -1;
	ret = torture_command(cmd, out, sizeof(out));
	fault_injection(0);
	if (ret || read_number(path, &moves))
		return -1;
	diag("%s; %lld chunks moved", out, moves - moves_before);
	if (sscanf(out, "ops %lu errors %lu failed %lu big %lu big_failed %lu",
		   &ops, &errors, &failed, &big, &big_failed) != 5 ||
	    !big || !big_failed || moves == moves_before)
		return -1;
	return torture_clean(out);
}

static int check_faults_in_create_destroy(void)
{
	char cmd[128], name[64];
	struct area *priv;
	int ret, i;

	if (read_areas() || !(priv = largest_area(is_private)))
		return -1;
	/* A copy: read_areas() below rewrites the areas[] that priv is in */
	snprintf(name, sizeof(name), "%.63s", priv->name);
	snprintf(cmd, sizeof(cmd), "recreate %s 40", name);
	ret = faults_command(cmd);
	if (ret)
		return ret;
	priv = read_areas() ? NULL : largest_area(is_private);
	if (priv && !strcmp(priv->name, name))
		return 0;
	diag("the private context %s did not come back; areas now:", name);
	for (i = 0; i < nr_areas; i++)
		diag("  %s: %lu pages", areas[i].name, areas[i].count);
	return -1;
}

/*
 * Two debugfs commands on one context at once: a child loops cma_bench's
 * "cma" (look the private context up by name, allocate from it, free)
 * while the torture driver destroys it and creates it again.  A lookup
 * holds the context, so a destroy waits for it, and no lookup may use a
 * destroyed context or its reused slot (KASAN would report it).  The
 * child's lookups may find no context, between a destroy and a create.
 */
static int bench_lookups_until_eof(const char *name, int stop_fd)
{
	unsigned long ops = 0, found = 0, gone = 0, bad = 0;
	char out[64], c;
	int ret;

	fcntl(stop_fd, F_SETFL, O_NONBLOCK);
	while (read(stop_fd, &c, 1) < 0 && errno == EAGAIN) {
		ret = debugfs_command("/sys/kernel/debug/cma_bench/cmd", out,
				      sizeof(out), "cma %s 65536", name);
		ops++;
		if (!ret)
			found++;
		else if (ret == -ENOENT)
			gone++;
		else if (bad++ < 5)
			diag("bench 'cma %s': %s", name, strerror(-ret));
	}
	diag("bench lookups: %lu, %lu found the context, %lu did not, %lu failed",
	     ops, found, gone, bad);
	return found && !bad ? 0 : 1;
}

static int check_recreate_while_looked_up(void)
{
	char cmd[128], name[64], out[64];
	int pipefd[2], status, ret;
	struct area *priv;
	pid_t pid;

	if (read_areas() || !(priv = largest_area(is_private)) || pipe(pipefd))
		return -1;
	snprintf(name, sizeof(name), "%.63s", priv->name);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(pipefd[1]);
		_exit(bench_lookups_until_eof(name, pipefd[0]));
	}
	close(pipefd[0]);
	usleep(100000);
	snprintf(cmd, sizeof(cmd), "recreate %s 40", name);
	ret = torture_command(cmd, out, sizeof(out));
	ret = ret ? ret : torture_clean(out);
	close(pipefd[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		ret = -1;
	priv = read_areas() ? NULL : largest_area(is_private);
	if (!priv || strcmp(priv->name, name)) {
		diag("the private context %s did not come back", name);
		ret = -1;
	}
	return ret;
}

/*
 * Idle camera buffers move for a second user of the context; streaming or
 * mapped ones do not.
 */
static int check_camera_moves(void)
{
	char *argv[] = { "/bin/camera-test", "-m", "-n", "24", "-c", NULL, NULL };
	struct area *ctx;

	/* The board's camera context is its largest reusable one */
	if (read_areas() || !(ctx = largest_area(is_reusable_context)))
		return -1;
	argv[5] = ctx->name;
	return run(argv);
}

/*
 * Does the board give the camera's context a dma-buf heap?  It does by
 * default; a vexpress_cma= on the command line decides otherwise, by
 * ":heap" on the region named "camera".
 */
static int camera_has_heap(void)
{
	char cmdline[1024], *p, *end;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || !fgets(cmdline, sizeof(cmdline), f)) {
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	p = strstr(cmdline, "vexpress_cma=");
	if (!p)
		return 1;
	p += strlen("vexpress_cma=");
	p[strcspn(p, " \n")] = 0;
	for (; p; p = end ? end + 1 : NULL) {
		end = strchr(p, ',');
		if (end)
			*end = 0;
		if (!strncmp(p, "camera:", 7))
			return strstr(p, ":heap") != NULL;
	}
	return 0;
}

/*
 * The camera context's dma-buf heap, and the camera streaming into buffers
 * allocated from it (camera-test -H).  Where the board gives the camera's
 * context no heap, there must be none.
 */
static int check_camera_heap(void)
{
	char *argv[] = { "/bin/camera-test", "-H", "-c", NULL, NULL, NULL, NULL };
	const char *got = getenv("camera_got");
	char path[300];
	struct area *ctx;

	if (read_areas() || !(ctx = largest_area(is_reusable_context)))
		return -1;
	if (!camera_has_heap()) {
		snprintf(path, sizeof(path), "/dev/dma_heap/%s", ctx->name);
		diag("vexpress_cma= gives the camera's context no heap: %s %s",
		     path, access(path, F_OK) ? "absent" : "exists");
		return access(path, F_OK) ? 0 : -1;
	}
	argv[3] = ctx->name;
	/* As many buffers as the context holds frames */
	if (got) {
		argv[4] = "-b";
		argv[5] = (char *)got;
	}
	return run(argv);
}

/* A reusable context that is not the camera's (its largest), or NULL */
static struct area *smallest_spare_context(void)
{
	struct area *camera = largest_area(is_reusable_context), *best = NULL;
	int i;

	for (i = 0; i < nr_areas; i++)
		if (is_reusable_context(&areas[i]) && &areas[i] != camera &&
		    (!best || areas[i].count < best->count))
			best = &areas[i];
	return best;
}

/*
 * A heap given to one of the board's idle contexts, the private one if
 * there is one, and what destroying the context does to it (camera-test
 * -D).  Every boot's layout has one.
 */
static int check_heap_destroy(void)
{
	char *argv[] = { "/bin/camera-test", "-D", "-c", NULL, NULL };
	struct area *ctx;

	if (read_areas())
		return -1;
	ctx = largest_area(is_private);
	if (!ctx)
		ctx = smallest_spare_context();
	if (!ctx) {
		diag("no idle context to give a heap and destroy");
		return -1;
	}
	argv[3] = ctx->name;
	return run(argv);
}

/* Random ioctls on the camera, then it must still give back its memory. */
static int check_camera_fuzz(void)
{
	char *const argv[] = { "/bin/camera-test", "-z", "3000", NULL };

	return run(argv);
}

/* kmemleak, scanned twice as its documentation advises: no leak at all. */
static int check_kmemleak(void)
{
	char line[256];
	int leaks = 0, i;
	FILE *f;

	for (i = 0; i < 2; i++)
		if (fault_attr(".", "kmemleak", "scan"))
			return -1;
	f = fopen("/sys/kernel/debug/kmemleak", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		diag("kmemleak: %s", line);
		leaks += !strncmp(line, "unreferenced object", 19);
	}
	fclose(f);
	diag("kmemleak: %d leaks", leaks);
	return leaks ? -1 : 0;
}

static const struct check debug_checks[] = {
	{ "torture_under_pressure", check_torture_under_pressure },
	{ "faults_in_alloc", check_faults_in_alloc },
	{ "faults_in_moves", check_faults_in_moves },
	{ "faults_in_create_destroy", check_faults_in_create_destroy },
	{ "recreate_while_looked_up", check_recreate_while_looked_up },
	{ "camera_fuzz", check_camera_fuzz },
	{ "kmemleak", check_kmemleak },
};

static const struct check checks[] = {
	{ "cma_areas_listed", check_areas_listed },
	{ "cmatotal_counts_reusable_areas", check_cmatotal_counts_reusable_areas },
	{ "cma_debug_alloc_free", check_cma_debug_alloc_free },
	{ "filler_occupies_cma", check_filler_occupies_cma },
	{ "full_context_serves_most_of_itself", check_full_context_serves_most },
	{ "filler_intact_after_migration", check_filler_intact },
	{ "cmafree_recovers", check_cmafree_recovers },
	{ "mapped_pages_fill_context", check_mapped_pages_fill_context },
	{ "batched_migration_moves_mapped_pages",
	  check_batched_migration_moves_mapped_pages },
	{ "mapped_pages_intact_in_both_processes",
	  check_mapped_pages_intact_in_both_processes },
	{ "pinned_page_fails_allocation_cleanly",
	  check_pinned_page_fails_allocation_cleanly },
	{ "disk_pages_fill_context", check_disk_pages_fill_context },
	{ "disk_pages_leave_context", check_disk_pages_leave_context },
	{ "disk_pages_intact", check_disk_pages_intact },
	{ "mapped_pages_released", check_mapped_pages_released },
	{ "camera", check_camera },
	{ "camera_ahead", check_camera_ahead },
	{ "camera_moves", check_camera_moves },
	{ "camera_heap", check_camera_heap },
	{ "heap_destroy", check_heap_destroy },
	{ "v4l2_compliance", check_v4l2_compliance },
};

static void mount_fs(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL) && errno != EBUSY)
		diag("mount %s on %s: %s", type, dir, strerror(errno));
}

/*
 * bench=1 on the command line: run the benchmark instead of the checks, on
 * the largest reusable context, the largest private one and the in-tree
 * default area, with the file workloads on the disk (disk=); then time the
 * camera's start.  bench=loaded: the loaded allocations and the camera only;
 * bench=camera: the camera only.
 * bench=unpatched, on a kernel without the series: the loaded allocations
 * through the in-tree CMA debugfs files on the default area.
 * bench=profile (with profile=2): where the loaded allocations on the
 * default area spend their time; bench=unpatched-profile on a kernel
 * without the series.  bench_reps=N: N samples of each kind (2 to 1000)
 * instead of 40, for a quick look.
 */
static int run_bench(void)
{
	struct area *ctx, *priv = NULL;
	char *argv[16] = { "/bin/cma-bench", "-c", NULL, "-p", NULL, "-a",
			   "reserved", "-r", "40" };
	char *camera[] = { "/bin/camera-test", "-t", "10", "-b", "8", NULL };
	char *unpatched[] = { "/bin/cma-bench", "-u", "-a", "reserved", "-r", "40",
			      NULL };
	char *profile[] = { "/bin/cma-bench", "-P", "-a", "reserved", "-r", "40",
			    NULL };
	char *unpatched_profile[] = { "/bin/cma-bench", "-u", "-P", "-a", "reserved",
				      "-r", "40", NULL };
	const char *reps = getenv("bench_reps");
	char *end = NULL;
	int i, n = 9;

	if (reps) {
		long r;

		errno = 0;
		r = strtol(reps, &end, 10);
		if (errno || end == reps || *end || r < 2 || r > 1000) {
			diag("bench_reps=%s: not a number of samples from 2 to 1000", reps);
			return -1;
		}
		argv[8] = unpatched[5] = profile[5] = unpatched_profile[6] = (char *)reps;
	}
	if (!strcmp(getenv("bench"), "unpatched"))
		return run(unpatched);
	if (!strcmp(getenv("bench"), "profile"))
		return run(profile);
	if (!strcmp(getenv("bench"), "unpatched-profile"))
		return run(unpatched_profile);
	/* bench=camera: only the camera's start, for a quick look */
	if (!strcmp(getenv("bench"), "camera"))
		return run(camera);
	if (read_areas())
		return -1;
	ctx = largest_area(is_reusable_context);
	for (i = 0; i < nr_areas; i++)
		if (is_private(&areas[i]) &&
		    (!priv || areas[i].count > priv->count))
			priv = &areas[i];
	if (!ctx || !priv) {
		diag("bench: needs a reusable and a private context");
		return -1;
	}
	argv[2] = ctx->name;
	argv[4] = priv->name;
	if (disk_wanted()) {
		if (mount_disk())
			return -1;
		argv[n++] = "-d";
		argv[n++] = DISK_DIR;
	}
	/* bench=loaded: only the loaded allocations, for a quick look */
	if (!strcmp(getenv("bench"), "loaded"))
		argv[n++] = "-l";
	if (run(argv))
		return -1;
	/* The camera's start from a full context: open to first frame */
	return run(camera);
}

#define NR_CHECKS (sizeof(checks) / sizeof(checks[0]))

int main(void)
{
	unsigned int i, n = NR_CHECKS;
	int failed = 0, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mount_fs("proc", "/proc");
	mount_fs("sysfs", "/sys");
	mount_fs("debugfs", "/sys/kernel/debug");
	mount_fs("devtmpfs", "/dev");

	/*
	 * The console carries this report: keep kernel messages below warning
	 * level (a late device probe, say) from landing in the middle of its
	 * lines.  Warnings and errors still show.
	 */
	err = klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL,
		      CONSOLE_LEVEL_WARNINGS) ? errno : 0;
	printf("cma-init: start\n");
	if (err)
		diag("console log level: %s", strerror(err));
	if (getenv("bench")) {
		printf("cma-init: done, bench %s\n", run_bench() ? "failed" : "ran");
		fflush(stdout);
		sync();
		reboot(RB_POWER_OFF);
	}
	if (getenv("torture"))
		n += sizeof(debug_checks) / sizeof(debug_checks[0]);
	printf("KTAP version 1\n1..%u\n", n);
	for (i = 0; i < n; i++) {
		const struct check *c = i < NR_CHECKS ? &checks[i] :
					&debug_checks[i - NR_CHECKS];
		int ret = c->run();

		if (ret > 0) {
			printf("ok %u %s # SKIP\n", i + 1, c->name);
			continue;
		}
		failed += ret != 0;
		printf("%s %u %s\n", ret ? "not ok" : "ok", i + 1, c->name);
	}
	printf("cma-init: done, %u checks, %d failed\n", n, failed);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
