/* eventgrid.c - see eventgrid.h. */
#define JSMN_STATIC /* Debian's jsmn 1.1.0 is a header-only library */
#include <jsmn.h>

#include "eventgrid.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

_Static_assert(sizeof(jsmntok_t) == 4 * sizeof(int),
	       "jsmntok_t layout: type, start, end, size (jsmn 1.1.0)");

#define GA_EG_COMM "Microsoft.Communication."

enum ga_eg_kind {
	K_IGNORED,
	K_SMS,
	K_SMS_REPORT,
	K_CHAT_MSG,
	K_CHAT_EDIT,
	K_CHAT_DEL,
	K_THREAD_CREATED,
	K_THREAD_DELETED,
	K_THREAD_UPDATED,
	K_MEMBER_ADDED,
	K_MEMBER_REMOVED,
	K_VALIDATION,
};

/* Event types (docs/events.md) -> what we do with them. */
static const struct {
	const char *type;
	enum ga_eg_kind kind;
} ga_eg_types[] = {
	{ GA_EG_COMM "SMSReceived", K_SMS },
	{ GA_EG_COMM "SMSDeliveryReportReceived", K_SMS_REPORT },
	{ GA_EG_COMM "ChatMessageReceived", K_CHAT_MSG },
	{ GA_EG_COMM "ChatMessageReceivedInThread", K_CHAT_MSG },
	{ GA_EG_COMM "ChatMessageEdited", K_CHAT_EDIT },
	{ GA_EG_COMM "ChatMessageEditedInThread", K_CHAT_EDIT },
	{ GA_EG_COMM "ChatMessageDeleted", K_CHAT_DEL },
	{ GA_EG_COMM "ChatMessageDeletedInThread", K_CHAT_DEL },
	{ GA_EG_COMM "ChatThreadCreated", K_THREAD_CREATED },
	{ GA_EG_COMM "ChatThreadCreatedWithUser", K_THREAD_CREATED },
	{ GA_EG_COMM "ChatThreadWithUserDeleted", K_THREAD_DELETED },
	{ GA_EG_COMM "ChatThreadDeleted", K_THREAD_DELETED },
	{ GA_EG_COMM "ChatThreadPropertiesUpdated", K_THREAD_UPDATED },
	{ GA_EG_COMM "ChatThreadPropertiesUpdatedPerUser", K_THREAD_UPDATED },
	{ GA_EG_COMM "ChatMemberAddedToThreadWithUser", K_MEMBER_ADDED },
	{ GA_EG_COMM "ChatParticipantAddedToThreadWithUser", K_MEMBER_ADDED },
	{ GA_EG_COMM "ChatThreadParticipantAdded", K_MEMBER_ADDED },
	{ GA_EG_COMM "ChatMemberRemovedFromThreadWithUser", K_MEMBER_REMOVED },
	{ GA_EG_COMM "ChatParticipantRemovedFromThreadWithUser", K_MEMBER_REMOVED },
	{ GA_EG_COMM "ChatThreadParticipantRemoved", K_MEMBER_REMOVED },
	{ "Microsoft.EventGrid.SubscriptionValidationEvent", K_VALIDATION },
};

static enum ga_eg_kind ga_eg_kind_of(struct ga_span type)
{
	for (size_t i = 0; i < GA_ARRAY_SIZE(ga_eg_types); i++) {
		if (ga_json_str_ieq(type, ga_eg_types[i].type)) {
			return ga_eg_types[i].kind;
		}
	}
	return K_IGNORED;
}

enum ga_eg_format ga_eventgrid_format(struct ga_span ct)
{
	const char *semi = ct.len ? memchr(ct.ptr, ';', ct.len) : NULL;

	if (semi) {
		ct.len = (size_t)(semi - ct.ptr);
	}
	ct = ga_span_trim(ct);
	if (ga_span_ieq_str(ct, "application/json")) {
		return GA_EG_FORMAT_AUTO;
	}
	if (ga_span_ieq_str(ct, "application/cloudevents+json")) {
		return GA_EG_FORMAT_CE;
	}
	if (ga_span_ieq_str(ct, "application/cloudevents-batch+json")) {
		return GA_EG_FORMAT_CE_BATCH;
	}
	return GA_EG_FORMAT_UNSUPPORTED;
}

void ga_eventgrid_init(struct ga_eventgrid *p)
{
	memset(p, 0, sizeof(*p));
}

const char *ga_eventgrid_error(const struct ga_eg_result *res)
{
	return res->error[0] ? res->error : "bad request";
}

static int ga_eg_fail(struct ga_eg_result *res, int err, const char *fmt, ...)
	GA_PRINTF(3, 4);

static int ga_eg_fail(struct ga_eg_result *res, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	return err;
}

/* ---- tokens ------------------------------------------------------------- */

struct ga_eg_doc {
	const char *js;
	const jsmntok_t *t;
	int n;
};

/* Index after the subtree of token i: tokens are in document order, so the
 * subtree ends at the first token starting at or after i's end. */
static int ga_eg_skip(const struct ga_eg_doc *d, int i)
{
	int j = i + 1;

	while (j < d->n && d->t[j].start < d->t[i].end) {
		j++;
	}
	return j;
}

static struct ga_span ga_eg_span(const struct ga_eg_doc *d, int i)
{
	return ga_span_make(d->js + d->t[i].start,
			    (size_t)(d->t[i].end - d->t[i].start));
}

/* Value token of member @key (ASCII case-insensitive) of object @obj. */
static int ga_eg_get(const struct ga_eg_doc *d, int obj, const char *key)
{
	int k;

	if (obj < 0 || obj >= d->n || d->t[obj].type != JSMN_OBJECT) {
		return -1;
	}
	k = obj + 1;
	for (int m = 0; m < d->t[obj].size && k + 1 < d->n; m++) {
		if (d->t[k].type == JSMN_STRING &&
		    ga_json_str_ieq(ga_eg_span(d, k), key)) {
			return k + 1;
		}
		k = ga_eg_skip(d, k + 1);
	}
	return -1;
}

/* A string member's raw contents; numbers are accepted as text too (chat
 * `version` is a number in one sample and a string in another). */
static struct ga_span ga_eg_str(const struct ga_eg_doc *d, int obj,
				const char *key)
{
	int v = ga_eg_get(d, obj, key);

	if (v < 0 || (d->t[v].type != JSMN_STRING &&
		      d->t[v].type != JSMN_PRIMITIVE)) {
		return GA_SPAN_NULL;
	}
	if (d->t[v].type == JSMN_PRIMITIVE) {
		char c = d->js[d->t[v].start];

		if (c != '-' && (c < '0' || c > '9')) {
			return GA_SPAN_NULL; /* true/false/null */
		}
	}
	return ga_eg_span(d, v);
}

static bool ga_eg_has_str(const struct ga_eg_doc *d, int obj, const char *key)
{
	int v = ga_eg_get(d, obj, key);

	return v >= 0 && d->t[v].type == JSMN_STRING;
}

/* sender: display name, else the communication identifier's rawId */
static struct ga_span ga_eg_sender(const struct ga_eg_doc *d, int data,
				   const char *name_key, const char *id_key)
{
	struct ga_span s = name_key ? ga_eg_str(d, data, name_key) : GA_SPAN_NULL;

	if (s.len == 0 && id_key) {
		s = ga_eg_str(d, ga_eg_get(d, data, id_key), "rawId");
	}
	return s;
}

/* ---- one event ------------------------------------------------------------ */

static int ga_eg_event(const struct ga_eg_doc *d, enum ga_eg_format fmt,
		       bool single, struct ga_event *ev, struct ga_eg_result *res,
		       size_t at)
{
	int root = 0, data, sv;
	bool ce;
	enum ga_eg_kind kind;

	memset(ev, 0, sizeof(*ev));
	sv = ga_eg_get(d, root, "specversion");
	ce = sv >= 0;
	if ((fmt == GA_EG_FORMAT_CE || fmt == GA_EG_FORMAT_CE_BATCH) && !ce) {
		return ga_eg_fail(res, -EINVAL, "event at byte %zu: CloudEvents "
				  "content type but no specversion", at);
	}
	if (single && !ce) {
		return ga_eg_fail(res, -EINVAL, "an Event Grid schema body must "
				  "be a JSON array of events");
	}
	ev->id = ga_eg_str(d, root, "id");
	if (ce) {
		if (d->t[sv].type != JSMN_STRING ||
		    !ga_json_str_ieq(ga_eg_span(d, sv), "1.0")) {
			return ga_eg_fail(res, -EINVAL, "event at byte %zu: "
					  "specversion must be \"1.0\"", at);
		}
		ev->type = ga_eg_str(d, root, "type");
		ev->source = ga_eg_str(d, root, "source");
		ev->subject = ga_eg_str(d, root, "subject");
		ev->time = ga_eg_str(d, root, "time");
		if (!ga_eg_has_str(d, root, "source")) {
			return ga_eg_fail(res, -EINVAL, "event at byte %zu: "
					  "missing source", at);
		}
	} else {
		ev->type = ga_eg_str(d, root, "eventType");
		ev->source = ga_eg_str(d, root, "topic");
		ev->subject = ga_eg_str(d, root, "subject");
		ev->time = ga_eg_str(d, root, "eventTime");
		if (!ga_eg_has_str(d, root, "subject")) {
			return ga_eg_fail(res, -EINVAL, "event at byte %zu: "
					  "missing subject", at);
		}
	}
	if (!ga_eg_has_str(d, root, "id") || ev->id.len == 0) {
		return ga_eg_fail(res, -EINVAL, "event at byte %zu: missing id", at);
	}
	if (!ga_eg_has_str(d, root, ce ? "type" : "eventType") ||
	    ev->type.len == 0) {
		return ga_eg_fail(res, -EINVAL, "event at byte %zu: missing %s",
				  at, ce ? "type" : "eventType");
	}
	kind = ga_eg_kind_of(ev->type);
	data = ga_eg_get(d, root, "data");
	if (kind == K_IGNORED) {
		ev->cls = GA_CLASS_IGNORED;
		return 0;
	}
	if (data < 0 || d->t[data].type != JSMN_OBJECT) {
		return ga_eg_fail(res, -EINVAL, "event %.*s: data must be an "
				  "object", (int)(ev->id.len > 40 ? 40 : ev->id.len),
				  ev->id.ptr);
	}
	ev->message_id = ga_eg_str(d, data, "messageId");
	ev->thread_id = ga_eg_str(d, data, "threadId");
	switch (kind) {
	case K_SMS:
		ev->cls = GA_CLASS_SMS;
		ev->from = ga_eg_str(d, data, "from");
		ev->to = ga_eg_str(d, data, "to");
		ev->text = ga_eg_str(d, data, "message");
		break;
	case K_SMS_REPORT:
		ev->from = ga_eg_str(d, data, "from");
		ev->to = ga_eg_str(d, data, "to");
		ev->status = ga_eg_str(d, data, "deliveryStatus");
		ev->status_details = ga_eg_str(d, data, "deliveryStatusDetails");
		ev->tag = ga_eg_str(d, data, "tag");
		/* Anything but "Delivered" is a failure (ACS delivery report
		 * statuses are an open set),
		 * except 5002: the carrier gives no report, the message may
		 * well have arrived: shown, not alarmed. */
		if (ga_json_str_ieq(ev->status, "Delivered")) {
			ev->cls = GA_CLASS_SMS_DELIVERED;
		} else {
			ev->cls = GA_CLASS_SMS_FAILED;
			for (size_t i = 0; i + 4 <= ev->status_details.len; i++) {
				if (memcmp(ev->status_details.ptr + i, "5002", 4) == 0 &&
				    (i + 4 == ev->status_details.len ||
				     ev->status_details.ptr[i + 4] < '0' ||
				     ev->status_details.ptr[i + 4] > '9') &&
				    (i == 0 || ev->status_details.ptr[i - 1] < '0' ||
				     ev->status_details.ptr[i - 1] > '9')) {
					ev->status_unknown = true;
				}
			}
		}
		break;
	case K_CHAT_EDIT:
		ev->edit = true;
		/* fall through */
	case K_CHAT_MSG:
		ev->cls = GA_CLASS_CHAT;
		ev->sender = ga_eg_sender(d, data, "senderDisplayName",
					  "senderCommunicationIdentifier");
		ev->text = ga_eg_str(d, data, "messageBody");
		break;
	case K_CHAT_DEL:
		ev->cls = GA_CLASS_CHAT_DELETED;
		ev->sender = ga_eg_sender(d, data, "senderDisplayName",
					  "senderCommunicationIdentifier");
		break;
	case K_THREAD_CREATED:
	case K_THREAD_DELETED:
	case K_THREAD_UPDATED:
		ev->cls = GA_CLASS_CHAT_THREAD;
		ev->text = ga_eg_str(d, ga_eg_get(d, data, "properties"), "topic");
		ev->sender = ga_eg_sender(d, data, NULL,
					  kind == K_THREAD_CREATED ? "createdByCommunicationIdentifier"
					  : kind == K_THREAD_DELETED ? "deletedByCommunicationIdentifier"
					  : "editedByCommunicationIdentifier");
		break;
	case K_MEMBER_ADDED:
	case K_MEMBER_REMOVED: {
		int who = ga_eg_get(d, data, kind == K_MEMBER_ADDED ? "participantAdded"
								 : "participantRemoved");

		if (who < 0) { /* the deprecated "member" spelling */
			who = ga_eg_get(d, data, kind == K_MEMBER_ADDED ? "memberAdded"
								: "memberRemoved");
		}
		ev->cls = GA_CLASS_CHAT_MEMBER;
		ev->text = ga_eg_str(d, who, "displayName");
		if (ev->text.len == 0) {
			ev->text = ga_eg_str(d, ga_eg_get(d, who,
				"participantCommunicationIdentifier"), "rawId");
		}
		break;
	}
	case K_VALIDATION:
		ev->cls = GA_CLASS_VALIDATION;
		ev->validation_code = ga_eg_str(d, data, "validationCode");
		if (!ga_eg_has_str(d, data, "validationCode")) {
			return ga_eg_fail(res, -EINVAL, "validation event without "
					  "validationCode");
		}
		break;
	case K_IGNORED:
		break;
	}
	return 0;
}

/* ---- the body, element by element ----------------------------------------- */

static bool ga_eg_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int ga_eg_element(struct ga_eventgrid *p, struct ga_span body,
			 size_t start, size_t end, enum ga_eg_format fmt,
			 bool single, struct ga_event *ev, struct ga_eg_result *res)
{
	jsmntok_t *t = (jsmntok_t *)(void *)p->tokens;
	struct ga_span el = ga_span_make(body.ptr + start, end - start);
	struct ga_json_err jerr;
	struct ga_eg_doc d;
	jsmn_parser jp;
	int n;

	if (ga_json_check(el, &jerr)) {
		return ga_eg_fail(res, -EINVAL, "invalid JSON at byte %zu: %s",
				  start + jerr.at, jerr.what);
	}
	jsmn_init(&jp);
	n = jsmn_parse(&jp, el.ptr, el.len, t, GA_EG_TOKENS_MAX);
	if (n == JSMN_ERROR_NOMEM) {
		return ga_eg_fail(res, -EMSGSIZE, "event at byte %zu needs more "
				  "than %d JSON tokens", start, GA_EG_TOKENS_MAX);
	}
	if (n < 1 || t[0].type != JSMN_OBJECT) {
		return ga_eg_fail(res, -EINVAL, "event at byte %zu is not a JSON "
				  "object", start);
	}
	d.js = el.ptr;
	d.t = t;
	d.n = n;
	return ga_eg_event(&d, fmt, single, ev, res, start);
}

/* One pass over the body; with @cb NULL it only validates.
 * The CloudEvents content types name a shape (object or batch array), but
 * which one Event Grid uses for batched CloudEvents push is not documented
 * by Microsoft, and a 400 would dead-letter the events: both shapes are
 * accepted under both types; each element must still be a CloudEvent. */
static int ga_eg_pass(struct ga_eventgrid *p, struct ga_span body,
		      enum ga_eg_format fmt, ga_eg_cb cb, void *arg,
		      struct ga_eg_result *res)
{
	const char *s = body.ptr;
	size_t len = body.len, i = 0;
	struct ga_event ev;
	int err;

	while (i < len && ga_eg_ws(s[i])) {
		i++;
	}
	if (i == len) {
		return ga_eg_fail(res, -EINVAL, "empty body");
	}
	if (s[i] == '{') {
		size_t e = len;

		while (e > i && ga_eg_ws(s[e - 1])) {
			e--;
		}
		err = ga_eg_element(p, body, i, e, fmt, true, &ev, res);
		if (err) {
			return err;
		}
		if (!cb) {
			res->events++;
			res->per_class[ev.cls]++;
			return 0;
		}
		return cb(arg, &ev);
	}
	if (s[i] != '[') {
		return ga_eg_fail(res, -EINVAL, "body is not a JSON array or object");
	}
	i++;
	for (bool first = true;; first = false) {
		size_t e;

		while (i < len && ga_eg_ws(s[i])) {
			i++;
		}
		if (i < len && s[i] == ']' && first) {
			i++;
			break;
		}
		if (!first) {
			if (i < len && s[i] == ']') {
				i++;
				break;
			}
			if (i >= len || s[i] != ',') {
				return ga_eg_fail(res, -EINVAL, "invalid JSON at "
						  "byte %zu: expected ',' or ']'", i);
			}
			i++;
			while (i < len && ga_eg_ws(s[i])) {
				i++;
			}
		}
		if (i >= len) {
			return ga_eg_fail(res, -EINVAL, "invalid JSON at byte %zu: "
					  "unexpected end of array", i);
		}
		if (s[i] != '{') {
			return ga_eg_fail(res, -EINVAL, "array element at byte %zu "
					  "is not an event object", i);
		}
		e = ga_json_value_end(s, len, i);
		if (!e) {
			return ga_eg_fail(res, -EINVAL, "invalid JSON at byte %zu: "
					  "unterminated object", i);
		}
		err = ga_eg_element(p, body, i, e, fmt, false, &ev, res);
		if (err) {
			return err;
		}
		if (cb) {
			err = cb(arg, &ev);
			if (err) {
				return err;
			}
		} else {
			res->events++;
			res->per_class[ev.cls]++;
		}
		i = e;
	}
	while (i < len && ga_eg_ws(s[i])) {
		i++;
	}
	if (i != len) {
		return ga_eg_fail(res, -EINVAL, "invalid JSON at byte %zu: garbage "
				  "after the array", i);
	}
	return 0;
}

int ga_eventgrid_parse(struct ga_eventgrid *p, struct ga_span body,
		       enum ga_eg_format fmt, ga_eg_cb cb, void *arg,
		       struct ga_eg_result *res)
{
	int err;

	memset(res, 0, sizeof(*res));
	if (fmt == GA_EG_FORMAT_UNSUPPORTED) {
		return ga_eg_fail(res, -EINVAL, "unsupported content type");
	}
	/* Pass 1 validates everything, so a bad event 37 of 100 means no
	 * callback at all (all-or-nothing, docs/http.md). Pass 2 delivers. */
	err = ga_eg_pass(p, body, fmt, NULL, NULL, res);
	if (err || !cb) {
		return err;
	}
	return ga_eg_pass(p, body, fmt, cb, arg, res);
}

/* ---- the kept copy ------------------------------------------------------- */

static void ga_eg_copy(struct ga_span raw, char *out, size_t size)
{
	ga_json_str_decode(raw, out, size);
}

int ga_eventgrid_to_msg(const struct ga_event *ev, int64_t now,
			struct ga_msg *m)
{
	char name[GA_MSG_NAME_MAX];
	enum ga_eg_kind kind;

	if (ev->cls == GA_CLASS_VALIDATION) {
		return -EINVAL;
	}
	memset(m, 0, offsetof(struct ga_msg, text));
	m->text[0] = '\0';
	m->cls = (uint8_t)ev->cls;
	m->time = now;
	m->status_unknown = ev->status_unknown;
	m->edit = ev->edit;
	m->key = ga_event_key(ev->id, ev->source);
	ga_eg_copy(ev->id, m->id, sizeof(m->id));
	ga_eg_copy(ev->source, m->source, sizeof(m->source));
	ga_eg_copy(ev->from, m->from, sizeof(m->from));
	ga_eg_copy(ev->to, m->to, sizeof(m->to));
	ga_eg_copy(ev->sender, m->sender, sizeof(m->sender));
	ga_eg_copy(ev->status, m->status, sizeof(m->status));
	ga_eg_copy(ev->status_details, m->details, sizeof(m->details));
	ga_eg_copy(ev->message_id, m->msgid, sizeof(m->msgid));
	kind = ga_eg_kind_of(ev->type);
	switch (ev->cls) {
	case GA_CLASS_CHAT_THREAD:
		ga_eg_copy(ev->text, name, sizeof(name));
		snprintf(m->text, sizeof(m->text), "%s%s%s",
			 kind == K_THREAD_CREATED ? "New thread"
			 : kind == K_THREAD_DELETED ? "Thread deleted"
						    : "Thread updated",
			 name[0] ? ": " : "", name);
		break;
	case GA_CLASS_CHAT_MEMBER:
		ga_eg_copy(ev->text, name, sizeof(name));
		snprintf(m->text, sizeof(m->text), "%s %s",
			 name[0] ? name : "someone",
			 kind == K_MEMBER_ADDED ? "joined the thread"
						: "left the thread");
		break;
	case GA_CLASS_SMS_FAILED:
	case GA_CLASS_SMS_DELIVERED:
		if (ev->tag.len) {
			char tag[64];

			ga_eg_copy(ev->tag, tag, sizeof(tag));
			snprintf(m->text, sizeof(m->text), "tag %s", tag);
		}
		break;
	default:
		ga_eg_copy(ev->text, m->text, sizeof(m->text));
		break;
	}
	return 0;
}
