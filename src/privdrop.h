/* privdrop.h - [system] user (docs/configuration.md): after the daemon has bound its
 * sockets and opened its devices as root, it becomes @user for the rest of
 * its life, keeping that user's supplementary groups (gpio, i2c: what a
 * GPIO or I2C retry after a fault needs) and nothing else.
 */
#ifndef GA_PRIVDROP_H
#define GA_PRIVDROP_H

#include "common.h"

/* Become @user (empty: stay). @own: descriptors of state the daemon keeps
 * writing (the journal file and its directory) are given to @user first.
 * Not root: a no-op with a warning unless we already are @user.
 * 0 or -errno (logged). */
GA_MUST_CHECK int ga_privdrop(const char *user, const int *own, unsigned int n);

/* After a drop: warn (once, at start) about @path that @user will not be
 * able to read (@write false) or replace (@write true) later. */
void ga_privdrop_check(const char *what, const char *path, bool write);

#endif /* GA_PRIVDROP_H */
