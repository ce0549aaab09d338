/* confedit.h - staged configuration changes for the serial console
 * (docs/commands.md: get, set, diff, commit, revert, commit confirm SECONDS).
 * `set` checks a value with the same key table as the parser and stages
 * it; `commit` rewrites the file changing only the lines of staged keys
 * (comments, order and blank lines kept; new keys go to the end of their
 * section), proves the whole new text parses, then writes a temp file,
 * fsyncs, renames and fsyncs the directory. `commit confirm` keeps the
 * previous text so the daemon can roll back if `confirm` does not come.
 */
#ifndef GA_CONFEDIT_H
#define GA_CONFEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "config.h"

/* Changes staged at once: a console session changes a handful. */
#define GA_CONFEDIT_MAX 32
#define GA_CONFEDIT_VALUE_MAX 256

struct ga_confedit_change {
	char key[64];
	char value[GA_CONFEDIT_VALUE_MAX];
};

struct ga_confedit {
	char path[GA_CONF_PATH_MAX];
	struct ga_confedit_change ch[GA_CONFEDIT_MAX];
	unsigned int n;
	bool confirm_pending;
};

void ga_confedit_init(struct ga_confedit *e, const char *path);
/* Stage KEY = VALUE. 0, or -ENOENT (unknown key), -EINVAL (bad value),
 * -ENOSPC (too many staged): the reason in @err. */
int ga_confedit_set(struct ga_confedit *e, const char *key, const char *value,
		    char *err, size_t size);
/* "- key = running\n+ key = staged\n" per staged key. */
size_t ga_confedit_diff(const struct ga_confedit *e, const struct ga_conf *running,
			char *out, size_t size);
void ga_confedit_revert(struct ga_confedit *e);
/* Write the staged changes. With @keep_backup the previous text goes to
 * <path>.confirm-backup first (for commit confirm). 0 or -errno; on
 * -EINVAL the new text's errors are in @err, and nothing was written. */
int ga_confedit_commit(struct ga_confedit *e, bool keep_backup, char *err,
		       size_t size);
/* Put the backup back (the confirm timer ran out). 0 or -errno. */
int ga_confedit_rollback(struct ga_confedit *e);
/* The change stays: drop the backup. */
void ga_confedit_confirm(struct ga_confedit *e);

#endif /* GA_CONFEDIT_H */
