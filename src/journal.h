/* journal.h - the durable journal (docs/events.md): an append-only file of
 * CRC-checked records. Event Grid delivers at least once and a 200 is a
 * promise, so a request's events are appended (page cache), then fsynced,
 * and only then answered 200.
 *
 * Group commit in one thread: handlers append during a loop iteration; the
 * server's prepare hook calls ga_journal_sync() once for all of them (one
 * fsync for N requests), then answers them all. The loop blocks on the disk
 * for at most one fsync per iteration.
 *
 * Records: EVENT (a struct ga_msg), ACK (one seq, or all up to a seq), KEYS
 * (dedupe keys carried over a compaction). A torn or CRC-bad tail is cut at
 * open; damage in the middle is skipped up to the next intact record.
 */
#ifndef GA_JOURNAL_H
#define GA_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common.h"
#include "event.h"

struct ga_conf;

/* Appends are gathered here and written with one write(2) per sync (or
 * when full): 64 KiB holds ~100 typical events. */
#define GA_JOURNAL_WBUF 65536
/* The largest record: header + a ga_msg with every field full. */
#define GA_JOURNAL_REC_MAX 4096
/* The file grows by this much zero-filled space at a time, so that most
 * syncs overwrite blocks that already exist: fdatasync then flushes data
 * only, without a filesystem-journal commit for the new size (on ext4,
 * append+fsync is a data write plus a jbd2 commit, two device flushes;
 * on this project's CI disk 0.24 vs 0.17 ms p50: make bench's "fsync/s
 * ... appended" and "fdatasync/s ... over zero-filled space" rows).
 * Zero-filled, not fallocate()d: unwritten extents need a metadata update
 * at first write, the very cost this avoids. Capped at max_bytes / 4. */
#define GA_JOURNAL_PREALLOC (256u * 1024u)
/* Single acknowledgements remembered between compactions (acks of older
 * messages go through `ack all`, which is one watermark). */
#define GA_JOURNAL_ACKS_MAX 256

/* Called for each record that is durable: at open (replay) and after each
 * successful sync. @ack_seq: 0 for an event; else the acknowledged seq
 * (@all: every seq up to it). */
struct ga_journal_apply {
	void (*event)(void *arg, const struct ga_msg *m, bool replay);
	void (*ack)(void *arg, uint32_t seq, bool all, bool replay);
	void *arg;
};

struct ga_journal_stats {
	unsigned long records;  /* journal.records: in the file now */
	uint64_t bytes;         /* journal.bytes */
	unsigned long syncs;
	uint64_t sync_us;       /* time in syncs (write + fdatasync), total */
	uint32_t sync_us_max;   /* the slowest: a failing SD card shows here */
	unsigned long sync_failures;
	unsigned long compactions;
	uint64_t truncated;     /* bytes cut or skipped at open */
};

struct ga_journal {
	int fd;
	int dirfd;
	char path[256];
	bool no_fsync;  /* bench-only: GRIDALERT_BENCH_NO_FSYNC=1 */
	bool failing;   /* last write/sync failed: log once per state change */
	bool full;      /* unacknowledged events alone exceed max_bytes */
	uint64_t max_bytes;
	uint64_t synced_off; /* end of the durable records */
	uint64_t written_off;/* end of the records written (not yet synced) */
	uint64_t alloc_end;  /* file size: the records, then zeros to fill */
	uint64_t prealloc;   /* zeros added at a time (ga_journal_open) */
	char *wbuf;          /* GA_JOURNAL_WBUF, reserved at open */
	size_t wlen;
	uint32_t next_seq;
	uint32_t synced_seq; /* next_seq at the last sync */
	uint32_t ack_all;    /* acknowledged up to this seq */
	uint32_t acks[GA_JOURNAL_ACKS_MAX];
	unsigned int nacks;
	uint64_t *keys;      /* dedupe ring, [journal] dedupe entries */
	uint32_t *knext;     /* per ring slot: next slot in its hash chain */
	uint32_t *kbucket;   /* kmask + 1 chain heads (a power of two) */
	uint32_t kmask;
	unsigned int nkeys;
	unsigned int key_head;
	unsigned int key_head_synced;
	unsigned int records_synced;
	struct ga_journal_apply apply;
	char *rec;           /* GA_JOURNAL_REC_MAX scratch, reserved at open */
	struct ga_journal_stats stats;
};

struct ga_journal_mark {
	uint64_t off;
	uint32_t seq;
	unsigned int key_head;
	unsigned long records;
};

void ga_journal_init(struct ga_journal *j);
/* Open (creating the directory 0700 and the file 0600 if needed) and
 * replay into @apply. 0 or -errno (logged). */
GA_MUST_CHECK int ga_journal_open(struct ga_journal *j,
				  const struct ga_conf *conf,
				  const struct ga_journal_apply *apply);
void ga_journal_close(struct ga_journal *j);

bool ga_journal_seen(const struct ga_journal *j, uint64_t key);
/* Append an event (assigns m->seq). Not durable until ga_journal_sync().
 * 0 or -errno: -ENOSPC (disk or max_bytes full of unacknowledged
 * events), -EIO, -EROFS. */
GA_MUST_CHECK int ga_journal_append(struct ga_journal *j, struct ga_msg *m);
GA_MUST_CHECK int ga_journal_ack(struct ga_journal *j, uint32_t seq, bool all);
struct ga_journal_mark ga_journal_mark(const struct ga_journal *j);
/* Undo every append since @mark (a batch that failed half-way). */
void ga_journal_rollback(struct ga_journal *j, const struct ga_journal_mark *mark);
/* Anything appended and not yet synced? */
bool ga_journal_pending(const struct ga_journal *j);
/* Write and fsync everything appended; then apply it. On failure the
 * unsynced records are cut back and -errno returned (callers answer 503).
 * Compacts when the file exceeds max_bytes. */
GA_MUST_CHECK int ga_journal_sync(struct ga_journal *j);

/* ---- reading the durable records back (console history, counts) ---- */

/* Record types as ga_journal_walk() reports them. */
enum {
	GA_JOURNAL_EVENT = 1,
	GA_JOURNAL_ACK = 2,
	GA_JOURNAL_ACK_ALL = 3,
};

/* One durable record: its offset in the file (for ga_journal_read_event)
 * and its payload, valid only during the callback. */
struct ga_journal_rec {
	unsigned int type;
	uint64_t off;
	const unsigned char *p;
	size_t len;
};

/* What an EVENT payload's fixed head says, without decoding the rest. */
struct ga_journal_head {
	uint32_t seq;
	uint8_t cls;
	bool acked;  /* written acknowledged (see ga_journal_acked too) */
	bool edit;
	bool hidden; /* a rule's ignore = yes: never listed */
	int64_t time;
};

/* Read the durable records from the oldest in chunks of @size bytes
 * (at least GA_JOURNAL_REC_MAX) through the caller's @buf; @fn sees each
 * and returns nonzero to stop (that value is returned). Damage skipped at
 * open is skipped here too. Blocking file reads: for console requests, not
 * the event path. 0, or -errno of a read. */
GA_MUST_CHECK int ga_journal_walk(struct ga_journal *j, unsigned char *buf,
				  size_t size,
				  int (*fn)(void *arg,
					    const struct ga_journal_rec *r),
				  void *arg);
/* The fixed head of an EVENT payload; -EINVAL when it is too short. */
GA_MUST_CHECK int ga_journal_event_head(const unsigned char *p, size_t len,
					struct ga_journal_head *h);
/* Read and decode the EVENT record at @off (from ga_journal_walk) into
 * @m, with its acknowledged state as the journal knows it. 0, -EINVAL
 * (not an intact event record), -errno. */
GA_MUST_CHECK int ga_journal_read_event(struct ga_journal *j, uint64_t off,
					struct ga_msg *m);
/* Acknowledged: at or below the `ack all` watermark, or one of the last
 * GA_JOURNAL_ACKS_MAX single acknowledgements. */
bool ga_journal_acked(const struct ga_journal *j, uint32_t seq);

#endif /* GA_JOURNAL_H */
