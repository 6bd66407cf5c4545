// SPDX-License-Identifier: GPL-2.0
/* Memory filler for the in-guest tests; see filler.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "filler.h"

int meminfo_kb(const char *field, unsigned long *kb)
{
	char line[256];
	size_t len = strlen(field);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			fclose(f);
			return sscanf(line + len + 1, "%lu", kb) == 1 ? 0 : -1;
		}
	}
	fclose(f);
	printf("# no %s in /proc/meminfo\n", field);
	return -1;
}

/* Pages on the per-cpu free lists of every zone, from /proc/zoneinfo */
static unsigned long pcp_pages(void)
{
	unsigned long n, sum = 0;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lu", &n) == 1)
			sum += n;
	fclose(f);
	return sum;
}

static unsigned long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int cma_free_settles(unsigned long want_kb, unsigned long *kb)
{
	unsigned long pcp = pcp_pages(), ms;
	struct timespec t0;
	int waited = 0;

	*kb = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (meminfo_kb("CmaFree", kb))
			return -1;
		ms = ms_since(&t0);
		if (*kb >= want_kb) {
			if (waited)
				printf("# CmaFree reached %lu kB after %lu ms (per-cpu lists: %lu pages then, %lu now)\n",
				       *kb, ms, pcp, pcp_pages());
			return 0;
		}
		if (ms >= CMA_FREE_SETTLE_MS)
			break;
		usleep(100 * 1000);
		waited = 1;
	}
	printf("# CmaFree %lu kB, %lu kB short of %lu after %lu ms (per-cpu lists: %lu pages then, %lu now)\n",
	       *kb, want_kb - *kb, want_kb, ms, pcp, pcp_pages());
	return -1;
}

void filler_pattern(uint32_t *p, size_t bytes, uint32_t seed)
{
	size_t i;

	for (i = 0; i < bytes / 4; i++)
		p[i] = seed ^ (uint32_t)(i * 2654435761u);
}

int filler_pattern_ok(const uint32_t *p, size_t bytes, uint32_t seed)
{
	size_t i;

	for (i = 0; i < bytes / 4; i++)
		if (p[i] != (seed ^ (uint32_t)(i * 2654435761u)))
			return 0;
	return 1;
}

static void file_name(const struct filler *f, int i, char *buf, size_t size)
{
	snprintf(buf, size, "%s/fill-%03d", f->dir, i);
}

static int add_file(struct filler *f, void *buf)
{
	char name[128];
	ssize_t done;
	int fd, ok;

	file_name(f, f->nr_files, name, sizeof(name));
	/* Read and write: a clean block is read back in below */
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	filler_pattern(buf, FILLER_BLOCK, 0xf11e0000u + f->nr_files);
	done = write(fd, buf, FILLER_BLOCK);
	ok = done == (ssize_t)FILLER_BLOCK;
	/* A short write sets no errno: the file system is full */
	if (done >= 0 && !ok)
		errno = ENOSPC;
	if (ok && f->kind == FILL_CLEAN)
		/* On the disk, out of the page cache, read back in: clean */
		ok = !fsync(fd) &&
		     !posix_fadvise(fd, 0, FILLER_BLOCK, POSIX_FADV_DONTNEED) &&
		     pread(fd, buf, FILLER_BLOCK, 0) == (ssize_t)FILLER_BLOCK;
	close(fd);
	if (!ok) {
		unlink(name);
		return -1;
	}
	f->nr_files++;
	return 0;
}

static int add_anon(struct filler *f)
{
	void *p = mmap(NULL, FILLER_BLOCK, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	filler_pattern(p, FILLER_BLOCK, 0xa11c0000u + f->nr_anon);
	f->anon[f->nr_anon++] = p;
	return 0;
}

int filler_top_up(struct filler *f, unsigned long goal_kb,
		  unsigned long reserve_kb)
{
	unsigned long cma_free = 0, mem_free = 0;
	const char *why;
	void *buf = malloc(FILLER_BLOCK);

	if (!buf)
		return -1;
	for (;;) {
		if (meminfo_kb("CmaFree", &cma_free) ||
		    meminfo_kb("MemFree", &mem_free)) {
			why = "no /proc/meminfo";
			break;
		}
		if (cma_free <= goal_kb) {
			why = "CMA occupied";
			break;
		}
		if (mem_free < reserve_kb) {
			why = "memory low";
			break;
		}
		if (f->nr_anon == FILLER_MAX || f->nr_files == FILLER_MAX) {
			why = "filler full";
			break;
		}
		/* Mixed: alternate page cache and anonymous memory. */
		if (f->kind == FILL_ANON ||
		    (f->kind == FILL_MIXED && f->nr_files > f->nr_anon) ?
		    add_anon(f) : add_file(f, buf)) {
			why = strerror(errno);
			break;
		}
	}
	free(buf);
	/* The last sample: per-cpu lists make CmaFree wobble by a few MiB. */
	f->cma_free_after_kb = cma_free;
	f->why = why;
	f->mem_free_kb = mem_free;
	return 0;
}

static int on_disk(const struct filler *f)
{
	return f->kind == FILL_CLEAN || f->kind == FILL_DIRTY;
}

int filler_fill(struct filler *f, const char *dir, unsigned long goal_kb,
		unsigned long reserve_kb)
{
	return filler_fill_kind(f, dir, FILL_MIXED, goal_kb, reserve_kb);
}

int filler_fill_kind(struct filler *f, const char *dir, enum filler_kind kind,
		     unsigned long goal_kb, unsigned long reserve_kb)
{
	memset(f, 0, sizeof(*f));
	f->dir = dir;
	f->kind = kind;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		printf("# mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (!on_disk(f) && mount("tmpfs", dir, "tmpfs", 0, "size=90%") &&
	    errno != EBUSY) {
		printf("# mount tmpfs on %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (meminfo_kb("CmaFree", &f->cma_free_before_kb) ||
	    filler_top_up(f, goal_kb, reserve_kb))
		return -1;
	printf("# filler: %d MiB page cache, %d MiB anonymous; CmaFree %lu -> %lu kB, MemFree %lu kB (%s)\n",
	       f->nr_files * 4, f->nr_anon * 4, f->cma_free_before_kb,
	       f->cma_free_after_kb, f->mem_free_kb, f->why);
	return 0;
}

int filler_verify(const struct filler *f)
{
	char name[128];
	void *buf = malloc(FILLER_BLOCK);
	int i, bad = 0, fd;

	if (!buf)
		return -1;
	for (i = 0; i < f->nr_anon; i++)
		bad += !filler_pattern_ok(f->anon[i], FILLER_BLOCK, 0xa11c0000u + i);
	for (i = 0; i < f->nr_files; i++) {
		file_name(f, i, name, sizeof(name));
		fd = open(name, O_RDONLY);
		if (fd < 0 || read(fd, buf, FILLER_BLOCK) != (ssize_t)FILLER_BLOCK ||
		    !filler_pattern_ok(buf, FILLER_BLOCK, 0xf11e0000u + i))
			bad++;
		if (fd >= 0)
			close(fd);
	}
	free(buf);
	return bad;
}

void filler_release(struct filler *f)
{
	char name[128];
	int i;

	for (i = 0; i < f->nr_anon; i++)
		munmap(f->anon[i], FILLER_BLOCK);
	for (i = 0; i < f->nr_files; i++) {
		file_name(f, i, name, sizeof(name));
		unlink(name);
	}
	if (on_disk(f))
		rmdir(f->dir);
	else
		umount(f->dir);
	f->nr_anon = f->nr_files = 0;
}
