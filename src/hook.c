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
		/* 1 for a run because the alert escalated */
		{ "GA_ESCALATED", r->esc ? "1" : "0" },
	};
	char seq[16];

	snprintf(seq, sizeof(seq), "%u", m->seq);
	ga_hook_iso_time(m->time, when, sizeof(when));
	for (size_t i = 0; i < GA_ARRAY_SIZE(vars) && n < GA_HOOK_ENV_MAX; i++) {
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
					    "{\"seq\":%u,\"escalated\":%s",
					    m->seq, r->esc ? "true" : "false");

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

	/* every run: a reload may have lowered max_running under busy ones */
	for (unsigned int i = 0; i < GA_CONF_HOOK_RUN_MAX; i++) {
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
	return strcmp(ga_rules_hook(c, m->cls, ga_rules_match(c, m)),
		      s->conf.name) == 0;
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

	for (unsigned int i = 0; i < GA_CONF_HOOK_RUN_MAX; i++) {
		const struct ga_hook_run *r = &s->run[i];

		/* an escalation run is not the event's own: it holds no
		 * event back */
		if (r->busy && !r->esc && r->msg.seq - 1 < done) {
			done = r->msg.seq - 1;
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

/* Take the oldest queued escalation into @out: 1, 0 when none is left,
 * -EAGAIN while reading it back from the journal (call again). One that
 * was acknowledged meanwhile is dropped; one the journal no longer holds
 * counts as failed. */
static int ga_hook_esc_next(struct ga_hook_slot *s, struct ga_msg *out)
{
	struct ga_hooks *hs = s->hs;

	while (s->esc_len) {
		uint32_t seq = s->esc[s->esc_head];
		const struct ga_msg *m = hs->store ? ga_store_find(hs->store, seq)
						   : NULL;
		bool acked = ga_journal_acked(hs->j, seq) || (m && m->acked);
		int rc = 0;

		if (!acked && !m) {
			if (!s->esc_scan) {
				memset(&s->esc_cur, 0, sizeof(s->esc_cur));
				s->esc_scan = true;
			}
			rc = ga_journal_next(hs->j, &s->esc_cur, seq - 1, out,
					     GA_HOOK_SCAN_BUDGET);
			if (rc == -EAGAIN) {
				return rc;
			}
			s->esc_scan = false;
			acked = rc == 1 && out->seq == seq && out->acked;
		}
		s->esc_head = (s->esc_head + 1) % GA_HOOK_ESC_MAX;
		s->esc_len--;
		if (s->queued) {
			s->queued--;
		}
		if (acked) {
			ga_log(LOG_INFO, "hook %s: seq %u acknowledged before its "
			       "escalation ran: skipped", s->conf.name, seq);
			continue;
		}
		if (m) {
			*out = *m;
			return 1;
		}
		if (rc == 1 && out->seq == seq) {
			return 1;
		}
		ga_log(LOG_ERR, "hook %s: seq %u (escalated): no longer in the "
		       "journal, not run", s->conf.name, seq);
		s->failed++;
		s->failing = true;
	}
	return 0;
}

/* Start events for the free run slots, escalations first, then the
 * journal's events in order; at most max_running busy at once. */
static void ga_hook_pump(struct ga_hook_slot *s)
{
	struct ga_hooks *hs = s->hs;
	unsigned int busy = 0;

	if (!s->used) {
		return;
	}
	for (unsigned int i = 0; i < GA_CONF_HOOK_RUN_MAX; i++) {
		busy += s->run[i].busy;
	}
	for (unsigned int i = 0; i < GA_CONF_HOOK_RUN_MAX &&
	     busy < s->conf.max_running; i++) {
		struct ga_hook_run *r = &s->run[i];
		int rc;

		if (r->busy) {
			continue;
		}
		rc = ga_hook_esc_next(s, &r->msg);
		if (rc == -EAGAIN) {
			ga_timer_set(hs->loop, &s->kick, 0);
			return;
		}
		if (rc == 1) {
			r->esc = true;
			r->attempt = 0;
			r->busy = true;
			busy++;
			ga_hook_start(r);
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
		r->esc = false;
		r->attempt = 0;
		r->busy = true;
		busy++;
		ga_hook_start(r);
	}
	ga_hook_watermark(s);
}

int ga_hook_escalate(struct ga_hooks *hs, const char *hook, uint32_t seq)
{
	for (unsigned int i = 0; i < hs->n; i++) {
		struct ga_hook_slot *s = &hs->slot[i];

		if (!s->used || strcmp(s->conf.name, hook) != 0) {
			continue;
		}
		if (s->esc_len == GA_HOOK_ESC_MAX) {
			ga_log(LOG_ERR, "hook %s: seq %u (escalated): %u "
			       "escalations already wait, not run", hook, seq,
			       GA_HOOK_ESC_MAX);
			s->failed++;
			s->failing = true;
			return -ENOSPC;
		}
		s->esc[(s->esc_head + s->esc_len) % GA_HOOK_ESC_MAX] = seq;
		s->esc_len++;
		s->queued++;
		ga_log(LOG_INFO, "hook %s: seq %u escalated: queued", hook, seq);
		ga_timer_set(hs->loop, &s->kick, 0);
		return 0;
	}
	ga_log(LOG_WARNING, "seq %u escalated, but hook %s is not running",
	       seq, hook);
	return -ENOENT;
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
		s->completed |= !r->esc; /* an escalation moves no watermark */
		s->failing = false;
		r->busy = false;
		ga_timer_set(hs->loop, &s->kick, 0); /* next: from the loop */
		return;
	}
	if (r->timed_out) {
		snprintf(why, sizeof(why), "timed out after %us, killed",
			 r->timeout_s);
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
		ga_log(LOG_WARNING, "hook %s: seq %u%s: %s (attempt %u of %u, "
		       "again in %us): %s", s->conf.name, r->msg.seq,
		       r->esc ? " (escalated)" : "", why,
		       r->attempt + 1, s->conf.retry + 1, backoff, r->errline);
		r->attempt++;
		r->timer.cb = ga_hook_retry_cb;
		ga_timer_set(hs->loop, &r->timer, backoff * 1000u);
		return;
	}
	ga_log(LOG_ERR, "hook %s: seq %u%s: %s (attempt %u of %u, giving up): %s",
	       s->conf.name, r->msg.seq, r->esc ? " (escalated)" : "", why,
	       r->attempt + 1, s->conf.retry + 1, r->errline);
	s->failed++;
	s->completed |= !r->esc;
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
 * async-signal-safe calls after fork; the groups were resolved at setup
 * or reload, the descriptors are the run's reserved ones. */
static pid_t ga_hook_fork_as(const struct ga_hook_slot *s, struct ga_hook_run *r)
{
	pid_t pid = fork();

	if (pid != 0) {
		return pid;
	}
	{
		sigset_t none;

		(void)setpgid(0, 0);
		if (dup2(r->fd_in, 0) < 0 || dup2(s->hs->null_fd, 1) < 0 ||
		    dup2(r->fd_err, 2) < 0) {
			_exit(127);
		}
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
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

/* Point the run's reserved descriptors at /dev/null again: our copies
 * of the pipe ends must close, or the hook's stderr never reaches EOF. */
static void ga_hook_fds_idle(struct ga_hook_run *r)
{
	int null = r->slot->hs->null_fd;

	(void)dup3(null, r->fd_in, O_CLOEXEC);
	(void)dup3(null, r->fd_err, O_CLOEXEC);
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
	r->timeout_s = s->conf.timeout_s;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		rc = -errno;
		goto fail;
	}
	/* the child's ends onto the descriptors the file actions name */
	if (dup3(in[0], r->fd_in, O_CLOEXEC) < 0 ||
	    dup3(err[1], r->fd_err, O_CLOEXEC) < 0) {
		rc = -errno;
		ga_hook_fds_idle(r);
		goto fail;
	}
	close(in[0]);
	close(err[1]);
	in[0] = err[1] = -1;
	if (s->as_user) {
		pid = ga_hook_fork_as(s, r);
		rc = pid < 0 ? -errno : 0;
	} else {
		/* file actions and attributes were built at setup: no
		 * posix_spawn_file_actions_*() call (glibc allocates in
		 * them) runs per event */
		rc = -posix_spawn(&pid, s->argv[0], &r->fa, &hs->attr, s->argv,
				  r->envp);
	}
	ga_hook_fds_idle(r);
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
	ga_timer_set(hs->loop, &r->timer, r->timeout_s * 1000u);
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
	hs->null_fd = -1;
}

/* A descriptor on /dev/null at 3 or above (0..2 are the child's own
 * targets, and a dup2 onto itself would keep FD_CLOEXEC). -errno. */
static int ga_hook_null_dup(const struct ga_hooks *hs)
{
	int fd = fcntl(hs->null_fd, F_DUPFD_CLOEXEC, 3);

	return fd < 0 ? -errno : fd;
}

/* Reserve and set up a hook's runs: buffers, the two descriptors of each
 * and its spawn file actions (glibc allocates in them: here, at setup or
 * reload, never per event). 0 or -errno. */
static int ga_hook_runs_setup(struct ga_hook_slot *s)
{
	struct ga_hooks *hs = s->hs;

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
		r->fd_in = r->fd_err = -1;
	}
	for (unsigned int k = 0; k < GA_CONF_HOOK_RUN_MAX; k++) {
		struct ga_hook_run *r = &s->run[k];

		r->fd_in = ga_hook_null_dup(hs);
		if (r->fd_in < 0) {
			return r->fd_in;
		}
		r->fd_err = ga_hook_null_dup(hs);
		if (r->fd_err < 0) {
			return r->fd_err;
		}
		if (posix_spawn_file_actions_init(&r->fa)) {
			return -ENOMEM;
		}
		r->fa_ok = true;
		if (posix_spawn_file_actions_adddup2(&r->fa, r->fd_in, 0) ||
		    posix_spawn_file_actions_adddup2(&r->fa, hs->null_fd, 1) ||
		    posix_spawn_file_actions_adddup2(&r->fa, r->fd_err, 2)) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* Kill @s's children and release its runs: the hook left the config, or
 * the daemon stops (their events run again: at least once). */
static void ga_hook_slot_stop(struct ga_hook_slot *s)
{
	struct ga_hooks *hs = s->hs;

	for (unsigned int k = 0; s->run && k < GA_CONF_HOOK_RUN_MAX; k++) {
		struct ga_hook_run *r = &s->run[k];

		if (r->running) {
			(void)kill(-r->pid, SIGKILL);
			(void)waitpid(r->pid, NULL, 0);
			r->running = false;
		}
		r->busy = false;
		if (hs->loop) {
			ga_hook_close_fd(hs, &r->pidfd);
			ga_hook_close_fd(hs, &r->in);
			ga_hook_close_fd(hs, &r->err);
			ga_timer_cancel(hs->loop, &r->timer);
		}
		if (r->fa_ok) {
			posix_spawn_file_actions_destroy(&r->fa);
			r->fa_ok = false;
		}
		if (r->fd_in >= 0) {
			close(r->fd_in);
		}
		if (r->fd_err >= 0) {
			close(r->fd_err);
		}
		r->fd_in = r->fd_err = -1;
	}
	if (hs->loop) {
		ga_timer_cancel(hs->loop, &s->kick);
	}
	if (s->wm) {
		s->wm->live = false; /* compaction no longer keeps its events */
	}
	free(s->run);
	s->run = NULL;
	s->used = false;
}

static int ga_hook_user(struct ga_hook_slot *s, bool root)
{
	struct passwd *pw;

	s->as_user = false;
	if (s->conf.user[0] && !root && geteuid() != 0 &&
	    !s->hs->conf->system.user[0]) {
		ga_log(LOG_WARNING, "hook %s: user = %s ignored: gridalertd is "
		       "not running as root", s->conf.name, s->conf.user);
	}
	if (!s->conf.user[0] || !root) {
		return 0; /* the daemon's own user ([system] user checked it) */
	}
	pw = getpwnam(s->conf.user); /* setup or reload only */
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

/* Take @h's command and user into @s. 0 or -errno (logged). */
static int ga_hook_slot_conf(struct ga_hook_slot *s, const struct ga_conf_hook *h)
{
	s->conf = *h;
	if (ga_hook_argv(s->conf.command, s->argbuf, s->argv) < 0) {
		ga_log(LOG_ERR, "hook %s: bad command", s->conf.name);
		return -EINVAL; /* gridalertd -t reports it */
	}
	return ga_hook_user(s, s->hs->root);
}

/* Start hook @h in the free slot @s: runs, watermark (a hook the journal
 * does not know starts at its end), queued count, first pump. With @sync
 * (at start) the new watermark is synced at once; at a reload it becomes
 * durable with the next sync, so that a reload never makes other records
 * durable out of turn (lost in a crash, the hook starts at the end again
 * at the next start). 0 or -errno; on error the slot is free again. */
static int ga_hook_slot_start(struct ga_hooks *hs, struct ga_hook_slot *s,
			      const struct ga_conf_hook *h, bool sync)
{
	struct ga_journal *j = hs->j;
	struct ga_journal_cursor cur = { 0 };
	bool fresh = false;
	int err;

	memset(s, 0, sizeof(*s));
	s->hs = hs;
	s->kick.cb = ga_hook_kick_cb;
	s->used = true;
	err = ga_hook_runs_setup(s);
	if (!err) {
		err = ga_hook_slot_conf(s, h);
	}
	if (!err) {
		s->wm = ga_journal_hook(j, s->conf.name);
		err = s->wm ? 0 : -ENOSPC;
	}
	if (!err && !s->wm->known) {
		/* a new hook starts with the events from now on */
		fresh = true;
		err = ga_journal_hook_done(j, s->wm, j->next_seq - 1);
		if (!err && sync) {
			err = ga_journal_sync(j);
		}
	}
	if (err) {
		ga_hook_slot_stop(s);
		return err;
	}
	s->wm->live = true;
	s->scanned = s->wm->done;
	/* queued: what the last run left (one read of the file; a new hook
	 * has nothing left) */
	while (!fresh && ga_journal_next(j, &cur, s->wm->done, &hs->scratch,
					 UINT32_MAX) == 1) {
		s->queued += ga_hook_wants(s, hs->conf, &hs->scratch);
	}
	ga_log(LOG_INFO, "hook %s: %s, %lu event(s) to run", s->conf.name,
	       s->conf.command, s->queued);
	ga_timer_set(hs->loop, &s->kick, 0);
	return 0;
}

/* What every child shares: /dev/null for its stdout and the spawn
 * attributes, once, when the first hook starts. 0 or -errno. */
static int ga_hook_common(struct ga_hooks *hs)
{
	sigset_t none, def;

	if (hs->attr_ok) {
		return 0;
	}
	if (hs->null_fd < 0) {
		int fd;

		hs->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (hs->null_fd < 0) {
			return -errno;
		}
		fd = ga_hook_null_dup(hs);
		close(hs->null_fd);
		hs->null_fd = fd; /* at 3 or above */
		if (fd < 0) {
			return fd;
		}
	}
	/* the same for every child: built once */
	if (posix_spawnattr_init(&hs->attr)) {
		return -ENOMEM;
	}
	hs->attr_ok = true;
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE); /* the daemon ignores it */
	sigaddset(&def, SIGHUP);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGINT);
	/* the loop blocks HUP/TERM/INT for its signalfd */
	posix_spawnattr_setsigmask(&hs->attr, &none);
	posix_spawnattr_setsigdefault(&hs->attr, &def);
	posix_spawnattr_setpgroup(&hs->attr, 0);
	posix_spawnattr_setflags(&hs->attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	return 0;
}

int ga_hook_setup(struct ga_hooks *hs, struct ga_loop *l, struct ga_journal *j,
		  const struct ga_conf *conf, bool root)
{
	hs->loop = l;
	hs->j = j;
	hs->conf = conf;
	hs->root = root;
	if (!conf->nhooks) {
		return 0; /* no descriptors or attributes for nothing */
	}
	{
		int err = ga_hook_common(hs);

		if (err) {
			return err;
		}
	}
	for (unsigned int i = 0; i < conf->nhooks; i++) {
		int err = ga_hook_slot_start(hs, &hs->slot[i], &conf->hook[i],
					     true);

		hs->n = i + 1;
		if (err) {
			return err;
		}
	}
	return 0;
}

void ga_hook_note(struct ga_hooks *hs, const struct ga_msg *m)
{
	const char *hook;

	if (!hs->n) {
		return;
	}
	hook = ga_rules_hook(hs->conf, m->cls, ga_rules_match(hs->conf, m));
	for (unsigned int i = 0; i < hs->n; i++) {
		struct ga_hook_slot *s = &hs->slot[i];

		if (!s->used) {
			continue;
		}
		if (strcmp(hook, s->conf.name) == 0) {
			s->queued++;
		}
		/* every hook: the others move their watermark past it */
		ga_timer_set(hs->loop, &s->kick, 0);
	}
}

void ga_hook_reconf(struct ga_hooks *hs, const struct ga_conf *conf)
{
	bool done[GA_CONF_HOOKS_MAX] = { false };

	hs->conf = conf;
	/* kept and changed hooks in place, removed ones stopped */
	for (unsigned int i = 0; i < hs->n; i++) {
		struct ga_hook_slot *s = &hs->slot[i];
		const struct ga_conf_hook *h = NULL;
		unsigned int k;

		if (!s->used) {
			continue;
		}
		for (k = 0; k < conf->nhooks && !h; k++) {
			if (strcmp(conf->hook[k].name, s->conf.name) == 0) {
				h = &conf->hook[k];
				done[k] = true;
			}
		}
		if (!h) {
			ga_log(LOG_NOTICE, "reload: hook %s removed: its running "
			       "children are killed; unfinished events run if "
			       "it comes back", s->conf.name);
			ga_hook_slot_stop(s);
			continue;
		}
		if (memcmp(h, &s->conf, sizeof(*h)) == 0) {
			continue;
		}
		if (ga_hook_slot_conf(s, h)) {
			ga_log(LOG_ERR, "reload: hook %s stopped", h->name);
			ga_hook_slot_stop(s);
			continue;
		}
		ga_log(LOG_NOTICE, "reload: hook %s changed: %s from its next run",
		       h->name, h->command);
		ga_timer_set(hs->loop, &s->kick, 0); /* max_running may be up */
	}
	/* new hooks in free slots */
	for (unsigned int k = 0; k < conf->nhooks; k++) {
		unsigned int i = 0;
		int err;

		if (done[k]) {
			continue;
		}
		while (i < GA_CONF_HOOKS_MAX && hs->slot[i].used) {
			i++;
		}
		if (i == GA_CONF_HOOKS_MAX) {
			break; /* cannot happen: as many slots as config hooks */
		}
		err = ga_hook_common(hs);
		if (!err) {
			err = ga_hook_slot_start(hs, &hs->slot[i], &conf->hook[k],
						 false);
		}
		if (i >= hs->n) {
			hs->n = i + 1;
		}
		if (err) {
			ga_log(LOG_ERR, "reload: hook %s not started: %s",
			       conf->hook[k].name, strerror(-err));
		} else {
			ga_log(LOG_NOTICE, "reload: hook %s added", conf->hook[k].name);
		}
	}
}

void ga_hook_free(struct ga_hooks *hs)
{
	for (unsigned int i = 0; i < hs->n; i++) {
		ga_hook_slot_stop(&hs->slot[i]);
	}
	hs->n = 0;
	if (hs->attr_ok) {
		posix_spawnattr_destroy(&hs->attr);
		hs->attr_ok = false;
	}
	if (hs->null_fd >= 0) {
		close(hs->null_fd);
		hs->null_fd = -1;
	}
}
