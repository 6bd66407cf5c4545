// SPDX-License-Identifier: GPL-2.0
/*
 * camera-test: capture from the sample CMA camera while movable pages
 * occupy its reusable context, and check every pixel of every frame.
 *
 *   camera-test [-d DEVICE] [-f rgb24|yuyv] [-n FRAMES] [-b BUFFERS] [-e GOT]
 *               [-o FRAME.ppm] [-a -c CONTEXT]
 *   camera-test -z N [-d DEVICE]
 *   camera-test -m -c CONTEXT [-d DEVICE] [-n FRAMES]
 *   camera-test -t REPS [-d DEVICE] [-b BUFFERS]
 *   camera-test -H -c CONTEXT [-d DEVICE] [-n FRAMES] [-b BUFFERS]
 *   camera-test -D -c CONTEXT
 *
 * It asks for BUFFERS buffers and expects GOT of them (default: BUFFERS);
 * fewer is what a context too small for BUFFERS frames must give.  Every
 * buffer is also exported as a dma-buf (VIDIOC_EXPBUF) and mapped through
 * it: each frame must read the same there, a device must see the last
 * one as a single DMA segment of CMA memory with the same bytes (the
 * import command of /sys/kernel/debug/cma_torture/cmd), and an exported
 * buffer must outlive the queue until its dma-buf is closed.  With
 * -o, the last RGB24 frame is also saved as a PPM picture.  With -a, the
 * camera allocates its buffers ahead (its module parameter alloc_ahead,
 * set for the run): the same checks, reported as camera_ahead; the
 * camera's context CONTEXT must count one allocation ahead a buffer, and
 * a start as -t times it, with the context full again, must give a right
 * first frame while the other buffers are still being allocated.  -z sends N
 * V4L2 ioctls with random arguments instead, then checks that the device
 * still works and gave back its memory.  -m checks that idle buffers move:
 * the camera's buffers, interleaved with chunks of a second user of its
 * context CONTEXT (cma_bench), stop streaming and are unmapped; the second user
 * then asks for a chunk larger than any free range, which only fits once
 * a camera buffer has moved.  While the camera streams, or while its
 * buffers are mapped, the same request must fail with nothing moved.
 * Each buffer must still hold its last frame after the move, and the
 * camera must stream again with every pixel right.
 *
 * -t is a benchmark, not a check: REPS times, with CMA full of movable
 * pages, the time from open() to the first frame when an application
 * starts the camera as GStreamer's v4l2src does, back to back: S_FMT
 * (full-HD RGB24), REQBUFS(BUFFERS), QUERYBUF, mmap and QBUF of each,
 * STREAMON, DQBUF; each time once with buffers allocated at REQBUFS and
 * once with them allocated ahead; then, queueing each frame's buffer again
 * at once, the time until every buffer has held a frame.  CSV lines for
 * ci/bench: bench,camera,-,BUFFERS,first-frame,REP,NANOSECONDS,0,0, the
 * same with all-buffers, and both again with -ahead (first-frame, error
 * instead of the time, if a step failed or the first frame was wrong).
 *
 * -H checks the dma-buf heap of the camera's context CONTEXT,
 * /dev/dma_heap/CONTEXT: bad requests refused, a buffer zeroed and the
 * same through a second mapping and a device's import (one segment in the
 * context), the whole context allocated then a clean ENOMEM, the
 * context's heap_buffers and heap_bytes counting what is out; then the
 * camera, its context full of movable pages, streams FRAMES frames into
 * BUFFERS buffers allocated from the heap (V4L2_MEMORY_DMABUF) with every
 * pixel checked, after refusing a system heap buffer (scattered pages) and
 * one too small, each with EINVAL and the reason in the kernel log.  -D
 * gives the idle context CONTEXT a heap (cma_torture's "heap") and checks
 * that destroying the context is refused while a buffer from it lives,
 * succeeds once it is closed, and removes the heap: a file opened on it
 * before then gets ENODEV.
 *
 * Otherwise it prints a KTAP subtest (indented by four spaces) that init nests in its
 * own report; exits 0 if every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/videodev2.h>

#include "debugfs_cmd.h"
#include "filler.h"

#define MAX_BUFFERS 32
#define TORTURE "/sys/kernel/debug/cma_torture/cmd"
#define BENCH "/sys/kernel/debug/cma_bench/cmd"
#define MOVES_BUFFERS 4		/* at most, in -m */

struct capture {
	int fd;
	struct v4l2_format fmt;
	unsigned int nr_bufs;
	void *map[MAX_BUFFERS];
	size_t len[MAX_BUFFERS];
	int dmabuf[MAX_BUFFERS];		/* VIDIOC_EXPBUF's fds, or -1 */
	void *dmap[MAX_BUFFERS];		/* their mappings */
	unsigned int last_index;		/* the last frame dequeued */
	uint32_t last_sequence;
};

#define ALLOC_AHEAD "/sys/module/cma_camera/parameters/alloc_ahead"

static int nr_tests, nr_failed;
static int ahead_was = -1;		/* alloc_ahead before -a set it */
static int csv;				/* -t: samples as CSV lines */
static const char *frame_file;
static const char *context;		/* -m, -a: the camera's context */

/*
 * The checks of each run, in the order they report: the KTAP plan is their
 * number, and result() reports a planned check that was not reached as
 * failed, so that the plan and the code cannot disagree.
 */
static const char *const camera_checks[] = {
	"device_opens", "bad_input_refused_or_adjusted",
	"context_occupied_by_movable_pages", "format_set_1920x1080",
	"buffers_allocated_from_context", "buffers_exported_as_dmabuf",
	"buffers_hold_no_stale_data", "streamon", "frames_captured",
	"every_pixel_of_every_frame_correct", "sequence_numbers_increase",
	"dmabuf_shows_every_frame", "streamoff",
	"dmabuf_imports_as_one_segment", "buffers_freed", "filler_intact",
	"exported_buffers_outlive_the_queue", "cmafree_recovers",
};
/* The same with buffers allocated ahead, and one check more */
static const char *const camera_ahead_checks[] = {
	"device_opens", "bad_input_refused_or_adjusted",
	"context_occupied_by_movable_pages", "format_set_1920x1080",
	"buffers_allocated_from_context", "buffers_allocated_ahead",
	"buffers_exported_as_dmabuf",
	"buffers_hold_no_stale_data", "streamon", "frames_captured",
	"every_pixel_of_every_frame_correct", "sequence_numbers_increase",
	"dmabuf_shows_every_frame", "streamoff",
	"dmabuf_imports_as_one_segment", "buffers_freed", "filler_intact",
	"exported_buffers_outlive_the_queue", "cmafree_recovers",
	"first_frame_while_buffers_allocate",
};
static const char *const moves_checks[] = {
	"device_opens", "format_set_1920x1080",
	"buffers_interleaved_with_another_user", "no_free_range_fits",
	"streamon", "streaming_buffers_not_moved", "frames_captured",
	"every_pixel_of_every_frame_correct", "streamoff",
	"mapped_buffers_not_moved", "idle_buffers_moved_for_another_user",
	"moved_buffers_keep_their_frames", "streams_again",
	"every_pixel_correct_after_the_move", "buffers_freed",
};
static const char *const fuzz_checks[] = {
	"device_opens", "random_ioctls_survived", "no_chunk_leaked",
};
static const char *const *plan;
static unsigned int plan_len, plan_next;

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("    # ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static void report(int ok, const char *name, const char *why)
{
	nr_tests++;
	nr_failed += !ok;
	printf("    %s %d %s%s%s\n", ok ? "ok" : "not ok", nr_tests, name,
	       why ? " # " : "", why ? why : "");
}

#define PLAN(suite, checks) \
	plan_begin(suite, checks, sizeof(checks) / sizeof(checks[0]))

static void plan_begin(const char *suite, const char *const *checks,
		       unsigned int n)
{
	plan = checks;
	plan_len = n;
	printf("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", suite, n);
}

/* Report check NAME; the planned checks before it were not reached. */
static int result(int ok, const char *name)
{
	unsigned int i = plan_next;

	while (i < plan_len && strcmp(plan[i], name))
		i++;
	if (i == plan_len) {
		report(0, name, "not in the plan: camera_test.c's bug");
		return 0;
	}
	while (plan_next < i)
		report(0, plan[plan_next++], "not reached");
	plan_next++;
	report(ok, name, NULL);
	return ok;
}

/* The run's end: what was not reached failed; exit status 0 if none did. */
static int plan_end(void)
{
	while (plan_next < plan_len)
		report(0, plan[plan_next++], "not reached");
	return nr_failed ? 1 : 0;
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret && errno == EINTR);
	if (ret)
		diag("%s: %s", what, strerror(errno));
	return ret;
}

/* The driver's pattern: byte i of line y of frame s. */
static int frame_ok(const uint8_t *p, const struct v4l2_pix_format *pix,
		    uint32_t seq)
{
	uint8_t base = 7 * seq + (seq >> 8);
	unsigned int x, y;

	for (y = 0; y < pix->height; y++) {
		uint8_t v = base + 3 * y;

		for (x = 0; x < pix->bytesperline; x++)
			if (p[x] != (uint8_t)(v + x)) {
				diag("frame %u: byte %u of line %u is %u, not %u",
				     seq, x, y, p[x], (uint8_t)(v + x));
				return 0;
			}
		p += pix->bytesperline;
	}
	return 1;
}

static int set_format(struct capture *c, uint32_t pixelformat)
{
	memset(&c->fmt, 0, sizeof(c->fmt));
	c->fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	c->fmt.fmt.pix.width = 1920;
	c->fmt.fmt.pix.height = 1080;
	c->fmt.fmt.pix.pixelformat = pixelformat;
	c->fmt.fmt.pix.field = V4L2_FIELD_NONE;
	if (xioctl(c->fd, VIDIOC_S_FMT, &c->fmt, "VIDIOC_S_FMT"))
		return 0;
	diag("format %.4s %ux%u, %u bytes a frame",
	     (char *)&c->fmt.fmt.pix.pixelformat, c->fmt.fmt.pix.width,
	     c->fmt.fmt.pix.height, c->fmt.fmt.pix.sizeimage);
	return c->fmt.fmt.pix.pixelformat == pixelformat &&
	       c->fmt.fmt.pix.width == 1920 && c->fmt.fmt.pix.height == 1080;
}

static int request_buffers(struct capture *c, unsigned int count,
			   unsigned int expect)
{
	struct v4l2_requestbuffers req = {
		.count = count,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	unsigned int i;

	if (xioctl(c->fd, VIDIOC_REQBUFS, &req, "VIDIOC_REQBUFS"))
		return 0;
	c->nr_bufs = req.count;
	for (i = 0; i < c->nr_bufs; i++) {
		struct v4l2_buffer b = {
			.index = i,
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(c->fd, VIDIOC_QUERYBUF, &b, "VIDIOC_QUERYBUF"))
			return 0;
		c->len[i] = b.length;
		c->map[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, c->fd,
				 b.m.offset);
		if (c->map[i] == MAP_FAILED) {
			c->map[i] = NULL;
			diag("mmap of buffer %u: %s", i, strerror(errno));
			return 0;
		}
		if (xioctl(c->fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			return 0;
	}
	diag("asked for %u buffers, got %u of %zu bytes", count, c->nr_bufs,
	     c->len[0]);
	return c->nr_bufs == expect;
}

static int expbuf(int fd, unsigned int type, unsigned int index,
		  unsigned int plane, unsigned int flags)
{
	struct v4l2_exportbuffer e = {
		.type = type, .index = index, .plane = plane, .flags = flags,
	};

	return ioctl(fd, VIDIOC_EXPBUF, &e) ? -errno : e.fd;
}

/*
 * Export every buffer as a dma-buf and map it; a bad index, plane, type or
 * flags must be -EINVAL.
 */
static int export_buffers(struct capture *c)
{
	const unsigned int cap = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int i;
	int ok = 1;

	if (expbuf(c->fd, cap, c->nr_bufs, 0, O_RDONLY) != -EINVAL ||
	    expbuf(c->fd, cap, 0, 1, O_RDONLY) != -EINVAL ||
	    expbuf(c->fd, V4L2_BUF_TYPE_VIDEO_OUTPUT, 0, 0, O_RDONLY) != -EINVAL ||
	    expbuf(c->fd, cap, 0, 0, O_RDONLY | O_APPEND) != -EINVAL) {
		diag("VIDIOC_EXPBUF took a bad index, plane, type or flags");
		ok = 0;
	}
	for (i = 0; i < c->nr_bufs; i++) {
		c->dmabuf[i] = expbuf(c->fd, cap, i, 0, O_RDONLY | O_CLOEXEC);
		if (c->dmabuf[i] < 0) {
			diag("VIDIOC_EXPBUF of buffer %u: %s", i,
			     strerror(-c->dmabuf[i]));
			return 0;
		}
		c->dmap[i] = mmap(NULL, c->len[i], PROT_READ, MAP_SHARED,
				  c->dmabuf[i], 0);
		if (c->dmap[i] == MAP_FAILED) {
			c->dmap[i] = NULL;
			diag("mmap of dma-buf %u: %s", i, strerror(errno));
			return 0;
		}
	}
	return ok;
}

/*
 * Before streaming, a buffer holds nothing but zeroes, through the
 * camera's mapping and the dma-buf's alike: its chunk was taken from pages
 * that page cache, anonymous memory or earlier buffers had filled.
 */
static int buffers_hold_no_stale_data(struct capture *c)
{
	unsigned int i, stale = 0;
	size_t off;

	for (i = 0; i < c->nr_bufs; i++) {
		const uint8_t *maps[2] = { c->map[i], c->dmap[i] };
		unsigned int m;

		for (m = 0; m < 2; m++) {
			if (!maps[m])
				return 0;
			for (off = 0; off < c->len[i] && !maps[m][off]; off++)
				;
			if (off < c->len[i]) {
				diag("buffer %u (%s): byte %zu is 0x%02x, not 0",
				     i, m ? "dma-buf" : "mmap", off, maps[m][off]);
				stale++;
				break;
			}
		}
	}
	return !stale;
}

/* Check a frame through its dma-buf, inside a CPU access window. */
static int dmabuf_frame_ok(struct capture *c, unsigned int i, uint32_t seq)
{
	struct dma_buf_sync sync = {
		.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
	};
	int ok;

	if (c->dmabuf[i] < 0 || !c->dmap[i])
		return 0;
	if (xioctl(c->dmabuf[i], DMA_BUF_IOCTL_SYNC, &sync, "DMA_BUF_IOCTL_SYNC"))
		return 0;
	ok = frame_ok(c->dmap[i], &c->fmt.fmt.pix, seq);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	return !xioctl(c->dmabuf[i], DMA_BUF_IOCTL_SYNC, &sync,
		       "DMA_BUF_IOCTL_SYNC") && ok;
}

static uint32_t fnv1a(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/*
 * A device importing the last frame's dma-buf gets one DMA segment that
 * covers the whole chunk, in a CMA area, with the bytes user space reads;
 * bad descriptors and sizes are refused.
 */
static int dmabuf_imports_as_one_segment(struct capture *c)
{
	size_t bytes = c->fmt.fmt.pix.sizeimage, page = 4096;
	unsigned int i = c->last_index, segments, len, longest;
	char out[128], area[64];
	uint32_t hash;
	int ok = 1, ret, contiguous;

	if (c->dmabuf[i] < 0)
		return 0;
	ret = debugfs_command(TORTURE, out, sizeof(out), "import %d %zu",
			      c->dmabuf[i], bytes);
	if (ret || sscanf(out, "segments %u bytes %u area %63s hash %x",
			  &segments, &len, area, &hash) != 4) {
		diag("import of dma-buf %u: %s, '%s'", i, strerror(-ret), out);
		return 0;
	}
	diag("a device sees dma-buf %u as: %s", i, out);
	if (segments != 1 || len != (c->len[i] + page - 1) / page * page ||
	    strncmp(area, "reusable-", 9) ||
	    hash != fnv1a(c->map[i], bytes)) {
		diag("expected 1 segment of %zu bytes in a reusable context, hash %08x",
		     (c->len[i] + page - 1) / page * page,
		     fnv1a(c->map[i], bytes));
		ok = 0;
	}
	/* A device that takes 64 KiB a segment: as many, back to back */
	ret = debugfs_command(TORTURE, out, sizeof(out), "import %d %zu 65536",
			      c->dmabuf[i], bytes);
	if (ret || sscanf(out, "segments %u bytes %u area %63s hash %x longest %u contiguous %d",
			  &segments, &len, area, &hash, &longest,
			  &contiguous) != 6 ||
	    segments != (c->len[i] + 65535) / 65536 ||
	    len != (c->len[i] + page - 1) / page * page || longest > 65536 ||
	    !contiguous || hash != fnv1a(c->map[i], bytes)) {
		diag("import with 64 KiB segments: %s, '%s'", strerror(-ret), out);
		ok = 0;
	}
	if (debugfs_command(TORTURE, out, sizeof(out), "import %d %zu", c->fd,
			    bytes) != -EINVAL) {
		diag("a video device fd was imported as a dma-buf");
		ok = 0;
	}
	if (debugfs_command(TORTURE, out, sizeof(out), "import %d %zu",
			    c->dmabuf[i], c->len[i] + 2 * page) != -EINVAL ||
	    debugfs_command(TORTURE, out, sizeof(out), "import 999 4096") !=
	    -EBADF) {
		diag("import took a size past the buffer or a closed fd");
		ok = 0;
	}
	return ok;
}

static void close_dmabufs(struct capture *c)
{
	unsigned int i;

	for (i = 0; i < MAX_BUFFERS; i++) {
		if (c->dmap[i])
			munmap(c->dmap[i], c->len[i]);
		if (c->dmabuf[i] >= 0)
			close(c->dmabuf[i]);
		c->dmap[i] = NULL;
		c->dmabuf[i] = -1;
	}
}

/* Save a frame as a binary PPM (RGB24 only). */
static void save_frame(const void *p, const struct v4l2_pix_format *pix)
{
	void *copy;
	size_t len;
	FILE *f;

	if (!frame_file || pix->pixelformat != V4L2_PIX_FMT_RGB24)
		return;
	f = fopen(frame_file, "w");
	if (!f) {
		diag("%s: %s", frame_file, strerror(errno));
		return;
	}
	/*
	 * Through a copy: the buffer is a PFN mapping of the chunk, which
	 * the kernel cannot pin for a 9p zero-copy write.
	 */
	len = (size_t)pix->bytesperline * pix->height;
	copy = malloc(len);
	fprintf(f, "P6\n%u %u\n255\n", pix->width, pix->height);
	if (copy) {
		memcpy(copy, p, len);
		if (fwrite(copy, 1, len, f) != len)
			diag("%s: short write", frame_file);
		free(copy);
	}
	if (fclose(f) || !copy)
		diag("%s: %s", frame_file, strerror(errno));
	else
		diag("frame saved to %s", frame_file);
}

/* Stream FRAMES frames; check each one's pixels and sequence number. */
static void stream(struct capture *c, unsigned int frames)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int n, bad = 0, bad_dmabuf = 0, dropped = 0;
	long long last = -1;
	int seq_ok = 1;

	unsigned long cma_free_kb;

	if (!result(!xioctl(c->fd, VIDIOC_STREAMON, &type, "VIDIOC_STREAMON"),
		    "streamon"))
		return;
	if (!meminfo_kb("CmaFree", &cma_free_kb))
		diag("CmaFree while streaming: %lu kB", cma_free_kb);
	for (n = 0; n < frames; n++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(c->fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF"))
			break;
		if ((long long)b.sequence <= last) {
			diag("sequence %u after %lld", b.sequence, last);
			seq_ok = 0;
		}
		dropped += last >= 0 ? b.sequence - last - 1 : 0;
		last = b.sequence;
		if (b.bytesused != c->fmt.fmt.pix.sizeimage ||
		    !frame_ok(c->map[b.index], &c->fmt.fmt.pix, b.sequence))
			bad++;
		if (!dmabuf_frame_ok(c, b.index, b.sequence))
			bad_dmabuf++;
		c->last_index = b.index;
		c->last_sequence = b.sequence;
		if (n == frames - 1) {
			/* The application keeps the last frame: not queued again */
			save_frame(c->map[b.index], &c->fmt.fmt.pix);
			continue;
		}
		if (xioctl(c->fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			break;
	}
	diag("%u frames captured, %u bad, %u bad through their dma-buf, %u dropped by the sensor",
	     n, bad, bad_dmabuf, dropped);
	result(n == frames, "frames_captured");
	result(n == frames && !bad, "every_pixel_of_every_frame_correct");
	result(n == frames && seq_ok, "sequence_numbers_increase");
	result(n == frames && !bad_dmabuf, "dmabuf_shows_every_frame");
	result(!xioctl(c->fd, VIDIOC_STREAMOFF, &type, "VIDIOC_STREAMOFF"),
	       "streamoff");
}

static void release(struct capture *c)
{
	struct v4l2_requestbuffers req = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	unsigned int i;

	for (i = 0; i < c->nr_bufs; i++)
		if (c->map[i])
			munmap(c->map[i], c->len[i]);
	result(!xioctl(c->fd, VIDIOC_REQBUFS, &req, "VIDIOC_REQBUFS 0"),
	       "buffers_freed");
}

/*
 * Bad input gets the V4L2 answer, not an oops: absurd sizes are adjusted to
 * a supported one, an unknown format to a known one, a wrong buffer type or
 * index is -EINVAL, and more buffers than the context holds gives fewer.
 */
static int bad_input_is_refused_or_adjusted(int fd)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = {
		.count = 1000,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	struct v4l2_buffer b = {
		.index = 1000,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int ok = 1;

	f.fmt.pix.width = 100000;
	f.fmt.pix.height = 100000;
	f.fmt.pix.pixelformat = 0x12345678;
	if (ioctl(fd, VIDIOC_TRY_FMT, &f) || f.fmt.pix.width > 1920 ||
	    f.fmt.pix.height > 1080 ||
	    f.fmt.pix.sizeimage != f.fmt.pix.bytesperline * f.fmt.pix.height) {
		diag("TRY_FMT 100000x100000: %ux%u", f.fmt.pix.width,
		     f.fmt.pix.height);
		ok = 0;
	}
	f.fmt.pix.width = 0;
	f.fmt.pix.height = 0;
	if (ioctl(fd, VIDIOC_TRY_FMT, &f) || !f.fmt.pix.width || !f.fmt.pix.height) {
		diag("TRY_FMT 0x0 gave %ux%u", f.fmt.pix.width, f.fmt.pix.height);
		ok = 0;
	}
	f.type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
	if (!ioctl(fd, VIDIOC_S_FMT, &f) || errno != EINVAL) {
		diag("S_FMT of an output format was not refused with EINVAL");
		ok = 0;
	}
	if (ioctl(fd, VIDIOC_REQBUFS, &req) || req.count > 32) {
		diag("REQBUFS 1000: %s, count %u", strerror(errno), req.count);
		ok = 0;
	}
	diag("REQBUFS 1000 gave %u buffers", req.count);
	if (!ioctl(fd, VIDIOC_QUERYBUF, &b) || errno != EINVAL) {
		diag("QUERYBUF of buffer 1000 was not refused with EINVAL");
		ok = 0;
	}
	req.count = 0;
	if (ioctl(fd, VIDIOC_REQBUFS, &req)) {
		diag("REQBUFS 0: %s", strerror(errno));
		ok = 0;
	}
	return ok;
}

/* The ioctls a capture device answers, and a few it must refuse. */
static const unsigned long fuzz_ioctls[] = {
	VIDIOC_QUERYCAP, VIDIOC_ENUM_FMT, VIDIOC_G_FMT, VIDIOC_S_FMT,
	VIDIOC_TRY_FMT, VIDIOC_REQBUFS, VIDIOC_QUERYBUF, VIDIOC_QBUF,
	VIDIOC_DQBUF, VIDIOC_STREAMON, VIDIOC_STREAMOFF, VIDIOC_G_PARM,
	VIDIOC_S_PARM, VIDIOC_ENUMINPUT, VIDIOC_G_INPUT, VIDIOC_S_INPUT,
	VIDIOC_ENUM_FRAMESIZES, VIDIOC_ENUM_FRAMEINTERVALS, VIDIOC_CREATE_BUFS,
	VIDIOC_PREPARE_BUF, VIDIOC_EXPBUF, VIDIOC_G_CTRL, VIDIOC_S_CTRL,
	VIDIOC_QUERYCTRL, VIDIOC_G_STD, VIDIOC_S_SELECTION,
};

static int fuzz(int fd, unsigned int n)
{
	uint32_t arg[1024];
	unsigned int i, j, nr = sizeof(fuzz_ioctls) / sizeof(fuzz_ioctls[0]);
	unsigned int refused = 0;

	srand(12345);
	for (i = 0; i < n; i++) {
		unsigned long req = fuzz_ioctls[rand() % nr];

		for (j = 0; j < sizeof(arg) / sizeof(arg[0]); j++)
			arg[j] = rand() % 4 ? (uint32_t)rand() : (uint32_t)(rand() % 16);
		/* Mostly the right buffer type and memory, to get deeper */
		if (rand() % 2) {
			arg[0] = rand() % 2 ? 8 : 0;
			arg[1] = V4L2_BUF_TYPE_VIDEO_CAPTURE;
			arg[15] = V4L2_MEMORY_MMAP;
		}
		refused += ioctl(fd, req, arg) != 0;
	}
	diag("%u random ioctls, %u refused", n, refused);
	return 1;
}

static int fuzz_run(const char *dev, unsigned int n)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers req = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	unsigned long before_kb, after_kb;
	int fd, other;

	PLAN("camera_fuzz", fuzz_checks);
	meminfo_kb("CmaFree", &before_kb);
	fd = open(dev, O_RDWR);
	if (!result(fd >= 0, "device_opens"))
		return plan_end();
	result(fuzz(fd, n), "random_ioctls_survived");
	ioctl(fd, VIDIOC_STREAMOFF, &type);
	ioctl(fd, VIDIOC_REQBUFS, &req);
	close(fd);
	/* Random VIDIOC_EXPBUFs left dma-buf fds that hold their chunks */
	for (other = fd + 1; other < 1024; other++)
		close(other);
	meminfo_kb("CmaFree", &after_kb);
	diag("CmaFree %lu kB before, %lu kB after", before_kb, after_kb);
	result(after_kb + 4096 >= before_kb, "no_chunk_leaked");
	return plan_end();
}

/* A number from one of the camera context's debugfs files, or -1. */
static long context_value(const char *file)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/%s", context,
		 file);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &v) != 1) {
		diag("%s: %s", path, f ? "not a number" : strerror(errno));
		v = -1;
	}
	if (f)
		fclose(f);
	return v;
}

/* One cma_bench command: 0, or the negative errno its write failed with. */
static int bench(const char *fmt, ...)
{
	char line[128], out[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return debugfs_command(BENCH, out, sizeof(out), "%s", line);
}

/* The moves mode's buffers: created one at a time, mapped only to check. */
struct moves {
	struct capture c;
	unsigned long page_bits;	/* pages a bitmap bit stands for */
	unsigned long frame_bits, ask_bytes;
	uint32_t offset[MAX_BUFFERS];	/* mmap offsets */
	long long frame[MAX_BUFFERS];	/* the frame each buffer holds, or -1 */
};

static unsigned long bits(const struct moves *m, unsigned long bytes)
{
	unsigned long bit = m->page_bits * 4096;

	return (bytes + bit - 1) / bit;
}

/* Map buffer I, check that it holds frame SEQ, unmap it. */
static int buffer_holds(struct moves *m, unsigned int i, uint32_t seq)
{
	void *p = mmap(NULL, m->c.len[i], PROT_READ, MAP_SHARED, m->c.fd,
		       m->offset[i]);
	int ok;

	if (p == MAP_FAILED) {
		diag("mmap of buffer %u: %s", i, strerror(errno));
		return 0;
	}
	ok = frame_ok(p, &m->c.fmt.fmt.pix, seq);
	munmap(p, m->c.len[i]);
	return ok;
}

/*
 * From the bottom of the context up: ballast that fills what the pattern
 * leaves over, then a camera buffer and a spacer of the same size, N
 * times (first fit puts each where the last ended).  Freeing the spacers
 * leaves N holes that each take one buffer, none two; a request for a
 * frame and a hole fits in the free bytes, and only after a move.
 */
static int interleave(struct moves *m)
{
	long count = context_value("count"), order = context_value("order_per_bit");
	long used = context_value("used");
	unsigned long ctx_bits, spacer, ballast, i, n;

	if (count <= 0 || order < 0 || order > 20)
		return 0;
	/* First fit from an empty context puts each chunk where we expect */
	if (used) {
		diag("the context is not empty: %ld pages used", used);
		return 0;
	}
	m->page_bits = 1UL << order;
	ctx_bits = count / m->page_bits;
	m->frame_bits = bits(m, m->c.fmt.fmt.pix.sizeimage);
	n = ctx_bits / (2 * m->frame_bits);
	if (n > MOVES_BUFFERS)
		n = MOVES_BUFFERS;
	if (n < 2) {
		diag("the context holds %lu bits, not two frames and two spacers of %lu",
		     ctx_bits, m->frame_bits);
		return 0;
	}
	spacer = m->frame_bits * m->page_bits * 4096;
	ballast = (ctx_bits - 2 * n * m->frame_bits) * m->page_bits * 4096;
	if (ballast && bench("hold %s %lu 1", context, ballast)) {
		diag("cma_bench could not hold %lu bytes of ballast", ballast);
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct v4l2_create_buffers cb = {
			.count = 1,
			.memory = V4L2_MEMORY_MMAP,
			.format = m->c.fmt,
		};
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(m->c.fd, VIDIOC_CREATE_BUFS, &cb, "VIDIOC_CREATE_BUFS") ||
		    cb.count != 1 || cb.index != i)
			return 0;
		b.index = i;
		if (xioctl(m->c.fd, VIDIOC_QUERYBUF, &b, "VIDIOC_QUERYBUF"))
			return 0;
		m->c.nr_bufs = i + 1;
		m->c.len[i] = b.length;
		m->offset[i] = b.m.offset;
		m->frame[i] = -1;
		if (bench("hold %s %lu 1", context, spacer)) {
			diag("cma_bench could not hold spacer %lu", i);
			return 0;
		}
	}
	if (bench("release %lu", n)) {
		diag("cma_bench could not free its %lu spacers", n);
		return 0;
	}
	m->ask_bytes = 2 * spacer;
	diag("%lu buffers of %lu bits, %lu bits of ballast below them; asking for %lu bytes",
	     n, m->frame_bits, ballast / 4096 / m->page_bits, m->ask_bytes);
	return 1;
}

/*
 * The second user's request: 0 if it got its chunk, or the error; *moved
 * and *bytes say what moved meanwhile.  -EIO if the counters cannot be
 * read, so that "nothing moved" is never a guess.
 */
static int ask(struct moves *m, long *moved, long *bytes)
{
	long before = context_value("moves"), bytes_before = context_value("bytes_moved");
	int ret = bench("hold %s %lu 1", context, m->ask_bytes);
	long after = context_value("moves"), bytes_after = context_value("bytes_moved");

	if (before < 0 || after < 0 || bytes_before < 0 || bytes_after < 0)
		return -EIO;
	*moved = after - before;
	*bytes = bytes_after - bytes_before;
	diag("second user's %lu bytes: %s, %ld chunks (%ld bytes) moved",
	     m->ask_bytes, ret ? strerror(-ret) : "allocated", *moved, *bytes);
	return ret;
}

static int queue_all(struct moves *m)
{
	unsigned int i;

	for (i = 0; i < m->c.nr_bufs; i++) {
		struct v4l2_buffer b = {
			.index = i,
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(m->c.fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			return 0;
	}
	return 1;
}

/*
 * FRAMES frames, each checked through a mapping of its own; the last
 * nr_bufs are kept, so that every buffer ends up holding a known frame.
 */
static unsigned int capture(struct moves *m, unsigned int frames,
			    unsigned int *bad)
{
	unsigned int n;

	*bad = 0;
	for (n = 0; n < frames; n++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(m->c.fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF"))
			break;
		if (b.index >= m->c.nr_bufs)
			break;
		if (b.bytesused == m->c.fmt.fmt.pix.sizeimage &&
		    buffer_holds(m, b.index, b.sequence))
			m->frame[b.index] = b.sequence;
		else
			m->frame[b.index] = -1;
		*bad += m->frame[b.index] < 0;
		if (frames - n > m->c.nr_bufs &&
		    xioctl(m->c.fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			break;
	}
	diag("%u frames captured, %u bad", n, *bad);
	return n;
}

static int stream_on(struct moves *m, int on)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	return !xioctl(m->c.fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type,
		       on ? "VIDIOC_STREAMON" : "VIDIOC_STREAMOFF");
}

/* Every buffer mapped, as an application that keeps its mappings does. */
static int ask_while_mapped(struct moves *m)
{
	void *map[MAX_BUFFERS];
	long moved, bytes;
	unsigned int i, n;
	int ret;

	for (n = 0; n < m->c.nr_bufs; n++) {
		map[n] = mmap(NULL, m->c.len[n], PROT_READ, MAP_SHARED,
			      m->c.fd, m->offset[n]);
		if (map[n] == MAP_FAILED)
			break;
	}
	ret = n == m->c.nr_bufs ? ask(m, &moved, &bytes) : 0;
	for (i = 0; i < n; i++)
		munmap(map[i], m->c.len[i]);
	return n == m->c.nr_bufs && ret == -ENOMEM && !moved;
}

static int moves_run(const char *dev, unsigned int frames)
{
	struct moves m = { .c = { .fd = -1 } };
	struct v4l2_requestbuffers req = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	unsigned int i, n, bad, kept = 0;
	long moved = 0, bytes = 0, after_moves;
	int ok;

	PLAN("camera_moves", moves_checks);
	m.c.fd = open(dev, O_RDWR);
	if (!result(m.c.fd >= 0, "device_opens")) {
		diag("%s: %s", dev, strerror(errno));
		return plan_end();
	}
	if (!result(set_format(&m.c, V4L2_PIX_FMT_RGB24), "format_set_1920x1080") ||
	    !result(interleave(&m), "buffers_interleaved_with_another_user"))
		goto out;
	diag("largest free range: %ld pages", context_value("maxchunk"));
	result(context_value("maxchunk") * 4096 < (long)m.ask_bytes,
	       "no_free_range_fits");
	if (!result(queue_all(&m) && stream_on(&m, 1), "streamon"))
		goto out;
	result(ask(&m, &moved, &bytes) == -ENOMEM && !moved,
	       "streaming_buffers_not_moved");
	n = capture(&m, frames, &bad);
	result(n == frames, "frames_captured");
	result(n == frames && !bad, "every_pixel_of_every_frame_correct");
	if (!result(stream_on(&m, 0), "streamoff"))
		goto out;
	result(ask_while_mapped(&m), "mapped_buffers_not_moved");
	after_moves = context_value("allocs_after_moves");
	/* Only the camera's buffers are there to move: at least one did */
	ok = !ask(&m, &moved, &bytes) && moved > 0 &&
	     bytes >= (long)m.c.fmt.fmt.pix.sizeimage;
	after_moves = context_value("allocs_after_moves") - after_moves;
	diag("allocations that needed a move: %ld more", after_moves);
	result(ok && after_moves == 1, "idle_buffers_moved_for_another_user");
	for (i = 0; i < m.c.nr_bufs; i++)
		kept += m.frame[i] >= 0 && buffer_holds(&m, i, m.frame[i]);
	diag("%u of %u buffers hold the frame they held before", kept,
	     m.c.nr_bufs);
	result(ok && kept == m.c.nr_bufs, "moved_buffers_keep_their_frames");
	if (result(queue_all(&m) && stream_on(&m, 1), "streams_again")) {
		n = capture(&m, frames, &bad);
		result(n == frames && !bad && stream_on(&m, 0),
		       "every_pixel_correct_after_the_move");
	}
out:
	bench("release");
	if (m.c.fd >= 0)
		result(!xioctl(m.c.fd, VIDIOC_REQBUFS, &req, "VIDIOC_REQBUFS 0"),
		       "buffers_freed");
	if (m.c.fd >= 0)
		close(m.c.fd);
	return plan_end();
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The camera's alloc_ahead parameter: 0 or 1 to set it, -1 to read it.
 * Returns its value before, or -1 if it cannot be read or written.
 */
static int alloc_ahead(int on)
{
	char v = 0;
	int fd, was;

	fd = open(ALLOC_AHEAD, O_RDWR);
	if (fd < 0 || read(fd, &v, 1) != 1) {
		diag("%s: %s", ALLOC_AHEAD, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	was = v == 'Y';
	if (on >= 0 && pwrite(fd, on ? "Y" : "N", 1, 0) != 1) {
		diag("%s: %s", ALLOC_AHEAD, strerror(errno));
		was = -1;
	}
	close(fd);
	return was;
}

static void restore_alloc_ahead(void)
{
	if (ahead_was >= 0)
		alloc_ahead(ahead_was);
}

/*
 * One start of the camera, timed from open() to the first frame, and on
 * to the frame that has used every buffer once (each frame's buffer
 * queued again at once, as an application that keeps up does).
 */
static int first_frame(const char *dev, unsigned int bufs, unsigned int expect,
		       unsigned int r, int ahead)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct capture c = { .fd = -1 };
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	struct v4l2_requestbuffers none = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	const char *what = ahead ? "first-frame-ahead" : "first-frame";
	const char *all = ahead ? "all-buffers-ahead" : "all-buffers";
	long long t0, t, t_all = 0;
	unsigned int i, n;
	int ok;

	if (alloc_ahead(ahead) < 0)
		return 0;
	t0 = now_ns();
	c.fd = open(dev, O_RDWR);
	ok = c.fd >= 0 && set_format(&c, V4L2_PIX_FMT_RGB24) &&
	     request_buffers(&c, bufs, expect) &&
	     !xioctl(c.fd, VIDIOC_STREAMON, &type, "VIDIOC_STREAMON") &&
	     !xioctl(c.fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF");
	t = now_ns() - t0;
	ok = ok && b.index < c.nr_bufs && !(b.flags & V4L2_BUF_FLAG_ERROR) &&
	     frame_ok(c.map[b.index], &c.fmt.fmt.pix, b.sequence);
	/* The frames that follow, until every buffer has held one */
	for (n = 1; ok && n < c.nr_bufs; n++)
		ok = !xioctl(c.fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF") &&
		     !xioctl(c.fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF") &&
		     !(b.flags & V4L2_BUF_FLAG_ERROR);
	if (ok)
		t_all = now_ns() - t0;
	if (!csv)
		diag("%s: %s%s, %lld ms; every buffer used once after %lld ms",
		     what, ok ? "" : "failed", ok ? "right" : "", t / 1000000,
		     t_all / 1000000);
	else if (ok)
		printf("bench,camera,-,%u,%s,%u,%lld,0,0\n"
		       "bench,camera,-,%u,%s,%u,%lld,0,0\n",
		       bufs, what, r, t, bufs, all, r, t_all);
	else
		printf("bench,camera,-,%u,%s,%u,error,0,0\n", bufs, what, r);
	if (c.fd < 0)
		return 0;
	xioctl(c.fd, VIDIOC_STREAMOFF, &type, "VIDIOC_STREAMOFF");
	for (i = 0; i < c.nr_bufs; i++)
		if (c.map[i])
			munmap(c.map[i], c.len[i]);
	xioctl(c.fd, VIDIOC_REQBUFS, &none, "VIDIOC_REQBUFS 0");
	close(c.fd);
	return ok;
}

/*
 * -t: open to first frame, with CMA full of movable pages: buffers
 * allocated at REQBUFS, then ahead, side by side in each repetition.
 */
static int time_first_frame(const char *dev, unsigned int bufs,
			    unsigned int reps)
{
	struct filler filler;
	unsigned long total_kb;
	unsigned int r;
	int failed = 0, was, ahead;

	was = alloc_ahead(-1);
	if (was < 0 || meminfo_kb("CmaTotal", &total_kb) ||
	    filler_fill(&filler, "/mnt/camera-fill", total_kb / 10, 48 * 1024))
		return 1;
	for (r = 0; r < reps; r++) {
		for (ahead = 0; ahead <= 1; ahead++) {
			filler_top_up(&filler, total_kb / 10, 48 * 1024);
			failed |= !first_frame(dev, bufs, bufs, r, ahead);
		}
	}
	if (alloc_ahead(was) < 0)
		failed = 1;
	if (filler_verify(&filler)) {
		diag("the filler's data changed");
		failed = 1;
	}
	filler_release(&filler);
	return failed;
}

/* ---- dma-buf heaps: -H (the camera context's heap), -D (destroy) ---- */

/* A dma-buf of LEN bytes from the heap open as HEAP_FD: its fd, or -errno */
static int heap_alloc(int heap_fd, uint64_t len)
{
	struct dma_heap_allocation_data a = {
		.len = len, .fd_flags = O_RDWR | O_CLOEXEC,
	};

	return ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &a) ? -errno : (int)a.fd;
}

static int heap_open(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static void *map_dmabuf(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		diag("mmap of a dma-buf of %zu bytes: %s", len, strerror(errno));
		return NULL;
	}
	return p;
}

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return xioctl(fd, DMA_BUF_IOCTL_SYNC, &sync, "DMA_BUF_IOCTL_SYNC");
}

/* The filler's pattern, still there */
static int pattern_ok(const uint32_t *p, size_t len, uint32_t seed)
{
	if (filler_pattern_ok(p, len, seed))
		return 1;
	diag("the pattern of %zu bytes changed", len);
	return 0;
}

static int all_zero(const uint8_t *p, size_t len)
{
	size_t off;

	for (off = 0; off < len && !p[off]; off++)
		;
	if (off < len)
		diag("byte %zu is 0x%02x, not 0", off, p[off]);
	return off == len;
}

/* The heap's counters in the context's debugfs directory */
static int heap_counted(long buffers, long bytes)
{
	long nb = context_value("heap_buffers"), nbytes = context_value("heap_bytes");

	if (nb != buffers || nbytes != bytes)
		diag("heap_buffers %ld, heap_bytes %ld; expected %ld and %ld",
		     nb, nbytes, buffers, bytes);
	return nb == buffers && nbytes == bytes;
}

/*
 * A buffer from the heap: zeroed, as large as asked rounded up to pages,
 * the same bytes through a second mapping and through a device's import,
 * which sees one segment in the context.
 */
static int heap_buffer_ok(int heap_fd)
{
	const size_t asked = (1 << 20) + 1, len = (1 << 20) + 4096;
	unsigned int segments, bytes;
	char out[160], area[64];
	int fd, ok = 1, ret;
	uint32_t hash;
	void *p, *q;

	fd = heap_alloc(heap_fd, asked);
	if (fd < 0) {
		diag("DMA_HEAP_IOCTL_ALLOC of %zu bytes: %s", asked, strerror(-fd));
		return 0;
	}
	if (lseek(fd, 0, SEEK_END) != (off_t)len) {
		diag("the dma-buf is %lld bytes, not %zu",
		     (long long)lseek(fd, 0, SEEK_END), len);
		ok = 0;
	}
	p = map_dmabuf(fd, len);
	if (!p) {
		close(fd);
		return 0;
	}
	ok = !dmabuf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) && ok;
	ok = all_zero(p, len) && ok;
	filler_pattern(p, len, 0x5eed);
	ok = !dmabuf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) && ok;
	munmap(p, len);
	q = map_dmabuf(fd, len);
	ok = q && pattern_ok(q, len, 0x5eed) && ok;
	ret = debugfs_command(TORTURE, out, sizeof(out), "import %d %zu", fd, len);
	if (ret || sscanf(out, "segments %u bytes %u area %63s hash %x",
			  &segments, &bytes, area, &hash) != 4) {
		diag("import of the heap's dma-buf: %s, '%s'", strerror(-ret), out);
		ok = 0;
	} else {
		diag("a device sees the heap's dma-buf as: %s", out);
		if (segments != 1 || bytes != len || strcmp(area, context) ||
		    !q || hash != fnv1a(q, len)) {
			diag("expected 1 segment of %zu bytes in %s, hash %08x",
			     len, context, q ? fnv1a(q, len) : 0);
			ok = 0;
		}
	}
	if (q)
		munmap(q, len);
	close(fd);
	return ok;
}

/* Bad requests get EINVAL, ENOTTY or ENOENT, and allocate nothing */
static int heap_bad_input_refused(int heap_fd)
{
	struct dma_heap_allocation_data a = { .len = 4096, .fd_flags = O_RDWR };
	int ok = 1, fd;

	if ((fd = heap_alloc(heap_fd, 0)) != -EINVAL) {
		diag("a length of 0: %d, not -EINVAL", fd);
		ok = 0;
	}
	/* Past size_t on this 32-bit guest: refused, not cut to 4096 */
	if ((fd = heap_alloc(heap_fd, (1ULL << 32) + 4096)) != -EINVAL) {
		diag("a length of 4 GiB + 4096: %d, not -EINVAL", fd);
		ok = 0;
	}
	if ((fd = heap_alloc(heap_fd, 0xfffff000ULL)) != -ENOMEM) {
		diag("a length larger than the context: %d, not -ENOMEM", fd);
		ok = 0;
	}
	a.fd_flags = O_RDWR | O_APPEND;
	if (!ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &a) || errno != EINVAL) {
		diag("fd_flags O_APPEND taken");
		ok = 0;
	}
	a.fd_flags = O_RDWR;
	a.heap_flags = 1;
	if (!ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &a) || errno != EINVAL) {
		diag("heap_flags 1 taken");
		ok = 0;
	}
	a.heap_flags = 0;
	a.fd = 3;
	if (!ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &a) || errno != EINVAL) {
		diag("a non-zero fd field taken");
		ok = 0;
	}
	/* The heap core's answer to a command it does not know: EINVAL */
	if (!ioctl(heap_fd, _IOWR(DMA_HEAP_IOC_MAGIC, 0x7, struct dma_heap_allocation_data), &a) ||
	    errno != EINVAL) {
		diag("an unknown heap ioctl: %s, not EINVAL", strerror(errno));
		ok = 0;
	}
	fd = heap_open("no-such-heap");
	if (fd >= 0 || errno != ENOENT) {
		diag("/dev/dma_heap/no-such-heap: %s", fd >= 0 ? "opened" : strerror(errno));
		ok = 0;
	}
	return heap_counted(0, 0) && ok;
}

/*
 * The whole context in 4 MiB buffers, then pages, then one more: a clean
 * ENOMEM, every buffer counted, and all of it back once closed.
 */
static int heap_exhausts_cleanly(int heap_fd)
{
	static int fds[4096];
	unsigned long ctx_bytes = (unsigned long)context_value("count") * 4096;
	unsigned long got = 0;
	int n = 0, fd = 0, ok = 1, i;
	size_t len = 4 << 20;

	while (n < 4096) {
		fd = heap_alloc(heap_fd, len);
		if (fd == -ENOMEM && len > 4096) {
			len = 4096;
			continue;
		}
		if (fd < 0)
			break;
		fds[n++] = fd;
		got += len;
	}
	diag("%d buffers, %lu of %lu bytes, then %s", n, got, ctx_bytes,
	     fd < 0 ? strerror(-fd) : "the test's limit");
	if (fd != -ENOMEM || got < ctx_bytes / 8 * 7) {
		diag("expected ENOMEM after at least 7/8 of the context");
		ok = 0;
	}
	fd = heap_alloc(heap_fd, 4096);
	if (fd != -ENOMEM) {
		diag("one more page: %d, not -ENOMEM", fd);
		ok = 0;
		if (fd >= 0)
			close(fd);
	}
	ok = heap_counted(n, (long)got) && ok;
	for (i = 0; i < n; i++)
		close(fds[i]);
	return heap_counted(0, 0) && ok;
}

/* Is this dma-buf scattered, as a device sees it? 1, 0, or -1 (no answer) */
static int dmabuf_scattered(int fd, size_t len)
{
	unsigned int segments, bytes, longest;
	char out[160], area[64];
	int contiguous;
	uint32_t hash;

	if (debugfs_command(TORTURE, out, sizeof(out), "import %d %zu", fd, len) ||
	    sscanf(out, "segments %u bytes %u area %63s hash %x longest %u contiguous %d",
		   &segments, &bytes, area, &hash, &longest, &contiguous) != 6)
		return -1;
	return !contiguous;
}

/* A reader of the kernel log from now on (/dev/kmsg), or -1 */
static int kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		diag("/dev/kmsg: %s", strerror(errno));
	else
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Has the kernel logged WHAT since kmsg_mark() gave FD?  Closes FD. */
static int kmsg_said(int fd, const char *what)
{
	char rec[1024];
	int found = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	/* EPIPE: records were overwritten before they were read; go on */
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		found |= strstr(rec, what) != NULL;
	}
	close(fd);
	return found;
}

static int qbuf_dmabuf(int fd, unsigned int index, int dmabuf, unsigned int length)
{
	struct v4l2_buffer b = {
		.index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_DMABUF, .length = length,
	};

	b.m.fd = dmabuf;
	return ioctl(fd, VIDIOC_QBUF, &b) ? -errno : 0;
}

/*
 * What the camera must refuse, with EINVAL and a reason in the kernel log:
 * a buffer from the system heap (scattered pages), and one too small for a
 * frame, whether its length is left to the dma-buf or claimed larger.
 */
static int camera_refuses_bad_dmabufs(struct capture *c, int heap_fd)
{
	size_t size = c->fmt.fmt.pix.sizeimage;
	int sys, fd = -1, ok = 1, tries, mark, ret, said;

	sys = heap_open("system");
	if (sys < 0) {
		diag("/dev/dma_heap/system: %s", strerror(errno));
		return 0;
	}
	/* Its pages may happen to be contiguous: take one that is not */
	for (tries = 0; tries < 8; tries++) {
		fd = heap_alloc(sys, size);
		if (fd < 0) {
			diag("system heap: %s", strerror(-fd));
			break;
		}
		ret = dmabuf_scattered(fd, size);
		if (ret == 1)
			break;
		close(fd);
		fd = -1;
		if (ret < 0) {
			diag("system heap buffer: a device's import failed");
			break;
		}
	}
	close(sys);
	if (fd < 0) {
		diag("no scattered buffer from the system heap");
		return 0;
	}
	mark = kmsg_mark();
	ret = qbuf_dmabuf(c->fd, 0, fd, 0);
	said = kmsg_said(mark, "not contiguous for DMA");
	if (ret != -EINVAL || !said) {
		diag("a system heap buffer: QBUF %s, %s in the kernel log",
		     ret ? strerror(-ret) : "taken",
		     said ? "the reason" : "no reason");
		ok = 0;
	} else {
		diag("a system heap buffer: QBUF EINVAL, \"not contiguous for DMA\" in the kernel log");
	}
	close(fd);

	fd = heap_alloc(heap_fd, size / 2);
	if (fd < 0) {
		diag("a half-frame heap buffer: %s", strerror(-fd));
		return 0;
	}
	if ((ret = qbuf_dmabuf(c->fd, 0, fd, 0)) != -EINVAL) {
		diag("a half-frame buffer, length left to it: %s",
		     ret ? strerror(-ret) : "taken");
		ok = 0;
	}
	mark = kmsg_mark();
	ret = qbuf_dmabuf(c->fd, 0, fd, size);
	if (!kmsg_said(mark, "too small for a frame") || ret != -EINVAL) {
		diag("a half-frame buffer claimed a frame long: %s",
		     ret ? strerror(-ret) : "taken");
		ok = 0;
	}
	close(fd);
	return ok;
}

/*
 * Stream FRAMES frames into BUFS buffers from the heap; every pixel of
 * every frame checked through the buffer's own mapping, inside a CPU
 * access window.
 */
static void stream_into_heap_buffers(struct capture *c, const int *fds,
				     void *const *maps, unsigned int bufs,
				     unsigned int frames)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int n, i, bad = 0;
	long long last = -1;
	int seq_ok = 1, queued = 1;

	for (i = 0; i < bufs; i++)
		queued = !qbuf_dmabuf(c->fd, i, fds[i], 0) && queued;
	if (!result(queued && !xioctl(c->fd, VIDIOC_STREAMON, &type,
				      "VIDIOC_STREAMON"), "streamon"))
		return;
	for (n = 0; n < frames; n++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_DMABUF,
		};
		int ok;

		if (xioctl(c->fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF") ||
		    b.index >= bufs)
			break;
		if ((long long)b.sequence <= last)
			seq_ok = 0;
		last = b.sequence;
		ok = !dmabuf_sync(fds[b.index], DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		ok = ok && b.bytesused == c->fmt.fmt.pix.sizeimage &&
		     b.m.fd == fds[b.index] &&
		     frame_ok(maps[b.index], &c->fmt.fmt.pix, b.sequence);
		ok = !dmabuf_sync(fds[b.index], DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) && ok;
		bad += !ok;
		c->last_index = b.index;
		c->last_sequence = b.sequence;
		if (n < frames - 1 &&
		    qbuf_dmabuf(c->fd, b.index, fds[b.index], 0))
			break;
	}
	diag("%u frames captured into heap buffers, %u bad", n, bad);
	result(n == frames, "frames_captured");
	result(n == frames && !bad, "every_pixel_of_every_frame_correct");
	result(n == frames && seq_ok, "sequence_numbers_increase");
	result(!xioctl(c->fd, VIDIOC_STREAMOFF, &type, "VIDIOC_STREAMOFF"),
	       "streamoff");
}

static const char *const heap_checks[] = {
	"heap_listed", "heap_bad_input_refused", "heap_buffer_zeroed_and_shared",
	"context_occupied_by_movable_pages", "heap_exhausts_cleanly",
	"device_opens", "format_set_1920x1080", "dmabuf_queue_requested",
	"bad_dmabufs_refused", "buffers_allocated_from_heap",
	"heap_buffers_counted", "streamon", "frames_captured",
	"every_pixel_of_every_frame_correct", "sequence_numbers_increase",
	"streamoff", "buffers_freed", "heap_buffers_outlive_the_queue",
	"filler_intact", "heap_buffers_given_back", "cmafree_recovers",
};

/*
 * -H: the camera context's dma-buf heap, then the camera streaming into
 * buffers allocated from it, from a context full of movable pages.
 */
static int heap_run(const char *dev, unsigned int bufs, unsigned int frames)
{
	int fds[MAX_BUFFERS], heap_fd, ok, sys, recovered;
	void *maps[MAX_BUFFERS] = { NULL };
	unsigned long total_kb, before_kb, after_kb;
	struct capture c = { .fd = -1 };
	struct filler filler;
	struct v4l2_requestbuffers req = {
		.count = bufs, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_DMABUF,
	};
	unsigned int i;
	size_t size = 0;

	PLAN("camera_heap", heap_checks);
	for (i = 0; i < MAX_BUFFERS; i++)
		fds[i] = -1;
	heap_fd = heap_open(context);
	sys = heap_open("system");
	if (heap_fd < 0 || sys < 0)
		diag("/dev/dma_heap/%s, /dev/dma_heap/system: %s", context,
		     strerror(errno));
	if (sys >= 0)
		close(sys);
	if (!result(heap_fd >= 0 && sys >= 0, "heap_listed"))
		return plan_end();
	result(heap_bad_input_refused(heap_fd), "heap_bad_input_refused");
	result(heap_buffer_ok(heap_fd), "heap_buffer_zeroed_and_shared");
	if (meminfo_kb("CmaTotal", &total_kb) || meminfo_kb("CmaFree", &before_kb))
		return plan_end();
	result(!filler_fill(&filler, "/mnt/camera-fill", total_kb / 10, 48 * 1024) &&
	       filler.cma_free_after_kb <= total_kb / 10,
	       "context_occupied_by_movable_pages");
	result(heap_exhausts_cleanly(heap_fd), "heap_exhausts_cleanly");
	/* Fill it again: the camera's buffers must migrate the pages out */
	filler_release(&filler);
	ok = !filler_fill(&filler, "/mnt/camera-fill", total_kb / 10, 48 * 1024);
	c.fd = open(dev, O_RDWR);
	if (!result(c.fd >= 0, "device_opens")) {
		diag("%s: %s", dev, strerror(errno));
		goto out;
	}
	if (!result(set_format(&c, V4L2_PIX_FMT_RGB24), "format_set_1920x1080"))
		goto out;
	size = c.fmt.fmt.pix.sizeimage;
	if (!result(!xioctl(c.fd, VIDIOC_REQBUFS, &req, "VIDIOC_REQBUFS DMABUF") &&
		    req.count == bufs, "dmabuf_queue_requested"))
		goto out;
	result(camera_refuses_bad_dmabufs(&c, heap_fd), "bad_dmabufs_refused");
	for (i = 0; i < bufs; i++) {
		fds[i] = heap_alloc(heap_fd, size);
		if (fds[i] < 0) {
			diag("heap buffer %u: %s", i, strerror(-fds[i]));
			break;
		}
		maps[i] = map_dmabuf(fds[i], size);
		if (!maps[i] || !all_zero(maps[i], size))
			break;
	}
	if (!result(i == bufs, "buffers_allocated_from_heap"))
		goto out;
	result(heap_counted(bufs, (long)bufs * ((size + 4095) / 4096 * 4096)),
	       "heap_buffers_counted");
	stream_into_heap_buffers(&c, fds, maps, bufs, frames);
	req.count = 0;
	result(!xioctl(c.fd, VIDIOC_REQBUFS, &req, "VIDIOC_REQBUFS 0"),
	       "buffers_freed");
	close(c.fd);
	c.fd = -1;
	/* The buffers are user space's: the last frame is still there */
	result(frames && maps[c.last_index] &&
	       frame_ok(maps[c.last_index], &c.fmt.fmt.pix, c.last_sequence),
	       "heap_buffers_outlive_the_queue");
out:
	if (c.fd >= 0)
		close(c.fd);
	result(ok && filler_verify(&filler) == 0 &&
	       filler.nr_anon + filler.nr_files, "filler_intact");
	filler_release(&filler);
	for (i = 0; i < MAX_BUFFERS; i++) {
		if (maps[i])
			munmap(maps[i], size);
		if (fds[i] >= 0)
			close(fds[i]);
	}
	result(heap_counted(0, 0), "heap_buffers_given_back");
	close(heap_fd);
	recovered = !cma_free_settles(before_kb > 4096 ? before_kb - 4096 : 0,
				      &after_kb);
	diag("CmaFree: %lu kB before, %lu kB after", before_kb, after_kb);
	result(recovered, "cmafree_recovers");
	return plan_end();
}

static const char *const destroy_checks[] = {
	"heap_added", "heap_allocates", "destroy_refused_while_a_buffer_lives",
	"heap_works_after_the_refusal", "buffer_intact_after_the_refusal",
	"destroy_succeeds_once_closed", "heap_removed_with_the_context",
	"open_heap_refuses_allocation", "heap_added_again",
};

static int heap_node_exists(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	return !access(path, F_OK);
}

/*
 * -D: a heap given to the idle context CONTEXT (cma_torture's "heap"), and
 * what destroying the context does to it and its buffers.
 */
static int destroy_run(void)
{
	const size_t len = 64 << 10;
	int heap_fd = -1, fd = -1, fd2, ret;
	char out[128];
	void *p = NULL;

	PLAN("heap_destroy", destroy_checks);
	ret = debugfs_command(TORTURE, out, sizeof(out), "heap %s", context);
	if (ret)
		diag("heap %s: %s", context, strerror(-ret));
	if (!result(!ret && heap_node_exists(context) &&
		    debugfs_command(TORTURE, out, sizeof(out), "heap %s",
				    context) == -EEXIST, "heap_added"))
		return plan_end();
	heap_fd = heap_open(context);
	fd = heap_fd >= 0 ? heap_alloc(heap_fd, len) : -EBADF;
	p = fd >= 0 ? map_dmabuf(fd, len) : NULL;
	if (p)
		filler_pattern(p, len, 0xd1e);
	if (!result(p != NULL, "heap_allocates"))
		goto out;
	/* recreate retries -EBUSY for about 2 s, then gives up with it */
	ret = debugfs_command(TORTURE, out, sizeof(out), "recreate %s 1", context);
	if (ret != -EBUSY)
		diag("recreate with a buffer alive: %s", ret ? strerror(-ret) : "done");
	result(ret == -EBUSY && heap_node_exists(context),
	       "destroy_refused_while_a_buffer_lives");
	fd2 = heap_alloc(heap_fd, 4096);
	result(fd2 >= 0, "heap_works_after_the_refusal");
	if (fd2 >= 0)
		close(fd2);
	result(pattern_ok(p, len, 0xd1e), "buffer_intact_after_the_refusal");
	munmap(p, len);
	p = NULL;
	close(fd);
	fd = -1;
	ret = debugfs_command(TORTURE, out, sizeof(out), "recreate %s 1", context);
	if (ret)
		diag("recreate once the buffer is closed: %s", strerror(-ret));
	result(!ret, "destroy_succeeds_once_closed");
	result(!heap_node_exists(context), "heap_removed_with_the_context");
	ret = heap_alloc(heap_fd, 4096);
	if (ret != -ENODEV)
		diag("allocation through the removed heap's file: %d, not -ENODEV", ret);
	result(ret == -ENODEV, "open_heap_refuses_allocation");
	if (ret >= 0)
		close(ret);
	/* The context made again: the name may be registered again */
	ret = debugfs_command(TORTURE, out, sizeof(out), "heap %s", context);
	fd2 = heap_open(context);
	fd = fd2 >= 0 ? heap_alloc(fd2, 4096) : -1;
	result(!ret && fd >= 0, "heap_added_again");
	if (fd2 >= 0)
		close(fd2);
out:
	if (p)
		munmap(p, len);
	if (fd >= 0)
		close(fd);
	if (heap_fd >= 0)
		close(heap_fd);
	return plan_end();
}

static uint32_t parse_format(const char *s)
{
	if (!strcmp(s, "rgb24"))
		return V4L2_PIX_FMT_RGB24;
	if (!strcmp(s, "yuyv"))
		return V4L2_PIX_FMT_YUYV;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/video0";
	unsigned int frames = 60, bufs = 8, expect = 0, fuzz_n = 0, reps = 0;
	uint32_t pixelformat = V4L2_PIX_FMT_RGB24;
	struct capture c = { .fd = -1 };
	struct filler filler;
	unsigned long total_kb, before_kb, held_kb, exported_kb, after_kb;
	int recovered;
	unsigned int i;
	int opt, outlive, moves = 0, ahead = 0, heap = 0, destroy = 0;
	long ahead_before = 0;

	while ((opt = getopt(argc, argv, "d:f:n:b:e:o:z:mc:t:aHD")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'f':
			pixelformat = parse_format(optarg);
			break;
		case 'n':
			frames = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			bufs = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			expect = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			frame_file = optarg;
			break;
		case 'z':
			fuzz_n = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			moves = 1;
			break;
		case 'a':
			ahead = 1;
			break;
		case 'H':
			heap = 1;
			break;
		case 'D':
			destroy = 1;
			break;
		case 'c':
			context = optarg;
			break;
		case 't':
			reps = strtoul(optarg, NULL, 0);
			if (!reps)
				pixelformat = 0;
			break;
		default:
			pixelformat = 0;
		}
	}
	if (fuzz_n)
		return fuzz_run(dev, fuzz_n);
	if (heap || destroy) {
		if (!context || !frames || !bufs || bufs > MAX_BUFFERS) {
			fprintf(stderr, "usage: camera-test -H|-D -c CONTEXT [-d DEVICE] [-n FRAMES] [-b 1..%d]\n",
				MAX_BUFFERS);
			return 2;
		}
		return heap ? heap_run(dev, bufs, frames) : destroy_run();
	}
	if (reps) {
		if (!pixelformat || !bufs || bufs > MAX_BUFFERS) {
			fprintf(stderr, "usage: camera-test -t REPS [-d DEVICE] [-b 1..%d]\n",
				MAX_BUFFERS);
			return 2;
		}
		setvbuf(stdout, NULL, _IOLBF, 0);
		csv = 1;
		return time_first_frame(dev, bufs, reps);
	}
	if (moves) {
		if (frames <= MOVES_BUFFERS || !context) {
			fprintf(stderr, "usage: camera-test -m -c CONTEXT [-d DEVICE] [-n FRAMES > %d]\n",
				MOVES_BUFFERS);
			return 2;
		}
		return moves_run(dev, frames);
	}
	if (!expect)
		expect = bufs;
	if (!pixelformat || !frames || !bufs || bufs > MAX_BUFFERS ||
	    expect > bufs || (ahead && !context)) {
		fprintf(stderr, "usage: camera-test [-d DEVICE] [-f rgb24|yuyv] [-n FRAMES] [-b 1..%d] [-e 1..BUFFERS] [-a -c CONTEXT]\n",
			MAX_BUFFERS);
		return 2;
	}

	for (i = 0; i < MAX_BUFFERS; i++)
		c.dmabuf[i] = -1;
	if (ahead) {
		PLAN("camera_ahead", camera_ahead_checks);
		ahead_was = alloc_ahead(1);
		atexit(restore_alloc_ahead);
	} else {
		PLAN("camera", camera_checks);
	}
	c.fd = open(dev, O_RDWR);
	if (!result(c.fd >= 0, "device_opens")) {
		diag("%s: %s", dev, strerror(errno));
		return plan_end();
	}
	if (meminfo_kb("CmaTotal", &total_kb) || meminfo_kb("CmaFree", &before_kb))
		return plan_end();
	result(bad_input_is_refused_or_adjusted(c.fd), "bad_input_refused_or_adjusted");
	/* Movable pages first: the buffers must migrate them out. */
	result(!filler_fill(&filler, "/mnt/camera-fill", total_kb / 10, 48 * 1024) &&
	       filler.cma_free_after_kb <= total_kb / 10,
	       "context_occupied_by_movable_pages");
	result(set_format(&c, pixelformat), "format_set_1920x1080");
	if (ahead)
		ahead_before = context_value("allocs_ahead");
	result(request_buffers(&c, bufs, expect), "buffers_allocated_from_context");
	if (ahead) {
		long n = context_value("allocs_ahead") - ahead_before;

		diag("%ld allocations ahead for %u buffers", n, c.nr_bufs);
		result(ahead_was >= 0 && ahead_before >= 0 && c.nr_bufs &&
		       n == (long)c.nr_bufs, "buffers_allocated_ahead");
	}
	result(c.nr_bufs && export_buffers(&c), "buffers_exported_as_dmabuf");
	result(c.nr_bufs && buffers_hold_no_stale_data(&c),
	       "buffers_hold_no_stale_data");
	if (c.nr_bufs)
		stream(&c, frames);
	result(c.nr_bufs && dmabuf_imports_as_one_segment(&c),
	       "dmabuf_imports_as_one_segment");
	release(&c);
	close(c.fd);
	/* The queue is gone; the exported buffers must not be */
	outlive = c.nr_bufs && dmabuf_frame_ok(&c, c.last_index, c.last_sequence);
	result(filler_verify(&filler) == 0 && filler.nr_anon + filler.nr_files,
	       "filler_intact");
	filler_release(&filler);
	meminfo_kb("CmaFree", &held_kb);
	exported_kb = c.nr_bufs * (unsigned long)c.len[0] / 1024;
	diag("CmaFree with the dma-bufs still open: %lu kB (%lu kB exported)",
	     held_kb, exported_kb);
	result(outlive && held_kb + exported_kb * 9 / 10 <= before_kb,
	       "exported_buffers_outlive_the_queue");
	close_dmabufs(&c);
	recovered = !cma_free_settles(before_kb > 4096 ? before_kb - 4096 : 0,
				      &after_kb);
	diag("CmaFree: %lu kB before, %lu kB with the filler, %lu kB after",
	     before_kb, filler.cma_free_after_kb, after_kb);
	result(recovered, "cmafree_recovers");
	if (ahead) {
		/* The sensor waits for each buffer while the rest allocate */
		int ok = !filler_fill(&filler, "/mnt/camera-fill", total_kb / 10,
				      48 * 1024) &&
			 first_frame(dev, bufs, expect, 0, 1);

		ok = !filler_verify(&filler) && ok;
		filler_release(&filler);
		result(ok, "first_frame_while_buffers_allocate");
	}
	return plan_end();
}
