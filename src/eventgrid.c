/* eventgrid.c - see eventgrid.h. */
#include "eventgrid.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"


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

/* Lengths are compile-time: a key or type is compared only with entries
 * of its own length, without strlen or a scan per entry. */
#define GA_EG_K(s) { s, sizeof(s) - 1 }

struct ga_eg_name {
	const char *s;
	unsigned char len;
};

/* Event types (docs/events.md; after the GA_EG_COMM prefix) -> what we do with
 * them. */
static const struct {
	struct ga_eg_name name;
	enum ga_eg_kind kind;
} ga_eg_types[] = {
	{ GA_EG_K("SMSReceived"), K_SMS },
	{ GA_EG_K("SMSDeliveryReportReceived"), K_SMS_REPORT },
	{ GA_EG_K("ChatMessageReceived"), K_CHAT_MSG },
	{ GA_EG_K("ChatMessageReceivedInThread"), K_CHAT_MSG },
	{ GA_EG_K("ChatMessageEdited"), K_CHAT_EDIT },
	{ GA_EG_K("ChatMessageEditedInThread"), K_CHAT_EDIT },
	{ GA_EG_K("ChatMessageDeleted"), K_CHAT_DEL },
	{ GA_EG_K("ChatMessageDeletedInThread"), K_CHAT_DEL },
	{ GA_EG_K("ChatThreadCreated"), K_THREAD_CREATED },
	{ GA_EG_K("ChatThreadCreatedWithUser"), K_THREAD_CREATED },
	{ GA_EG_K("ChatThreadWithUserDeleted"), K_THREAD_DELETED },
	{ GA_EG_K("ChatThreadDeleted"), K_THREAD_DELETED },
	{ GA_EG_K("ChatThreadPropertiesUpdated"), K_THREAD_UPDATED },
	{ GA_EG_K("ChatThreadPropertiesUpdatedPerUser"), K_THREAD_UPDATED },
	{ GA_EG_K("ChatMemberAddedToThreadWithUser"), K_MEMBER_ADDED },
	{ GA_EG_K("ChatParticipantAddedToThreadWithUser"), K_MEMBER_ADDED },
	{ GA_EG_K("ChatThreadParticipantAdded"), K_MEMBER_ADDED },
	{ GA_EG_K("ChatMemberRemovedFromThreadWithUser"), K_MEMBER_REMOVED },
	{ GA_EG_K("ChatParticipantRemovedFromThreadWithUser"), K_MEMBER_REMOVED },
	{ GA_EG_K("ChatThreadParticipantRemoved"), K_MEMBER_REMOVED },
};

#define GA_EG_VALIDATION "Microsoft.EventGrid.SubscriptionValidationEvent"
/* Longest name compared (type or key); a longer one matches nothing. */
#define GA_EG_NAME_MAX 96

static bool ga_eg_ieq(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x != y) {
			if (x >= 'A' && x <= 'Z') {
				x = (unsigned char)(x + 32);
			}
			if (y >= 'A' && y <= 'Z') {
				y = (unsigned char)(y + 32);
			}
			if (x != y) {
				return false;
			}
		}
	}
	return true;
}

/* The decoded text of a raw JSON string for name comparison: the raw bytes
 * themselves unless it has escapes (never seen in real keys or types, but
 * legal), then decoded into @buf. NULL span when it cannot be a name. */
static struct ga_span ga_eg_name_of(struct ga_span raw, char *buf)
{
	for (size_t i = 0; i < raw.len; i++) {
		if (raw.ptr[i] == '\\') {
			size_t n = ga_json_str_decode(raw, buf, GA_EG_NAME_MAX + 1);

			return n < GA_EG_NAME_MAX ? ga_span_make(buf, n) : GA_SPAN_NULL;
		}
	}
	return raw;
}

static enum ga_eg_kind ga_eg_kind_of(struct ga_span type)
{
	static const size_t pre = sizeof(GA_EG_COMM) - 1;
	char buf[GA_EG_NAME_MAX + 1];
	struct ga_span t = ga_eg_name_of(type, buf);

	if (t.len > pre && ga_eg_ieq(t.ptr, GA_EG_COMM, pre)) {
		for (size_t i = 0; i < GA_ARRAY_SIZE(ga_eg_types); i++) {
			if (ga_eg_types[i].name.len == t.len - pre &&
			    ga_eg_ieq(t.ptr + pre, ga_eg_types[i].name.s,
				      t.len - pre)) {
				return ga_eg_types[i].kind;
			}
		}
		return K_IGNORED;
	}
	if (t.len == sizeof(GA_EG_VALIDATION) - 1 &&
	    ga_eg_ieq(t.ptr, GA_EG_VALIDATION, t.len)) {
		return K_VALIDATION;
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
	const struct ga_json_tok *t;
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

	if (obj < 0 || obj >= d->n || d->t[obj].type != GA_JSON_OBJECT) {
		return -1;
	}
	k = obj + 1;
	for (int m = 0; m < d->t[obj].size && k + 1 < d->n; m++) {
		if (d->t[k].type == GA_JSON_STRING &&
		    ga_json_str_ieq(ga_eg_span(d, k), key)) {
			return k + 1;
		}
		k = ga_eg_skip(d, k + 1);
	}
	return -1;
}

/* The members an event needs, found in one walk over its object: each
 * key is compared only with the wanted names of its length. @out[i] is the
 * value token of @names[i] (its first occurrence), or -1. */
static void ga_eg_members(const struct ga_eg_doc *d, int obj,
			  const struct ga_eg_name *names, size_t n, int *out)
{
	char buf[GA_EG_NAME_MAX + 1];
	int k;

	for (size_t j = 0; j < n; j++) {
		out[j] = -1;
	}
	if (obj < 0 || obj >= d->n || d->t[obj].type != GA_JSON_OBJECT) {
		return;
	}
	k = obj + 1;
	for (int m = 0; m < d->t[obj].size && k + 1 < d->n; m++) {
		if (d->t[k].type == GA_JSON_STRING) {
			struct ga_span key = ga_eg_name_of(ga_eg_span(d, k), buf);

			for (size_t j = 0; j < n; j++) {
				if (names[j].len == key.len && out[j] < 0 &&
				    ga_eg_ieq(key.ptr, names[j].s, key.len)) {
					out[j] = k + 1;
					break;
				}
			}
		}
		k = ga_eg_skip(d, k + 1);
	}
}

/* A string value's raw contents; numbers are accepted as text too (chat
 * `version` is a number in one sample and a string in another). */
static struct ga_span ga_eg_str_at(const struct ga_eg_doc *d, int v)
{
	if (v < 0 || (d->t[v].type != GA_JSON_STRING &&
		      d->t[v].type != GA_JSON_PRIMITIVE)) {
		return GA_SPAN_NULL;
	}
	if (d->t[v].type == GA_JSON_PRIMITIVE) {
		char c = d->js[d->t[v].start];

		if (c != '-' && (c < '0' || c > '9')) {
			return GA_SPAN_NULL; /* true/false/null */
		}
	}
	return ga_eg_span(d, v);
}

static struct ga_span ga_eg_str(const struct ga_eg_doc *d, int obj,
				const char *key)
{
	return ga_eg_str_at(d, ga_eg_get(d, obj, key));
}

static bool ga_eg_is_str(const struct ga_eg_doc *d, int v)
{
	return v >= 0 && d->t[v].type == GA_JSON_STRING;
}

/* sender: display name, else the communication identifier's rawId */
static struct ga_span ga_eg_sender(const struct ga_eg_doc *d, int name, int id)
{
	struct ga_span s = ga_eg_str_at(d, name);

	if (s.len == 0) {
		s = ga_eg_str(d, id, "rawId");
	}
	return s;
}

/* Envelope members of both schemas (Event Grid and CloudEvents 1.0). */
enum {
	R_SPECVERSION, R_ID, R_TYPE, R_SOURCE, R_SUBJECT, R_TIME,
	R_EVENTTYPE, R_TOPIC, R_EVENTTIME, R_DATA, R__N
};

static const struct ga_eg_name ga_eg_root_names[R__N] = {
	[R_SPECVERSION] = GA_EG_K("specversion"),
	[R_ID] = GA_EG_K("id"),
	[R_TYPE] = GA_EG_K("type"),
	[R_SOURCE] = GA_EG_K("source"),
	[R_SUBJECT] = GA_EG_K("subject"),
	[R_TIME] = GA_EG_K("time"),
	[R_EVENTTYPE] = GA_EG_K("eventType"),
	[R_TOPIC] = GA_EG_K("topic"),
	[R_EVENTTIME] = GA_EG_K("eventTime"),
	[R_DATA] = GA_EG_K("data"),
};

/* data members of the ACS event types we keep. */
enum {
	D_MESSAGEID, D_THREADID, D_FROM, D_TO, D_MESSAGE, D_DSTATUS,
	D_DDETAILS, D_TAG, D_SENDERNAME, D_SENDERID, D_BODY, D_PROPERTIES,
	D_CREATEDBY, D_DELETEDBY, D_EDITEDBY, D_PADDED, D_PREMOVED,
	D_MADDED, D_MREMOVED, D_VALIDATION, D__N
};

static const struct ga_eg_name ga_eg_data_names[D__N] = {
	[D_MESSAGEID] = GA_EG_K("messageId"),
	[D_THREADID] = GA_EG_K("threadId"),
	[D_FROM] = GA_EG_K("from"),
	[D_TO] = GA_EG_K("to"),
	[D_MESSAGE] = GA_EG_K("message"),
	[D_DSTATUS] = GA_EG_K("deliveryStatus"),
	[D_DDETAILS] = GA_EG_K("deliveryStatusDetails"),
	[D_TAG] = GA_EG_K("tag"),
	[D_SENDERNAME] = GA_EG_K("senderDisplayName"),
	[D_SENDERID] = GA_EG_K("senderCommunicationIdentifier"),
	[D_BODY] = GA_EG_K("messageBody"),
	[D_PROPERTIES] = GA_EG_K("properties"),
	[D_CREATEDBY] = GA_EG_K("createdByCommunicationIdentifier"),
	[D_DELETEDBY] = GA_EG_K("deletedByCommunicationIdentifier"),
	[D_EDITEDBY] = GA_EG_K("editedByCommunicationIdentifier"),
	[D_PADDED] = GA_EG_K("participantAdded"),
	[D_PREMOVED] = GA_EG_K("participantRemoved"),
	[D_MADDED] = GA_EG_K("memberAdded"),
	[D_MREMOVED] = GA_EG_K("memberRemoved"),
	[D_VALIDATION] = GA_EG_K("validationCode"),
};

/* ---- one event ------------------------------------------------------------ */

static int ga_eg_event(const struct ga_eg_doc *d, enum ga_eg_format fmt,
		       bool single, struct ga_event *ev, struct ga_eg_result *res,
		       size_t at)
{
	int r[R__N], x[D__N], data, sv;
	bool ce;
	enum ga_eg_kind kind;

	memset(ev, 0, sizeof(*ev));
	ga_eg_members(d, 0, ga_eg_root_names, R__N, r);
	sv = r[R_SPECVERSION];
	ce = sv >= 0;
	if ((fmt == GA_EG_FORMAT_CE || fmt == GA_EG_FORMAT_CE_BATCH) && !ce) {
		return ga_eg_fail(res, -EINVAL, "event at byte %zu: CloudEvents "
				  "content type but no specversion", at);
	}
	if (single && !ce) {
		return ga_eg_fail(res, -EINVAL, "an Event Grid schema body must "
				  "be a JSON array of events");
	}
	ev->id = ga_eg_str_at(d, r[R_ID]);
	if (ce) {
		if (d->t[sv].type != GA_JSON_STRING ||
		    !ga_json_str_ieq(ga_eg_span(d, sv), "1.0")) {
			return ga_eg_fail(res, -EINVAL, "event at byte %zu: "
					  "specversion must be \"1.0\"", at);
		}
		ev->type = ga_eg_str_at(d, r[R_TYPE]);
		ev->source = ga_eg_str_at(d, r[R_SOURCE]);
		ev->subject = ga_eg_str_at(d, r[R_SUBJECT]);
		ev->time = ga_eg_str_at(d, r[R_TIME]);
		if (!ga_eg_is_str(d, r[R_SOURCE])) {
			return ga_eg_fail(res, -EINVAL, "event at byte %zu: "
					  "missing source", at);
		}
	} else {
		ev->type = ga_eg_str_at(d, r[R_EVENTTYPE]);
		ev->source = ga_eg_str_at(d, r[R_TOPIC]);
		ev->subject = ga_eg_str_at(d, r[R_SUBJECT]);
		ev->time = ga_eg_str_at(d, r[R_EVENTTIME]);
		if (!ga_eg_is_str(d, r[R_SUBJECT])) {
			return ga_eg_fail(res, -EINVAL, "event at byte %zu: "
					  "missing subject", at);
		}
	}
	if (!ga_eg_is_str(d, r[R_ID]) || ev->id.len == 0) {
		return ga_eg_fail(res, -EINVAL, "event at byte %zu: missing id", at);
	}
	if (!ga_eg_is_str(d, r[ce ? R_TYPE : R_EVENTTYPE]) || ev->type.len == 0) {
		return ga_eg_fail(res, -EINVAL, "event at byte %zu: missing %s",
				  at, ce ? "type" : "eventType");
	}
	kind = ga_eg_kind_of(ev->type);
	data = r[R_DATA];
	if (kind == K_IGNORED) {
		ev->cls = GA_CLASS_IGNORED;
		return 0;
	}
	if (data < 0 || d->t[data].type != GA_JSON_OBJECT) {
		return ga_eg_fail(res, -EINVAL, "event %.*s: data must be an "
				  "object", (int)(ev->id.len > 40 ? 40 : ev->id.len),
				  ev->id.ptr);
	}
	ga_eg_members(d, data, ga_eg_data_names, D__N, x);
	ev->message_id = ga_eg_str_at(d, x[D_MESSAGEID]);
	ev->thread_id = ga_eg_str_at(d, x[D_THREADID]);
	switch (kind) {
	case K_SMS:
		ev->cls = GA_CLASS_SMS;
		ev->from = ga_eg_str_at(d, x[D_FROM]);
		ev->to = ga_eg_str_at(d, x[D_TO]);
		ev->text = ga_eg_str_at(d, x[D_MESSAGE]);
		break;
	case K_SMS_REPORT:
		ev->from = ga_eg_str_at(d, x[D_FROM]);
		ev->to = ga_eg_str_at(d, x[D_TO]);
		ev->status = ga_eg_str_at(d, x[D_DSTATUS]);
		ev->status_details = ga_eg_str_at(d, x[D_DDETAILS]);
		ev->tag = ga_eg_str_at(d, x[D_TAG]);
		/* Anything but "Delivered" is a failure (ACS report statuses are an open set),
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
		ev->sender = ga_eg_sender(d, x[D_SENDERNAME], x[D_SENDERID]);
		ev->text = ga_eg_str_at(d, x[D_BODY]);
		break;
	case K_CHAT_DEL:
		ev->cls = GA_CLASS_CHAT_DELETED;
		ev->sender = ga_eg_sender(d, x[D_SENDERNAME], x[D_SENDERID]);
		break;
	case K_THREAD_CREATED:
	case K_THREAD_DELETED:
	case K_THREAD_UPDATED:
		ev->cls = GA_CLASS_CHAT_THREAD;
		ev->text = ga_eg_str(d, x[D_PROPERTIES], "topic");
		ev->sender = ga_eg_sender(d, -1,
					  kind == K_THREAD_CREATED ? x[D_CREATEDBY]
					  : kind == K_THREAD_DELETED ? x[D_DELETEDBY]
								     : x[D_EDITEDBY]);
		break;
	case K_MEMBER_ADDED:
	case K_MEMBER_REMOVED: {
		int who = x[kind == K_MEMBER_ADDED ? D_PADDED : D_PREMOVED];

		if (who < 0) { /* the deprecated "member" spelling */
			who = x[kind == K_MEMBER_ADDED ? D_MADDED : D_MREMOVED];
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
		ev->validation_code = ga_eg_str_at(d, x[D_VALIDATION]);
		if (!ga_eg_is_str(d, x[D_VALIDATION])) {
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
	struct ga_json_tok *t = p->tokens;
	struct ga_span el = ga_span_make(body.ptr + start, end - start);
	struct ga_json_err jerr;
	struct ga_eg_doc d;
	int n;

	n = ga_json_tokenize(el, t, GA_EG_TOKENS_MAX, &jerr);
	if (n == -EINVAL) {
		return ga_eg_fail(res, -EINVAL, "invalid JSON at byte %zu: %s",
				  start + jerr.at, jerr.what);
	}
	if (n == -EMSGSIZE) {
		return ga_eg_fail(res, -EMSGSIZE, "event at byte %zu needs more "
				  "than %d JSON tokens", start, GA_EG_TOKENS_MAX);
	}
	if (n < 1 || t[0].type != GA_JSON_OBJECT) {
		return ga_eg_fail(res, -EINVAL, "event at byte %zu is not a JSON "
				  "object", start);
	}
	d.js = el.ptr;
	d.t = t;
	d.n = n;
	return ga_eg_event(&d, fmt, single, ev, res, start);
}

/* One pass over the body. With @cb NULL it validates, counts and keeps
 * the first GA_EG_KEEP_MAX events in p->kept; with @cb it delivers the
 * array elements from index @from on (the ones not kept), stepping over
 * the kept ones without parsing them.
 * The CloudEvents content types name a shape (object or batch array), but
 * which one Event Grid uses for batched CloudEvents push is not documented
 * by Microsoft, and a 400 would dead-letter the events: both shapes are
 * accepted under both types; each element must still be a CloudEvent. */
static int ga_eg_pass(struct ga_eventgrid *p, struct ga_span body,
		      enum ga_eg_format fmt, ga_eg_cb cb, void *arg,
		      struct ga_eg_result *res, unsigned int from)
{
	const char *s = body.ptr;
	size_t len = body.len, i = 0;
	unsigned int idx = 0;
	struct ga_event spare, *ev;
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
		if (cb) {
			return 0; /* the one event was kept */
		}
		ev = &p->kept[0];
		err = ga_eg_element(p, body, i, e, fmt, true, ev, res);
		if (err) {
			return err;
		}
		res->events++;
		res->per_class[ev->cls]++;
		return 0;
	}
	if (s[i] != '[') {
		return ga_eg_fail(res, -EINVAL, "body is not a JSON array or object");
	}
	i++;
	for (bool first = true;; first = false, idx++) {
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
		if (cb && idx < from) {
			i = e; /* kept: delivered from p->kept */
			continue;
		}
		ev = (!cb && idx < GA_EG_KEEP_MAX) ? &p->kept[idx] : &spare;
		err = ga_eg_element(p, body, i, e, fmt, false, ev, res);
		if (err) {
			return err;
		}
		if (cb) {
			err = cb(arg, ev);
			if (err) {
				return err;
			}
		} else {
			res->events++;
			res->per_class[ev->cls]++;
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
	unsigned int kept;
	int err;

	memset(res, 0, sizeof(*res));
	if (fmt == GA_EG_FORMAT_UNSUPPORTED) {
		return ga_eg_fail(res, -EINVAL, "unsupported content type");
	}
	/* Pass 1 validates everything, so a bad event 37 of 100 means no
	 * callback at all (all-or-nothing, docs/http.md), and keeps what it
	 * parsed. Delivery hands out the kept events; only a batch of more
	 * than GA_EG_KEEP_MAX events has its tail parsed a second time. */
	err = ga_eg_pass(p, body, fmt, NULL, NULL, res, 0);
	if (err || !cb) {
		return err;
	}
	kept = res->events < GA_EG_KEEP_MAX ? res->events : GA_EG_KEEP_MAX;
	for (unsigned int k = 0; k < kept; k++) {
		err = cb(arg, &p->kept[k]);
		if (err) {
			return err;
		}
	}
	if (res->events <= GA_EG_KEEP_MAX) {
		return 0;
	}
	return ga_eg_pass(p, body, fmt, cb, arg, res, GA_EG_KEEP_MAX);
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
	ga_eg_copy(ev->thread_id, m->thread, sizeof(m->thread));
	kind = (ev->cls == GA_CLASS_CHAT_THREAD || ev->cls == GA_CLASS_CHAT_MEMBER)
		       ? ga_eg_kind_of(ev->type) : K_IGNORED;
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
