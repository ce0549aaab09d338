/* store.h - the kept messages: what `gridalertctl messages` lists and the
 * LCD shows. A fixed ring of the newest GA_STORE_MAX messages; older ones
 * live on only in the journal. Chat edits replace the text of the message
 * they edit, chat deletes remove it (docs/events.md).
 */
#ifndef GA_STORE_H
#define GA_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "event.h"

/* 32 messages * ~2.7 KiB = 86 KiB, touched only as messages arrive: a
 * 16x2 LCD pages through a handful; `messages` shows the recent ones. */
#define GA_STORE_MAX 32

struct ga_store {
	struct ga_msg msgs[GA_STORE_MAX];
	unsigned int head;  /* slot of the next message */
	unsigned int count;
	uint32_t next_seq;
};

void ga_store_init(struct ga_store *s);
/* Keep a copy of @m (assigning a seq when m->seq is 0). Chat edits and
 * deletes act on the message with the same chat message id. Returns the
 * stored message, or NULL when nothing is kept (a delete, sms_delivered,
 * ignored). */
const struct ga_msg *ga_store_add(struct ga_store *s, const struct ga_msg *m,
				  bool edit);
/* @i-th newest (0 = newest), NULL past the end. */
const struct ga_msg *ga_store_nth(const struct ga_store *s, unsigned int i);
const struct ga_msg *ga_store_find(const struct ga_store *s, uint32_t seq);
/* 0, or -ENOENT when no kept message has @seq. */
int ga_store_ack(struct ga_store *s, uint32_t seq);
/* Acknowledge all; returns how many were unacknowledged. */
unsigned int ga_store_ack_all(struct ga_store *s);
unsigned int ga_store_unacked(const struct ga_store *s);

#endif /* GA_STORE_H */
