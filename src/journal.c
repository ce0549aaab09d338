/* journal.c - see journal.h.
 *
 * File: a 16-byte header ("GRIDALRT", u32 version, u32 CRC of the first 12
 * bytes), then records: u32 magic, u16 type, u16 zero, u32 payload length,
 * u32 CRC-32C over type, length and payload, then the payload. Integers are
 * little-endian on disk whatever the CPU.
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fsutil.h"
#include "log.h"
#include "loop.h"

#define GA_JOURNAL_MAGIC "GRIDALRT"
#define GA_JOURNAL_VERSION 1u
#define GA_JOURNAL_HDR 16u
#define GA_JOURNAL_REC_MAGIC 0x4a524543u /* "CERJ" on disk */
#define GA_JOURNAL_REC_HDR 16u

enum {
	GA_REC_EVENT = 1,
	GA_REC_ACK = 2,
	GA_REC_ACK_ALL = 3,
	GA_REC_KEYS = 4,
	GA_REC_HOOK = 5, /* u32 done, then the hook's name (no NUL) */
};

/* ---- CRC-32C (Castagnoli), table-driven; polynomial 0x82F63B78 ---------- */

static uint32_t ga_crc_table[256];

static void ga_crc_init(void)
{
	if (ga_crc_table[1]) {
		return;
	}
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++) {
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		}
		ga_crc_table[i] = c;
	}
}

static uint32_t ga_crc32c(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *b = p;

	crc = ~crc;
	while (n--) {
		crc = ga_crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	}
	return ~crc;
}

/* ---- little-endian helpers ------------------------------------------------ */

static void ga_put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void ga_put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (unsigned char)(v >> (8 * i));
	}
}

static void ga_put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (unsigned char)(v >> (8 * i));
	}
}

static uint32_t ga_get16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t ga_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t ga_get64(const unsigned char *p)
{
	return (uint64_t)ga_get32(p) | (uint64_t)ga_get32(p + 4) << 32;
}

/* ---- serialisation of a ga_msg --------------------------------------------- */

struct ga_jfield {
	size_t off;
	size_t size;
};

#define F(m) { offsetof(struct ga_msg, m), sizeof(((struct ga_msg *)0)->m) }
/* The fields every event record has, in order. */
static const struct ga_jfield ga_jfields[] = {
	F(id), F(source), F(from), F(to), F(sender), F(status), F(details),
	F(msgid), F(text),
};
/* Fields appended later, in order: a record ends after any of them, and
 * the missing ones are empty. The writer appends one only when it (or a
 * later one) is set, so a record without them keeps the first layout
 * and a build from before them still reads it. */
static const struct ga_jfield ga_jfields_opt[] = {
	F(thread),
};
#undef F
/* Every field full, with its length, fits a record (2,849 bytes now). */
_Static_assert(GA_JOURNAL_REC_HDR + 22 +
		       2 * (GA_ARRAY_SIZE(ga_jfields) +
			    GA_ARRAY_SIZE(ga_jfields_opt)) +
		       sizeof(struct ga_msg) <= GA_JOURNAL_REC_MAX,
	       "GA_JOURNAL_REC_MAX holds a full event record");

static unsigned char *ga_journal_put_str(unsigned char *p, const char *s,
					 size_t size)
{
	size_t n = strnlen(s, size - 1);

	ga_put16(p, (uint32_t)n);
	memcpy(p + 2, s, n);
	return p + 2 + n;
}

/* seq, cls, flags, time, key, then each string as u16 length + bytes.
 * Flags: 1 written acknowledged, 2 status unknown, 4 chat edit, 8 hidden
 * (a rule ignores it). Older readers ignore bits they do not know. */
static size_t ga_journal_encode(const struct ga_msg *m, unsigned char *p)
{
	unsigned char *q = p;
	size_t nopt = GA_ARRAY_SIZE(ga_jfields_opt);

	ga_put32(q, m->seq);
	q[4] = m->cls;
	q[5] = (unsigned char)((m->acked ? 1 : 0) | (m->status_unknown ? 2 : 0) |
			       (m->edit ? 4 : 0) | (m->hidden ? 8 : 0));
	ga_put64(q + 6, (uint64_t)m->time);
	ga_put64(q + 14, m->key);
	q += 22;
	for (size_t i = 0; i < GA_ARRAY_SIZE(ga_jfields); i++) {
		q = ga_journal_put_str(q, (const char *)m + ga_jfields[i].off,
				       ga_jfields[i].size);
	}
	while (nopt && !((const char *)m + ga_jfields_opt[nopt - 1].off)[0]) {
		nopt--; /* trailing empty optional fields are left out */
	}
	for (size_t i = 0; i < nopt; i++) {
		q = ga_journal_put_str(q, (const char *)m + ga_jfields_opt[i].off,
				       ga_jfields_opt[i].size);
	}
	return (size_t)(q - p);
}

/* One u16-length string at *@o into @s (@size bytes with its NUL). */
static int ga_journal_get_str(const unsigned char *p, size_t len, size_t *o,
			      char *s, size_t size)
{
	size_t n;

	if (*o + 2 > len) {
		return -EINVAL;
	}
	n = ga_get16(p + *o);
	*o += 2;
	if (n >= size || *o + n > len) {
		return -EINVAL;
	}
	memcpy(s, p + *o, n);
	s[n] = '\0';
	*o += n;
	return 0;
}

/* Bytes after the fields this build knows are a later build's fields,
 * skipped: the record's CRC already vouches for them. */
static int ga_journal_decode(const unsigned char *p, size_t len,
			     struct ga_msg *m)
{
	size_t o = 22;

	if (len < o) {
		return -EINVAL;
	}
	memset(m, 0, offsetof(struct ga_msg, text));
	m->seq = ga_get32(p);
	m->cls = p[4];
	m->acked = p[5] & 1;
	m->status_unknown = (p[5] & 2) != 0;
	m->edit = (p[5] & 4) != 0;
	m->hidden = (p[5] & 8) != 0;
	m->time = (int64_t)ga_get64(p + 6);
	m->key = ga_get64(p + 14);
	for (size_t i = 0; i < GA_ARRAY_SIZE(ga_jfields); i++) {
		if (ga_journal_get_str(p, len, &o, (char *)m + ga_jfields[i].off,
				       ga_jfields[i].size)) {
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < GA_ARRAY_SIZE(ga_jfields_opt) && o < len; i++) {
		if (ga_journal_get_str(p, len, &o,
				       (char *)m + ga_jfields_opt[i].off,
				       ga_jfields_opt[i].size)) {
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- low-level I/O ------------------------------------------------------------ */

static void ga_journal_state(struct ga_journal *j, int err, const char *what)
{
	/* one log line per state change, not per request (a log line per state change) */
	if (err && !j->failing) {
		ga_log(LOG_ERR, "journal %s: %s: %s; answering 503 until it works",
		       j->path, what, strerror(-err));
		j->failing = true;
	} else if (!err && j->failing) {
		ga_log(LOG_NOTICE, "journal %s: writing again", j->path);
		j->failing = false;
	}
}

static int ga_journal_write_all(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (n == 0) {
			return -EIO;
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Our files: fdatasync (data, and the size when it changed; not times).
 * The directory: fsync. */
static int ga_journal_fsync(struct ga_journal *j, int fd)
{
	int rc;

	if (j->no_fsync) {
		return 0;
	}
	rc = fd == j->dirfd ? fsync(fd) : fdatasync(fd);
	return rc < 0 ? -errno : 0;
}

/* Zero-fill the file from @from to the next multiple of the preallocation
 * step past it. A failure (a full disk) is not the records' failure: the
 * file is cut back to @from and grows with its records until space
 * returns. */
static void ga_journal_prealloc(struct ga_journal *j, uint64_t from)
{
	static char zeros[16384]; /* .bss, only ever read */
	uint64_t to = (from / j->prealloc + 1) * j->prealloc;
	uint64_t off = from;

	/* never past max_bytes: it bounds the file, not only the records */
	if (to > j->max_bytes) {
		to = j->max_bytes > from ? j->max_bytes : from;
	}

	while (off < to) {
		size_t n = to - off < sizeof(zeros) ? (size_t)(to - off)
						     : sizeof(zeros);

		if (ga_journal_write_all(j->fd, zeros, n, (off_t)off)) {
			/* if the cut fails too, the zeros written stay: replay
			 * reads them as the end of the records */
			to = ftruncate(j->fd, (off_t)from) == 0 ? from : off;
			break;
		}
		off += n;
	}
	j->alloc_end = to;
}

/* Cut the file back to @off (records that were never synced). */
static int ga_journal_cut(struct ga_journal *j, uint64_t off)
{
	if (ftruncate(j->fd, (off_t)off) < 0) {
		return -errno;
	}
	j->alloc_end = off;
	return 0;
}

static int ga_journal_flush(struct ga_journal *j)
{
	int err;

	if (!j->wlen) {
		return 0;
	}
	err = ga_journal_write_all(j->fd, j->wbuf, j->wlen, (off_t)j->written_off);
	if (err) {
		return err;
	}
	j->written_off += j->wlen;
	j->wlen = 0;
	if (j->written_off > j->alloc_end) {
		ga_journal_prealloc(j, j->written_off);
	}
	return 0;
}

/* A record's header: magic, type, length and the CRC over both. */
static void ga_journal_rec_hdr(unsigned char hdr[GA_JOURNAL_REC_HDR],
			       unsigned int type, const unsigned char *payload,
			       size_t len)
{
	uint32_t crc;

	ga_put32(hdr, GA_JOURNAL_REC_MAGIC);
	ga_put16(hdr + 4, type);
	ga_put16(hdr + 6, 0);
	ga_put32(hdr + 8, (uint32_t)len);
	crc = ga_crc32c(0, hdr + 4, 8);
	crc = ga_crc32c(crc, payload, len);
	ga_put32(hdr + 12, crc);
}

/* Write one record at *@out of @fd (a compaction's new file); *@out moves
 * past it. 0 or -errno. */
static int ga_journal_write_rec(int fd, unsigned int type,
				const unsigned char *payload, size_t len,
				uint64_t *out)
{
	unsigned char hdr[GA_JOURNAL_REC_HDR];
	int err;

	ga_journal_rec_hdr(hdr, type, payload, len);
	err = ga_journal_write_all(fd, hdr, sizeof(hdr), (off_t)*out);
	if (!err) {
		err = ga_journal_write_all(fd, payload, len,
					   (off_t)(*out + sizeof(hdr)));
	}
	*out += sizeof(hdr) + len;
	return err;
}

/* Queue one record; flushes the buffer when it would overflow. */
static int ga_journal_put(struct ga_journal *j, unsigned int type,
			  const unsigned char *payload, size_t len)
{
	unsigned char hdr[GA_JOURNAL_REC_HDR];
	int err;

	if (j->wlen + GA_JOURNAL_REC_HDR + len > GA_JOURNAL_WBUF) {
		err = ga_journal_flush(j);
		if (err) {
			return err;
		}
	}
	ga_journal_rec_hdr(hdr, type, payload, len);
	memcpy(j->wbuf + j->wlen, hdr, sizeof(hdr));
	memcpy(j->wbuf + j->wlen + sizeof(hdr), payload, len);
	j->wlen += sizeof(hdr) + len;
	j->stats.records++;
	return 0;
}

/* ---- dedupe ring ------------------------------------------------------------- */

/* The ring keeps the last nkeys event keys in arrival order; a chained
 * hash index over it (a bucket head per key hash, a next link per ring
 * slot) answers "seen?" in one or two probes. A linear scan of the 4096
 * keys was 4 % of the daemon's CPU at 8 clients (perf, make bench), and
 * 32 KiB of reads per event, twice a Pi Zero's L1. Cost: 8 bytes a key. */
#define GA_JOURNAL_NONE UINT32_MAX

static uint32_t ga_journal_bucket(const struct ga_journal *j, uint64_t key)
{
	/* event keys are FNV-1a hashes: fold the high half into the low */
	return (uint32_t)(key ^ (key >> 29) ^ (key >> 47)) & j->kmask;
}

bool ga_journal_seen(const struct ga_journal *j, uint64_t key)
{
	if (!key) {
		return false; /* 0 marks an empty slot */
	}
	for (uint32_t i = j->kbucket[ga_journal_bucket(j, key)];
	     i != GA_JOURNAL_NONE; i = j->knext[i]) {
		if (j->keys[i] == key) {
			return true;
		}
	}
	return false;
}

/* Empty ring slot @h, unlinking it from its bucket's chain. */
static void ga_journal_forget(struct ga_journal *j, unsigned int h)
{
	uint32_t *p;

	if (!j->keys[h]) {
		return;
	}
	for (p = &j->kbucket[ga_journal_bucket(j, j->keys[h])];
	     *p != GA_JOURNAL_NONE; p = &j->knext[*p]) {
		if (*p == h) {
			*p = j->knext[h];
			break;
		}
	}
	j->keys[h] = 0;
}

static void ga_journal_remember(struct ga_journal *j, uint64_t key)
{
	unsigned int h = j->key_head;

	ga_journal_forget(j, h); /* the oldest key leaves the ring */
	if (key) {
		uint32_t *b = &j->kbucket[ga_journal_bucket(j, key)];

		j->keys[h] = key;
		j->knext[h] = *b;
		*b = h;
	}
	j->key_head = (h + 1) % j->nkeys;
}

/* ---- acks ---------------------------------------------------------------------- */

static bool ga_journal_is_acked(const struct ga_journal *j, uint32_t seq)
{
	if (seq <= j->ack_all) {
		return true;
	}
	for (unsigned int i = 0; i < j->nacks; i++) {
		if (j->acks[i] == seq) {
			return true;
		}
	}
	return false;
}

static void ga_journal_note_ack(struct ga_journal *j, uint32_t seq, bool all)
{
	if (all) {
		if (seq > j->ack_all) {
			j->ack_all = seq;
		}
		/* drop single acks the watermark now covers */
		for (unsigned int i = 0; i < j->nacks;) {
			if (j->acks[i] <= j->ack_all) {
				j->acks[i] = j->acks[--j->nacks];
			} else {
				i++;
			}
		}
		return;
	}
	if (ga_journal_is_acked(j, seq)) {
		return;
	}
	if (j->nacks < GA_JOURNAL_ACKS_MAX) {
		j->acks[j->nacks++] = seq;
	}
	/* Past the limit the ack still holds in the file and the store; a
	 * compaction keeps such an event as if unacknowledged: safe. */
}

/* ---- replay -------------------------------------------------------------------- */

/* Read and check the record at @off; returns its total size, 0 at a clean
 * end of file, or -EINVAL when it is torn or damaged. */
static ssize_t ga_journal_read_rec(struct ga_journal *j, int fd, uint64_t off,
				   uint64_t end, unsigned int *type,
				   size_t *plen)
{
	unsigned char *r = (unsigned char *)j->rec;
	uint32_t len, crc;
	ssize_t n;

	if (off == end) {
		return 0;
	}
	if (end - off < GA_JOURNAL_REC_HDR) {
		return -EINVAL;
	}
	n = pread(fd, r, GA_JOURNAL_REC_HDR, (off_t)off);
	if (n != (ssize_t)GA_JOURNAL_REC_HDR ||
	    ga_get32(r) != GA_JOURNAL_REC_MAGIC) {
		return -EINVAL;
	}
	len = ga_get32(r + 8);
	if (len > GA_JOURNAL_REC_MAX - GA_JOURNAL_REC_HDR ||
	    end - off - GA_JOURNAL_REC_HDR < len) {
		return -EINVAL;
	}
	n = pread(fd, r + GA_JOURNAL_REC_HDR, len, (off_t)(off + GA_JOURNAL_REC_HDR));
	if (n != (ssize_t)len) {
		return -EINVAL;
	}
	crc = ga_crc32c(0, r + 4, 8);
	crc = ga_crc32c(crc, r + GA_JOURNAL_REC_HDR, len);
	if (crc != ga_get32(r + 12)) {
		return -EINVAL;
	}
	*type = ga_get16(r + 4);
	*plen = len;
	return (ssize_t)(GA_JOURNAL_REC_HDR + len);
}

/* Apply one intact record (replay, or after a sync). */
static void ga_journal_apply_rec(struct ga_journal *j, unsigned int type,
				 const unsigned char *p, size_t len, bool replay)
{
	struct ga_msg *m;

	switch (type) {
	case GA_REC_EVENT:
		/* decode into the tail of the scratch record buffer's owner:
		 * a ga_msg is ~2.7 KiB, kept static to spare the stack */
		{
			static struct ga_msg msg;

			m = &msg;
			if (ga_journal_decode(p, len, m)) {
				return;
			}
		}
		if (m->seq >= j->next_seq) {
			j->next_seq = m->seq + 1;
		}
		if (replay) {
			ga_journal_remember(j, m->key);
		}
		m->acked = m->acked || ga_journal_is_acked(j, m->seq);
		if (j->apply.event) {
			j->apply.event(j->apply.arg, m, replay);
		}
		break;
	case GA_REC_ACK:
	case GA_REC_ACK_ALL:
		if (len != 4) {
			return;
		}
		ga_journal_note_ack(j, ga_get32(p), type == GA_REC_ACK_ALL);
		if (j->apply.ack) {
			j->apply.ack(j->apply.arg, ga_get32(p),
				     type == GA_REC_ACK_ALL, replay);
		}
		break;
	case GA_REC_KEYS:
		for (size_t o = 0; o + 8 <= len; o += 8) {
			ga_journal_remember(j, ga_get64(p + o));
		}
		if (len >= 4 && len % 8 == 4) { /* trailing next_seq */
			uint32_t s = ga_get32(p + len - 4);

			if (s > j->next_seq) {
				j->next_seq = s;
			}
		}
		break;
	case GA_REC_HOOK:
		if (len > 4 && len - 4 < sizeof(j->hooks[0].name)) {
			char name[sizeof(j->hooks[0].name)];
			struct ga_journal_hook *h;

			memcpy(name, p + 4, len - 4);
			name[len - 4] = '\0';
			h = ga_journal_hook(j, name);
			if (h && (!h->known || ga_get32(p) > h->done)) {
				h->done = ga_get32(p);
				h->known = true;
			}
		}
		break;
	default:
		break; /* a newer version's record: skip */
	}
}

/* Find the next intact record after damage at @off: scan for the magic and
 * accept it only when its CRC matches (a false match needs a 32-bit CRC
 * collision). Returns its offset, or @end when there is none. */
static uint64_t ga_journal_resync(struct ga_journal *j, int fd, uint64_t off,
				  uint64_t end)
{
	unsigned char buf[4096];

	for (uint64_t base = off + 1; base + GA_JOURNAL_REC_HDR <= end;) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)base);

		if (n < 4) {
			break;
		}
		for (ssize_t i = 0; i + 4 <= n; i++) {
			unsigned int type;
			size_t plen;

			if (ga_get32(buf + i) != GA_JOURNAL_REC_MAGIC) {
				continue;
			}
			if (ga_journal_read_rec(j, fd, base + (uint64_t)i, end,
						&type, &plen) > 0) {
				return base + (uint64_t)i;
			}
		}
		base += (uint64_t)n - 3;
	}
	return end;
}

/* Is the file all zeros from @off to @end (space preallocated, never
 * written)? */
static bool ga_journal_zeros(struct ga_journal *j, uint64_t off, uint64_t end)
{
	unsigned char *buf = (unsigned char *)j->rec;

	while (off < end) {
		size_t want = end - off < GA_JOURNAL_REC_MAX ? (size_t)(end - off)
							     : GA_JOURNAL_REC_MAX;
		ssize_t n = pread(j->fd, buf, want, (off_t)off);

		if (n <= 0) {
			return false;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i]) {
				return false;
			}
		}
		off += (uint64_t)n;
	}
	return true;
}

static int ga_journal_replay(struct ga_journal *j, uint64_t end)
{
	uint64_t off = GA_JOURNAL_HDR;

	while (off < end) {
		unsigned int type;
		size_t plen;
		ssize_t n = ga_journal_read_rec(j, j->fd, off, end, &type, &plen);

		if (n > 0) {
			ga_journal_apply_rec(j, type, (unsigned char *)j->rec +
					     GA_JOURNAL_REC_HDR, plen, true);
			j->stats.records++;
			off += (uint64_t)n;
			continue;
		}
		if (n == 0) {
			break;
		}
		if (ga_journal_zeros(j, off, end)) {
			/* the preallocated space: the clean end (cut to a
			 * max_bytes lowered since). Checked before a resync,
			 * which could find no record in zeros anyway: a clean
			 * restart reads the zeros once, not twice. */
			uint64_t keep = off > j->max_bytes ? off : j->max_bytes;

			j->written_off = j->synced_off = off;
			j->alloc_end = end;
			j->stats.bytes = off;
			return end > keep ? ga_journal_cut(j, keep) : 0;
		}
		{
			uint64_t next = ga_journal_resync(j, j->fd, off, end);

			if (next >= end) {
				/* a torn tail: the crash hit mid-append, and
				 * that request never got its 200 */
				ga_log(LOG_WARNING, "journal %s: cut %llu bytes of "
				       "torn or damaged tail at offset %llu",
				       j->path, (unsigned long long)(end - off),
				       (unsigned long long)off);
				j->stats.truncated += end - off;
				break;
			}
			ga_log(LOG_WARNING, "journal %s: skipped %llu damaged "
			       "bytes at offset %llu", j->path,
			       (unsigned long long)(next - off),
			       (unsigned long long)off);
			j->stats.truncated += next - off;
			off = next;
		}
	}
	if (off < end) { /* cut the torn tail for good */
		int err = ga_journal_cut(j, off);

		if (err) {
			return err;
		}
		end = off;
		if (ga_journal_fsync(j, j->fd) < 0) {
			return -EIO;
		}
	}
	j->alloc_end = end;
	j->written_off = j->synced_off = end;
	j->stats.bytes = end;
	return 0;
}

static int ga_journal_compact(struct ga_journal *j);

/* ---- open / close --------------------------------------------------------------- */

void ga_journal_init(struct ga_journal *j)
{
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->dirfd = -1;
	j->next_seq = 1;
}

static int ga_journal_write_header(struct ga_journal *j, int fd)
{
	unsigned char h[GA_JOURNAL_HDR];

	memcpy(h, GA_JOURNAL_MAGIC, 8);
	ga_put32(h + 8, GA_JOURNAL_VERSION);
	ga_put32(h + 12, ga_crc32c(0, h, 12));
	(void)j;
	return ga_journal_write_all(fd, h, sizeof(h), 0);
}

int ga_journal_open(struct ga_journal *j, const struct ga_conf *conf,
		    const struct ga_journal_apply *apply)
{
	char dir[256];
	char *slash;
	struct stat st;
	const char *nofsync = getenv("GRIDALERT_BENCH_NO_FSYNC");
	int err;

	ga_crc_init();
	snprintf(j->path, sizeof(j->path), "%s", conf->journal.path);
	j->max_bytes = conf->journal.max_bytes;
	j->prealloc = j->max_bytes / 4 < GA_JOURNAL_PREALLOC ?
		      j->max_bytes / 4 : GA_JOURNAL_PREALLOC;
	j->prealloc = j->prealloc < 4096 ? 4096 : j->prealloc & ~4095ull;
	j->apply = *apply;
	j->no_fsync = nofsync && strcmp(nofsync, "1") == 0;
	if (j->no_fsync) {
		ga_log(LOG_WARNING, "journal: GRIDALERT_BENCH_NO_FSYNC=1: fsync "
		       "disabled; a 200 is NOT durable (benchmark only)");
	}
	j->nkeys = conf->journal.dedupe;
	j->keys = calloc(j->nkeys, sizeof(*j->keys)); /* setup-only */
	j->knext = calloc(j->nkeys, sizeof(*j->knext)); /* setup-only */
	j->kmask = 1;
	while (j->kmask < j->nkeys) {
		j->kmask <<= 1;
	}
	j->kbucket = malloc(j->kmask * sizeof(*j->kbucket)); /* setup-only */
	j->kmask--;
	j->wbuf = malloc(GA_JOURNAL_WBUF); /* setup-only */
	j->rec = malloc(GA_JOURNAL_REC_MAX); /* setup-only */
	if (!j->keys || !j->knext || !j->kbucket || !j->wbuf || !j->rec) {
		return -ENOMEM;
	}
	memset(j->kbucket, 0xff, (j->kmask + 1) * sizeof(*j->kbucket));
	snprintf(dir, sizeof(dir), "%s", j->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
	} else {
		snprintf(dir, sizeof(dir), slash ? "/" : ".");
	}
	err = ga_fs_mkdir_parents(j->path, 0700);
	if (err) {
		ga_log(LOG_ERR, "journal directory %s: %s", dir, strerror(-err));
		return err;
	}
	j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j->dirfd < 0) {
		return -errno;
	}
	j->fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		err = -errno;
		ga_log(LOG_ERR, "journal %s: %s", j->path, strerror(errno));
		return err;
	}
	if (fstat(j->fd, &st) < 0) {
		return -errno;
	}
	if (st.st_size < (off_t)GA_JOURNAL_HDR) {
		/* new (or a crash before the header was durable) */
		if (ftruncate(j->fd, 0) < 0 ||
		    (err = ga_journal_write_header(j, j->fd)) != 0 ||
		    (err = ga_journal_fsync(j, j->fd)) != 0 ||
		    (err = ga_journal_fsync(j, j->dirfd)) != 0) {
			err = err ? err : -errno;
			ga_log(LOG_ERR, "journal %s: cannot create: %s", j->path,
			       strerror(-err));
			return err;
		}
		j->written_off = j->synced_off = GA_JOURNAL_HDR;
		j->alloc_end = GA_JOURNAL_HDR;
		j->stats.bytes = GA_JOURNAL_HDR;
		ga_log(LOG_NOTICE, "journal %s: created", j->path);
	} else {
		unsigned char h[GA_JOURNAL_HDR];

		if (pread(j->fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
		    memcmp(h, GA_JOURNAL_MAGIC, 8) != 0 ||
		    ga_get32(h + 12) != ga_crc32c(0, h, 12)) {
			ga_log(LOG_ERR, "journal %s: not a gridalert journal "
			       "(bad header); move it away to start a new one",
			       j->path);
			return -EINVAL;
		}
		if (ga_get32(h + 8) != GA_JOURNAL_VERSION) {
			ga_log(LOG_ERR, "journal %s: version %u, this build "
			       "reads %u", j->path, ga_get32(h + 8),
			       GA_JOURNAL_VERSION);
			return -EINVAL;
		}
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = ga_journal_replay(j, (uint64_t)st.st_size);
		if (err) {
			return err;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		/* the replay time is what a board adds to its boot after a
		 * power cut: make vm-test reports it */
		ga_log(LOG_NOTICE, "journal %s: replayed %lu records, %llu bytes "
		       "in %ld ms", j->path, j->stats.records,
		       (unsigned long long)j->stats.bytes,
		       (long)((t1.tv_sec - t0.tv_sec) * 1000 +
			      (t1.tv_nsec - t0.tv_nsec) / 1000000));
	}
	j->synced_seq = j->next_seq;
	j->key_head_synced = j->key_head;
	j->records_synced = (unsigned int)j->stats.records;
	/* Over the limit at start (it was full when the daemon stopped):
	 * compact now, which finds out whether it still is. Without this a
	 * restart would show "ok" and take events until the next sync. */
	if (j->synced_off > j->max_bytes) {
		(void)ga_journal_compact(j);
	}
	return 0;
}

void ga_journal_close(struct ga_journal *j)
{
	if (j->fd >= 0) {
		if (ga_journal_pending(j) && ga_journal_sync(j)) {
			ga_log(LOG_ERR, "journal %s: final sync failed", j->path);
		}
		close(j->fd);
		j->fd = -1;
	}
	if (j->dirfd >= 0) {
		close(j->dirfd);
		j->dirfd = -1;
	}
	free(j->keys);
	free(j->knext);
	free(j->kbucket);
	j->knext = j->kbucket = NULL;
	free(j->wbuf);
	free(j->rec);
	j->keys = NULL;
	j->wbuf = NULL;
	j->rec = NULL;
}

/* ---- append / rollback / sync ------------------------------------------------- */

int ga_journal_append(struct ga_journal *j, struct ga_msg *m)
{
	unsigned char *p = (unsigned char *)j->rec;
	size_t len;
	int err;

	if (j->full) {
		return -ENOSPC;
	}
	m->seq = j->next_seq;
	len = ga_journal_encode(m, p);
	err = ga_journal_put(j, GA_REC_EVENT, p, len);
	if (err) {
		ga_journal_state(j, err, "write");
		return err;
	}
	j->next_seq++;
	ga_journal_remember(j, m->key);
	return 0;
}

int ga_journal_ack(struct ga_journal *j, uint32_t seq, bool all)
{
	unsigned char p[4];
	int err;

	ga_put32(p, seq);
	err = ga_journal_put(j, all ? GA_REC_ACK_ALL : GA_REC_ACK, p, sizeof(p));
	if (err) {
		ga_journal_state(j, err, "write");
	}
	return err;
}

struct ga_journal_mark ga_journal_mark(const struct ga_journal *j)
{
	struct ga_journal_mark mk = {
		.off = j->written_off + j->wlen,
		.seq = j->next_seq,
		.key_head = j->key_head,
		.records = j->stats.records,
	};

	return mk;
}

void ga_journal_rollback(struct ga_journal *j, const struct ga_journal_mark *mk)
{
	if (mk->off >= j->written_off) {
		j->wlen = (size_t)(mk->off - j->written_off);
	} else {
		/* part of the batch already reached the file: cut it */
		j->wlen = 0;
		if (ga_journal_cut(j, mk->off) == 0) {
			j->written_off = mk->off;
		}
	}
	/* Keys the batch added are forgotten; keys they pushed out of the
	 * ring stay forgotten (an older duplicate may then be accepted
	 * twice: at-least-once allows it, silence does not). */
	for (unsigned int h = mk->key_head; h != j->key_head;
	     h = (h + 1) % j->nkeys) {
		ga_journal_forget(j, h);
	}
	j->key_head = mk->key_head;
	j->next_seq = mk->seq;
	j->stats.records = mk->records;
}

bool ga_journal_pending(const struct ga_journal *j)
{
	return j->wlen > 0 || j->written_off > j->synced_off;
}

/* Hand intact records in @b to the store/alerts; returns the bytes of the
 * whole records used (a record cut by the end of @b waits for the next
 * read). */
static size_t ga_journal_apply_buf(struct ga_journal *j, const unsigned char *b,
				   size_t len)
{
	size_t off = 0;

	while (len - off >= GA_JOURNAL_REC_HDR) {
		uint32_t plen = ga_get32(b + off + 8);

		if (plen > len - off - GA_JOURNAL_REC_HDR) {
			break;
		}
		ga_journal_apply_rec(j, ga_get16(b + off + 4),
				     b + off + GA_JOURNAL_REC_HDR, plen, false);
		off += GA_JOURNAL_REC_HDR + plen;
	}
	return off;
}

/* After a durable sync whose records did not all stay in the write buffer
 * (it filled and was written early): read them back in buffer-sized
 * chunks into the now empty write buffer. Two pread()s per record here
 * were 11 % of the daemon's CPU with 100-event batches at 8 clients
 * (perf, make bench). We wrote and synced these bytes: no CRC check. */
static void ga_journal_apply_range(struct ga_journal *j, uint64_t from,
				   uint64_t to)
{
	unsigned char *b = (unsigned char *)j->wbuf;

	while (from < to) {
		size_t want = to - from < GA_JOURNAL_WBUF ? (size_t)(to - from)
							  : GA_JOURNAL_WBUF;
		ssize_t n = pread(j->fd, b, want, (off_t)from);
		size_t used;

		if (n < (ssize_t)GA_JOURNAL_REC_HDR) {
			break;
		}
		used = ga_journal_apply_buf(j, b, (size_t)n);
		if (!used) {
			break;
		}
		from += used;
	}
}

int ga_journal_sync(struct ga_journal *j)
{
	uint64_t from = j->synced_off;
	/* nothing of this sync was written early (the buffer never filled) */
	bool in_buf = j->written_off == j->synced_off;
	size_t blen = j->wlen;
	uint64_t t;
	int err;

	if (!ga_journal_pending(j)) {
		return 0;
	}
	t = ga_loop_mono_us();
	err = ga_journal_flush(j);
	if (!err) {
		err = ga_journal_fsync(j, j->fd);
	}
	t = ga_loop_mono_us() - t;
	j->stats.sync_us += t;
	if (t > j->stats.sync_us_max) {
		j->stats.sync_us_max = t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
	}
	j->stats.syncs++;
	if (err) {
		/* Cut everything since the last good sync: those requests get
		 * 503 and Event Grid sends them again. */
		j->stats.sync_failures++;
		ga_journal_state(j, err, j->wlen ? "write" : "fsync");
		j->wlen = 0;
		if (ga_journal_cut(j, j->synced_off) == 0) {
			j->written_off = j->synced_off;
		}
		for (unsigned int h = j->key_head_synced; h != j->key_head;
		     h = (h + 1) % j->nkeys) {
			ga_journal_forget(j, h);
		}
		j->key_head = j->key_head_synced;
		j->next_seq = j->synced_seq;
		j->stats.records = j->records_synced;
		return err;
	}
	ga_journal_state(j, 0, NULL);
	j->synced_off = j->written_off;
	j->synced_seq = j->next_seq;
	j->key_head_synced = j->key_head;
	j->records_synced = (unsigned int)j->stats.records;
	j->stats.bytes = j->synced_off;
	if (in_buf) {
		ga_journal_apply_buf(j, (const unsigned char *)j->wbuf, blen);
	} else {
		ga_journal_apply_range(j, from, j->synced_off);
	}
	if (j->synced_off > j->max_bytes) {
		(void)ga_journal_compact(j);
	}
	return 0;
}

/* ---- compaction ------------------------------------------------------------------ */

/* Rewrite the live records into <path>.compact, fsync, rename over, fsync
 * the directory. Live: the dedupe keys, every unacknowledged event. */
static int ga_journal_compact(struct ga_journal *j)
{
	char tmp[sizeof(j->path) + 16];
	uint64_t off = GA_JOURNAL_HDR, out = GA_JOURNAL_HDR, end = j->synced_off;
	unsigned long records = 0;
	uint32_t hook_low = UINT32_MAX;
	int fd, err;

	for (unsigned int i = 0; i < GA_JOURNAL_HOOKS_MAX; i++) {
		if (j->hooks[i].live && j->hooks[i].done < hook_low) {
			hook_low = j->hooks[i].done;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.compact", j->path);
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		return -errno;
	}
	err = ga_journal_write_header(j, fd);
	/* KEYS records (REC_MAX each): the dedupe ring plus next_seq, so
	 * duplicates stay known and seq numbers never repeat. */
	{
		unsigned int per = (GA_JOURNAL_REC_MAX - GA_JOURNAL_REC_HDR - 4) / 8;
		unsigned int h = j->key_head;

		for (unsigned int k = 0; !err && k < j->nkeys; k += per) {
			unsigned int cnt = j->nkeys - k < per ? j->nkeys - k : per;
			unsigned char *p = (unsigned char *)j->wbuf;
			size_t plen = (size_t)cnt * 8 + 4;

			for (unsigned int q = 0; q < cnt; q++) {
				ga_put64(p + 8 * q, j->keys[(h + k + q) % j->nkeys]);
			}
			ga_put32(p + plen - 4, j->next_seq);
			err = ga_journal_write_rec(fd, GA_REC_KEYS, p, plen, &out);
			records++;
		}
	}
	/* HOOK records: every hook's watermark, live or not (a hook taken
	 * out of the config and put back goes on where it was) */
	for (unsigned int i = 0; !err && i < GA_JOURNAL_HOOKS_MAX; i++) {
		const struct ga_journal_hook *h = &j->hooks[i];
		unsigned char p[4 + sizeof(h->name)];
		size_t nl = strlen(h->name);

		if (!h->known) {
			continue;
		}
		ga_put32(p, h->done);
		memcpy(p + 4, h->name, nl);
		err = ga_journal_write_rec(fd, GA_REC_HOOK, p, 4 + nl, &out);
		records++;
	}
	while (!err && off < end) {
		unsigned int type;
		size_t plen;
		ssize_t n = ga_journal_read_rec(j, j->fd, off, end, &type, &plen);
		const unsigned char *p = (unsigned char *)j->rec + GA_JOURNAL_REC_HDR;

		if (n <= 0) {
			break;
		}
		off += (uint64_t)n;
		if (type != GA_REC_EVENT || plen < 6) {
			continue;
		}
		if (ga_get32(p) > hook_low) {
			/* a live hook has not finished with it yet */
			err = ga_journal_write_all(fd, j->rec, (size_t)n, (off_t)out);
			out += (uint64_t)n;
			records++;
			continue;
		}
		/* flag 1: written acknowledged (an event a rule ignores) */
		if ((p[5] & 1) || ga_journal_is_acked(j, ga_get32(p))) {
			continue;
		}
		switch (p[4]) { /* only what alarms or shows needs to live on */
		case GA_CLASS_SMS:
		case GA_CLASS_SMS_FAILED:
		case GA_CLASS_CHAT:
		case GA_CLASS_CHAT_THREAD:
		case GA_CLASS_CHAT_MEMBER:
			break;
		default:
			continue;
		}
		err = ga_journal_write_all(fd, j->rec, (size_t)n, (off_t)out);
		out += (uint64_t)n;
		records++;
	}
	if (!err) {
		err = ga_journal_fsync(j, fd);
	}
	if (!err && rename(tmp, j->path) < 0) {
		err = -errno;
	}
	if (!err) {
		err = ga_journal_fsync(j, j->dirfd);
	}
	if (err) {
		close(fd);
		unlink(tmp);
		ga_log(LOG_ERR, "journal %s: compaction failed: %s", j->path,
		       strerror(-err));
		return err;
	}
	close(j->fd);
	j->fd = fd;
	j->written_off = j->synced_off = j->alloc_end = out;
	j->stats.bytes = out;
	j->stats.records = records;
	j->records_synced = (unsigned int)records;
	j->stats.compactions++;
	j->gen++;
	ga_log(LOG_NOTICE, "journal %s: compacted %llu -> %llu bytes", j->path,
	       (unsigned long long)end, (unsigned long long)out);
	/* unacknowledged events alone above the limit: refuse new ones (503)
	 * rather than drop one; an ack + compaction frees room again */
	j->full = out > j->max_bytes;
	if (j->full) {
		ga_log(LOG_ERR, "journal %s: %llu bytes of unacknowledged events "
		       "exceed max_bytes; new events get 503 until some are "
		       "acknowledged", j->path, (unsigned long long)out);
	}
	return 0;
}

/* ---- hook watermarks and cursors ------------------------------------------------ */

struct ga_journal_hook *ga_journal_hook(struct ga_journal *j, const char *name)
{
	struct ga_journal_hook *free_slot = NULL;

	for (unsigned int i = 0; i < GA_JOURNAL_HOOKS_MAX; i++) {
		struct ga_journal_hook *h = &j->hooks[i];

		if (h->name[0] && strcmp(h->name, name) == 0) {
			return h;
		}
		if (!h->name[0] && !free_slot) {
			free_slot = h;
		}
	}
	if (!free_slot) {
		/* reuse a hook that left the config */
		for (unsigned int i = 0; i < GA_JOURNAL_HOOKS_MAX; i++) {
			if (!j->hooks[i].live) {
				free_slot = &j->hooks[i];
				break;
			}
		}
	}
	if (free_slot) {
		memset(free_slot, 0, sizeof(*free_slot));
		snprintf(free_slot->name, sizeof(free_slot->name), "%s", name);
	}
	return free_slot;
}

int ga_journal_hook_done(struct ga_journal *j, struct ga_journal_hook *h,
			 uint32_t done)
{
	unsigned char p[4 + sizeof(h->name)];
	size_t nl = strlen(h->name);
	int err;

	ga_put32(p, done);
	memcpy(p + 4, h->name, nl);
	err = ga_journal_put(j, GA_REC_HOOK, p, 4 + nl);
	if (err) {
		ga_journal_state(j, err, "write");
		return err;
	}
	/* applied at once (not at the sync): the hook module is the only
	 * writer and already acts on the new value */
	h->done = done;
	h->known = true;
	return 0;
}

int ga_journal_next(struct ga_journal *j, struct ga_journal_cursor *c,
		    uint32_t after, struct ga_msg *m, unsigned int budget)
{
	if (c->gen != j->gen || c->off < GA_JOURNAL_HDR) {
		c->off = GA_JOURNAL_HDR; /* a new file: scan it from the top */
		c->gen = j->gen;
	}
	while (budget--) {
		unsigned int type;
		size_t plen;
		ssize_t n = ga_journal_read_rec(j, j->fd, c->off, j->synced_off,
						&type, &plen);
		const unsigned char *p = (unsigned char *)j->rec + GA_JOURNAL_REC_HDR;

		if (n <= 0) {
			return 0; /* the end of what is durable */
		}
		c->off += (uint64_t)n;
		if (type != GA_REC_EVENT || plen < 4 || ga_get32(p) <= after) {
			continue;
		}
		if (ga_journal_decode(p, plen, m) == 0) {
			return 1;
		}
	}
	return -EAGAIN;
}

/* ---- reading back ---------------------------------------------------------------- */

bool ga_journal_acked(const struct ga_journal *j, uint32_t seq)
{
	return ga_journal_is_acked(j, seq);
}

int ga_journal_event_head(const unsigned char *p, size_t len,
			  struct ga_journal_head *h)
{
	if (len < 22) {
		return -EINVAL;
	}
	h->seq = ga_get32(p);
	h->cls = p[4];
	h->acked = (p[5] & 1) != 0;
	h->edit = (p[5] & 4) != 0;
	h->hidden = (p[5] & 8) != 0;
	h->time = (int64_t)ga_get64(p + 6);
	return 0;
}

/* Does an intact record start at @b (of @avail bytes, all in the chunk)?
 * Returns its size, 0 when @avail ends inside it, -EINVAL when not. */
static ssize_t ga_journal_rec_at(const unsigned char *b, size_t avail)
{
	uint32_t len, crc;

	if (avail < GA_JOURNAL_REC_HDR) {
		return 0;
	}
	if (ga_get32(b) != GA_JOURNAL_REC_MAGIC) {
		return -EINVAL;
	}
	len = ga_get32(b + 8);
	if (len > GA_JOURNAL_REC_MAX - GA_JOURNAL_REC_HDR) {
		return -EINVAL;
	}
	if (avail - GA_JOURNAL_REC_HDR < len) {
		return 0;
	}
	crc = ga_crc32c(0, b + 4, 8);
	crc = ga_crc32c(crc, b + GA_JOURNAL_REC_HDR, len);
	if (crc != ga_get32(b + 12)) {
		return -EINVAL;
	}
	return (ssize_t)(GA_JOURNAL_REC_HDR + len);
}

int ga_journal_walk(struct ga_journal *j, unsigned char *buf, size_t size,
		    int (*fn)(void *arg, const struct ga_journal_rec *r),
		    void *arg)
{
	uint64_t off = GA_JOURNAL_HDR, end = j->synced_off;

	if (size < GA_JOURNAL_REC_MAX) {
		return -EINVAL;
	}
	while (off < end) {
		size_t want = end - off < size ? (size_t)(end - off) : size;
		ssize_t n = pread(j->fd, buf, want, (off_t)off);
		size_t pos = 0;

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (n == 0) {
			break;
		}
		while (pos < (size_t)n) {
			/* CRC-checked, so damage replay skipped (it stays in
			 * the file) is skipped here the same way */
			ssize_t r = ga_journal_rec_at(buf + pos, (size_t)n - pos);
			struct ga_journal_rec rec;
			int rc;

			if (r == 0 && pos > 0) {
				break; /* the rest comes with the next chunk */
			}
			/* r == 0 at a chunk's start: it holds REC_MAX, so this
			 * claims more than any record: damage, like r < 0 */
			if (r <= 0) {
				pos++;
				continue;
			}
			rec.type = ga_get16(buf + pos + 4);
			rec.off = off + pos;
			rec.p = buf + pos + GA_JOURNAL_REC_HDR;
			rec.len = (size_t)r - GA_JOURNAL_REC_HDR;
			if (rec.type >= GA_JOURNAL_EVENT &&
			    rec.type <= GA_JOURNAL_ACK_ALL) {
				rc = fn(arg, &rec);
				if (rc) {
					return rc;
				}
			}
			pos += (size_t)r;
		}
		off += pos;
	}
	return 0;
}

int ga_journal_read_event(struct ga_journal *j, uint64_t off, struct ga_msg *m)
{
	unsigned int type;
	size_t plen;
	ssize_t n = ga_journal_read_rec(j, j->fd, off, j->synced_off, &type,
					&plen);
	int err;

	if (n <= 0 || type != GA_REC_EVENT) {
		return -EINVAL;
	}
	err = ga_journal_decode((unsigned char *)j->rec + GA_JOURNAL_REC_HDR,
				plen, m);
	if (err) {
		return err;
	}
	m->acked = m->acked || ga_journal_is_acked(j, m->seq);
	return 0;
}
