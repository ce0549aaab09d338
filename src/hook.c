/* hook.c - see hook.h. */
#include "hook.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "rules.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* the same on every architecture (Linux 5.3) */
#endif

/* ---- argv ----------------------------------------------------------------- */

int ga_hook_argv(const char *cmd, char *buf, char *argv[GA_HOOK_ARGV_MAX + 1])
{
	size_t o = 0;
	int argc = 0;
	const char *p = cmd;

	for (;;) {
		bool quoted = false;

		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if (!*p) {
			break;
		}
		if (argc >= GA_HOOK_ARGV_MAX - 1) {
			return -E2BIG;
		}
		argv[argc++] = buf + o;
		/* the output is never longer than the input, which fits
		 * GA_CONF_HOOK_CMD_MAX with its NUL */
		while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
			if (*p == '"') {
				quoted = !quoted;
				p++;
				continue;
			}
			if (quoted && *p == '\\' && (p[1] == '"' || p[1] == '\\')) {
				p++;
			}
			buf[o++] = *p++;
		}
		if (quoted) {
			return -EINVAL;
		}
		buf[o++] = '\0';
	}
	argv[argc] = NULL;
	return argc ? argc : -ENOENT;
}

/* ---- environment and stdin ----------------------------------------------- */

static void ga_hook_iso_time(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		snprintf(out, size, "%lld", (long long)t);
	}
}

#define GA_HOOK_MSZ(f) sizeof(((struct ga_msg *)0)->f)
/* ga_hook_build's JSON never reaches the end of its buffer: every field
 * escaped at 6 bytes per byte, plus room for the names and numbers. */
_Static_assert(6 * (GA_HOOK_MSZ(id) + GA_HOOK_MSZ(from) + GA_HOOK_MSZ(to) +
		    GA_HOOK_MSZ(sender) + GA_HOOK_MSZ(status) +
		    GA_HOOK_MSZ(details) + GA_HOOK_MSZ(msgid) +
		    GA_HOOK_MSZ(thread) + GA_HOOK_MSZ(text)) + 256 <=
		       GA_HOOK_JSON_SIZE,
	       "GA_HOOK_JSON_SIZE holds the worst-case event JSON");
#undef GA_HOOK_MSZ

static void ga_hook_build(struct ga_hook_run *r)
{
	const struct ga_msg *m = &r->msg;
	char when[32];
	size_t o = 0;
	unsigned int n = 0;
	const char *cls = ga_class_name((enum ga_class)m->cls);
	struct {
		const char *name, *val;
	} vars[] = {
		{ "GA_CLASS", cls }, { "GA_ID", m->id }, { "GA_SEQ", NULL },
		{ "GA_FROM", m->from }, { "GA_TO", m->to }, { "GA_TEXT", m->text },
		{ "GA_STATUS", m->status }, { "GA_TIME", when },
		{ "GA_THREAD", m->thread },
		{ "GA_SENDER", m->sender },
		{ "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
	};
	char seq[16];

	snprintf(seq, sizeof(seq), "%u", m->seq);
	ga_hook_iso_time(m->time, when, sizeof(when));
	for (size_t i = 0; i < GA_ARRAY_SIZE(vars); i++) {
		int k = snprintf(r->env + o, sizeof(r->env) - o, "%s=%s",
				 vars[i].name, vars[i].val ? vars[i].val : seq);

		if (k < 0 || (size_t)k >= sizeof(r->env) - o) {
			break; /* cannot happen with the field limits above */
		}
		r->envp[n++] = r->env + o;
		o += (size_t)k + 1;
	}
	r->envp[n] = NULL;

	/* stdin: the event as JSON, rebuilt from the journaled fields */
	{
		static const char *const names[] = {
			"id", "class", "time", "from", "to", "sender", "status",
			"details", "messageId", "threadId", "text",
		};
		const char *vals[] = {
			m->id, cls, when, m->from, m->to, m->sender, m->status,
			m->details, m->msgid, m->thread, m->text,
		};
		size_t j = (size_t)snprintf(r->json, sizeof(r->json),
					    "{\"seq\":%u", m->seq);

		for (size_t i = 0; i < GA_ARRAY_SIZE(names); i++) {
			j += (size_t)snprintf(r->json + j, sizeof(r->json) - j,
					      ",\"%s\":\"", names[i]);
			j += ga_json_escape(ga_span_str(vals[i]), r->json + j,
					    sizeof(r->json) - j - 3);
			r->json[j++] = '"';
		}
		r->json[j++] = '}';
		r->json[j++] = '\n';
		r->json_len = j;
		r->json_off = 0;
	}
}

/* ---- state ----------------------------------------------------------------- */

const char *ga_hook_state(const struct ga_hook_slot *s)
{
	bool retrying = false;

	for (unsigned int i = 0; i < s->conf.max_running; i++) {
		if (s->run[i].running) {
			return "running";
		}
		retrying |= s->run[i].busy;
	}
	return retrying ? "retrying" : s->failing ? "failed" : "idle";
}

static bool ga_hook_wants(const struct ga_hook_slot *s, const struct ga_conf *c,
			  const struct ga_msg *m)
{
	int rule = ga_rules_match(c, m);

	return rule >= 0 && strcmp(c->rule[rule].hook, s->conf.name) == 0;
}

/* Every event up to the lowest one still held is done: journal it. After
 * a completed run the record is synced at once (one fdatasync, as an
 * ack), so a restart does not run it again. Progress over events the hook
 * does not take is only appended, every GA_HOOK_SKIP_RECORD events, and
 * becomes durable with the next sync: losing it costs a rescan, never a
 * run, and it keeps compaction from holding on to events no hook wants. */
#define GA_HOOK_SKIP_RECORD 32

static void ga_hook_watermark(struct ga_hook_slot *s)
{
	uint32_t done = s->scanned;
	int err;

	for (unsigned int i = 0; i < s->conf.max_running; i++) {
		if (s->run[i].busy && s->run[i].msg.seq - 1 < done) {
			done = s->run[i].msg.seq - 1;
		}
	}
	if (done <= s->wm->done ||
	    (!s->completed && done - s->wm->done < GA_HOOK_SKIP_RECORD)) {
		return;
	}
	err = ga_journal_hook_done(s->hs->j, s->wm, done);
	if (!err && s->completed) {
		err = ga_journal_sync(s->hs->j);
	}
	s->completed = false;
	if (err) {
		/* the events run again after a restart: at least once */
		ga_log(LOG_ERR, "hook %s: cannot journal progress: %s",
		       s->conf.name, strerror(-err));
	}
}

static void ga_hook_start(struct ga_hook_run *r);
static void ga_hook_pump(struct ga_hook_slot *s);

static void ga_hook_kick_cb(struct ga_timer *t)
{
	ga_hook_pump(ga_container_of(t, struct ga_hook_slot, kick));
}

/* Start events for the free run slots, in journal order. */
static void ga_hook_pump(struct ga_hook_slot *s)
{
	struct ga_hooks *hs = s->hs;

	for (unsigned int i = 0; i < s->conf.max_running; i++) {
		struct ga_hook_run *r = &s->run[i];
		int rc;

		if (r->busy) {
			continue;
		}
		for (;;) {
			rc = ga_journal_next(hs->j, &s->cur, s->scanned,
					     &hs->scratch, GA_HOOK_SCAN_BUDGET);
			if (rc != 1) {
				break;
			}
			s->scanned = hs->scratch.seq;
			if (ga_hook_wants(s, hs->conf, &hs->scratch)) {
				break;
			}
		}
		if (rc == -EAGAIN) {
			/* more to scan: come back next iteration */
			ga_timer_set(hs->loop, &s->kick, 0);
			return;
		}
		if (rc != 1) {
			break; /* nothing more is durable */
		}
		if (s->queued) {
			s->queued--;
		}
		r->msg = hs->scratch;
		r->attempt = 0;
		r->busy = true;
		ga_hook_start(r);
	}
	ga_hook_watermark(s);
}

/* ---- children ---------------------------------------------------------------- */

static void ga_hook_close_fd(struct ga_hooks *hs, struct ga_fd *f)
{
	if (f->fd >= 0) {
		ga_loop_fd_del(hs->loop, f);
		close(f->fd);
		f->fd = -1;
	}
}

static void ga_hook_in_cb(struct ga_fd *f, short revents)
{
	struct ga_hook_run *r = ga_container_of(f, struct ga_hook_run, in);

	(void)revents;
	while (r->json_off < r->json_len) {
		ssize_t n = write(f->fd, r->json + r->json_off,
				  r->json_len - r->json_off);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			return; /* the pipe is full: POLLOUT again */
		}
		if (n <= 0) {
			break; /* EPIPE: the hook does not read stdin */
		}
		r->json_off += (size_t)n;
	}
	ga_hook_close_fd(r->slot->hs, f); /* EOF for the hook */
}

static void ga_hook_err_read(struct ga_hook_run *r)
{
	char buf[512];

	for (;;) {
		ssize_t n = read(r->err.fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			return;
		}
		if (n <= 0) {
			ga_hook_close_fd(r->slot->hs, &r->err);
			return;
		}
		/* keep the first line; read (and drop) the rest so the
		 * hook never blocks on a full pipe */
		for (ssize_t i = 0; i < n && !r->errline_done; i++) {
			if (buf[i] == '\n') {
				r->errline_done = true;
			} else if (r->errlen + 1 < sizeof(r->errline)) {
				r->errline[r->errlen++] = buf[i] == '\r' ||
					(unsigned char)buf[i] < 0x20 ? ' ' : buf[i];
			}
		}
		r->errline[r->errlen] = '\0';
	}
}

static void ga_hook_err_cb(struct ga_fd *f, short revents)
{
	(void)revents;
	ga_hook_err_read(ga_container_of(f, struct ga_hook_run, err));
}

static void ga_hook_retry_cb(struct ga_timer *t);

static void ga_hook_done(struct ga_hook_run *r, int status)
{
	struct ga_hook_slot *s = r->slot;
	struct ga_hooks *hs = s->hs;
	char why[64];
	bool ok = !r->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;

	if (r->err.fd >= 0) {
		ga_hook_err_read(r); /* what is buffered; the rest is dropped */
	}
	ga_hook_close_fd(hs, &r->err);
	ga_hook_close_fd(hs, &r->in);
	ga_hook_close_fd(hs, &r->pidfd);
	ga_timer_cancel(hs->loop, &r->timer);
	r->running = false;
	if (ok) {
		s->ok++;
		s->completed = true;
		s->failing = false;
		r->busy = false;
		ga_timer_set(hs->loop, &s->kick, 0); /* next: from the loop */
		return;
	}
	if (r->timed_out) {
		snprintf(why, sizeof(why), "timed out after %us, killed",
			 s->conf.timeout_s);
	} else if (WIFEXITED(status)) {
		snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
	} else {
		snprintf(why, sizeof(why), "killed by signal %d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	if (r->attempt < s->conf.retry) {
		unsigned int backoff = r->attempt < 6 ? 1u << r->attempt : 64u;

		if (backoff > GA_HOOK_BACKOFF_MAX_S) {
			backoff = GA_HOOK_BACKOFF_MAX_S;
		}
		ga_log(LOG_WARNING, "hook %s: seq %u: %s (attempt %u of %u, "
		       "again in %us): %s", s->conf.name, r->msg.seq, why,
		       r->attempt + 1, s->conf.retry + 1, backoff, r->errline);
		r->attempt++;
		r->timer.cb = ga_hook_retry_cb;
		ga_timer_set(hs->loop, &r->timer, backoff * 1000u);
		return;
	}
	ga_log(LOG_ERR, "hook %s: seq %u: %s (attempt %u of %u, giving up): %s",
	       s->conf.name, r->msg.seq, why, r->attempt + 1,
	       s->conf.retry + 1, r->errline);
	s->failed++;
	s->completed = true;
	s->failing = true;
	r->busy = false;
	ga_timer_set(hs->loop, &s->kick, 0);
}

static void ga_hook_pidfd_cb(struct ga_fd *f, short revents)
{
	struct ga_hook_run *r = ga_container_of(f, struct ga_hook_run, pidfd);
	int status = 0;
	pid_t p;

	(void)revents;
	do {
		p = waitpid(r->pid, &status, WNOHANG);
	} while (p < 0 && errno == EINTR);
	if (p == 0) {
		return; /* not yet */
	}
	if (p < 0) {
		status = 0x7f00; /* lost: reported as exit status 127 */
	}
	ga_hook_done(r, status);
}

static void ga_hook_timeout_cb(struct ga_timer *t)
{
	struct ga_hook_run *r = ga_container_of(t, struct ga_hook_run, timer);

	r->timed_out = true;
	/* the whole process group: a shell script's own children too */
	(void)kill(-r->pid, SIGKILL);
	(void)kill(r->pid, SIGKILL);
}

static void ga_hook_retry_cb(struct ga_timer *t)
{
	ga_hook_start(ga_container_of(t, struct ga_hook_run, timer));
}

/* fork + setgroups/setgid/setuid + execve: posix_spawn cannot change
 * the user (no such attribute in POSIX or glibc/musl). Only
 * async-signal-safe calls after fork; the groups were resolved at start. */
static pid_t ga_hook_fork_as(const struct ga_hook_slot *s, struct ga_hook_run *r,
			     int in, int err)
{
	pid_t pid = fork();

	if (pid != 0) {
		return pid;
	}
	{
		sigset_t none;
		int null = open("/dev/null", O_WRONLY);

		(void)setpgid(0, 0);
		if (dup2(in, 0) < 0 || dup2(err, 2) < 0 || null < 0 ||
		    dup2(null, 1) < 0) {
			_exit(127);
		}
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (setgroups((size_t)s->ngroups, s->groups) < 0 ||
		    setgid(s->gid) < 0 || setuid(s->uid) < 0) {
			_exit(126);
		}
		execve(s->argv[0], s->argv, r->envp);
		_exit(127);
	}
}

static void ga_hook_start(struct ga_hook_run *r)
{
	struct ga_hook_slot *s = r->slot;
	struct ga_hooks *hs = s->hs;
	int in[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t pid = -1;
	int rc, pfd;

	ga_hook_build(r);
	r->errlen = 0;
	r->errline[0] = '\0';
	r->errline_done = false;
	r->timed_out = false;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		rc = -errno;
		goto fail;
	}
	if (s->as_user) {
		pid = ga_hook_fork_as(s, r, in[0], err[1]);
		rc = pid < 0 ? -errno : 0;
	} else {
		posix_spawn_file_actions_t fa;
		posix_spawnattr_t at;
		sigset_t none, def;

		/* glibc keeps file actions in a small heap array (freed by
		 * _destroy below): libc's, per run, not ours to reserve */
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, err[1], 2);
		posix_spawnattr_init(&at);
		sigemptyset(&none);
		sigemptyset(&def);
		sigaddset(&def, SIGPIPE); /* the daemon ignores it */
		sigaddset(&def, SIGHUP);
		sigaddset(&def, SIGTERM);
		sigaddset(&def, SIGINT);
		/* the loop blocks HUP/TERM/INT for its signalfd */
		posix_spawnattr_setsigmask(&at, &none);
		posix_spawnattr_setsigdefault(&at, &def);
		posix_spawnattr_setpgroup(&at, 0);
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					 POSIX_SPAWN_SETSIGDEF |
					 POSIX_SPAWN_SETPGROUP);
		rc = -posix_spawn(&pid, s->argv[0], &fa, &at, s->argv, r->envp);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&at);
	}
	close(in[0]);
	close(err[1]);
	in[0] = err[1] = -1;
	if (rc) {
		goto fail;
	}
	r->pid = pid;
	r->running = true;
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0) {
		/* without a pidfd (Linux < 5.3) the child cannot be reaped
		 * from the loop: stop it now and report */
		rc = -errno;
		(void)kill(-pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		r->running = false;
		goto fail;
	}
	(void)fcntl(pfd, F_SETFD, FD_CLOEXEC);
	(void)fcntl(in[1], F_SETFL, O_NONBLOCK);
	(void)fcntl(err[0], F_SETFL, O_NONBLOCK);
	r->pidfd.fd = pfd;
	r->pidfd.events = POLLIN;
	r->in.fd = in[1];
	r->in.events = POLLOUT;
	r->err.fd = err[0];
	r->err.events = POLLIN;
	if (ga_loop_fd_add(hs->loop, &r->pidfd)) {
		/* GA_HOOK_FDS reserves the room: cannot happen */
		(void)kill(-pid, SIGKILL);
	}
	if (ga_loop_fd_add(hs->loop, &r->in)) {
		close(r->in.fd);
		r->in.fd = -1;
	}
	if (ga_loop_fd_add(hs->loop, &r->err)) {
		close(r->err.fd);
		r->err.fd = -1;
	}
	r->timer.cb = ga_hook_timeout_cb;
	ga_timer_set(hs->loop, &r->timer, s->conf.timeout_s * 1000u);
	return;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0) {
			close(in[i]);
		}
		if (err[i] >= 0) {
			close(err[i]);
		}
	}
	snprintf(r->errline, sizeof(r->errline), "cannot start %s: %s",
		 s->argv[0], strerror(-rc));
	/* a failed start counts as a failed run (exit status 127) */
	ga_hook_done(r, 0x7f00);
}

/* ---- setup ----------------------------------------------------------------- */

void ga_hook_init(struct ga_hooks *hs)
{
	memset(hs, 0, sizeof(*hs));
}

/* Reserve and set up a configured hook's runs. 0 or -ENOMEM. */
static int ga_hook_runs_setup(struct ga_hook_slot *s)
{
	s->run = calloc(GA_CONF_HOOK_RUN_MAX, sizeof(*s->run)); /* setup-only */
	if (!s->run) {
		return -ENOMEM;
	}
	for (unsigned int k = 0; k < GA_CONF_HOOK_RUN_MAX; k++) {
		struct ga_hook_run *r = &s->run[k];

		r->slot = s;
		r->pidfd.fd = r->in.fd = r->err.fd = -1;
		r->pidfd.idx = r->in.idx = r->err.idx = -1;
		r->pidfd.cb = ga_hook_pidfd_cb;
		r->in.cb = ga_hook_in_cb;
		r->err.cb = ga_hook_err_cb;
	}
	return 0;
}

static int ga_hook_user(struct ga_hook_slot *s, bool root)
{
	struct passwd *pw;

	if (s->conf.user[0] && !root && geteuid() != 0 &&
	    !s->hs->conf->system.user[0]) {
		ga_log(LOG_WARNING, "hook %s: user = %s ignored: gridalertd is "
		       "not running as root", s->conf.name, s->conf.user);
	}
	if (!s->conf.user[0] || !root) {
		return 0; /* the daemon's own user ([system] user checked it) */
	}
	pw = getpwnam(s->conf.user); /* setup-only */
	if (!pw) {
		ga_log(LOG_ERR, "hook %s: no user %s", s->conf.name, s->conf.user);
		return -ENOENT;
	}
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	s->ngroups = GA_HOOK_GROUPS_MAX;
	if (getgrouplist(s->conf.user, pw->pw_gid, s->groups, &s->ngroups) < 0) {
		s->ngroups = 1;
		s->groups[0] = pw->pw_gid;
	}
	s->as_user = true;
	return 0;
}

int ga_hook_setup(struct ga_hooks *hs, struct ga_loop *l, struct ga_journal *j,
		  const struct ga_conf *conf, bool root)
{
	hs->loop = l;
	hs->j = j;
	hs->conf = conf;
	hs->n = conf->nhooks;
	for (unsigned int i = 0; i < hs->n; i++) {
		struct ga_hook_slot *s = &hs->slot[i];
		struct ga_journal_cursor cur = { 0 };
		int err;

		s->hs = hs;
		s->conf = conf->hook[i];
		s->kick.cb = ga_hook_kick_cb;
		err = ga_hook_runs_setup(s);
		if (err) {
			return err;
		}
		if (ga_hook_argv(s->conf.command, s->argbuf, s->argv) < 0) {
			return -EINVAL; /* gridalertd -t reports it */
		}
		err = ga_hook_user(s, root);
		if (err) {
			return err;
		}
		s->wm = ga_journal_hook(j, s->conf.name);
		if (!s->wm) {
			return -ENOSPC;
		}
		s->wm->live = true;
		if (!s->wm->known) {
			/* a new hook starts with the events from now on */
			err = ga_journal_hook_done(j, s->wm, j->next_seq - 1);
			if (!err) {
				err = ga_journal_sync(j);
			}
			if (err) {
				return err;
			}
		}
		s->scanned = s->wm->done;
		/* queued: what the last run left (a bounded scan at start) */
		while (ga_journal_next(j, &cur, s->wm->done, &hs->scratch,
				       UINT32_MAX) == 1) {
			s->queued += ga_hook_wants(s, conf, &hs->scratch);
		}
		ga_log(LOG_INFO, "hook %s: %s, %lu event(s) to run", s->conf.name,
		       s->conf.command, s->queued);
		ga_timer_set(l, &s->kick, 0);
	}
	return 0;
}

void ga_hook_note(struct ga_hooks *hs, const struct ga_msg *m)
{
	int rule;

	if (!hs->n) {
		return;
	}
	rule = ga_rules_match(hs->conf, m);
	for (unsigned int i = 0; i < hs->n; i++) {
		struct ga_hook_slot *s = &hs->slot[i];

		if (rule >= 0 && strcmp(hs->conf->rule[rule].hook, s->conf.name) == 0) {
			s->queued++;
		}
		/* every hook: the others move their watermark past it */
		ga_timer_set(hs->loop, &s->kick, 0);
	}
}

void ga_hook_reconf(struct ga_hooks *hs, const struct ga_conf *conf)
{
	bool same = conf->nhooks == hs->n;

	for (unsigned int i = 0; same && i < hs->n; i++) {
		same = memcmp(&conf->hook[i], &hs->slot[i].conf,
			      sizeof(conf->hook[i])) == 0;
	}
	if (!same) {
		ga_log(LOG_WARNING, "reload: [hook.NAME] sections change after a "
		       "restart; rules' hook = NAME change now");
	}
	hs->conf = conf;
}

void ga_hook_free(struct ga_hooks *hs)
{
	for (unsigned int i = 0; i < hs->n; i++) {
		struct ga_hook_slot *s = &hs->slot[i];

		for (unsigned int k = 0; s->run && k < GA_CONF_HOOK_RUN_MAX; k++) {
			struct ga_hook_run *r = &s->run[k];

			if (r->running) {
				(void)kill(-r->pid, SIGKILL);
				(void)waitpid(r->pid, NULL, 0);
				r->running = false;
			}
			if (hs->loop) {
				ga_hook_close_fd(hs, &r->pidfd);
				ga_hook_close_fd(hs, &r->in);
				ga_hook_close_fd(hs, &r->err);
			}
		}
		free(s->run);
		s->run = NULL;
	}
	hs->n = 0;
}
