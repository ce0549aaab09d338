#!/bin/sh
# notify.sh - a gridalert hook ([hook.NAME] in gridalert.conf(5)): hand an
# event on to MQTT, or to syslog when there is no MQTT client.
#
# `make install PREFIX=/usr` (and the firmware) puts it in
# /usr/libexec/gridalert/notify:
#
#   [hook.notify]
#   command = /usr/libexec/gridalert/notify gridalert/events
#   timeout = 10s
#   retry = 3
#
# $1: the MQTT topic (default gridalert/events). The broker comes from
# MQTT_HOST (default localhost); set it in a wrapper script if needed, the
# daemon passes only GA_* and PATH. The event arrives as one line of JSON
# on stdin and in GA_CLASS, GA_ID, GA_SEQ, GA_FROM, GA_TO, GA_TEXT,
# GA_STATUS, GA_TIME, GA_THREAD. Exit 0 when handed on: anything else
# makes the daemon try again (1 s, 2 s, 4 s ...) and then log the first
# line written to stderr.
set -u
topic=${1:-gridalert/events}
host=${MQTT_HOST:-localhost}

json=$(cat)
if command -v mosquitto_pub >/dev/null 2>&1; then
	# QoS 1: the broker acknowledges it, or mosquitto_pub fails and the
	# daemon runs this again
	if ! err=$(printf '%s\n' "$json" |
		mosquitto_pub -h "$host" -q 1 -t "$topic" -s 2>&1); then
		echo "mosquitto_pub to $host: $(printf '%s\n' "$err" | head -n 1)" >&2
		exit 1
	fi
else
	logger -t gridalert-hook -- "${GA_CLASS:-?} #${GA_SEQ:-?} from ${GA_FROM:-?}: ${GA_TEXT:-}" || {
		echo "logger failed" >&2
		exit 1
	}
fi
exit 0
