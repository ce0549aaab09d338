/* event.h - the event model shared by eventgrid (parse), journal (persist),
 * store (kept messages), alert (react) and ctl (show).
 *
 * struct ga_event is what the parser produces: spans into the request buffer,
 * no copies (docs/architecture.md). String spans hold the JSON string's raw contents
 * (between the quotes, escapes not yet decoded); the parser has already
 * validated them (escapes, UTF-8, no raw controls). Copy one out with
 * ga_json_str_decode() (src/json.h).
 *
 * struct ga_msg is what the product keeps: decoded, bounded copies of what
 * the journal, the display and `gridalertctl messages` need (docs/events.md).
 */
#ifndef GA_EVENT_H
#define GA_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

/* The classes of docs/events.md. Order is ABI for the journal: append only. */
enum ga_class {
	GA_CLASS_IGNORED = 0,  /* anything else: counted, 200 */
	GA_CLASS_SMS,          /* SMSReceived */
	GA_CLASS_SMS_FAILED,   /* delivery report, status not Delivered */
	GA_CLASS_SMS_DELIVERED,
	GA_CLASS_CHAT,         /* ChatMessageReceived(InThread), Edited */
	GA_CLASS_CHAT_DELETED,
	GA_CLASS_CHAT_THREAD,
	GA_CLASS_CHAT_MEMBER,
	GA_CLASS_VALIDATION,   /* SubscriptionValidationEvent: handshake */
	GA_CLASS__COUNT
};

/* "sms", "sms_failed", ... as used in [alert.<class>] and `messages`. */
const char *ga_class_name(enum ga_class cls);
/* -1 when @name is not a class name. */
int ga_class_from_name(struct ga_span name);

struct ga_event {
	enum ga_class cls;
	bool edit;           /* ChatMessageEdited(InThread): replaces text */
	bool status_unknown; /* delivery report detail 5002: shown, not alarmed */
	struct ga_span type;   /* eventType (EG) or type (CE) */
	struct ga_span id;
	struct ga_span source; /* EG topic or CE source: dedupe key with id */
	struct ga_span subject;
	struct ga_span time;   /* eventTime / time */
	struct ga_span from;   /* SMS: from number */
	struct ga_span to;     /* SMS: to number */
	struct ga_span sender; /* chat: senderDisplayName (or sender rawId) */
	struct ga_span text;   /* SMS message, chat body, thread topic, member */
	struct ga_span status;         /* deliveryStatus */
	struct ga_span status_details; /* deliveryStatusDetails */
	struct ga_span tag;            /* delivery report tag */
	struct ga_span message_id;     /* SMS/chat messageId (edits, deletes) */
	struct ga_span thread_id;      /* chat threadId */
	struct ga_span validation_code;
};

/* Field limits of a kept message. Text: up to 1600
 * bytes (docs/events.md) (a 10-segment concatenated SMS is 1530 GSM-7 chars). Longer values
 * are cut at a UTF-8 character boundary when copied. */
#define GA_MSG_TEXT_MAX 1600
#define GA_MSG_ID_MAX 128      /* event ids are GUIDs (36) in every sample */
#define GA_MSG_SOURCE_MAX 256  /* ARM resource path of the ACS resource */
#define GA_MSG_ADDR_MAX 64     /* E.164 number or ACS rawId prefix */
#define GA_MSG_NAME_MAX 128    /* chat display name */
#define GA_MSG_STATUS_MAX 64
#define GA_MSG_DETAILS_MAX 256
#define GA_MSG_MSGID_MAX 128
/* ACS chat thread ids are "19:" + 32 hex + "@thread.v2", 48 bytes in every
 * sample (tests/corpus/eventgrid); room for other id forms. */
#define GA_MSG_THREAD_MAX 128

struct ga_msg {
	uint32_t seq;       /* shown by `messages`, used by `ack SEQ` */
	uint8_t cls;        /* enum ga_class */
	bool acked;
	bool status_unknown;
	bool edit;          /* a chat edit: replaces the text of msgid */
	bool hidden;        /* a rule's ignore = yes: journaled, never shown */
	int64_t time;       /* when received, unix seconds */
	uint64_t key;       /* ga_event_key(id, source): dedupe */
	char id[GA_MSG_ID_MAX];
	char source[GA_MSG_SOURCE_MAX];
	char from[GA_MSG_ADDR_MAX];
	char to[GA_MSG_ADDR_MAX];
	char sender[GA_MSG_NAME_MAX];
	char status[GA_MSG_STATUS_MAX];
	char details[GA_MSG_DETAILS_MAX];
	char msgid[GA_MSG_MSGID_MAX];
	char thread[GA_MSG_THREAD_MAX]; /* chat threadId */
	char text[GA_MSG_TEXT_MAX + 1];
};

/* 64-bit FNV-1a over id, a 0 separator and source: the dedupe key. Computed
 * from the raw spans, so it is the same before and after a restart. */
uint64_t ga_event_key(struct ga_span id, struct ga_span source);

#endif /* GA_EVENT_H */
