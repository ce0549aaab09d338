/* gridalertctl.c - the console client (docs/commands.md): one command from the
 * arguments, or commands from stdin: on a terminal an interactive shell
 * (src/lineedit.c: editing, history, tab completion), otherwise a script
 * that stops at the first failure. Lines end with CR, LF or CR LF, so a
 * serial line that sends CR alone works both ways.
 * Exit status: 0 done, 1 the command failed, 2 the daemon is unreachable.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"
#include "config.h"
#include "ctl.h"
#include "ctlclient.h"
#include "lineedit.h"

static char reply[GA_CTL_REPLY_MAX + 1];

static void usage(FILE *f)
{
	fprintf(f, "usage: gridalertctl [-c FILE | -s SOCKET] [COMMAND...]\n"
		   "  -c FILE    read [control] socket from FILE (default %s)\n"
		   "  -s SOCKET  the daemon's control socket\n"
		   "  -V         print the version\n"
		   "With no COMMAND, commands are read from stdin.\n"
		   "Try: gridalertctl status | messages | ack all | help\n",
		   GA_CONF_DEFAULT_PATH);
}

static void conf_err(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "gridalertctl: %s\n", line);
}

/* One command; returns the exit status (0, 1, 2). */
static int run(struct ga_ctlclient *c, const char *sock, const char *line)
{
	size_t len = 0;
	int rc;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (c->fd < 0) {
			int err = ga_ctlclient_connect(c, sock);

			if (err) {
				fprintf(stderr, "gridalertctl: cannot connect to %s: %s "
					"(is gridalertd running?)\n", sock,
					strerror(-err));
				return 2;
			}
		}
		rc = ga_ctlclient_request(c, line, reply, sizeof(reply), &len);
		if (rc >= 0) {
			break;
		}
		ga_ctlclient_close(c);
		/* The daemon may have dropped an idle connection: retry once
		 * on a fresh one before calling it unreachable. */
		if (attempt == 1) {
			fprintf(stderr, "gridalertctl: %s: %s\n", sock, strerror(-rc));
			return 2;
		}
	}
	fwrite(reply, 1, len, rc == 0 ? stdout : stderr);
	fflush(stdout);
	return rc == 0 ? 0 : 1;
}

/* ---- script: stdin is not a terminal ------------------------------------ */

/* One line of at most GA_CTL_LINE_MAX bytes ending in CR, LF or CR LF.
 * 1 a line, 0 end of input, -1 too long. */
static int script_line(char *line, size_t size)
{
	static bool after_cr;
	size_t n = 0;
	int ch;

	for (;;) {
		ch = getchar();
		if (ch == EOF) {
			line[n] = '\0';
			return n ? 1 : 0;
		}
		if (ch == '\n' && after_cr) {
			after_cr = false;
			continue;
		}
		after_cr = ch == '\r';
		if (ch == '\r' || ch == '\n') {
			line[n] = '\0';
			return 1;
		}
		if (n + 1 >= size) {
			return -1;
		}
		line[n++] = (char)ch;
	}
}

static int script(struct ga_ctlclient *c, const char *sock)
{
	char line[GA_CTL_LINE_MAX + 1];
	int r, rc = 0;

	while ((r = script_line(line, sizeof(line))) != 0) {
		if (r < 0) {
			fprintf(stderr, "gridalertctl: line longer than %u bytes\n",
				GA_CTL_LINE_MAX);
			return 1;
		}
		if (line[0] == '\0' || line[0] == '#') {
			continue;
		}
		rc = run(c, sock, line);
		if (rc) {
			break; /* a script stops at the first failure */
		}
	}
	return rc;
}

/* ---- shell: a terminal, often a serial console ----------------------------- */

static const char *const shell_cmds[] = {
	"ack", "commit", "confirm", "diff", "get", "help", "inject", "log",
	"messages", "quit", "reload", "revert", "set", "sim", "status", "test",
};
static const char *const shell_alarm[] = {
	"sms_led", "fail_led", "chat_led", "buzzer", "sms", "sms_failed", "chat",
};

/* What may follow the words already typed (the daemon's `help` is the
 * authority; tests/integration/test_shell.sh checks the two agree). */
static unsigned int shell_complete(void *arg, const char *line,
				   unsigned int nword, const char **cands,
				   unsigned int max)
{
	char w0[16] = "", w1[16] = "";
	unsigned int n = 0;

	(void)arg;
	(void)sscanf(line, "%15s %15s", w0, w1);
#define ADD(s) do { if (n < max) cands[n++] = (s); } while (0)
	if (nword == 0) {
		for (size_t i = 0; i < GA_ARRAY_SIZE(shell_cmds); i++) {
			ADD(shell_cmds[i]);
		}
	} else if (nword == 1 && (!strcmp(w0, "get") || !strcmp(w0, "set") ||
				  !strcmp(w0, "help"))) {
		/* ga_conf_key_info() names live in one static buffer */
		static char names[GA_LE_CANDS_MAX][64];
		const char *name;

		for (unsigned int i = 0; i < GA_LE_CANDS_MAX &&
					 ga_conf_key_info(i, &name, NULL, NULL); i++) {
			snprintf(names[i], sizeof(names[i]), "%s", name);
			ADD(names[i]);
		}
		if (!strcmp(w0, "help")) {
			for (size_t i = 0; i < GA_ARRAY_SIZE(shell_cmds); i++) {
				ADD(shell_cmds[i]);
			}
		}
	} else if (nword == 1 && !strcmp(w0, "test")) {
		ADD("lcd");
		ADD("alarm");
		ADD("rule");
	} else if (nword == 1 && !strcmp(w0, "sim")) {
		ADD("press");
	} else if (nword == 1 && !strcmp(w0, "commit")) {
		ADD("confirm");
	} else if (nword == 1 && !strcmp(w0, "ack")) {
		ADD("all");
	} else if (nword == 1 && !strcmp(w0, "inject")) {
		ADD("sms");
		ADD("sms_failed");
		ADD("chat");
	} else if (nword == 2 && !strcmp(w0, "test") && !strcmp(w1, "alarm")) {
		for (size_t i = 0; i < GA_ARRAY_SIZE(shell_alarm); i++) {
			ADD(shell_alarm[i]);
		}
	} else if (nword == 2 && !strcmp(w0, "test") && !strcmp(w1, "rule")) {
		for (int c = GA_CLASS_SMS; c < GA_CLASS_VALIDATION; c++) {
			ADD(ga_class_name((enum ga_class)c));
		}
	} else if (nword == 2 && !strcmp(w0, "sim") && !strcmp(w1, "press")) {
		ADD("ack_button");
	}
#undef ADD
	return n;
}

static struct termios shell_saved;

static void shell_restore(void)
{
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &shell_saved);
}

static void shell_flush(struct ga_lineedit *le)
{
	size_t off = 0;

	while (off < le->outlen) {
		ssize_t n = write(STDOUT_FILENO, le->out + off, le->outlen - off);

		if (n <= 0) {
			break;
		}
		off += (size_t)n;
	}
	ga_lineedit_out_clear(le);
}

static int shell(struct ga_ctlclient *c, const char *sock)
{
	static struct ga_lineedit le; /* history: 33 KiB, not on the stack */
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &shell_saved) == 0) {
		raw = shell_saved;
		/* byte at a time, no echo, Ctrl-C/Z as keys; output
		 * processing stays on so replies' LF become CR LF */
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IXON | ISTRIP);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0) {
			atexit(shell_restore);
		}
	}
	ga_lineedit_init(&le, "gridalert> ", shell_complete, NULL);
	printf("gridalertctl %s on %s; help lists the commands, Tab completes, "
	       "quit or Ctrl-D leaves\n", GA_VERSION, sock);
	fflush(stdout);
	ga_lineedit_start(&le);
	shell_flush(&le);
	for (;;) {
		unsigned char ch;
		ssize_t n = read(STDIN_FILENO, &ch, 1);
		enum ga_le_result r;

		if (n <= 0) {
			break;
		}
		r = ga_lineedit_feed(&le, ch);
		shell_flush(&le);
		if (r == GA_LE_EOF) {
			break;
		}
		if (r == GA_LE_LINE) {
			const char *line = ga_lineedit_line(&le);

			while (*line == ' ') {
				line++;
			}
			if (!strcmp(line, "quit") || !strcmp(line, "exit")) {
				break;
			}
			if (*line && *line != '#') {
				ga_lineedit_history_add(&le, line);
				/* the daemon may come back: a failure keeps
				 * the shell */
				(void)run(c, sock, line);
			}
			ga_lineedit_start(&le);
			shell_flush(&le);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct ga_conf conf;
	const char *sock = NULL, *cfile = GA_CONF_DEFAULT_PATH;
	struct ga_ctlclient c;
	char line[GA_CTL_LINE_MAX + 2];
	int opt, rc;
	bool tty;

	while ((opt = getopt(argc, argv, "+c:s:Vh")) != -1) {
		switch (opt) {
		case 'c':
			cfile = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'V':
			printf("gridalertctl %s\n", GA_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!sock) {
		unsigned int nerr = 0;
		int err = ga_conf_load(&conf, cfile, conf_err, NULL, &nerr);

		if (err && err != -EINVAL) {
			fprintf(stderr, "gridalertctl: %s: %s\n", cfile, strerror(-err));
			return 2;
		}
		/* a config with errors still names its socket */
		sock = conf.control.socket;
	}
	ga_ctlclient_init(&c);
	if (optind < argc) {
		size_t o = 0;

		for (int i = optind; i < argc; i++) {
			int n = snprintf(line + o, sizeof(line) - o, "%s%s",
					 i > optind ? " " : "", argv[i]);

			if (n < 0 || (size_t)n >= sizeof(line) - o) {
				fprintf(stderr, "gridalertctl: command longer than %u bytes\n",
					GA_CTL_LINE_MAX);
				return 1;
			}
			o += (size_t)n;
		}
		rc = run(&c, sock, line);
		ga_ctlclient_close(&c);
		return rc;
	}
	tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	rc = tty ? shell(&c, sock) : script(&c, sock);
	ga_ctlclient_close(&c);
	return rc;
}
