/* ctl.h - the control protocol spoken over the unix socket ([control]
 * socket) between gridalertd and gridalertctl.
 *
 * Wire format (line based, so it can be typed with socat/nc too):
 *   request:  one command line, UTF-8, at most GA_CTL_LINE_MAX bytes,
 *             terminated by LF (a CR before the LF is ignored). Words are
 *             separated by spaces; the command decides how much of the rest
 *             of the line is one argument ("inject sms Hello world").
 *   response: a header line "ok <N>\n" or "error <N>\n", then exactly N
 *             bytes of payload. For ok the payload is the command's output
 *             (lines ending in LF, possibly empty); for error it is one
 *             human-readable line ending in LF.
 * A connection carries any number of request/response pairs; the daemon
 * answers them in order. The payload is at most GA_CTL_REPLY_MAX bytes.
 *
 * gridalertctl exit status (DESIGN §2): 0 ok, 1 error (payload on stderr),
 * 2 daemon unreachable (cannot connect, or the connection dropped).
 */
#ifndef GA_CTL_H
#define GA_CTL_H

#define GA_CTL_LINE_MAX 1024
#define GA_CTL_REPLY_MAX 65536

#endif /* GA_CTL_H */
