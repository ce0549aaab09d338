/* confedit.c - see confedit.h. */
#include "confedit.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A config file is a few KiB (config.c reads at most 64 KiB). */
#define GA_CONFEDIT_FILE_MAX (64u * 1024u)

static char ga_ce_old[GA_CONFEDIT_FILE_MAX];
static char ga_ce_new[GA_CONFEDIT_FILE_MAX + GA_CONFEDIT_MAX * 300];

void ga_confedit_init(struct ga_confedit *e, const char *path)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "%s", path);
}

struct ga_ce_errs {
	char *buf;
	size_t size, len;
};

static void ga_ce_err(void *arg, const char *line)
{
	struct ga_ce_errs *x = arg;
	int n;

	n = snprintf(x->buf + x->len, x->size - x->len, "%s\n", line);
	if (n > 0 && (size_t)n < x->size - x->len) {
		x->len += (size_t)n;
	}
}

/* "alert.sms.lcd" -> section "alert.sms", key "lcd" */
static int ga_ce_split(const char *name, char *sec, size_t ss, const char **key)
{
	const char *dot = strrchr(name, '.');

	if (!dot || (size_t)(dot - name) >= ss) {
		return -ENOENT;
	}
	memcpy(sec, name, (size_t)(dot - name));
	sec[dot - name] = '\0';
	*key = dot + 1;
	return 0;
}

int ga_confedit_set(struct ga_confedit *e, const char *key, const char *value,
		    char *err, size_t size)
{
	struct ga_ce_errs x = { .buf = err, .size = size };
	unsigned int i;
	int rc;

	err[0] = '\0';
	if (strlen(value) >= GA_CONFEDIT_VALUE_MAX || strchr(value, '\n')) {
		snprintf(err, size, "%s: value too long or multi-line\n", key);
		return -EINVAL;
	}
	/* the value alone, with the parser's own rules; conflicts with other
	 * keys are judged at commit, on the whole file */
	rc = ga_conf_check_value(key, value, ga_ce_err, &x);
	if (rc == -ENOENT) {
		snprintf(err, size, "unknown key '%s' (see: help)\n", key);
		return rc;
	}
	if (rc) {
		return rc;
	}
	for (i = 0; i < e->n && strcmp(e->ch[i].key, key) != 0; i++) {
	}
	if (i == e->n) {
		if (e->n == GA_CONFEDIT_MAX) {
			snprintf(err, size, "%u changes staged: commit or revert first\n",
				 GA_CONFEDIT_MAX);
			return -ENOSPC;
		}
		e->n++;
	}
	snprintf(e->ch[i].key, sizeof(e->ch[i].key), "%s", key);
	snprintf(e->ch[i].value, sizeof(e->ch[i].value), "%s", value);
	return 0;
}

size_t ga_confedit_diff(const struct ga_confedit *e, const struct ga_conf *running,
			char *out, size_t size)
{
	size_t o = 0;

	if (size) {
		out[0] = '\0';
	}
	for (unsigned int i = 0; i < e->n && o < size; i++) {
		char cur[GA_CONFEDIT_VALUE_MAX * 2];
		bool secret = ga_conf_key_secret(e->ch[i].key);
		int n;

		if (ga_conf_get(running, e->ch[i].key, cur, sizeof(cur))) {
			cur[0] = '\0';
		}
		n = snprintf(out + o, size - o, "- %s = %s\n+ %s = %s\n",
			     e->ch[i].key, secret ? "(secret)" : cur, e->ch[i].key,
			     secret ? "(new secret)" : e->ch[i].value);
		o += n > 0 ? (size_t)n : 0;
	}
	return o < size ? o : size - 1;
}

void ga_confedit_revert(struct ga_confedit *e)
{
	e->n = 0;
}

static int ga_ce_read(const char *path, char *buf, size_t size, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*len = 0;
	if (fd < 0) {
		return -errno;
	}
	while ((n = read(fd, buf + *len, size - *len)) > 0) {
		*len += (size_t)n;
		if (*len == size) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	return n < 0 ? -errno : 0;
}

static bool ga_ce_line_is_section(const char *p, size_t n, const char *sec)
{
	size_t i = 0, sl = strlen(sec);

	while (i < n && (p[i] == ' ' || p[i] == '\t')) {
		i++;
	}
	if (i >= n || p[i] != '[') {
		return false;
	}
	i++;
	while (i < n && p[i] == ' ') {
		i++;
	}
	return n - i > sl && memcmp(p + i, sec, sl) == 0 &&
	       (p[i + sl] == ']' || p[i + sl] == ' ');
}

static bool ga_ce_line_starts_section(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t')) {
		i++;
	}
	return i < n && p[i] == '[';
}

/* the key of a "key = value" line, or an empty span */
static struct ga_span ga_ce_line_key(const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	struct ga_span k;

	if (!eq || (n && (p[0] == '#' || p[0] == ';'))) {
		return GA_SPAN_NULL;
	}
	k = ga_span_trim(ga_span_make(p, (size_t)(eq - p)));
	if (k.len && (k.ptr[0] == '#' || k.ptr[0] == ';')) {
		return GA_SPAN_NULL;
	}
	return k;
}

/* Apply one change to the text in ga_ce_new (in place, via ga_ce_old). */
static int ga_ce_apply(const struct ga_confedit_change *c, char *text, size_t *len,
		       size_t size)
{
	char sec[48];
	const char *key;
	size_t i = 0, sec_end = 0, in_sec = 0, hit_s = 0, hit_e = 0;
	bool found_sec = false, found_key = false;
	char line[GA_CONFEDIT_VALUE_MAX + 128];
	int n;

	if (ga_ce_split(c->key, sec, sizeof(sec), &key)) {
		return -ENOENT;
	}
	while (i < *len) {
		const char *nl = memchr(text + i, '\n', *len - i);
		size_t e = nl ? (size_t)(nl - text) : *len;
		size_t next = nl ? e + 1 : e;

		if (ga_ce_line_starts_section(text + i, e - i)) {
			in_sec = ga_ce_line_is_section(text + i, e - i, sec);
			if (in_sec) {
				found_sec = true;
			}
		} else if (in_sec) {
			struct ga_span k = ga_ce_line_key(text + i, e - i);

			if (k.len) {
				sec_end = next; /* after the section's last key */
			}
			if (ga_span_eq(k, ga_span_str(key))) {
				found_key = true;
				hit_s = i;
				hit_e = e;
			}
		}
		if (in_sec && !sec_end) {
			sec_end = next;
		}
		i = next;
	}
	if (found_key) {
		/* keep indentation and a trailing " # comment" */
		const char *eq = memchr(text + hit_s, '=', hit_e - hit_s);
		size_t vs = (size_t)(eq - text) + 1, cs = hit_e;

		for (size_t k = vs + 1; k < hit_e; k++) {
			if ((text[k] == '#' || text[k] == ';') &&
			    (text[k - 1] == ' ' || text[k - 1] == '\t')) {
				cs = k;
				while (cs > vs && (text[cs - 1] == ' ' || text[cs - 1] == '\t')) {
					cs--;
				}
				break;
			}
		}
		n = snprintf(line, sizeof(line), " %s", c->value);
		if (*len - (cs - vs) + (size_t)n > size) {
			return -EFBIG;
		}
		memmove(text + vs + (size_t)n, text + cs, *len - cs);
		memcpy(text + vs, line, (size_t)n);
		*len = *len - (cs - vs) + (size_t)n;
		return 0;
	}
	if (found_sec) {
		n = snprintf(line, sizeof(line), "%s = %s\n", key, c->value);
		if (*len + (size_t)n > size) {
			return -EFBIG;
		}
		memmove(text + sec_end + (size_t)n, text + sec_end, *len - sec_end);
		memcpy(text + sec_end, line, (size_t)n);
		*len += (size_t)n;
		return 0;
	}
	n = snprintf(line, sizeof(line), "%s[%s]\n%s = %s\n",
		     *len && text[*len - 1] != '\n' ? "\n\n" : "\n", sec, key, c->value);
	if (*len + (size_t)n > size) {
		return -EFBIG;
	}
	memcpy(text + *len, line, (size_t)n);
	*len += (size_t)n;
	return 0;
}

static void ga_ce_backup_path(const struct ga_confedit *e, char *out, size_t size)
{
	snprintf(out, size, "%s.confirm-backup", e->path);
}

int ga_confedit_commit(struct ga_confedit *e, bool keep_backup, char *err,
		       size_t size)
{
	static struct ga_conf scratch;
	struct ga_ce_errs x = { .buf = err, .size = size };
	char backup[GA_CONF_PATH_MAX + 16];
	size_t len, nlen;
	unsigned int nerr = 0;
	int rc;

	err[0] = '\0';
	if (e->n == 0) {
		snprintf(err, size, "nothing staged (use: set KEY VALUE)\n");
		return -ENODATA;
	}
	rc = ga_ce_read(e->path, ga_ce_old, sizeof(ga_ce_old), &len);
	if (rc) {
		snprintf(err, size, "%s: %s\n", e->path, strerror(-rc));
		return rc;
	}
	memcpy(ga_ce_new, ga_ce_old, len);
	nlen = len;
	for (unsigned int i = 0; i < e->n; i++) {
		rc = ga_ce_apply(&e->ch[i], ga_ce_new, &nlen, sizeof(ga_ce_new));
		if (rc) {
			snprintf(err, size, "%s: cannot apply (%s)\n", e->ch[i].key,
				 strerror(-rc));
			return rc;
		}
	}
	/* the whole new file must be valid (conflicts between keys) */
	if (ga_conf_parse(&scratch, e->path, ga_ce_new, nlen, ga_ce_err, &x, &nerr)) {
		return -EINVAL;
	}
	if (keep_backup) {
		ga_ce_backup_path(e, backup, sizeof(backup));
		rc = ga_fs_write_atomic(backup, ga_ce_old, len, 0640);
		if (rc) {
			snprintf(err, size, "%s: %s\n", backup, strerror(-rc));
			return rc;
		}
		e->confirm_pending = true;
	}
	rc = ga_fs_write_atomic(e->path, ga_ce_new, nlen, 0640);
	if (rc) {
		snprintf(err, size, "%s: %s (nothing changed)\n", e->path, strerror(-rc));
		return rc;
	}
	e->n = 0;
	return 0;
}

int ga_confedit_rollback(struct ga_confedit *e)
{
	char backup[GA_CONF_PATH_MAX + 16];
	size_t len;
	int rc;

	ga_ce_backup_path(e, backup, sizeof(backup));
	rc = ga_ce_read(backup, ga_ce_old, sizeof(ga_ce_old), &len);
	if (!rc) {
		rc = ga_fs_write_atomic(e->path, ga_ce_old, len, 0640);
	}
	if (!rc) {
		unlink(backup);
		e->confirm_pending = false;
	}
	return rc;
}

void ga_confedit_confirm(struct ga_confedit *e)
{
	char backup[GA_CONF_PATH_MAX + 16];

	ga_ce_backup_path(e, backup, sizeof(backup));
	unlink(backup);
	e->confirm_pending = false;
}
