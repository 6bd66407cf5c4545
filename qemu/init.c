// SPDX-License-Identifier: GPL-2.0
/*
 * init for the test initramfs: mounts the kernel's file systems, runs the
 * in-guest checks, prints their results as a KTAP document and powers the
 * machine off.  Static, no libraries beyond libc.
 *
 * The first line it prints, "cma-init: start", separates its KTAP document
 * from the kernel's KUnit output on the console.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A field of /proc/meminfo, in kB. */
static int meminfo_kb(const char *field, unsigned long *kb)
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
	diag("no %s in /proc/meminfo", field);
	return -1;
}

static int area_path(char *buf, size_t size, const char *area,
		     const char *file)
{
	return snprintf(buf, size, "%s/%s/%s", DEBUGFS_CMA, area, file) >=
	       (int)size ? -1 : 0;
}

/*
 * CmaTotal counts the reusable areas, contexts included: after the KUnit
 * suite destroyed its contexts, that is the default DMA area alone.
 */
static int check_cmatotal_matches_default_area(void)
{
	unsigned long total_kb, count;
	char path[256];

	if (meminfo_kb("CmaTotal", &total_kb) ||
	    area_path(path, sizeof(path), "reserved", "count") ||
	    read_ulong(path, &count))
		return -1;
	diag("CmaTotal %lu kB, default area %lu pages", total_kb, count);
	if (total_kb != count * (unsigned long)(getpagesize() / 1024)) {
		diag("CmaTotal does not match the default area");
		return -1;
	}
	return 0;
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

static const struct check checks[] = {
	{ "cmatotal_matches_default_area", check_cmatotal_matches_default_area },
	{ "cma_debug_alloc_free", check_cma_debug_alloc_free },
};

static void mount_fs(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL) && errno != EBUSY)
		diag("mount %s on %s: %s", type, dir, strerror(errno));
}

int main(void)
{
	unsigned int i, n = sizeof(checks) / sizeof(checks[0]);
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mount_fs("proc", "/proc");
	mount_fs("sysfs", "/sys");
	mount_fs("debugfs", "/sys/kernel/debug");
	mount_fs("devtmpfs", "/dev");

	printf("cma-init: start\n");
	printf("KTAP version 1\n1..%u\n", n);
	for (i = 0; i < n; i++) {
		int ret = checks[i].run();

		if (ret > 0) {
			printf("ok %u %s # SKIP\n", i + 1, checks[i].name);
			continue;
		}
		failed += ret != 0;
		printf("%s %u %s\n", ret ? "not ok" : "ok", i + 1,
		       checks[i].name);
	}
	printf("cma-init: done, %d failed\n", failed);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
