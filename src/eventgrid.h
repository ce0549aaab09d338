/* eventgrid.h - Event Grid and CloudEvents 1.0 envelopes over jsmn-style
 * tokens (src/json.h), allocation-free (docs/events.md, docs/http.md,
 * docs/architecture.md).
 *
 * A batch is limited by bytes, not by event count: the top-level array is
 * walked element by element and each element is tokenized on its own into
 * one fixed token array, so a 5 000-event batch needs no more tokens than
 * its largest event. Events are handed out as struct ga_event: spans into
 * the body, nothing copied. A batch is all-or-nothing: the callback runs
 * only after the whole body was validated; the validating pass keeps what
 * it parsed (GA_EG_KEEP_MAX events), so delivery parses nothing again.
 */
#ifndef GA_EVENTGRID_H
#define GA_EVENTGRID_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "event.h"
#include "json.h"

/* Tokens for one event. The largest ACS event in the corpus (a chat thread
 * created with participants and metadata) needs ~90; 1024 leaves room for
 * custom data while bounding the array to 16 KiB. An event needing more is
 * answered 413 with a clear error (it can never succeed here). */
#define GA_EG_TOKENS_MAX 1024

enum ga_eg_format {
	GA_EG_FORMAT_UNSUPPORTED = 0,
	GA_EG_FORMAT_AUTO,     /* application/json: EG array, CE object/array */
	GA_EG_FORMAT_CE,       /* application/cloudevents+json: one object */
	GA_EG_FORMAT_CE_BATCH, /* application/cloudevents-batch+json: array */
};

/* From a Content-Type value (parameters and case ignored). */
enum ga_eg_format ga_eventgrid_format(struct ga_span content_type);

struct ga_eg_result {
	unsigned int events;
	unsigned int per_class[GA_CLASS__COUNT];
	char error[112]; /* reason for {"error":...} */
};

typedef int (*ga_eg_cb)(void *arg, const struct ga_event *ev);

/* Events the validating pass keeps for delivery, so that a batch of up to
 * this many events is tokenized and decoded once. Event Grid's default
 * batch preference is 64 KiB, ~110 events of the ~600-byte SMS event;
 * 128 x sizeof(struct ga_event) (280 bytes on 64-bit) is 35 KiB, touched
 * only as far as a batch reaches. Events past this many are parsed again
 * when delivered (their span is found without parsing the kept ones). */
#define GA_EG_KEEP_MAX 128

struct ga_eventgrid {
	struct ga_json_tok tokens[GA_EG_TOKENS_MAX];
	struct ga_event kept[GA_EG_KEEP_MAX];
};

void ga_eventgrid_init(struct ga_eventgrid *p);

/* Validate @body completely, then call @cb for each event in order.
 * 0; -EINVAL (answer 400: malformed, invalid UTF-8, wrong shape, missing
 * required field); -EMSGSIZE (413: an event needs more than
 * GA_EG_TOKENS_MAX tokens); or the first nonzero return of @cb. */
GA_MUST_CHECK int ga_eventgrid_parse(struct ga_eventgrid *p,
				     struct ga_span body,
				     enum ga_eg_format fmt, ga_eg_cb cb,
				     void *arg, struct ga_eg_result *res);

const char *ga_eventgrid_error(const struct ga_eg_result *res);

/* The kept copy of an event (decoded, bounded; see GA_MSG_*). @now is the
 * receive time. 0 or -EINVAL for a class that is not kept. */
int ga_eventgrid_to_msg(const struct ga_event *ev, int64_t now,
			struct ga_msg *m);

#endif /* GA_EVENTGRID_H */
