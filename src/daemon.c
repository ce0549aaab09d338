/* daemon.c - gridalertd's modules wired together (see daemon.h).
 *
 * Data flow (docs/architecture.md): server (socket, TLS, HTTP) -> webhook -> eventgrid
 * -> the sink below -> journal (append; fsync once per loop iteration for
 * every request that completed in it) -> store + alert -> LCD and GPIO.
 */
#include "daemon.h"

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
#include "watchdog.h"

/* fds: listeners (4) + connections + 1 spare + ctl (1 + clients) + the
 * signalfd + GPIO edge fds and LCD/watchdog spares (8). */
#define GA_DAEMON_EXTRA_FDS (4 + 1 + 1 + GA_CTL_CLIENTS_MAX + 1 + 8)
/* SIGTERM: how long in-flight requests may take to finish before we exit
 * anyway (Event Grid waits 30 s for a response: Microsoft's "Event Grid
 * message delivery and retry"). */
#define GA_DAEMON_DRAIN_MS 10000u
#define GA_DAEMON_DRAIN_POLL_MS 20u

struct ga_daemon {
	struct ga_conf confs[2];
	struct ga_conf *conf; /* the one in use; the other is for reloads */
	char conf_path[GA_CONF_PATH_MAX];
	bool foreground;
	struct ga_loop loop;
	struct ga_tls_server *tls;
	struct ga_eventgrid eg;
	struct ga_webhook webhook;
	struct ga_server server;
	struct ga_ctl ctl;
	struct ga_store store;
	struct ga_lcd lcd;
	struct ga_gpio gpio;
	struct ga_alarm alarm;
	struct ga_alert alert;
	struct ga_journal journal;
	struct ga_history history;
	struct ga_journal_mark mark;
	unsigned int batch_appended;
	/* journal.sync_failures when the first unsynced batch was appended:
	 * a failed sync by anyone (ack, pull) cuts every unsynced record, so
	 * the group commit must not answer 200 for them afterwards. */
	unsigned long unsynced_epoch;
	bool unsynced;
	struct ga_pull pull;
	struct ga_watchdog wd;
	struct ga_msg scratch;
	struct ga_confedit edit;
	struct ga_timer confirm; /* commit confirm: roll back when it fires */
	struct ga_timer drain;
	uint64_t drain_deadline_ms;
	uint64_t start_ms;
	int exit_code;
	unsigned long reloads;
	unsigned long reload_failures;
};

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
static int ga_daemon_synced(struct ga_daemon *d, int err)
{
	ga_alert_journal_full(&d->alert, d->journal.full);
	return err;
}

static int ga_daemon_ack(struct ga_daemon *d, uint32_t seq, bool all)
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
unsigned long ga_alloc_after_ready(void) __attribute__((weak));

/* ---- ctl commands ------------------------------------------------------ */

static int ga_cmd_status(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;
	const struct ga_server_stats *ss = &d->server.stats;
	const struct ga_webhook_stats *ws = &d->webhook.stats;
	const struct ga_pull_stats *ps = &d->pull.stats;
	char listen[256];

	(void)args;
	ga_server_listen_str(&d->server, listen, sizeof(listen));
	ga_ctl_printf(o, "version: %s\n", GA_VERSION);
	ga_ctl_printf(o, "uptime_s: %llu\n",
		      (unsigned long long)((ga_loop_now_ms(&d->loop) -
					    d->start_ms) / 1000u));
	ga_ctl_printf(o, "listen: %s\n", listen);
	ga_ctl_printf(o, "tls: %s\n", d->tls ? ga_tls_version() : "off");
	ga_ctl_printf(o, "tls.fingerprint: %s\n",
		      d->tls ? ga_tls_server_fingerprint(d->tls) : "");
	ga_ctl_printf(o, "tls.contexts: %u\n", ga_tls_server_contexts(d->tls));
	ga_ctl_printf(o, "tls.handshakes: %lu\n", ss->handshakes);
	ga_ctl_printf(o, "tls.failures: %lu\n", ss->tls_failures);
	ga_ctl_printf(o, "http.connections: %lu\n", ss->connections);
	ga_ctl_printf(o, "http.active: %u\n", d->server.active);
	ga_ctl_printf(o, "http.requests: %lu\n", ss->requests);
	ga_ctl_printf(o, "http.errors: %lu\n", ss->errors);
	ga_ctl_printf(o, "http.timeouts: %lu\n", ss->timeouts);
	ga_ctl_printf(o, "http.accept_paused: %lu\n", ss->paused);
	ga_ctl_printf(o, "http.evicted: %lu\n", ss->evicted + ss->evicted_slow);
	ga_ctl_printf(o, "events.accepted: %lu\n", ws->accepted + ps->accepted);
	ga_ctl_printf(o, "events.duplicate: %lu\n", ws->duplicate + ps->duplicate);
	ga_ctl_printf(o, "events.ignored: %lu\n", ws->ignored + ps->ignored);
	ga_ctl_printf(o, "events.rejected: %lu\n", ws->rejected);
	ga_ctl_printf(o, "webhook.unauthorized: %lu\n", ws->unauthorized);
	ga_ctl_printf(o, "webhook.validations: %lu\n", ws->validations);
	{
		/* the journal's count, not only the newest the store keeps */
		unsigned long n;

		if (ga_history_unacked(&d->history, &n)) {
			n = ga_store_unacked(&d->store);
		}
		ga_ctl_printf(o, "unacked: %lu\n", n);
	}
	ga_ctl_printf(o, "journal.records: %lu\n", d->journal.stats.records);
	ga_ctl_printf(o, "journal.bytes: %llu\n",
		      (unsigned long long)d->journal.stats.bytes);
	ga_ctl_printf(o, "journal.syncs: %lu\n", d->journal.stats.syncs);
	ga_ctl_printf(o, "journal.sync_failures: %lu\n",
		      d->journal.stats.sync_failures);
	/* what each sync costs on this disk: write + fdatasync */
	ga_ctl_printf(o, "journal.sync_ms_mean: %.3f\n",
		      d->journal.stats.syncs ? (double)d->journal.stats.sync_us /
		      1000.0 / (double)d->journal.stats.syncs : 0.0);
	ga_ctl_printf(o, "journal.sync_ms_max: %.3f\n",
		      (double)d->journal.stats.sync_us_max / 1000.0);
	ga_ctl_printf(o, "journal.compactions: %lu\n",
		      d->journal.stats.compactions);
	ga_ctl_printf(o, "journal.state: %s\n",
		      d->journal.full ? "full (unacknowledged events exceed max_bytes)"
		      : d->journal.failing ? "failing" : "ok");
	ga_ctl_printf(o, "webhook.unavailable: %lu\n", ws->unavailable);
	ga_ctl_printf(o, "config.reloads: %lu\n", d->reloads);
	if (ga_alloc_after_ready) {
		ga_ctl_printf(o, "alloc.after_ready: %lu\n", ga_alloc_after_ready());
	}
	ga_ctl_printf(o, "lcd.driver: %s\n", ga_lcd_driver(&d->lcd));
	ga_ctl_printf(o, "lcd.state: %s\n", d->lcd.state);
	for (unsigned int r = 0; r < d->lcd.rows; r++) {
		char line[GA_LCD_COLS_MAX * 4 + 1];

		ga_lcd_line(&d->lcd, r, line, sizeof(line));
		ga_ctl_printf(o, "lcd.line%u: %s\n", r + 1, line);
	}
	ga_ctl_printf(o, "gpio.driver: %s\n", ga_gpio_driver(&d->gpio));
	ga_ctl_printf(o, "gpio.state: %s\n", d->gpio.state);
	for (int k = 0; k < GA_OUT__COUNT; k++) {
		ga_ctl_printf(o, "gpio.%s: %d\n", ga_output_name((enum ga_output)k),
			      d->gpio.level[k] ? 1 : 0);
	}
	ga_ctl_printf(o, "gpio.presses: %lu\n", d->gpio.presses);
	for (int k = 0; k < GA_OUT__COUNT; k++) {
		ga_ctl_printf(o, "alarm.%s: %s\n", ga_output_name((enum ga_output)k),
			      ga_pattern_name(ga_alarm_pattern(&d->alarm,
							       (enum ga_output)k)));
	}
	ga_ctl_rules_status(&d->alert, o);
	ga_ctl_printf(o, "watchdog: %s\n",
		      ga_watchdog_describe(&d->wd, listen, sizeof(listen)));
	ga_ctl_printf(o, "pull.state: %s\n", ga_pull_state(&d->pull));
	ga_ctl_printf(o, "pull.received: %lu\n", ps->received);
	ga_ctl_printf(o, "pull.acknowledged: %lu\n", ps->acknowledged);
	ga_ctl_printf(o, "pull.released: %lu\n", ps->released);
	ga_ctl_printf(o, "pull.rejected: %lu\n", ps->rejected);
	ga_ctl_printf(o, "pull.lock_failures: %lu\n", ps->lock_failures);
	return 0;
}

static void ga_daemon_msg_line(struct ga_ctl_out *o, const struct ga_msg *m)
{
	char when[32];
	struct tm tm;
	time_t t = (time_t)m->time;
	const char *who = m->from[0] ? m->from : m->sender;

	if (m->cls == GA_CLASS_SMS_FAILED || m->cls == GA_CLASS_SMS_DELIVERED) {
		who = m->to;
	} else if (m->sender[0]) {
		who = m->sender;
	}
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	ga_ctl_printf(o, "%u %s %s%s %s ", m->seq, when,
		      ga_class_name((enum ga_class)m->cls),
		      m->acked ? "" : "*", who[0] ? who : "-");
	if (m->cls == GA_CLASS_SMS_FAILED) {
		ga_ctl_printf(o, "%s%s%s%s%s%s", m->status_unknown ? "UNKNOWN " : "FAILED ",
			      m->status, m->details[0] ? ": " : "", m->details,
			      m->text[0] ? " " : "", m->text);
	} else {
		/* one line per message: newlines in a text become spaces */
		for (const char *p = m->text; *p; p++) {
			ga_ctl_write(o, (*p == '\n' || *p == '\r') ? " " : p, 1);
		}
	}
	ga_ctl_write(o, "\n", 1);
}

/* The longest line ga_daemon_msg_line() writes: seq, time, class, a
 * name, status and details, and a full text. */
#define GA_DAEMON_MSG_LINE_MAX (64 + GA_MSG_NAME_MAX + GA_MSG_STATUS_MAX + \
				GA_MSG_DETAILS_MAX + GA_MSG_TEXT_MAX)

struct ga_daemon_list {
	struct ga_ctl_out *o;
	unsigned int listed;
	uint32_t last_seq;
	bool cut; /* the reply would pass GA_CTL_REPLY_MAX */
};

static int ga_daemon_list_cb(void *arg, const struct ga_msg *m)
{
	struct ga_daemon_list *l = arg;

	if (l->o->size - l->o->len < GA_DAEMON_MSG_LINE_MAX + 64) {
		l->cut = true;
		return 1;
	}
	ga_daemon_msg_line(l->o, m);
	l->listed++;
	l->last_seq = m->seq;
	return 0;
}

/* `messages [N] [--since TIME] [--before SEQ]`: the newest N (32, or
 * every one since TIME), newest first, from memory and the journal. */
static int ga_cmd_messages(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;
	struct ga_history_query q;
	struct ga_daemon_list l = { .o = o };
	const char *why;
	unsigned long total;
	int err;

	err = ga_history_parse_query(args, (int64_t)time(NULL), &q, &why);
	if (err) {
		ga_ctl_printf(o, "%s\n", why);
		return err;
	}
	err = ga_history_list(&d->history, &q, ga_daemon_list_cb, &l, &total);
	if (err) {
		ga_ctl_printf(o, "journal: %s\n", strerror(-err));
		return err;
	}
	if (l.cut) {
		/* the reply has a bound; say how to get the rest */
		ga_ctl_printf(o, "(%u shown; more: messages %u --before %u)\n",
			      l.listed, q.n - l.listed, l.last_seq);
	}
	return 0;
}

static int ga_cmd_ack(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;
	unsigned long before = 0, after = 0;
	uint64_t seq;
	bool all = args.len == 0 || ga_span_eq(args, GA_SPAN_LIT("all"));
	bool acked = false;
	int err;

	if (!all && (ga_span_to_u64(args, UINT32_MAX, &seq) ||
		     ga_history_find(&d->history, (uint32_t)seq, &acked))) {
		ga_ctl_printf(o, "no message with seq %.*s (see: messages)\n",
			      (int)(args.len > 20 ? 20 : args.len), args.ptr);
		return -ENOENT;
	}
	if (!all && acked) {
		ga_ctl_printf(o, "acknowledged 0 (%llu already was)\n",
			      (unsigned long long)seq);
		return 0;
	}
	if (all) {
		seq = d->journal.next_seq ? d->journal.next_seq - 1 : 0;
		if (ga_history_unacked(&d->history, &before)) {
			before = ga_store_unacked(&d->store);
		}
	}
	/* An ack is journaled and synced before it is reported, so it
	 * survives a power cut like the event did. */
	err = ga_daemon_ack(d, (uint32_t)seq, all);
	if (err) {
		ga_ctl_printf(o, "journal: %s; not acknowledged\n", strerror(-err));
		return err;
	}
	if (all && ga_history_unacked(&d->history, &after)) {
		after = ga_store_unacked(&d->store);
	}
	/* what it really acknowledged: in the journal, not only in memory */
	ga_ctl_printf(o, "acknowledged %lu\n",
		      !all ? 1ul : before > after ? before - after : 0ul);
	return 0;
}

static int ga_cmd_test_lcd(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;

	(void)args;
	if (!d->lcd.bus) {
		ga_ctl_printf(o, "no LCD configured ([lcd] driver = none)\n");
		return -ENODEV;
	}
	ga_lcd_test_pattern(&d->lcd);
	ga_ctl_printf(o, "test pattern sent to %s (%s)\n", ga_lcd_driver(&d->lcd),
		      d->lcd.state);
	return 0;
}

static int ga_cmd_test_alarm(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;

	if (ga_alert_test(&d->alert, args)) {
		ga_ctl_printf(o, "usage: test alarm OUTPUT|CLASS (sms_led, fail_led, "
			      "chat_led, buzzer; sms, sms_failed, chat, ...)\n");
		return -ENOENT;
	}
	ga_ctl_printf(o, "running %.*s\n", (int)args.len, args.ptr);
	return 0;
}

static int ga_cmd_test_rule(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;

	return ga_ctl_rules_test(&d->alert, args, o);
}

static int ga_cmd_sim_press(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;
	int err = ga_gpio_sim_press(&d->gpio, args);

	if (err == -EOPNOTSUPP) {
		ga_ctl_printf(o, "sim press needs [gpio] driver = sim\n");
	} else if (err) {
		ga_ctl_printf(o, "no button '%.*s' (ack_button)\n",
			      (int)(args.len > 32 ? 32 : args.len), args.ptr);
	} else {
		ga_ctl_printf(o, "pressed %.*s\n", (int)args.len, args.ptr);
	}
	return err;
}

/* `inject CLASS [TEXT]`: an event through the same path as the network
 * (webhook, parser, journal with fsync, alert), for an installation check. */
static int ga_cmd_inject(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	static char body[4096];
	static char text[2048];
	struct ga_daemon *d = arg;
	struct ga_span cls = args, rest = GA_SPAN_NULL;
	const char *sp = memchr(args.ptr, ' ', args.len);
	struct ga_webhook_req req;
	struct ga_webhook_resp resp;
	char rbody[GA_CONN_BODY_MAX];
	unsigned long long id = (unsigned long long)time(NULL) * 1000u +
				d->journal.next_seq;
	int n = -1, err;

	if (args.len && sp) {
		cls = ga_span_make(args.ptr, (size_t)(sp - args.ptr));
		rest = ga_span_trim(ga_span_make(sp + 1, args.len - cls.len - 1));
	}
	ga_json_escape(rest.len ? rest : GA_SPAN_LIT("gridalert test message"),
		       text, sizeof(text));
	if (ga_span_eq(cls, GA_SPAN_LIT("sms"))) {
		n = snprintf(body, sizeof(body), "[{\"id\":\"inject-%llu\",\"topic\":"
			     "\"gridalertctl\",\"subject\":\"/phonenumber/0\",\"eventType\":"
			     "\"Microsoft.Communication.SMSReceived\",\"data\":{\"from\":"
			     "\"+10000000000\",\"to\":\"+10000000001\",\"message\":\"%s\"}}]",
			     id, text);
	} else if (ga_span_eq(cls, GA_SPAN_LIT("sms_failed"))) {
		n = snprintf(body, sizeof(body), "[{\"id\":\"inject-%llu\",\"topic\":"
			     "\"gridalertctl\",\"subject\":\"/phonenumber/0\",\"eventType\":"
			     "\"Microsoft.Communication.SMSDeliveryReportReceived\",\"data\":{"
			     "\"from\":\"+10000000001\",\"to\":\"+10000000000\","
			     "\"deliveryStatus\":\"Failed\",\"deliveryStatusDetails\":\"%s\"}}]",
			     id, text);
	} else if (ga_span_eq(cls, GA_SPAN_LIT("chat"))) {
		n = snprintf(body, sizeof(body), "[{\"id\":\"inject-%llu\",\"topic\":"
			     "\"gridalertctl\",\"subject\":\"thread/0\",\"eventType\":"
			     "\"Microsoft.Communication.ChatMessageReceived\",\"data\":{"
			     "\"senderDisplayName\":\"gridalertctl\",\"messageBody\":\"%s\","
			     "\"messageId\":\"%llu\"}}]", id, text, id);
	}
	if (n < 0 || (size_t)n >= sizeof(body)) {
		ga_ctl_printf(o, "usage: inject sms|sms_failed|chat [TEXT]\n");
		return -EINVAL;
	}
	memset(&req, 0, sizeof(req));
	req.method = GA_SPAN_LIT("POST");
	req.path = ga_span_str(d->conf->webhook.path);
	req.content_type = GA_SPAN_LIT("application/json");
	req.key = ga_span_str(d->conf->webhook.secret);
	req.body = ga_span_make(body, (size_t)n);
	memset(&resp, 0, sizeof(resp));
	resp.body = rbody;
	resp.body_size = sizeof(rbody);
	ga_webhook_handle(&d->webhook, &req, &resp);
	if (resp.commit) {
		err = ga_daemon_synced(d, ga_journal_sync(&d->journal));
		if (err) {
			ga_webhook_commit_failed(&d->webhook, &resp);
		}
	}
	ga_ctl_printf(o, "%d %.*s\n", resp.status, (int)resp.body_len, resp.body);
	return resp.status == 200 ? 0 : -EIO;
}

static int ga_daemon_reload(struct ga_daemon *d, struct ga_ctl_out *o);

/* `get KEY`, `set KEY VALUE`, `diff`, `commit [confirm SECONDS]`,
 * `confirm`, `revert` (docs/commands.md) on top of confedit.c. */
static int ga_cmd_get(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;
	char key[64], val[GA_CONF_PATH_MAX * 2];

	ga_span_copy(args, key, sizeof(key));
	if (!args.len || ga_conf_get(d->conf, key, val, sizeof(val))) {
		ga_ctl_printf(o, "unknown key '%s' (see: help)\n", key);
		return -ENOENT;
	}
	if (ga_conf_key_secret(key)) {
		ga_ctl_printf(o, "%s\n", val[0] ? "(set; not shown)" : "(empty)");
	} else {
		ga_ctl_printf(o, "%s\n", val);
	}
	return 0;
}

static int ga_cmd_set(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;
	const char *sp = args.len ? memchr(args.ptr, ' ', args.len) : NULL;
	char key[64], val[GA_CONFEDIT_VALUE_MAX + 1], err[512];
	int rc;

	if (!sp) {
		ga_ctl_printf(o, "usage: set KEY VALUE (an empty value: set KEY \"\")\n");
		return -EINVAL;
	}
	ga_span_copy(ga_span_make(args.ptr, (size_t)(sp - args.ptr)), key, sizeof(key));
	ga_span_copy(ga_span_trim(ga_span_make(sp + 1, args.len - (size_t)(sp - args.ptr) - 1)),
		     val, sizeof(val));
	if (strcmp(val, "\"\"") == 0) {
		val[0] = '\0';
	}
	rc = ga_confedit_set(&d->edit, key, val, err, sizeof(err));
	if (rc) {
		ga_ctl_printf(o, "%s", err);
		return rc;
	}
	ga_ctl_printf(o, "staged %s (diff, commit, or revert)\n", key);
	return 0;
}

static int ga_cmd_diff(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;

	(void)args;
	o->len += ga_confedit_diff(&d->edit, d->conf, o->buf + o->len,
				   o->size - o->len);
	return 0;
}

static int ga_cmd_revert(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;

	(void)args;
	ga_ctl_printf(o, "dropped %u staged change(s)\n", d->edit.n);
	ga_confedit_revert(&d->edit);
	return 0;
}

static int ga_daemon_commit_do(struct ga_daemon *d, unsigned int confirm_s,
			       struct ga_ctl_out *o)
{
	char err[2048];
	int rc;

	if (d->edit.confirm_pending) {
		ga_ctl_printf(o, "a commit confirm is pending: confirm it first\n");
		return -EBUSY;
	}
	rc = ga_confedit_commit(&d->edit, confirm_s > 0, err, sizeof(err));
	if (rc) {
		ga_ctl_printf(o, "%snot committed\n", err);
		return rc;
	}
	rc = ga_daemon_reload(d, o);
	if (rc) {
		ga_ctl_printf(o, "written to %s but not applied\n", d->conf_path);
		return rc;
	}
	if (confirm_s) {
		ga_timer_set(&d->loop, &d->confirm, (uint64_t)confirm_s * 1000u);
		ga_ctl_printf(o, "committed; rolls back in %u s unless: confirm\n",
			      confirm_s);
	} else {
		ga_ctl_printf(o, "committed and applied\n");
	}
	return 0;
}

static int ga_cmd_commit(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	(void)args;
	return ga_daemon_commit_do(arg, 0, o);
}

static int ga_cmd_commit_confirm(void *arg, struct ga_span args,
				 struct ga_ctl_out *o)
{
	uint64_t s;

	/* bounds: long enough to reconnect and type confirm, short enough
	 * that a cut-off board comes back soon */
	if (ga_span_to_u64(args, 3600, &s) || s < 10) {
		ga_ctl_printf(o, "usage: commit confirm SECONDS (10..3600)\n");
		return -EINVAL;
	}
	return ga_daemon_commit_do(arg, (unsigned int)s, o);
}

static int ga_cmd_confirm(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;

	(void)args;
	if (!d->edit.confirm_pending) {
		ga_ctl_printf(o, "nothing to confirm\n");
		return -ENOENT;
	}
	ga_timer_cancel(&d->loop, &d->confirm);
	ga_confedit_confirm(&d->edit);
	ga_ctl_printf(o, "confirmed\n");
	return 0;
}

static void ga_daemon_confirm_expired(struct ga_timer *t)
{
	struct ga_daemon *d = ga_container_of(t, struct ga_daemon, confirm);
	int rc = ga_confedit_rollback(&d->edit);

	ga_log(LOG_WARNING, "commit confirm: no confirm in time; %s",
	       rc ? "rollback FAILED" : "rolled back to the previous config");
	if (!rc) {
		(void)ga_daemon_reload(d, NULL);
	}
}

static int ga_cmd_log(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	uint64_t n = 20;
	size_t len;

	(void)arg;
	if (args.len && ga_span_to_u64(args, GA_LOG_RING_LINES, &n)) {
		ga_ctl_printf(o, "usage: log [N], N from 1 to %u\n",
			      GA_LOG_RING_LINES);
		return -EINVAL;
	}
	len = ga_log_recent((unsigned int)n, o->buf + o->len, o->size - o->len);
	o->len += len;
	return 0;
}

static int ga_cmd_reload(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	(void)args;
	return ga_daemon_reload(arg, o);
}

static int ga_cmd_help(void *arg, struct ga_span args, struct ga_ctl_out *o);

static const struct ga_ctl_cmd ga_daemon_cmds[] = {
	{ "status", "status", "counters and state, one key: value per line",
	  ga_cmd_status },
	{ "messages", "messages [N] [--since TIME] [--before SEQ]",
	  "newest first: seq time class from/sender text",
	  ga_cmd_messages },
	{ "ack", "ack [all|SEQ]", "acknowledge; alarms of acknowledged events stop",
	  ga_cmd_ack },
	{ "log", "log [N]", "the last N log lines (default 20)", ga_cmd_log },
	{ "get", "get KEY", "a running config value (section.key)", ga_cmd_get },
	{ "set", "set KEY VALUE", "stage a config change", ga_cmd_set },
	{ "diff", "diff", "staged changes against the running config", ga_cmd_diff },
	{ "commit", "commit", "write staged changes atomically and reload",
	  ga_cmd_commit },
	{ "commit confirm", "commit confirm SECONDS", "commit; roll back unless "
	  "confirm follows in time", ga_cmd_commit_confirm },
	{ "confirm", "confirm", "keep a commit confirm", ga_cmd_confirm },
	{ "revert", "revert", "drop staged changes", ga_cmd_revert },
	{ "test lcd", "test lcd", "draw a test pattern on the LCD", ga_cmd_test_lcd },
	{ "test alarm", "test alarm NAME", "run an output (sms_led, buzzer...) or "
	  "a class's reaction (sms, sms_failed, chat...)", ga_cmd_test_alarm },
	{ "test rule", "test rule CLASS FROM [TEXT]", "which [rule.NAME] a "
	  "made-up event matches and what it would do", ga_cmd_test_rule },
	{ "inject", "inject CLASS [TEXT]", "feed a synthetic sms|sms_failed|chat "
	  "event through the network path", ga_cmd_inject },
	{ "sim press", "sim press BUTTON", "press a simulated input (ack_button; "
	  "[gpio] driver = sim)", ga_cmd_sim_press },
	{ "reload", "reload", "re-read the config file and certificates",
	  ga_cmd_reload },
	{ "help", "help", "this list", ga_cmd_help },
};

/* help: the command list; help COMMAND; help KEY (the key table's text,
 * default and running value, so the console needs no manual). */
static int ga_cmd_help(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	struct ga_daemon *d = arg;
	const char *name, *help, *def;
	char want[96], value[GA_CONF_PATH_MAX];
	bool found = false;

	args = ga_span_trim(args);
	if (!args.len) {
		for (unsigned int i = 0; i < GA_ARRAY_SIZE(ga_daemon_cmds); i++) {
			ga_ctl_printf(o, "%-24s %s\n", ga_daemon_cmds[i].usage,
				      ga_daemon_cmds[i].help);
		}
		ga_ctl_printf(o, "%-24s %s\n", "help KEY|COMMAND",
			      "what a config key (section.key) or command does");
		return 0;
	}
	ga_span_copy(args, want, sizeof(want));
	for (unsigned int i = 0; i < GA_ARRAY_SIZE(ga_daemon_cmds); i++) {
		size_t n = strlen(want);

		if (!strncmp(ga_daemon_cmds[i].name, want, n) &&
		    (ga_daemon_cmds[i].name[n] == '\0' ||
		     ga_daemon_cmds[i].name[n] == ' ')) {
			ga_ctl_printf(o, "%-24s %s\n", ga_daemon_cmds[i].usage,
				      ga_daemon_cmds[i].help);
			found = true;
		}
	}
	for (unsigned int i = 0; !found && ga_conf_key_info(i, &name, &help, &def);
	     i++) {
		if (strcmp(name, want) != 0) {
			continue;
		}
		if (ga_conf_key_secret(name)) {
			snprintf(value, sizeof(value), "(secret)");
		} else if (ga_conf_get(d->conf, name, value, sizeof(value))) {
			value[0] = '\0';
		}
		ga_ctl_printf(o, "%s: %s\n  default: %s\n  running: %s\n", name,
			      help, def[0] ? def : "(empty)", value);
		found = true;
	}
	if (!found && ga_conf_rule_key_info(want, &help, &def)) {
		if (ga_conf_get(d->conf, want, value, sizeof(value))) {
			snprintf(value, sizeof(value), "(no such rule)");
		}
		ga_ctl_printf(o, "%s: %s\n  default: %s\n  running: %s\n", want,
			      help, def[0] ? def : "(empty)", value);
		found = true;
	}
	if (!found) {
		ga_ctl_printf(o, "help: no command or key %s (help lists the "
			      "commands; keys are section.key)\n", want);
		return -ENOENT;
	}
	return 0;
}

/* ---- reload, signals, drain ---------------------------------------------- */

static void ga_daemon_reload_err(void *arg, const char *line)
{
	struct ga_ctl_out *o = arg;

	ga_log(LOG_ERR, "reload: %s", line);
	if (o) {
		ga_ctl_printf(o, "%s\n", line);
	}
}

static int ga_daemon_reload(struct ga_daemon *d, struct ga_ctl_out *o)
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
	d->drain.cb = ga_daemon_drain_cb;
	d->confirm.cb = ga_daemon_confirm_expired;
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
			   d->conf->control.group, ga_daemon_cmds,
			   GA_ARRAY_SIZE(ga_daemon_cmds), d);
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
