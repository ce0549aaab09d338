/* ctl_cmds.c - the control commands gridalertd serves on its socket
 * (docs/commands.md): status, messages, ack, test, inject, sim press, the
 * staged configuration (get, set, diff, commit [confirm], confirm,
 * revert), log, reload and help. Each handler runs on the event loop and
 * answers into the ctl module's bounded reply buffer; daemon.c wires the
 * modules they read.
 */
#include "daemon_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_rules.h"
#include "json.h"
#include "log.h"
#include "rules.h"

/* Present only in the gridalertd-alloc test build (tests/alloc): counts our
 * own heap calls after "ready", which must stay 0. */
unsigned long ga_alloc_after_ready(void) __attribute__((weak));

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
	for (unsigned int i = 0; i < d->hooks.n; i++) {
		const struct ga_hook_slot *h = &d->hooks.slot[i];

		if (!h->used) {
			continue; /* removed by a reload */
		}
		ga_ctl_printf(o, "hook.%s.state: %s\n", h->conf.name, ga_hook_state(h));
		ga_ctl_printf(o, "hook.%s.ok: %lu\n", h->conf.name, h->ok);
		ga_ctl_printf(o, "hook.%s.failed: %lu\n", h->conf.name, h->failed);
		ga_ctl_printf(o, "hook.%s.queued: %lu\n", h->conf.name, h->queued);
	}
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

/* inject's classes: an Event Grid event of the type the parser maps to that
 * class (docs/events.md), TEXT in the data member it shows. */
struct ga_inject_class {
	const char *name;	/* the CLASS argument */
	const char *subject;
	const char *type;	/* eventType after "Microsoft.Communication." */
	const char *data;	/* data members before the text, each with its ',' */
	const char *text_key;	/* the data member that carries TEXT */
	bool message_id;	/* a messageId after the text: the event's number */
};

static const struct ga_inject_class ga_inject_classes[] = {
	{ .name = "sms", .subject = "/phonenumber/0", .type = "SMSReceived",
	  .data = "\"from\":\"+10000000000\",\"to\":\"+10000000001\",",
	  .text_key = "message" },
	{ .name = "sms_failed", .subject = "/phonenumber/0",
	  .type = "SMSDeliveryReportReceived",
	  .data = "\"from\":\"+10000000001\",\"to\":\"+10000000000\","
		  "\"deliveryStatus\":\"Failed\",",
	  .text_key = "deliveryStatusDetails" },
	{ .name = "chat", .subject = "thread/0", .type = "ChatMessageReceived",
	  .data = "\"senderDisplayName\":\"gridalertctl\",",
	  .text_key = "messageBody", .message_id = true },
};

static const struct ga_inject_class *ga_inject_class_find(struct ga_span name)
{
	for (size_t i = 0; i < GA_ARRAY_SIZE(ga_inject_classes); i++) {
		if (ga_span_eq(name, ga_span_str(ga_inject_classes[i].name))) {
			return &ga_inject_classes[i];
		}
	}
	return NULL;
}

/* The one-event array inject posts, id "inject-ID", text already JSON-escaped;
 * snprintf's result (>= size: it did not fit). */
static int ga_inject_body(char *buf, size_t size,
			  const struct ga_inject_class *c,
			  unsigned long long id, const char *text)
{
	char message_id[48] = "";	/* ,"messageId":"" and 20 digits */

	if (c->message_id) {
		snprintf(message_id, sizeof(message_id), ",\"messageId\":\"%llu\"",
			 id);
	}
	return snprintf(buf, size, "[{\"id\":\"inject-%llu\",\"topic\":"
			"\"gridalertctl\",\"subject\":\"%s\",\"eventType\":"
			"\"Microsoft.Communication.%s\",\"data\":{%s\"%s\":\"%s\"%s}}]",
			id, c->subject, c->type, c->data, c->text_key, text,
			message_id);
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
	const struct ga_inject_class *c;
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
	c = ga_inject_class_find(cls);
	if (c) {
		n = ga_inject_body(body, sizeof(body), c, id, text);
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

void ga_ctl_cmds_confirm_expired(struct ga_timer *t)
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

const struct ga_ctl_cmd ga_ctl_cmds[] = {
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
	{ "test rule", "test rule [--thread ID] [--to NUM] CLASS FROM [TEXT]",
	  "which [rule.NAME] a made-up event matches and what it would do",
	  ga_cmd_test_rule },
	{ "inject", "inject CLASS [TEXT]", "feed a synthetic sms|sms_failed|chat "
	  "event through the network path", ga_cmd_inject },
	{ "sim press", "sim press BUTTON", "press a simulated input (ack_button; "
	  "[gpio] driver = sim)", ga_cmd_sim_press },
	{ "reload", "reload", "re-read the config file and certificates",
	  ga_cmd_reload },
	{ "help", "help", "this list", ga_cmd_help },
};
const unsigned int ga_ctl_ncmds = GA_ARRAY_SIZE(ga_ctl_cmds);

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
		for (unsigned int i = 0; i < GA_ARRAY_SIZE(ga_ctl_cmds); i++) {
			ga_ctl_printf(o, "%-24s %s\n", ga_ctl_cmds[i].usage,
				      ga_ctl_cmds[i].help);
		}
		ga_ctl_printf(o, "%-24s %s\n", "help KEY|COMMAND",
			      "what a config key (section.key) or command does");
		return 0;
	}
	ga_span_copy(args, want, sizeof(want));
	for (unsigned int i = 0; i < GA_ARRAY_SIZE(ga_ctl_cmds); i++) {
		size_t n = strlen(want);

		if (!strncmp(ga_ctl_cmds[i].name, want, n) &&
		    (ga_ctl_cmds[i].name[n] == '\0' ||
		     ga_ctl_cmds[i].name[n] == ' ')) {
			ga_ctl_printf(o, "%-24s %s\n", ga_ctl_cmds[i].usage,
				      ga_ctl_cmds[i].help);
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
			snprintf(value, sizeof(value), "(no such section)");
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
