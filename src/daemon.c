/* daemon.c - gridalertd's modules wired together (see daemon.h).
 *
 * Data flow (docs/architecture.md): server (socket, TLS, HTTP) -> webhook -> eventgrid
 * -> the sink below -> journal (append; fsync once per loop iteration for
 * every request that completed in it) -> store + alert -> LCD and GPIO.
 */
#include "daemon.h"
#include "daemon_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alarm.h"
#include "alert.h"
#include "ctl_rules.h"
#include "rules.h"
#include "config.h"
#include "confedit.h"
#include "ctl.h"
#include "gpio.h"
#include "history.h"
#include "lcd.h"
#include "eventgrid.h"
#include "journal.h"
#include "json.h"
#include "log.h"
#include "loop.h"
#include "server.h"
#include "store.h"
#include "tls.h"
#include "webhook.h"
#include "pull.h"
#include "privdrop.h"
#include "hook.h"
#include "watchdog.h"

/* fds: listeners (4) + connections + 1 spare + ctl (1 + clients) + the
 * signalfd + GPIO edge fds and LCD/watchdog spares (8). */
#define GA_DAEMON_EXTRA_FDS (4 + 1 + 1 + GA_CTL_CLIENTS_MAX + 1 + 8 + GA_HOOK_FDS)
/* SIGTERM: how long in-flight requests may take to finish before we exit
 * anyway (Event Grid waits 30 s for a response: Microsoft's "Event Grid
 * message delivery and retry"). */
#define GA_DAEMON_DRAIN_MS 10000u
#define GA_DAEMON_DRAIN_POLL_MS 20u


/* ---- config errors ----------------------------------------------------- */

static void ga_daemon_conf_err(void *arg, const char *line)
{
	unsigned int *n = arg;

	(*n)++;
	ga_log(LOG_ERR, "%s", line);
}

static void ga_daemon_print_err(void *arg, const char *line)
{
	unsigned int *n = arg;

	(*n)++;
	fprintf(stderr, "%s\n", line);
}

/* ---- the sink: parsed events into the journal --------------------------- */

/* Durable records reach the store (and the display) only from here. */
static void ga_daemon_apply_event(void *arg, const struct ga_msg *m, bool replay)
{
	struct ga_daemon *d = arg;
	const struct ga_msg *kept;

	if (!replay) {
		ga_hook_note(&d->hooks, m);
	}
	if (!ga_alert_admit(&d->alert, m, replay)) {
		return; /* a rule's ignore = yes: journaled and counted only */
	}
	kept = ga_store_add(&d->store, m, m->edit);
	ga_history_note_event(&d->history, m);
	if (kept) {
		ga_alert_event(&d->alert, kept, replay);
	} else if (!replay && m->cls == GA_CLASS_CHAT_DELETED) {
		ga_alert_refresh(&d->alert); /* it may have been on screen */
	}
}

static void ga_daemon_apply_ack(void *arg, uint32_t seq, bool all, bool replay)
{
	struct ga_daemon *d = arg;

	ga_history_note_ack(&d->history);
	if (all) {
		for (unsigned int i = 0;; i++) {
			const struct ga_msg *m = ga_store_nth(&d->store, i);

			if (!m) {
				break;
			}
			if (m->seq <= seq) {
				(void)ga_store_ack(&d->store, m->seq);
			}
		}
	} else {
		(void)ga_store_ack(&d->store, seq);
	}
	if (!replay) {
		ga_alert_refresh(&d->alert);
	}
}

/* An alert escalated and names escalate_hook = @hook. */
static void ga_daemon_escalate(void *arg, const struct ga_msg *m,
			       const char *hook)
{
	struct ga_daemon *d = arg;

	(void)ga_hook_escalate(&d->hooks, hook, m->seq); /* logs its errors */
}

static void ga_daemon_show(void *arg, struct ga_span head, struct ga_span body)
{
	ga_lcd_show_text(arg, head, body);
}

static void ga_daemon_gpio_set(void *arg, enum ga_output o, bool on)
{
	ga_gpio_set(arg, o, on);
}

/* The LCD's "1/m": every unacknowledged message in the journal. Counted
 * once after an acknowledgement (one pass over the file), then kept up
 * to date per event without reading. */
static int ga_daemon_count(void *arg, unsigned long *n)
{
	struct ga_daemon *d = arg;

	return ga_history_unacked(&d->history, n);
}

/* After each journal sync (a compaction may have filled or freed it):
 * the LCD and the alarms say when new events are being refused. */
int ga_daemon_synced(struct ga_daemon *d, int err)
{
	ga_alert_journal_full(&d->alert, d->journal.full);
	return err;
}

int ga_daemon_ack(struct ga_daemon *d, uint32_t seq, bool all)
{
	int err = ga_journal_ack(&d->journal, seq, all);

	return err ? err : ga_daemon_synced(d, ga_journal_sync(&d->journal));
}

/* The acknowledge button: everything shown and alarmed is seen. */
static void ga_daemon_press(void *arg)
{
	struct ga_daemon *d = arg;
	unsigned long n = 0;
	int err;

	/* the journal's count: older messages than memory holds (a full
	 * journal) are acknowledged by the button too */
	if (!ga_store_unacked(&d->store) &&
	    (ga_history_unacked(&d->history, &n) || n == 0)) {
		return;
	}
	err = ga_daemon_ack(d, d->journal.next_seq - 1, true);
	ga_log(err ? LOG_ERR : LOG_INFO, "ack button: %s",
	       err ? strerror(-err) : "all acknowledged");
}

static void ga_daemon_sink_begin(void *arg)
{
	struct ga_daemon *d = arg;

	d->mark = ga_journal_mark(&d->journal);
	d->batch_appended = 0;
}

/* A [rule.NAME] with ignore = yes matches @m. */
static bool ga_daemon_ignored(const struct ga_daemon *d, const struct ga_msg *m)
{
	bool any = false;
	int rule;

	for (unsigned int i = 0; i < d->conf->nrules; i++) {
		any |= d->conf->rule[i].ignore;
	}
	if (!any) {
		return false; /* the usual case: no need to match twice */
	}
	rule = ga_rules_match(d->conf, m);
	return rule >= 0 && d->conf->rule[rule].ignore;
}

/* One parsed event: dedupe, then append to the journal (not yet durable:
 * the server's commit hook fsyncs before answering). */
static int ga_daemon_sink_event(void *arg, const struct ga_event *ev)
{
	struct ga_daemon *d = arg;
	int err;

	if (ev->cls == GA_CLASS_IGNORED && !d->conf->journal.keep_ignored) {
		return GA_SINK_IGNORED;
	}
	if (ga_journal_seen(&d->journal, ga_event_key(ev->id, ev->source))) {
		return GA_SINK_DUPLICATE;
	}
	if (ga_eventgrid_to_msg(ev, (int64_t)time(NULL), &d->scratch)) {
		return GA_SINK_IGNORED;
	}
	/* written acknowledged and hidden: a flood of ignored SMS can never
	 * hold the journal full, and history never lists them */
	d->scratch.hidden = d->scratch.acked = ga_daemon_ignored(d, &d->scratch);
	err = ga_journal_append(&d->journal, &d->scratch);
	if (err) {
		return err;
	}
	d->batch_appended++;
	return ev->cls == GA_CLASS_IGNORED ? GA_SINK_IGNORED : GA_SINK_ACCEPTED;
}

/* End of a batch: undo it, or say whether it wrote something to sync. */
static bool ga_daemon_batch_end(void *arg, bool ok)
{
	struct ga_daemon *d = arg;

	if (!ok) {
		ga_journal_rollback(&d->journal, &d->mark);
		return false;
	}
	return d->batch_appended > 0;
}

/* A request's batch waits for the group commit: remember the failure
 * count when the first such batch was appended. */
static bool ga_daemon_sink_end(void *arg, bool ok)
{
	struct ga_daemon *d = arg;
	bool wrote = ga_daemon_batch_end(arg, ok);

	if (wrote && !d->unsynced) {
		d->unsynced = true;
		d->unsynced_epoch = d->journal.stats.sync_failures;
	}
	return wrote;
}

static const struct ga_sink_ops ga_daemon_sink = {
	.begin = ga_daemon_sink_begin,
	.event = ga_daemon_sink_event,
	.end = ga_daemon_sink_end,
};

/* Pull's batches are synced at once by pull itself (ga_daemon_pull_commit,
 * in the same callback), so they stay out of the group commit's record of
 * unsynced requests. */
static const struct ga_sink_ops ga_daemon_pull_sink = {
	.begin = ga_daemon_sink_begin,
	.event = ga_daemon_sink_event,
	.end = ga_daemon_batch_end,
};

static int ga_daemon_pull_commit(void *arg)
{
	struct ga_daemon *d = arg;

	return ga_daemon_synced(d, ga_journal_sync(&d->journal));
}

/* The group commit: one fsync for every request of this loop iteration. */
static int ga_daemon_commit(void *arg)
{
	struct ga_daemon *d = arg;
	int err = ga_daemon_synced(d, ga_journal_sync(&d->journal));

	if (!err && d->unsynced &&
	    d->journal.stats.sync_failures != d->unsynced_epoch) {
		err = -EIO; /* another caller's failed sync cut our records */
	}
	d->unsynced = false;
	return err;
}

/* Present only in the gridalertd-alloc test build (tests/alloc): counts our
 * own heap calls after "ready", which must stay 0. */
void ga_alloc_mark_ready(void) __attribute__((weak));

/* ---- reload, signals, drain ---------------------------------------------- */

static void ga_daemon_reload_err(void *arg, const char *line)
{
	struct ga_ctl_out *o = arg;

	ga_log(LOG_ERR, "reload: %s", line);
	if (o) {
		ga_ctl_printf(o, "%s\n", line);
	}
}

int ga_daemon_reload(struct ga_daemon *d, struct ga_ctl_out *o)
{
	struct ga_conf *next = d->conf == &d->confs[0] ? &d->confs[1]
							: &d->confs[0];
	unsigned int nerr = 0;
	int err;

	err = ga_conf_load(next, d->conf_path, ga_daemon_reload_err, o, &nerr);
	if (err) {
		d->reload_failures++;
		ga_log(LOG_ERR, "reload: %s has %u error(s); keeping the running "
		       "configuration", d->conf_path, nerr);
		if (o) {
			ga_ctl_printf(o, "config not reloaded: %u error(s)\n", nerr);
		}
		return -EINVAL;
	}
	if (d->tls && next->server.tls) {
		err = ga_tls_server_reload(d->tls, next, ga_daemon_reload_err, o);
		if (err) {
			d->reload_failures++;
			ga_log(LOG_ERR, "reload: certificate or key unusable; "
			       "keeping the running configuration");
			return err;
		}
	}
	/* Listen addresses and max_connections belong to the sockets and
	 * slots made at start. */
	if (strcmp(next->system.user, d->conf->system.user) ||
	    strcmp(next->system.watchdog, d->conf->system.watchdog)) {
		ga_log(LOG_WARNING, "reload: [system] user and watchdog change "
		       "after a restart");
	}
	if (next->server.nlisten != d->conf->server.nlisten ||
	    next->server.max_connections != d->conf->server.max_connections) {
		ga_log(LOG_WARNING, "reload: listen and max_connections change "
		       "after a restart");
	}
	/* Every module that keeps a pointer moves to the new struct now:
	 * the old one is the next reload's scratch. Drivers and pins are
	 * opened at start; they change with a restart. */
	d->conf = next;
	d->webhook.conf = next;
	d->lcd.conf = next;
	d->gpio.conf = next;
	/* hooks first: an alert the new rules escalate may name a new hook */
	ga_hook_reconf(&d->hooks, next);
	ga_alert_reconf(&d->alert, next);
	d->journal.max_bytes = next->journal.max_bytes;
	ga_server_reconf(&d->server, next);
	if (ga_pull_reconf(&d->pull, next)) {
		ga_log(LOG_ERR, "reload: pull: out of memory");
	}
	d->reloads++;
	ga_log(LOG_NOTICE, "reloaded %s", d->conf_path);
	return 0;
}

static void ga_daemon_drain_cb(struct ga_timer *t)
{
	struct ga_daemon *d = ga_container_of(t, struct ga_daemon, drain);

	if (ga_server_drain(&d->server) ||
	    ga_loop_now_ms(&d->loop) >= d->drain_deadline_ms) {
		ga_loop_stop(&d->loop);
		return;
	}
	ga_timer_set(&d->loop, &d->drain, GA_DAEMON_DRAIN_POLL_MS);
}

static void ga_daemon_signal(struct ga_loop *l, int signo)
{
	struct ga_daemon *d = ga_container_of(l, struct ga_daemon, loop);

	switch (signo) {
	case SIGHUP:
		(void)ga_daemon_reload(d, NULL);
		break;
	case SIGTERM:
	case SIGINT:
		if (d->drain.armed) {
			break;
		}
		ga_log(LOG_NOTICE, "signal %d: finishing in-flight requests",
		       signo);
		d->drain_deadline_ms = ga_loop_now_ms(l) + GA_DAEMON_DRAIN_MS;
		ga_daemon_drain_cb(&d->drain);
		break;
	default:
		break;
	}
}

/* ---- setup --------------------------------------------------------------- */

struct ga_daemon *ga_daemon_new(const struct ga_daemon_opts *opts)
{
	struct ga_daemon *d;
	unsigned int nerr = 0;
	int err;

	d = calloc(1, sizeof(*d)); /* setup-only */
	if (!d) {
		return NULL;
	}
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", opts->conf_path);
	d->foreground = opts->foreground;
	d->conf = &d->confs[0];
	ga_loop_init(&d->loop);
	ga_server_init(&d->server);
	ga_journal_init(&d->journal);
	ga_history_init(&d->history);
	ga_lcd_init(&d->lcd);
	ga_gpio_init(&d->gpio);
	ga_ctl_init(&d->ctl);
	ga_pull_init(&d->pull);
	ga_watchdog_init(&d->wd);
	ga_hook_init(&d->hooks);
	d->drain.cb = ga_daemon_drain_cb;
	d->confirm.cb = ga_ctl_cmds_confirm_expired;
	ga_confedit_init(&d->edit, d->conf_path);

	err = ga_conf_load(d->conf, d->conf_path, ga_daemon_conf_err, &nerr,
			   &nerr);
	if (err) {
		if (err != -EINVAL) {
			ga_log(LOG_ERR, "%s: %s", d->conf_path, strerror(-err));
		}
		ga_log(LOG_ERR, "not starting: %s has errors", d->conf_path);
		goto fail;
	}
	err = ga_loop_setup(&d->loop, d->conf->server.max_connections + 1 +
					       GA_DAEMON_EXTRA_FDS);
	if (!err) {
		err = ga_loop_signals(&d->loop, ga_daemon_signal);
	}
	if (err) {
		ga_log(LOG_ERR, "event loop: %s", strerror(-err));
		goto fail;
	}
	d->start_ms = ga_loop_now_ms(&d->loop);
	if (d->conf->server.tls) {
		d->tls = ga_tls_server_new(d->conf, NULL, NULL);
		if (!d->tls) {
			ga_log(LOG_ERR, "not starting: TLS setup failed");
			goto fail;
		}
		ga_log(LOG_NOTICE, "certificate %s %s", d->conf->server.cert,
		       ga_tls_server_fingerprint(d->tls));
	}
	ga_store_init(&d->store);
	err = ga_lcd_setup(&d->lcd, d->conf, &d->loop);
	if (!err) {
		err = ga_gpio_setup(&d->gpio, d->conf, &d->loop, ga_daemon_press, d);
	}
	if (err) {
		ga_log(LOG_ERR, "not starting: lcd/gpio setup: %s", strerror(-err));
		goto fail;
	}
	ga_alarm_setup(&d->alarm, &d->loop, ga_daemon_gpio_set, &d->gpio);
	ga_alert_setup(&d->alert, d->conf, &d->loop, &d->store, &d->alarm,
		       ga_daemon_show, &d->lcd);
	ga_alert_set_count(&d->alert, ga_daemon_count, d);
	{
		const struct ga_journal_apply apply = {
			.event = ga_daemon_apply_event,
			.ack = ga_daemon_apply_ack,
			.arg = d,
		};

		err = ga_history_setup(&d->history, &d->journal, &d->store);
		if (!err) {
			err = ga_journal_open(&d->journal, d->conf, &apply);
		}
		if (err) {
			ga_log(LOG_ERR, "not starting: journal %s: %s",
			       d->conf->journal.path, strerror(-err));
			goto fail;
		}
		/* what was unacknowledged before the power cut shows again,
		 * and a journal still full says so */
		ga_alert_journal_full(&d->alert, d->journal.full);
		/* hooks run their children as a user only while we are root */
		d->hooks.store = &d->store;
		err = ga_hook_setup(&d->hooks, &d->loop, &d->journal, d->conf,
				    geteuid() == 0 && !d->conf->system.user[0]);
		if (err) {
			ga_log(LOG_ERR, "not starting: hooks: %s", strerror(-err));
			goto fail;
		}
		/* after the hooks: alerts overdue now run escalate_hook again */
		ga_alert_set_escalate(&d->alert, ga_daemon_escalate, d);
		ga_alert_refresh(&d->alert);
	}
	ga_eventgrid_init(&d->eg);
	ga_webhook_init(&d->webhook, d->conf, &d->eg, &ga_daemon_sink, d);
	err = ga_server_setup(&d->server, &d->loop, d->conf, d->tls,
			      &d->webhook, ga_daemon_commit, d);
	if (err) {
		ga_log(LOG_ERR, "not starting: listen: %s", strerror(-err));
		goto fail;
	}
	{
		const struct ga_pull_ops pops = {
			.sink = &ga_daemon_pull_sink,
			.sink_arg = d,
			.commit = ga_daemon_pull_commit,
		};

		err = ga_pull_setup(&d->pull, &d->loop, d->conf, &d->eg, &pops);
		if (err) {
			ga_log(LOG_ERR, "not starting: pull: %s", strerror(-err));
			goto fail;
		}
	}
	err = ga_ctl_setup(&d->ctl, &d->loop, d->conf->control.socket,
			   d->conf->control.group, ga_ctl_cmds,
			   ga_ctl_ncmds, d);
	if (err) {
		ga_log(LOG_ERR, "not starting: control socket %s: %s",
		       d->conf->control.socket,
		       err == -EADDRINUSE ? "another gridalertd is running"
					  : strerror(-err));
		goto fail;
	}
	/* Everything that needs root is open now: the watchdog device
	 * last, so a failed start never leaves it armed for long. */
	err = ga_watchdog_setup(&d->wd, &d->loop, d->conf->system.watchdog);
	if (err) {
		ga_log(LOG_ERR, "not starting: watchdog %s: %s",
		       d->conf->system.watchdog, strerror(-err));
		goto fail;
	}
	{
		const int own[] = { d->journal.dirfd, d->journal.fd };

		err = ga_privdrop(d->conf->system.user, own, GA_ARRAY_SIZE(own));
		if (err) {
			ga_log(LOG_ERR, "not starting: cannot become %s",
			       d->conf->system.user);
			goto fail;
		}
		if (d->conf->system.user[0]) {
			ga_privdrop_check("config", d->conf_path, true);
			if (d->tls) {
				ga_privdrop_check("key", d->conf->server.key, false);
			}
		}
	}
	{
		char listen[256], status[300];

		ga_server_listen_str(&d->server, listen, sizeof(listen));
		if (ga_alloc_mark_ready) {
			ga_alloc_mark_ready();
		}
		ga_log(LOG_NOTICE, "ready: %s on %s, control %s", d->tls ? "https" : "http",
		       listen, d->conf->control.socket);
		snprintf(status, sizeof(status), "serving %s on %s",
			 d->tls ? "https" : "http", listen);
		ga_watchdog_ready(&d->wd, status);
	}
	return d;
fail:
	ga_daemon_free(d);
	return NULL;
}

int ga_daemon_run(struct ga_daemon *d)
{
	int err = ga_loop_run(&d->loop);

	ga_watchdog_stopping(&d->wd);
	if (err) {
		ga_log(LOG_ERR, "event loop: %s", strerror(-err));
		return 1;
	}
	ga_log(LOG_NOTICE, "stopped");
	return d->exit_code;
}

void ga_daemon_free(struct ga_daemon *d)
{
	if (!d) {
		return;
	}
	/* a clean exit disarms the watchdog (a crash does not get here) */
	ga_watchdog_close(&d->wd, true);
	ga_ctl_close(&d->ctl);
	ga_pull_close(&d->pull);
	ga_server_close(&d->server);
	if (d->alert.loop) {
		ga_alert_close(&d->alert);
		ga_alarm_close(&d->alarm);
	}
	ga_gpio_close(&d->gpio);
	ga_lcd_close(&d->lcd);
	ga_tls_server_free(d->tls);
	ga_hook_free(&d->hooks);
	ga_journal_close(&d->journal);
	ga_history_close(&d->history);
	ga_loop_free(&d->loop);
	free(d);
}

int ga_daemon_check(const char *conf_path)
{
	static struct ga_conf conf; /* large; not on the stack */
	struct ga_tls_server *tls;
	unsigned int nerr = 0;
	int err;

	err = ga_conf_load(&conf, conf_path, ga_daemon_print_err, &nerr, NULL);
	if (err && err != -EINVAL) {
		fprintf(stderr, "%s: %s\n", conf_path, strerror(-err));
		return 1;
	}
	if (!err && conf.server.tls) {
		/* auto_cert would create files: -t only checks what exists. */
		if (conf.server.auto_cert && (access(conf.server.cert, F_OK) ||
					      access(conf.server.key, F_OK))) {
			printf("%s: certificate will be created at first start "
			       "(auto_cert = yes)\n", conf_path);
		} else {
			tls = ga_tls_server_new(&conf, ga_daemon_print_err, &nerr);
			ga_tls_server_free(tls);
		}
	}
	if (nerr || err) {
		fprintf(stderr, "%s: %u error(s)\n", conf_path, nerr ? nerr : 1);
		return 1;
	}
	printf("%s: ok\n", conf_path);
	return 0;
}
