/* gridalertd.c - main: flags, then the daemon (src/daemon.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "tls.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gridalertd [-c FILE] [-f] [-t] [-V]\n"
		"  -c FILE  configuration (default %s)\n"
		"  -f       stay in the foreground, log to stderr\n"
		"  -t       check the configuration and certificate, then exit 0/1\n"
		"  -V       print the version\n",
		GA_CONF_DEFAULT_PATH);
}

int main(int argc, char **argv)
{
	struct ga_daemon_opts opts = { .conf_path = GA_CONF_DEFAULT_PATH };
	struct ga_daemon *d;
	bool check = false;
	int opt, rc;

	while ((opt = getopt(argc, argv, "c:ftVh")) != -1) {
		switch (opt) {
		case 'c':
			opts.conf_path = optarg;
			break;
		case 'f':
			opts.foreground = true;
			break;
		case 't':
			check = true;
			break;
		case 'V':
			printf("gridalertd %s (%s)\n", GA_VERSION, ga_tls_version());
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check) {
		return ga_daemon_check(opts.conf_path);
	}
	ga_log_setup(opts.foreground ? GA_LOG_STDERR : GA_LOG_SYSLOG, LOG_INFO);
	d = ga_daemon_new(&opts);
	if (!d) {
		return 1;
	}
	rc = ga_daemon_run(d);
	ga_daemon_free(d);
	return rc;
}
