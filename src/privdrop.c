/* privdrop.c - see privdrop.h. */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "log.h"

int ga_privdrop(const char *user, const int *own, unsigned int n)
{
	struct passwd *pw;

	if (!user[0]) {
		return 0;
	}
	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		int err = errno ? errno : ENOENT;

		ga_log(LOG_ERR, "[system] user %s: %s", user,
		       err == ENOENT ? "no such user" : strerror(err));
		return -err;
	}
	if (geteuid() != 0) {
		if (geteuid() != pw->pw_uid) {
			ga_log(LOG_WARNING, "[system] user %s: not running as "
			       "root, staying uid %ld", user, (long)geteuid());
		}
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (own[i] >= 0 && fchown(own[i], pw->pw_uid, pw->pw_gid)) {
			int err = errno;

			ga_log(LOG_ERR, "[system] user %s: chown: %s", user,
			       strerror(err));
			return -err;
		}
	}
	/* Order matters: groups and gid while still root, uid last. */
	if (initgroups(user, pw->pw_gid) || setgid(pw->pw_gid) ||
	    setuid(pw->pw_uid)) {
		int err = errno;

		ga_log(LOG_ERR, "[system] user %s: %s", user, strerror(err));
		return -err;
	}
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		ga_log(LOG_ERR, "[system] user %s: root could be regained", user);
		return -EPERM;
	}
	ga_log(LOG_NOTICE, "running as %s (uid %ld, gid %ld)", user,
	       (long)pw->pw_uid, (long)pw->pw_gid);
	return 0;
}

void ga_privdrop_check(const char *what, const char *path, bool write)
{
	char dir[256];

	if (!path[0]) {
		return;
	}
	if (write) {
		/* replaced by rename: the directory must be writable */
		snprintf(dir, sizeof(dir), "%s", path);
		path = dirname(dir);
	}
	if (access(path, write ? W_OK : R_OK)) {
		ga_log(LOG_WARNING, "%s %s is not %s as uid %ld: %s", what, path,
		       write ? "writable" : "readable", (long)getuid(),
		       write ? "commit cannot save the config"
			     : "a reload cannot re-read it");
	}
}
