/* history.h - the console's view of every message the journal still
 * holds, beyond the newest GA_STORE_MAX kept in memory: `messages N`,
 * `messages --since TIME`, `--before SEQ` paging, `ack SEQ` of an old
 * message, and the true count of unacknowledged events.
 *
 * Console requests, not the event path: these read the journal file
 * (blocking preads of page-cached data) in chunks through one buffer
 * reserved at setup; nothing is allocated per request. Reading a full
 * 4 MiB journal is one pass over 4 MiB.
 *
 * The newest messages come from the store, which knows chat edits and
 * deletes; older ones from the journal as first received.
 */
#ifndef GA_HISTORY_H
#define GA_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "event.h"
#include "journal.h"
#include "store.h"

/* `messages N` lists at most this many: offsets of the wanted records are
 * kept, 8 bytes each (32 KiB). A 4 MiB journal holds ~24 700 short SMS;
 * `--before SEQ` pages further back. */
#define GA_HISTORY_MAX 4096
/* Journal bytes read at a time (one buffer, reserved at setup). */
#define GA_HISTORY_CHUNK 65536

struct ga_history {
	struct ga_journal *journal;
	const struct ga_store *store;
	unsigned char *buf;  /* GA_HISTORY_CHUNK */
	uint64_t *offs;      /* GA_HISTORY_MAX, a ring of the newest wanted */
	struct ga_msg msg;   /* a message read back from the journal */
	/* unacknowledged events in the journal: kept up to date as events
	 * arrive, counted again (one pass) after an acknowledgement */
	unsigned long unacked;
	bool unacked_valid;
	/* the newest seq the count has seen: a count taken while a synced
	 * batch is being applied already has the batch's later events */
	uint32_t counted_seq;
};

/* What `messages` asks for: the newest @n with seq below @before (0: no
 * bound) and received at or after @since (0: no bound). */
struct ga_history_query {
	unsigned int n;
	uint32_t before;
	int64_t since;
};

void ga_history_init(struct ga_history *h);
/* Reserve the buffers. 0 or -ENOMEM. */
GA_MUST_CHECK int ga_history_setup(struct ga_history *h,
				   struct ga_journal *j,
				   const struct ga_store *store);
void ga_history_close(struct ga_history *h);

/* From the journal's apply callbacks: a durable event, an acknowledgement. */
void ga_history_note_event(struct ga_history *h, const struct ga_msg *m);
void ga_history_note_ack(struct ga_history *h);

/* Does this event count as a message (listed, alarmed, acknowledged)? */
bool ga_history_listed(uint8_t cls, bool edit);

/* Unacknowledged events in the journal. 0 or -errno of a read. */
GA_MUST_CHECK int ga_history_unacked(struct ga_history *h, unsigned long *n);

/* Call @fn for each wanted message, newest first, until it returns
 * nonzero. *@total: how many matched (may exceed what was listed).
 * 0 or -errno. @fn's message is valid during the call only. */
GA_MUST_CHECK int ga_history_list(struct ga_history *h,
				  const struct ga_history_query *q,
				  int (*fn)(void *arg, const struct ga_msg *m),
				  void *arg, unsigned long *total);

/* Is @seq a message still in the journal? Sets *@acked. 0 or -ENOENT. */
GA_MUST_CHECK int ga_history_find(struct ga_history *h, uint32_t seq,
				  bool *acked);

/* The arguments of `messages`: [N] [--since TIME] [--before SEQ] in any
 * order. N defaults to GA_STORE_MAX, or GA_HISTORY_MAX with --since.
 * 0, or -EINVAL with *@why saying what is wrong (one line, no LF). */
GA_MUST_CHECK int ga_history_parse_query(struct ga_span args, int64_t now,
					 struct ga_history_query *q,
					 const char **why);

/* TIME for `--since`: ISO 8601 (2026-12-03, 2026-12-03T07:00[:00],
 * with Z or +hh:mm / -hh:mm; local time without a zone) or relative to
 * @now: N s|m|h|d|w ("2h", "3d"). 0 or -EINVAL. */
GA_MUST_CHECK int ga_history_parse_time(struct ga_span s, int64_t now,
					int64_t *t);

#endif /* GA_HISTORY_H */
