/* libfault.c - LD_PRELOAD shim for integration tests of the real daemon:
 * makes pwrite/write/fsync/fdatasync on regular files fail on demand.
 *
 * GA_FAULT_FILE names a file the test writes while the daemon runs:
 *   "fsync EIO"  "pwrite ENOSPC"  "write EROFS"  or empty (no fault);
 *   "fsync SLOW40": each sync takes 40 ms longer (a tired SD card).
 * Read on every call (the daemon calls these a few times per request), so
 * a test can switch a fault on and off without restarting the daemon.
 * stdin/out/err and sockets are never touched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int fault_for(const char *call, int fd)
{
	static const struct {
		const char *name;
		int err;
	} errs[] = { { "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS } };
	const char *path = getenv("GA_FAULT_FILE");
	char buf[64], c[32], e[32];
	struct stat st;
	int f, saved = errno;
	ssize_t n;

	if (!path || fd <= 2 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errno = saved;
		return 0;
	}
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0) {
		errno = saved;
		return 0;
	}
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	errno = saved;
	if (n <= 0) {
		return 0;
	}
	buf[n] = '\0';
	if (sscanf(buf, "%31s %31s", c, e) != 2 || strcmp(c, call) != 0) {
		return 0;
	}
	if (strncmp(e, "SLOW", 4) == 0) {
		long ms = strtol(e + 4, NULL, 10);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		errno = saved;
		return 0;
	}
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		if (strcmp(e, errs[i].name) == 0) {
			return errs[i].err;
		}
	}
	return 0;
}

typedef int (*fsync_fn)(int);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
/* glibc has a separate pwrite64 symbol; musl (off_t is always 64-bit)
 * defines pwrite64 as a macro for pwrite, so there is nothing more to wrap */
#ifndef pwrite64
typedef ssize_t (*pwrite64_fn)(int, const void *, size_t, off64_t);
#endif

int fsync(int fd)
{
	static fsync_fn real;
	int err = fault_for("fsync", fd);

	if (!real) {
		real = (fsync_fn)dlsym(RTLD_NEXT, "fsync");
	}
	if (err) {
		errno = err;
		return -1;
	}
	return real(fd);
}

int fdatasync(int fd)
{
	static fsync_fn real;
	int err = fault_for("fsync", fd);

	if (!real) {
		real = (fsync_fn)dlsym(RTLD_NEXT, "fdatasync");
	}
	if (err) {
		errno = err;
		return -1;
	}
	return real(fd);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static pwrite_fn real;
	int err = fault_for("pwrite", fd);

	if (!real) {
		real = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");
	}
	if (err) {
		errno = err;
		return -1;
	}
	return real(fd, buf, n, off);
}

#ifndef pwrite64
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	static pwrite64_fn real;
	int err = fault_for("pwrite", fd);

	if (!real) {
		real = (pwrite64_fn)dlsym(RTLD_NEXT, "pwrite64");
	}
	if (err) {
		errno = err;
		return -1;
	}
	return real(fd, buf, n, off);
}
#endif
