/* hook.h - [hook.NAME]: hand matching events to a program (docs/configuration.md).
 *
 * The journal is the queue: each hook keeps a watermark (every event with
 * seq <= done has completed or given up, a HOOK record) and a cursor that
 * scans the journal file for the next event whose rule names the hook.
 * Nothing is queued in memory, so a slow hook never drops an event and
 * never grows memory. After a crash the events above the watermark run
 * again: at least once.
 *
 * A child gets argv from `command` (no shell), the event in GA_*
 * environment variables and as JSON on stdin (rebuilt from the journaled
 * fields: the raw request body is not journaled). It is reaped through a
 * pidfd on the loop and killed (SIGKILL, its process group) at timeout.
 * Every buffer is reserved per running child in struct ga_hooks; nothing
 * on the loop blocks except the journal sync of a new watermark (one
 * fdatasync per completed run, as an ack).
 */
#ifndef GA_HOOK_H
#define GA_HOOK_H

#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common.h"
#include "config.h"
#include "event.h"
#include "journal.h"
#include "loop.h"
#include "store.h"

/* argv entries of a command, the program included: a path and a handful
 * of options fit; the last entry is the NULL terminator. */
#define GA_HOOK_ARGV_MAX 16
/* GA_TEXT is up to 1600 bytes; the other variables are at most ~700
 * (struct ga_msg field limits), PATH ~60. Ten variables of the event,
 * PATH and GA_ESCALATED, and room for two more. */
#define GA_HOOK_ENV_SIZE 4096
#define GA_HOOK_ENV_MAX 14
/* The JSON on stdin: every string field escaped at worst 6 bytes per
 * byte (\u00XX for controls): 6 x 2,552 bytes of fields (struct ga_msg
 * limits; the text is 1,600) is 15,312, plus ~200 of names and numbers. */
#define GA_HOOK_JSON_SIZE 16384
/* The first line of stderr kept for the log. */
#define GA_HOOK_ERRLINE_MAX 160
/* Journal records read per loop iteration when a cursor scans: each is
 * two pread()s of at most 4 KiB from the page cache. */
#define GA_HOOK_SCAN_BUDGET 256
/* Retry backoff: 1 s, 2 s, 4 s ... capped here. */
#define GA_HOOK_BACKOFF_MAX_S 60
/* Supplementary groups of a hook's user, resolved at start. */
#define GA_HOOK_GROUPS_MAX 32
/* Escalations waiting for a free run, per hook: the alert module
 * escalates only messages the store keeps (GA_STORE_MAX), each once per
 * start, so a full store's escalations fit at once. Each entry is a seq:
 * the message is read again (store, else journal) when its run starts. */
#define GA_HOOK_ESC_MAX GA_STORE_MAX
/* Descriptors per running child: pidfd, stdin pipe, stderr pipe. */
#define GA_HOOK_FDS (GA_CONF_HOOKS_MAX * GA_CONF_HOOK_RUN_MAX * 3)

/* Split @cmd into @buf (GA_CONF_HOOK_CMD_MAX bytes) and @argv (NULL
 * terminated): words are separated by spaces or tabs; "double quotes"
 * keep spaces, \" and \\ inside them are a quote and a backslash.
 * Returns argc, or -ENOENT (empty), -E2BIG (more than GA_HOOK_ARGV_MAX - 1
 * words), -EINVAL (an unclosed quote). */
int ga_hook_argv(const char *cmd, char *buf, char *argv[GA_HOOK_ARGV_MAX + 1]);

struct ga_hooks;
struct ga_hook_slot;

/* One running (or retry-waiting) child. */
struct ga_hook_run {
	struct ga_hook_slot *slot;
	bool busy;      /* holds an event: running or waiting to retry */
	bool running;   /* a child is alive */
	bool timed_out;
	bool esc;       /* an escalation run (GA_ESCALATED=1), off the watermark */
	unsigned int timeout_s; /* of this run: a reload changes the next */
	/* The child's stdin and stderr ends are dup3()ed onto these two
	 * descriptors, reserved at setup (on /dev/null between runs), so
	 * that @fa, built once against them, serves every spawn: glibc's
	 * posix_spawn_file_actions_add*() allocate, and now run only at
	 * setup or reload. */
	int fd_in, fd_err;
	posix_spawn_file_actions_t fa;
	bool fa_ok;
	pid_t pid;
	struct ga_fd pidfd;
	struct ga_fd in;
	struct ga_fd err;
	struct ga_timer timer; /* timeout while running, backoff while not */
	unsigned int attempt;  /* 0 = the first run */
	struct ga_msg msg;
	char *envp[GA_HOOK_ENV_MAX + 1];
	char env[GA_HOOK_ENV_SIZE];
	char json[GA_HOOK_JSON_SIZE];
	size_t json_len, json_off;
	char errline[GA_HOOK_ERRLINE_MAX];
	size_t errlen;
	bool errline_done;
};

struct ga_hook_slot {
	struct ga_hooks *hs;
	bool used;                /* holds a hook of the running config */
	struct ga_conf_hook conf; /* copied: a reload changes it in place */
	char argbuf[GA_CONF_HOOK_CMD_MAX];
	char *argv[GA_HOOK_ARGV_MAX + 1];
	bool as_user;
	uid_t uid;
	gid_t gid;
	gid_t groups[GA_HOOK_GROUPS_MAX];
	int ngroups;
	struct ga_journal_hook *wm;
	struct ga_journal_cursor cur;
	uint32_t scanned;   /* highest seq the cursor has looked at */
	struct ga_timer kick;
	bool failing;       /* the last event gave up */
	bool completed;     /* a run ended since the last watermark record */
	unsigned long ok, failed, queued; /* escalation runs included */
	uint32_t esc[GA_HOOK_ESC_MAX]; /* ring of seqs to run escalated */
	unsigned int esc_head, esc_len;
	struct ga_journal_cursor esc_cur; /* reading one back from the journal */
	bool esc_scan;
	/* GA_CONF_HOOK_RUN_MAX runs (~22 KiB each: environment and JSON
	 * buffers), reserved at setup for a configured hook only: a board
	 * with no hooks keeps its RSS (8 x 4 runs in place were 700 KiB
	 * made resident by the zeroing at init) */
	struct ga_hook_run *run;
};

struct ga_hooks {
	struct ga_loop *loop;
	struct ga_journal *j;
	const struct ga_conf *conf;
	/* optional, set before setup: escalated messages are read from here
	 * first (no file read) */
	const struct ga_store *store;
	bool root;       /* children may run as another user */
	unsigned int n;  /* slots in use so far, free ones (!used) included */
	struct ga_hook_slot slot[GA_CONF_HOOKS_MAX];
	struct ga_msg scratch;
	int null_fd;     /* /dev/null: the children's stdout */
	posix_spawnattr_t attr; /* the same for every spawn: built at setup */
	bool attr_ok;
};

void ga_hook_init(struct ga_hooks *hs);
/* After the journal is open and replayed: watermarks (a new hook starts
 * at the journal's end), queued counts, and the first runs. 0 or -errno. */
GA_MUST_CHECK int ga_hook_setup(struct ga_hooks *hs, struct ga_loop *l,
				struct ga_journal *j, const struct ga_conf *conf,
				bool root);
/* A durable live event: count it as queued for its hook and start it. */
void ga_hook_note(struct ga_hooks *hs, const struct ga_msg *m);
/* An unacknowledged alert escalated and its actions name @hook: run that
 * hook once for @seq (GA_ESCALATED=1). Queued in a bounded ring; a full
 * ring is logged and counted failed. 0, -ENOENT (no such hook running),
 * -ENOSPC. */
int ga_hook_escalate(struct ga_hooks *hs, const char *hook, uint32_t seq);
/* Reload: rules move to @conf, and [hook.NAME] sections, matched by
 * name, change in place. A changed hook's next run uses its new command,
 * timeout, retry, max_running and user (running children finish under
 * the old ones); a removed hook's children are killed and it takes no
 * more events (they run again if it comes back: at least once); a new
 * hook starts at the journal's end, as at start (or at its watermark if
 * the journal knows the name). Run buffers are reserved here, never per
 * event. */
void ga_hook_reconf(struct ga_hooks *hs, const struct ga_conf *conf);
/* idle | running | retrying | failed */
const char *ga_hook_state(const struct ga_hook_slot *s);
/* Kill the children (their events run again after the restart). */
void ga_hook_free(struct ga_hooks *hs);

#endif /* GA_HOOK_H */
