/* fsutil.h - the file operations durability needs, in one place: atomic
 * replace (temp file in the same directory, fsync, rename, fsync the
 * directory) and creating a file's missing parent directories. */
#ifndef GA_FSUTIL_H
#define GA_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "common.h"

/* Create the directories above @path that are missing, with @mode.
 * 0 or -errno. */
GA_MUST_CHECK int ga_fs_mkdir_parents(const char *path, mode_t mode);
/* fsync the directory holding @path (a rename or a new file in it is
 * durable only then). 0 or -errno. */
int ga_fs_fsync_dir_of(const char *path);
/* Replace @path with @len bytes of @buf atomically; the file never exists
 * with a wider @mode than given, even briefly. 0 or -errno. */
GA_MUST_CHECK int ga_fs_write_atomic(const char *path, const void *buf,
				     size_t len, mode_t mode);

#endif /* GA_FSUTIL_H */
