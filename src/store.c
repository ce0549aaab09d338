/* store.c - see store.h. */
#include "store.h"

#include <errno.h>
#include <string.h>

void ga_store_init(struct ga_store *s)
{
	s->head = 0;
	s->count = 0;
	s->next_seq = 1;
}

static struct ga_msg *ga_store_slot(struct ga_store *s, unsigned int i)
{
	return &s->msgs[(s->head + GA_STORE_MAX - 1 - i) % GA_STORE_MAX];
}

const struct ga_msg *ga_store_nth(const struct ga_store *s, unsigned int i)
{
	if (i >= s->count) {
		return NULL;
	}
	return &s->msgs[(s->head + GA_STORE_MAX - 1 - i) % GA_STORE_MAX];
}

static struct ga_msg *ga_store_by_msgid(struct ga_store *s, const char *msgid)
{
	if (!msgid[0]) {
		return NULL;
	}
	for (unsigned int i = 0; i < s->count; i++) {
		struct ga_msg *m = ga_store_slot(s, i);

		if (m->cls == GA_CLASS_CHAT && strcmp(m->msgid, msgid) == 0) {
			return m;
		}
	}
	return NULL;
}

/* Remove the message at age @i, keeping the others in order. */
static void ga_store_remove(struct ga_store *s, unsigned int i)
{
	for (; i > 0; i--) {
		*ga_store_slot(s, i) = *ga_store_slot(s, i - 1);
	}
	s->head = (s->head + GA_STORE_MAX - 1) % GA_STORE_MAX;
	s->count--;
}

const struct ga_msg *ga_store_add(struct ga_store *s, const struct ga_msg *m,
				  bool edit)
{
	struct ga_msg *slot;

	switch (m->cls) {
	case GA_CLASS_CHAT_DELETED:
		for (unsigned int i = 0; i < s->count; i++) {
			struct ga_msg *o = ga_store_slot(s, i);

			if (o->cls == GA_CLASS_CHAT && m->msgid[0] &&
			    strcmp(o->msgid, m->msgid) == 0) {
				ga_store_remove(s, i);
				break;
			}
		}
		return NULL;
	case GA_CLASS_SMS_DELIVERED:
	case GA_CLASS_IGNORED:
	case GA_CLASS_VALIDATION:
		return NULL;
	case GA_CLASS_CHAT:
		if (edit) {
			slot = ga_store_by_msgid(s, m->msgid);
			if (slot) {
				memcpy(slot->text, m->text, sizeof(slot->text));
				return slot;
			}
		}
		break;
	default:
		break;
	}
	slot = &s->msgs[s->head];
	*slot = *m;
	if (!slot->seq) {
		slot->seq = s->next_seq;
	}
	if (slot->seq >= s->next_seq) {
		s->next_seq = slot->seq + 1;
	}
	s->head = (s->head + 1) % GA_STORE_MAX;
	if (s->count < GA_STORE_MAX) {
		s->count++;
	}
	return slot;
}

const struct ga_msg *ga_store_find(const struct ga_store *s, uint32_t seq)
{
	for (unsigned int i = 0; i < s->count; i++) {
		const struct ga_msg *m = ga_store_nth(s, i);

		if (m->seq == seq) {
			return m;
		}
	}
	return NULL;
}

int ga_store_ack(struct ga_store *s, uint32_t seq)
{
	for (unsigned int i = 0; i < s->count; i++) {
		struct ga_msg *m = ga_store_slot(s, i);

		if (m->seq == seq) {
			m->acked = true;
			return 0;
		}
	}
	return -ENOENT;
}

unsigned int ga_store_ack_all(struct ga_store *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->count; i++) {
		struct ga_msg *m = ga_store_slot(s, i);

		if (!m->acked) {
			m->acked = true;
			n++;
		}
	}
	return n;
}

unsigned int ga_store_unacked(const struct ga_store *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->count; i++) {
		if (!ga_store_nth(s, i)->acked) {
			n++;
		}
	}
	return n;
}
