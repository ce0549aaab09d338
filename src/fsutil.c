/* fsutil.c - see fsutil.h. */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

int ga_fs_mkdir_parents(const char *path, mode_t mode)
{
	char tmp[GA_CONF_PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(tmp)) {
		return -ENAMETOOLONG;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/') {
			continue;
		}
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST) {
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

int ga_fs_fsync_dir_of(const char *path)
{
	char dir[GA_CONF_PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, err = 0;

	if (!slash) {
		snprintf(dir, sizeof(dir), ".");
	} else if (slash == path) {
		snprintf(dir, sizeof(dir), "/");
	} else {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return -errno;
	}
	if (fsync(fd) < 0) {
		err = -errno;
	}
	close(fd);
	return err;
}

int ga_fs_write_atomic(const char *path, const void *buf, size_t len,
		       mode_t mode)
{
	char tmp[GA_CONF_PATH_MAX + 8];
	const char *p = buf;
	int fd, err = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		return -ENAMETOOLONG;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		return -errno;
	}
	if (fchmod(fd, mode) < 0) {
		err = -errno;
	}
	while (!err && len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno != EINTR) {
				err = -errno;
			}
			continue;
		}
		p += w;
		len -= (size_t)w;
	}
	if (!err && fsync(fd) < 0) {
		err = -errno;
	}
	close(fd);
	if (!err && rename(tmp, path) < 0) {
		err = -errno;
	}
	if (err) {
		unlink(tmp);
		return err;
	}
	(void)ga_fs_fsync_dir_of(path);
	return 0;
}
