/* daemon_int.h - what the daemon's own files share: struct ga_daemon
 * (wired together in daemon.c) and the few daemon actions the control
 * commands (ctl_cmds.c) call. Not for other modules: they get their part
 * of the daemon as arguments.
 */
#ifndef GA_DAEMON_INT_H
#define GA_DAEMON_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "alarm.h"
#include "alert.h"
#include "config.h"
#include "confedit.h"
#include "ctl.h"
#include "eventgrid.h"
#include "gpio.h"
#include "history.h"
#include "hook.h"
#include "journal.h"
#include "lcd.h"
#include "loop.h"
#include "pull.h"
#include "server.h"
#include "store.h"
#include "tls.h"
#include "watchdog.h"
#include "webhook.h"

struct ga_daemon {
	struct ga_conf confs[2];
	struct ga_conf *conf; /* the one in use; the other is for reloads */
	char conf_path[GA_CONF_PATH_MAX];
	bool foreground;
	struct ga_loop loop;
	struct ga_tls_server *tls;
	struct ga_eventgrid eg;
	struct ga_webhook webhook;
	struct ga_server server;
	struct ga_ctl ctl;
	struct ga_store store;
	struct ga_lcd lcd;
	struct ga_gpio gpio;
	struct ga_alarm alarm;
	struct ga_alert alert;
	struct ga_journal journal;
	struct ga_history history;
	struct ga_journal_mark mark;
	unsigned int batch_appended;
	/* journal.sync_failures when the first unsynced batch was appended:
	 * a failed sync by anyone (ack, pull) cuts every unsynced record, so
	 * the group commit must not answer 200 for them afterwards. */
	unsigned long unsynced_epoch;
	bool unsynced;
	struct ga_pull pull;
	struct ga_watchdog wd;
	struct ga_hooks hooks;
	struct ga_msg scratch;
	struct ga_confedit edit;
	struct ga_timer confirm; /* commit confirm: roll back when it fires */
	struct ga_timer drain;
	uint64_t drain_deadline_ms;
	uint64_t start_ms;
	int exit_code;
	unsigned long reloads;
	unsigned long reload_failures;
};

/* Reload the config file (SIGHUP, `reload`, `commit`): every error goes
 * to the log and, with @o, to the console. 0 or -EINVAL. */
int ga_daemon_reload(struct ga_daemon *d, struct ga_ctl_out *o);
/* Acknowledge @seq (or everything up to it with @all) and sync. 0 or
 * -errno of the journal. */
int ga_daemon_ack(struct ga_daemon *d, uint32_t seq, bool all);
/* After a journal sync: tell the alert module whether the journal is
 * full. Returns @err. */
int ga_daemon_synced(struct ga_daemon *d, int err);

/* ctl_cmds.c: the control commands gridalertd serves, and the timer that
 * rolls back an unconfirmed `commit confirm`. */
extern const struct ga_ctl_cmd ga_ctl_cmds[];
extern const unsigned int ga_ctl_ncmds;
void ga_ctl_cmds_confirm_expired(struct ga_timer *t);

#endif /* GA_DAEMON_INT_H */
