/* gridalertctl.c - the console client (DESIGN §2): one command from the
 * arguments, or commands from stdin (a script that stops at the first
 * failure, or an interactive prompt on a terminal).
 * Exit status: 0 done, 1 the command failed, 2 the daemon is unreachable.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "config.h"
#include "ctl.h"
#include "ctlclient.h"

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

int main(int argc, char **argv)
{
	static struct ga_conf conf;
	const char *sock = NULL, *cfile = GA_CONF_DEFAULT_PATH;
	struct ga_ctlclient c;
	char line[GA_CTL_LINE_MAX + 2];
	int opt, rc = 0;
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
	tty = isatty(STDIN_FILENO);
	for (;;) {
		size_t n;

		if (tty) {
			fputs("gridalert> ", stdout);
			fflush(stdout);
		}
		if (!fgets(line, sizeof(line), stdin)) {
			break;
		}
		n = strlen(line);
		if (n && line[n - 1] != '\n' && !feof(stdin)) {
			fprintf(stderr, "gridalertctl: line longer than %u bytes\n",
				GA_CTL_LINE_MAX);
			return 1;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
			line[--n] = '\0';
		}
		if (n == 0 || line[0] == '#') {
			continue;
		}
		if (tty && (strcmp(line, "quit") == 0 || strcmp(line, "exit") == 0)) {
			break;
		}
		rc = run(&c, sock, line);
		if (rc && !tty) {
			break; /* a script stops at the first failure */
		}
		if (rc == 2 && tty) {
			rc = 0; /* the daemon may come back; keep the shell */
		}
	}
	ga_ctlclient_close(&c);
	return tty ? 0 : rc;
}
