/* tls.h - mbedTLS server (and later client) contexts. This and tls.c are the
 * only places that know mbedTLS exists (foreign error codes stay here): callers see 0/-errno,
 * WANT_READ/WANT_WRITE become -EAGAIN with ga_tls_want_write() telling which.
 *
 * Lifecycle: one struct ga_tls_server per daemon (RNG and the current
 * context: ssl config, certificate, key, client CA), and one struct
 * ga_tls_conn per connection slot, created at setup and reused for every
 * connection through a session reset, which keeps mbedTLS's I/O buffers
 * (mbedtls_ssl_session_reset()). mbedTLS 2.28 still allocates its handshake state
 * internally; that is bounded by max_connections.
 *
 * Reload: contexts are reference-counted and never changed once made. A
 * reload makes a new one for new connections; a connection keeps the one it
 * started with (its handshake, certificate and key) until it ends, and the
 * old context is freed with its last connection. The same holds for the
 * client side's CA file.
 */
#ifndef GA_TLS_H
#define GA_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common.h"

struct ga_conf;
struct ga_tls_server;
struct ga_tls_conn;

/* Callback for errors found while loading (used by `gridalertd -t`). */
typedef void (*ga_tls_err_cb)(void *arg, const char *msg);

/* Load (or with auto_cert create) the certificate and key of @conf.
 * Returns NULL and reports through @err when they cannot be used. */
struct ga_tls_server *ga_tls_server_new(const struct ga_conf *conf,
					ga_tls_err_cb err, void *arg);
/* Load @conf's certificate and key again; on success the new pair is used
 * for new handshakes, on failure the old one stays. 0 or -errno. */
GA_MUST_CHECK int ga_tls_server_reload(struct ga_tls_server *s,
				       const struct ga_conf *conf,
				       ga_tls_err_cb err, void *arg);
/* Free the connections made from @s first. */
void ga_tls_server_free(struct ga_tls_server *s);
/* Live contexts: 1, plus one per older certificate that connections
 * opened before a reload still use (status tls.contexts). */
unsigned int ga_tls_server_contexts(const struct ga_tls_server *s);
/* "SHA256 AB:CD:..." of the certificate in use. */
const char *ga_tls_server_fingerprint(const struct ga_tls_server *s);
/* The library we run on, e.g. "mbed TLS 2.28.3", and whether it can do 1.3. */
const char *ga_tls_version(void);
bool ga_tls_has_tls13(void);

struct ga_tls_conn *ga_tls_conn_new(struct ga_tls_server *s);
void ga_tls_conn_free(struct ga_tls_conn *c);
/* Start a new connection on @fd (non-blocking socket). 0 or -errno. */
GA_MUST_CHECK int ga_tls_conn_start(struct ga_tls_conn *c, int fd);
/* 0 when done, -EAGAIN (see ga_tls_want_write), -EPROTO on failure. */
GA_MUST_CHECK int ga_tls_conn_handshake(struct ga_tls_conn *c);
/* Bytes read (> 0), 0 on close_notify or EOF, -EAGAIN, -EPROTO. */
GA_MUST_CHECK ssize_t ga_tls_conn_read(struct ga_tls_conn *c, void *buf,
				       size_t len);
/* Bytes written (> 0), -EAGAIN, -EPIPE/-EPROTO. */
GA_MUST_CHECK ssize_t ga_tls_conn_write(struct ga_tls_conn *c,
					const void *buf, size_t len);
/* Plaintext mbedTLS holds that poll() cannot see: read it before
 * sleeping (mbedtls_ssl_get_bytes_avail()). */
size_t ga_tls_conn_pending(const struct ga_tls_conn *c);
bool ga_tls_want_write(const struct ga_tls_conn *c);
/* Best-effort close_notify; the caller closes the fd. A connection on a
 * context that a reload replaced lets go of it here. */
void ga_tls_conn_shutdown(struct ga_tls_conn *c);
/* Between connections: let go of a replaced context now rather than at the
 * next start (with it go the slot's record buffers, made again then). */
void ga_tls_conn_trim(struct ga_tls_conn *c);
/* Short text of the last failure ("handshake: ...") for one log line. */
const char *ga_tls_conn_error(const struct ga_tls_conn *c);
/* Negotiated protocol and cipher, e.g. "TLSv1.2 ECDHE-ECDSA-...". */
const char *ga_tls_conn_protocol(const struct ga_tls_conn *c);

/* Client side (pull delivery, docs/azure.md): verifies the server against
 * @ca_file and the host name given at start (SNI + name check), TLS 1.2+. */
struct ga_tls_client;

struct ga_tls_client *ga_tls_client_new(const char *ca_file, ga_tls_err_cb err,
					void *arg);
/* Read @ca_file again for the next connections; the one open keeps the
 * anchors it started with. On failure the old ones stay. 0 or -EINVAL. */
GA_MUST_CHECK int ga_tls_client_reload(struct ga_tls_client *cl,
				       const char *ca_file, ga_tls_err_cb err,
				       void *arg);
/* Free the connections made from @cl first. */
void ga_tls_client_free(struct ga_tls_client *cl);
struct ga_tls_conn *ga_tls_client_conn_new(struct ga_tls_client *cl);
/* Like ga_tls_conn_start, plus the server name to send and verify. */
GA_MUST_CHECK int ga_tls_client_start(struct ga_tls_conn *c, int fd,
				      const char *host);

#endif /* GA_TLS_H */
