/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The samples' debugfs command files (cma_bench/cmd, cma_torture/cmd): one
 * command a write, its result line read back from the same open file.
 */
#ifndef DEBUGFS_CMD_H
#define DEBUGFS_CMD_H

#include <stddef.h>

/*
 * Write one command to the file at path and read its result into out
 * (size bytes, without the newline).  0, or -errno of the open or write.
 */
int debugfs_command(const char *path, char *out, size_t size,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
