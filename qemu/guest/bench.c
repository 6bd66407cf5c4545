// SPDX-License-Identifier: GPL-2.0
/*
 * cma-bench: drive the kernel's cma_bench debugfs file (samples/cma_bench)
 * and print raw samples, one CSV line each, for ci/bench to summarise:
 *
 *   bench,WHAT,AREA,SIZE_KB,STATE,REP,A,B,C
 *
 * WHAT is cm (cm_alloc/cm_free on a context), cma (cma_alloc/cma_release
 * on an in-tree area), memcpy, lent or live; A and B are nanoseconds (alloc,
 * free), C the pages of AREA in use just before.  STATE is idle, or loaded:
 * page cache and anonymous memory topped up until CMA is 90% occupied
 * before every sample.
 *
 * WHAT frag is cma_bench's fragmenting workload (see samples/cma_bench):
 * SIZE_KB is the fill percent, STATE moves, nomoves (cm_alloc on the
 * context with its moves_enabled on or off) or intree (cma_alloc on the
 * in-tree area), REP the seed; A the requests, B those that got a chunk,
 * C the nanoseconds of all requests.  Each moves run adds a line WHAT moved: A chunks
 * moved, B their bytes, C nanoseconds spent copying them.
 *
 * On a kernel that counts its TLB flushes (CONFIG_DEBUG_TLBFLUSH), each cm
 * or cma sample is followed by one of WHAT tlb-cm or tlb-cma: A the TLB
 * flushes broadcast while the chunk was allocated and freed.
 *
 * Loaded samples also run with each of alloc_contig_range()'s migration
 * techniques off (debugfs alloc_contig/batch_unmap and migrate_batch),
 * alternating with them all on: STATE loaded-TECHNIQUE (see techniques[]),
 * every technique for cma on the in-tree area, all on and all off (none)
 * for cm on the context.
 *
 * The loaded samples above fill with the mixed workload (tmpfs files and
 * anonymous memory).  Each workload class alone then: STATE CLASS (all on)
 * and CLASS-none (6.1's migration), for cma on the in-tree area and cm on
 * the context; see classes[].  The file classes need -d.
 *
 * Each cm, cma or cma-unpatched sample is followed by one of WHAT
 * migrated-cm, migrated-cma or migrated-cma-unpatched: A the pages it
 * migrated (/proc/vmstat's pgmigrate_success).
 *
 * Each area's size in pages comes first, WHAT count (count-unpatched with
 * -u): A the pages.
 *
 * -P: where the loaded 6 MiB allocations spend their time, from the
 * kernel's tick profiler (profile=SHIFT on the command line).  WHAT
 * profile: STATE loaded, loaded-serial or loaded-none (cma on AREA) or
 * loaded (unpatched),
 * REP a bucket of kernel text (the Nth from _stext), A its ticks summed
 * over the samples, B the bucket's size in bytes (2^SHIFT), C the samples.  Only ticks taken while
 * a sample ran count, on every CPU: the filler's are left out.
 *
 *   cma-bench -c CONTEXT -p PRIVATE -a AREA [-r REPS] [-d DIR] [-l]
 *   cma-bench -u -a AREA [-r REPS]
 *   cma-bench [-u] -P -a AREA [-r REPS]
 *
 * -d: DIR is on a disk's file system (init mounts ext4 there).
 * -l: only memcpy and the loaded allocations.
 * -u: on a kernel without the series: memcpy, and the loaded (mixed)
 *     allocations on AREA through the in-tree CMA debugfs files, WHAT
 *     cma-unpatched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "debugfs_cmd.h"
#include "filler.h"

#define CMD "/sys/kernel/debug/cma_bench/cmd"
#define KPF_LRU	5	/* /proc/kpageflags */

static struct filler filler;
static int filler_on;
static enum filler_kind fill_kind = FILL_MIXED;
static const char *fill_dir = "/mnt/bench-fill";

static int unpatched;	/* -u: a kernel without the series */

/* A context's debugfs number, or -1 */
static long long context_value(const char *ctx, const char *file);

/*
 * Without the series, the pages of AREA on an LRU list (page cache and
 * anonymous memory: what the filler puts there), from /proc/kpageflags:
 * CMA's own debugfs counts only what cma_alloc() took.
 */
static unsigned long occupancy_unpatched(const char *area)
{
	long long base = context_value(area, "base_pfn");
	long long count = context_value(area, "count");
	unsigned long used = 0, i, n;
	uint64_t flags[1024];
	long long p;
	int fd = open("/proc/kpageflags", O_RDONLY);

	if (fd < 0 || base < 0 || count < 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	for (p = 0; p < count; p += n) {
		n = count - p < 1024 ? count - p : 1024;
		if (pread(fd, flags, n * sizeof(flags[0]),
			  (base + p) * sizeof(flags[0])) != (ssize_t)(n * sizeof(flags[0])))
			break;
		for (i = 0; i < n; i++)
			used += flags[i] >> KPF_LRU & 1;
	}
	close(fd);
	return used;
}

static unsigned long occupancy(const char *area)
{
	char out[64];

	if (unpatched)
		return occupancy_unpatched(area);
	if (debugfs_command(CMD, out, sizeof(out), "occupancy %s", area))
		return 0;
	return strtoul(out, NULL, 10);
}

/*
 * Page cache and anonymous memory until CMA is 90% occupied again, and
 * AREA, the next sample's (a reusable one, or NULL), until at most an
 * eighth of the KB that sample allocates is free in it, so that it must
 * migrate seven eighths of them, if eight top-ups do it (else it says so
 * on the console, as a # line): a sample frees
 * its chunk, and the page allocator takes CMA's smallest free blocks
 * first, often in another area, and CMA only once it holds half the free
 * memory.  The samples record how full AREA was; ci/bench's report counts
 * those that found it so full.
 */
static void load(const char *area, unsigned long kb)
{
	unsigned long total_kb, free_kb, mem_kb, used;
	long long count = area ? context_value(area, "count") : -1, goal;
	int i;

	meminfo_kb("CmaTotal", &total_kb);
	meminfo_kb("MemFree", &mem_kb);
	if (filler_on && mem_kb < 96 * 1024) {
		filler_release(&filler);
		filler_on = 0;
	}
	if (!filler_on) {
		filler_fill_kind(&filler, fill_dir, fill_kind, total_kb / 10, 64 * 1024);
		filler_on = 1;
	}
	meminfo_kb("CmaFree", &free_kb);
	if (free_kb > total_kb / 10)
		filler_top_up(&filler, total_kb / 10, 64 * 1024);
	for (i = 0; count > 0; i++) {
		used = occupancy(area);
		if ((unsigned long long)count - used <= kb / 4 / 8)
			break;
		if (i == 8 || (i && (!strcmp(filler.why, "memory low") ||
				     !strcmp(filler.why, "filler full")))) {
			printf("# load: %s has %lld of %lu pages free after %d top-ups (%s)\n",
			       area, count - (long long)used, kb / 4, i, filler.why);
			break;
		}
		/*
		 * Take as much again as the area has free.  CmaFree leaves out
		 * the pages on per-cpu lists, such as a sample's freed chunk,
		 * so it can be below that: then take half of it, and look again.
		 */
		meminfo_kb("CmaFree", &free_kb);
		goal = (long long)free_kb - (count - (long long)used) * 4;
		if (filler_top_up(&filler, goal > 0 ? goal : free_kb / 2, 64 * 1024))
			break;
	}
}

static void unload(void)
{
	if (filler_on)
		filler_release(&filler);
	filler_on = 0;
}

static long long now_ns(void);
static int write_file(const char *path, const char *value);

/* A /proc/vmstat counter, or -1 without it */
static long long vmstat(const char *name)
{
	char line[128];
	long long n = -1, v;
	size_t len = strlen(name);
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ' &&
		    sscanf(line + len, "%lld", &v) == 1) {
			n = v;
			break;
		}
	if (f)
		fclose(f);
	return n;
}

/*
 * /proc/profile: a word holding the size of a bucket of kernel text in
 * bytes, then a tick counter for each bucket.  Reads it all into BUF (N counters),
 * allocating BUF on the first call; -1 if the profiler is off.
 */
static int profile_read(uint32_t **buf, size_t *n)
{
	int fd = open("/proc/profile", O_RDONLY);
	off_t size;
	ssize_t got;

	if (fd < 0)
		return -1;
	size = lseek(fd, 0, SEEK_END);
	if (size < 8 || (*buf && (size_t)size != (*n + 1) * sizeof(uint32_t))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (!*buf) {
		*n = size / sizeof(uint32_t) - 1;
		*buf = malloc(size);
		if (!*buf) {
			close(fd);
			return -1;
		}
	}
	got = pread(fd, *buf, size, 0);
	close(fd);
	if (got != size) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* -P: /proc/profile just before and just after each sample's allocation */
static struct {
	int on;
	int err;
	size_t n;
	uint32_t *before;
	uint32_t *after;
} prof;

static void profile_begin(void)
{
	if (prof.on && profile_read(&prof.before, &prof.n))
		prof.err = errno;
}

static void profile_end(void)
{
	if (prof.on && profile_read(&prof.after, &prof.n))
		prof.err = errno;
}

/*
 * Without the series: the in-tree CMA debugfs files alloc and free
 * (cma_alloc() and cma_release() of as many pages as written), timed
 * from here.  The time of the write(2) around them is a few microseconds.
 */
static void sample_unpatched(const char *area, unsigned long kb,
			     const char *state, int rep)
{
	unsigned long used = occupancy(area);
	long long migrated = vmstat("pgmigrate_success");
	char path[128], pages[32];
	long long t0, t1, t2;
	int ret;

	snprintf(pages, sizeof(pages), "%lu\n", kb / 4);
	snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/alloc", area);
	profile_begin();
	t0 = now_ns();
	ret = write_file(path, pages);
	t1 = now_ns();
	profile_end();
	/* cma_debugfs keeps what it could not allocate out of its list */
	if (!ret) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/free", area);
		ret = write_file(path, pages);
	}
	t2 = now_ns();
	if (ret) {
		printf("bench,cma-unpatched,%s,%lu,%s,%d,error,%d,%lu\n", area, kb,
		       state, rep, -errno, used);
		return;
	}
	printf("bench,cma-unpatched,%s,%lu,%s,%d,%lld,%lld,%lu\n", area, kb, state,
	       rep, t1 - t0, t2 - t1, used);
	if (migrated >= 0)
		printf("bench,migrated-cma-unpatched,%s,%lu,%s,%d,%lld,0,%lu\n", area,
		       kb, state, rep, vmstat("pgmigrate_success") - migrated, used);
}

/*
 * nr_tlb_remote_flush: the TLB flushes the kernel broadcast to every CPU
 * (CONFIG_DEBUG_TLBFLUSH), or -1 without it.
 */
static long long tlb_flushes(void)
{
	return vmstat("nr_tlb_remote_flush");
}

static void sample(const char *what, const char *area, unsigned long kb,
		   const char *state, int rep)
{
	unsigned long used = occupancy(area);
	long long tlb = tlb_flushes(), migrated = vmstat("pgmigrate_success");
	char out[64];
	int ret;

	profile_begin();
	ret = debugfs_command(CMD, out, sizeof(out), "%s %s %lu", what, area, kb * 1024);
	profile_end();
	/* What the allocation and its free flushed: WHAT tlb-cm, tlb-cma */
	if (tlb >= 0 && !ret)
		printf("bench,tlb-%s,%s,%lu,%s,%d,%lld,0,%lu\n", what, area, kb,
		       state, rep, tlb_flushes() - tlb, used);
	/* The pages the allocation migrated: WHAT migrated-cm, migrated-cma */
	if (migrated >= 0 && !ret)
		printf("bench,migrated-%s,%s,%lu,%s,%d,%lld,0,%lu\n", what, area, kb,
		       state, rep, vmstat("pgmigrate_success") - migrated, used);
	if (ret) {
		printf("bench,%s,%s,%lu,%s,%d,error,%d,%lu\n", what, area, kb,
		       state, rep, ret, used);
		return;
	}
	out[strcspn(out, "\n")] = '\0';
	for (char *p = out; *p; p++)
		if (*p == ' ')
			*p = ',';
	printf("bench,%s,%s,%lu,%s,%d,%s,%lu\n", what, area, kb, state, rep,
	       out, used);
}

/* A context's debugfs number, or -1 */
static long long context_value(const char *ctx, const char *file)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/%s", ctx, file);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_file(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(value, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

static int set_moves(const char *ctx, int on)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/moves_enabled", ctx);
	return write_file(path, on ? "Y\n" : "N\n");
}

static void frag(const char *area, const char *how, unsigned int fill,
		 const char *state, unsigned int seed)
{
	unsigned long long requests, ok, ns;
	long long moves = context_value(area, "moves");
	long long bytes = context_value(area, "bytes_moved");
	long long move_ns = context_value(area, "move_ns");
	long long used = context_value(area, "used");
	char out[64];
	int ret = -EIO;

	/* What the rest of the system holds in the area counts as full */
	if (used >= 0)
		ret = debugfs_command(CMD, out, sizeof(out), "frag %s %s %u %u %lld",
				      area, how, fill, seed, used);
	if (ret || sscanf(out, "requests %llu ok %llu alloc_ns %llu", &requests,
			  &ok, &ns) != 3) {
		printf("bench,frag,%s,%u,%s,%u,error,%d,0\n", area, fill, state,
		       seed, ret);
		return;
	}
	printf("bench,frag,%s,%u,%s,%u,%llu,%llu,%llu\n", area, fill, state,
	       seed, requests, ok, ns);
	if (strcmp(state, "moves"))
		return;
	printf("bench,moved,%s,%u,%s,%u,%lld,%lld,%lld\n", area, fill, state,
	       seed, context_value(area, "moves") - moves,
	       context_value(area, "bytes_moved") - bytes,
	       context_value(area, "move_ns") - move_ns);
}

/*
 * The fragmenting workload at each fill, with the same seeds: moves on and
 * off on the context, and the in-tree area doing the same with cma_alloc.
 */
static void bench_frag(const char *ctx, const char *area)
{
	static const unsigned int fills[] = { 50, 60, 70, 80, 90 };
	unsigned int f, seed;

	for (f = 0; f < sizeof(fills) / sizeof(fills[0]); f++)
		for (seed = 1; seed <= 3; seed++) {
			if (set_moves(ctx, 1))
				printf("bench,frag,%s,%u,moves,%u,error,-1,0\n",
				       ctx, fills[f], seed);
			else
				frag(ctx, "cm", fills[f], "moves", seed);
			if (set_moves(ctx, 0))
				printf("bench,frag,%s,%u,nomoves,%u,error,-1,0\n",
				       ctx, fills[f], seed);
			else
				frag(ctx, "cm", fills[f], "nomoves", seed);
			set_moves(ctx, 1);
			frag(area, "cma", fills[f], "intree", seed);
		}
}

/*
 * How alloc_contig_range() migrates: the series' techniques, on and off.
 * The ones between the first and the last each show one technique alone.
 */
static const struct technique {
	const char *state;
	const char *batch_unmap;	/* one TLB flush for a batch */
	const char *migrate_batch;	/* pages isolated for a batch */
	const char *split;		/* half of a batch on another CPU */
} techniques[] = {
	{ "loaded", "Y", "512", "Y" },		/* all on: the default */
	{ "loaded-serial", "Y", "512", "N" },	/* all but the second CPU */
	{ "loaded-batch32", "Y", "32", "N" },	/* flush batching, 6.1's batches */
	{ "loaded-nounmap", "N", "512", "N" },	/* large batches, a flush a page */
	{ "loaded-none", "N", "32", "N" },	/* 6.1's migration */
};

#define NR_TECHNIQUES	(sizeof(techniques) / sizeof(techniques[0]))

#define BATCH_UNMAP	"/sys/kernel/debug/alloc_contig/batch_unmap"

/*
 * Since 6.3 migrate_pages_batch() always unmaps a batch before it flushes
 * and moves it: there is no batch_unmap switch, and a technique that
 * turns it off is not there to measure.  Such a technique is skipped,
 * and said so once ("bench,skipped,..." for the report); one is never
 * measured without every switch that exists written.
 */
static int set_technique(const struct technique *t)
{
	static unsigned int said;
	unsigned int bit = 1u << (t - techniques);
	int has_switch = !access(BATCH_UNMAP, F_OK);

	if (!has_switch && errno != ENOENT) {
		printf("# %s: %s\n", BATCH_UNMAP, strerror(errno));
		return -1;
	}
	if (!has_switch && t->batch_unmap[0] == 'N') {
		if (!(said & bit))
			printf("# no %s: batched unmap is always on, %s is not measured\n"
			       "bench,skipped,-,0,%s,0,0,0,0\n",
			       BATCH_UNMAP, t->state, t->state);
		said |= bit;
		return -1;
	}
	if ((has_switch && write_file(BATCH_UNMAP, t->batch_unmap)) ||
	    write_file("/sys/kernel/debug/alloc_contig/migrate_batch", t->migrate_batch) ||
	    write_file("/sys/kernel/debug/alloc_contig/split_batch", t->split)) {
		printf("# cannot set migration technique %s: %s\n", t->state,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * -P: the ticks each loaded 6 MiB allocation takes, summed per state:
 * all of the series' techniques on, all but the second CPU, and 6.1's
 * migration (loaded-none), or the unpatched kernel's.  cma_alloc() on the
 * series' kernel is timed with its free, which costs a few percent of it
 * (see the free column).
 */
static int bench_profile(const char *area, int reps)
{
	static const unsigned int states[] = { 0, 1, NR_TECHNIQUES - 1 };
	const unsigned int ns = unpatched ? 1 : 3;
	uint32_t *sum[3] = { NULL, NULL, NULL };
	unsigned int k, t;
	size_t b;
	int i, ret = -1;

	if (profile_read(&prof.before, &prof.n) || profile_read(&prof.after, &prof.n)) {
		fprintf(stderr, "cma-bench: /proc/profile: %s: boot with profile=2\n",
			strerror(errno));
		goto out;
	}
	for (k = 0; k < ns; k++) {
		sum[k] = calloc(prof.n + 1, sizeof(uint32_t));
		if (!sum[k])
			goto out;
	}
	prof.on = 1;
	for (i = 0; i < reps; i++)
		for (k = 0; k < ns; k++) {
			unsigned int at = (k + i) % ns;

			t = states[at];
			if (!unpatched && set_technique(&techniques[t]))
				continue;	/* not on this kernel (6.12's) */
			load(area, 6144);
			if (unpatched)
				sample_unpatched(area, 6144, "loaded", i);
			else
				sample("cma", area, 6144, techniques[t].state, i);
			if (prof.err) {
				fprintf(stderr, "cma-bench: /proc/profile: %s\n",
					strerror(prof.err));
				goto out;
			}
			for (b = 1; b <= prof.n; b++)
				sum[at][b] += prof.after[b] - prof.before[b];
		}
	for (k = 0; k < ns; k++)
		for (b = 1; b <= prof.n; b++)
			if (sum[k][b])
				printf("bench,profile,%s,6144,%s,%zu,%u,%u,%d\n", area,
				       techniques[states[k]].state, b - 1, sum[k][b],
				       prof.before[0], reps);
	ret = 0;
out:
	prof.on = 0;
	if (!unpatched)
		set_technique(&techniques[0]);
	unload();
	for (k = 0; k < 3; k++)
		free(sum[k]);
	free(prof.before);
	free(prof.after);
	return ret;
}

/*
 * Loaded: movable pages occupy the areas before every sample.  Each
 * technique in turn with cma_alloc() on the in-tree area, which the filler
 * keeps fuller than the context, starting with a different one each round
 * so that none always follows the same one; cm_alloc() on the context with
 * all of them on and with 6.1's migration.
 */
static void bench_loaded(const char *ctx, const char *area, int reps)
{
	static const unsigned long sizes[] = { 1024, 6144, 16384 };
	const unsigned int nt = sizeof(techniques) / sizeof(techniques[0]);
	unsigned int s, t, k;
	int i;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (i = 0; i < reps / 2; i++)
			for (k = 0; k < nt; k++) {
				t = (k + i) % nt;
				if (set_technique(&techniques[t]))
					continue;
				load(area, sizes[s]);
				sample("cma", area, sizes[s], techniques[t].state, i);
				if (t && t != nt - 1)
					continue;
				load(ctx, sizes[s]);
				sample("cm", ctx, sizes[s], techniques[t].state, i);
			}
	set_technique(&techniques[0]);
}

/* The workload classes, each alone; the file ones on the disk */
static const struct {
	const char *state;
	enum filler_kind kind;
} classes[] = {
	{ "tmpfs", FILL_TMPFS },
	{ "anon", FILL_ANON },
	{ "clean", FILL_CLEAN },	/* clean file pages: dropped, not moved */
	{ "dirty", FILL_DIRTY },
};

/* vm.dirty_*: nothing written back behind the dirty class's back */
static const char *const dirty_knobs[] = {
	"/proc/sys/vm/dirty_writeback_centisecs",
	"/proc/sys/vm/dirty_background_ratio",
	"/proc/sys/vm/dirty_ratio",
};

static void hold_dirty(int on)
{
	static const char *const values[] = { "0\n", "80\n", "90\n" };
	static char saved[3][32];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		FILE *f;

		if (on && (f = fopen(dirty_knobs[i], "r"))) {
			if (!fgets(saved[i], sizeof(saved[i]), f))
				saved[i][0] = '\0';
			fclose(f);
		}
		if ((on || saved[i][0]) &&
		    write_file(dirty_knobs[i], on ? values[i] : saved[i]))
			printf("# cannot set %s: %s\n", dirty_knobs[i], strerror(errno));
	}
}

/*
 * Each class alone, all techniques on and 6.1's migration alternating,
 * cma on the in-tree area and cm on the context; 6 MiB only (the mixed
 * workload above has every size): a class that fills CMA only by taking
 * nearly all memory (anonymous memory) refills from scratch often.
 */
static void bench_classes(const char *ctx, const char *area, const char *disk,
			  int reps)
{
	static const unsigned long sizes[] = { 6144 };
	const struct technique *t[2] = { &techniques[0], &techniques[NR_TECHNIQUES - 1] };
	char state[32], dir[128];
	unsigned int c, s, k;
	int i;

	for (c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		int file = classes[c].kind == FILL_CLEAN || classes[c].kind == FILL_DIRTY;

		if (file && !disk)
			continue;
		unload();
		fill_kind = classes[c].kind;
		snprintf(dir, sizeof(dir), "%s/bench-fill", disk ? disk : "");
		fill_dir = file ? dir : "/mnt/bench-fill";
		if (fill_kind == FILL_DIRTY)
			hold_dirty(1);
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (i = 0; i < reps / 4; i++)
				for (k = 0; k < 2; k++) {
					const struct technique *tk = t[(k + i) % 2];

					if (set_technique(tk))
						continue;
					snprintf(state, sizeof(state), "%s%s",
						 classes[c].state, tk == t[0] ? "" : "-none");
					load(area, sizes[s]);
					sample("cma", area, sizes[s], state, i);
					load(ctx, sizes[s]);
					sample("cm", ctx, sizes[s], state, i);
				}
		unload();
		if (fill_kind == FILL_DIRTY)
			hold_dirty(0);
	}
	set_technique(&techniques[0]);
	fill_kind = FILL_MIXED;
	fill_dir = "/mnt/bench-fill";
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void bench_memcpy(int reps)
{
	size_t len = 6UL << 20;
	char *a = malloc(len), *b = malloc(len);
	int i;

	if (!a || !b)
		return;
	memset(a, 1, len);
	memset(b, 2, len);
	for (i = 0; i < reps; i++) {
		long long t0 = now_ns();

		memcpy(b, a, len);
		printf("bench,memcpy,-,6144,idle,%d,%lld,0,0\n", i,
		       now_ns() - t0);
		a[i] = b[len - 1 - i];	/* keep the copy observable */
	}
	free(a);
	free(b);
}

int main(int argc, char **argv)
{
	static const unsigned long sizes[] = { 1024, 6144, 16384 };
	static const unsigned long scale[] = { 64, 256, 1024, 4096, 16384, 32768 };
	static const unsigned int live[] = { 0, 16, 64, 256 };
	const char *ctx = NULL, *priv = NULL, *area = NULL, *disk = NULL;
	int reps = 20, opt, i, only_loaded = 0, profile = 0;
	static const unsigned long loaded_sizes[] = { 1024, 6144, 16384 };
	unsigned int s, n;
	char out[64];

	while ((opt = getopt(argc, argv, "c:p:a:r:d:luP")) != -1) {
		switch (opt) {
		case 'c':
			ctx = optarg;
			break;
		case 'p':
			priv = optarg;
			break;
		case 'a':
			area = optarg;
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'd':
			disk = optarg;
			break;
		case 'l':
			only_loaded = 1;
			break;
		case 'u':
			unpatched = 1;
			break;
		case 'P':
			profile = 1;
			break;
		default:
			ctx = NULL;
		}
	}
	if ((!unpatched && !profile && (!ctx || !priv)) || !area || reps < 2) {
		fprintf(stderr, "usage: cma-bench -c CONTEXT -p PRIVATE -a AREA [-r REPS] [-d DIR] [-l]\n"
				"       cma-bench -u -a AREA [-r REPS]\n"
				"       cma-bench [-u] -P -a AREA [-r REPS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		const char *const named[] = { area, ctx, priv };

		for (s = 0; s < 3; s++)
			if (named[s])
				printf("bench,count%s,%s,0,-,0,%lld,0,0\n",
				       unpatched ? "-unpatched" : "", named[s],
				       context_value(named[s], "count"));
	}
	if (profile) {
		if (bench_profile(area, reps))
			return 1;
		printf("bench,done,-,0,-,0,0,0,0\n");
		return 0;
	}

	bench_memcpy(reps);
	if (unpatched) {
		/* The mixed workload, as the loaded samples above */
		for (s = 0; s < sizeof(loaded_sizes) / sizeof(loaded_sizes[0]); s++)
			for (i = 0; i < reps / 2; i++) {
				load(area, loaded_sizes[s]);
				sample_unpatched(area, loaded_sizes[s], "loaded", i);
			}
		unload();
		printf("bench,done,-,0,-,0,0,0,0\n");
		return 0;
	}
	if (only_loaded) {
		bench_loaded(ctx, area, reps);
		bench_classes(ctx, area, disk, reps);
		unload();
		printf("bench,done,-,0,-,0,0,0,0\n");
		return 0;
	}
	/*
	 * Idle: side by side, alternating, for each size; cm_alloc() on the
	 * in-tree area too, which tells the API's cost from the area's.
	 */
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (i = 0; i < reps; i++) {
			sample("cm", ctx, sizes[s], "idle", i);
			sample("cma", area, sizes[s], "idle", i);
			sample("cm", area, sizes[s], "idle", i);
		}
	for (i = 0; i < reps; i++)
		sample("cm", priv, 6144, "idle", i);
	/* Scaling with the chunk size, and with the chunks already live */
	for (s = 0; s < sizeof(scale) / sizeof(scale[0]); s++)
		for (i = 0; i < reps / 2; i++) {
			sample("cm", ctx, scale[s], "idle", i);
			sample("cma", area, scale[s], "idle", i);
		}
	for (n = 0; n < sizeof(live) / sizeof(live[0]); n++) {
		if (live[n] && debugfs_command(CMD, out, sizeof(out), "hold %s 65536 %u", ctx,
				       live[n]))
			printf("bench,live,%s,64,hold,%u,error,0,0\n", ctx, live[n]);
		for (i = 0; i < reps / 2; i++) {
			char state[32];

			snprintf(state, sizeof(state), "live%u", live[n]);
			sample("cm", ctx, 1024, state, i);
		}
		debugfs_command(CMD, out, sizeof(out), "release");
	}
	bench_frag(ctx, area);
	bench_loaded(ctx, area, reps);
	bench_classes(ctx, area, disk, reps);
	for (i = 0; i < reps / 2; i++) {
		load(NULL, 0);
		sample("cm", priv, 6144, "loaded", i);
	}
	unload();
	/* How much of an idle reusable context movable pages really use */
	filler_fill(&filler, "/mnt/bench-fill", 0, 64 * 1024);
	snprintf(out, sizeof(out), "/sys/kernel/debug/cma/%s/count", ctx);
	{
		FILE *f = fopen(out, "r");
		unsigned long count = 0;

		if (f) {
			if (fscanf(f, "%lu", &count) != 1)
				count = 0;
			fclose(f);
		}
		printf("bench,lent,%s,0,pressure,0,%lu,%lu,%lu\n", ctx,
		       occupancy(ctx), count, filler.cma_free_after_kb);
	}
	filler_release(&filler);
	printf("bench,done,-,0,-,0,0,0,0\n");
	return 0;
}
