/* tls.c - mbedTLS server contexts (see tls.h). The 2.28 (Debian 12) and 3.6
 * (Buildroot) differences live in small MBEDTLS_VERSION_NUMBER blocks here
 * and nowhere else.
 */
#include "tls.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#if defined(__aarch64__) || defined(__arm__)
#include <sys/auxv.h>
#include <asm/hwcap.h>
#endif
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h> /* MBEDTLS_ERR_NET_* only */
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/x509_csr.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <psa/crypto.h>
#endif

#include "config.h"
#include "fsutil.h"
#include "log.h"

/* A PEM certificate chain or key we are willing to load: a leaf plus two
 * intermediates is under 8 KiB; 64 KiB leaves room for long chains. */
#define GA_TLS_PEM_MAX 65536
/* Self-signed certificates made by auto_cert: 10 years, so a board that
 * sits in a cupboard does not wake up to an expired endpoint. */
#define GA_TLS_AUTO_CERT_YEARS 10

/* Only ECDHE with AEAD: forward secrecy and no CBC padding oracles
 * (testssl.sh flags CBC suites as LUCKY13-prone). RSA suites stay so that a
 * CA-issued RSA certificate works too.
 *
 * Two orders of the same suites. A TLS 1.2 server in mbedTLS picks the
 * first suite of its own list the client offers, so the order decides
 * the record cipher, and the cheaper one goes first. In mbedTLS that is
 * ChaCha20-Poly1305 almost everywhere: on boards without AES instructions
 * (ARMv6 Pi Zero/1; the Pi 3/4 Cortex-A53/A72 as the BCM2837 and BCM2711
 * ship them, without the crypto extensions) software AES-GCM costs
 * 105,708 instructions per KiB of record payload against 29,014 (mbedTLS
 * 2.28 built for aarch64, counted under qemu-user by bench/cipher_cost.sh);
 * and even on x86 with AES-NI and PCLMULQDQ, mbedTLS's GCM (one call per
 * 16-byte block) took 0.90 s of CPU per 256 MiB against 0.54 s for
 * ChaCha20-Poly1305 with 2.28, 0.75 s against 0.47 s with 3.6.6
 * (bench/cipher_cost.c built natively, /usr/bin/time). AES-GCM goes first
 * only where mbedTLS has its ARMv8 AES path (MBEDTLS_AESCE_C, >= 3.4) and
 * the CPU the AES and PMULL extensions (Pi 5), which could not be
 * measured here. TLS 1.3 (mbedTLS 3.6) follows the client's order
 * instead (ssl_tls13_select_ciphersuite walks the client's list): the
 * order below only breaks ties there. */
static const int ga_tls_suites_aes[] = {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
	MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
	MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
	MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
#endif
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	0,
};

static const int ga_tls_suites_soft[] = {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
	MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
	MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
#endif
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	0,
};

/* Is AES-GCM the cheaper record cipher here (see above)? Only with
 * mbedTLS's ARMv8 AES path and a CPU that has the AES and PMULL
 * extensions (HWCAP_AES/HWCAP2_AES); x86's AES-NI path measured slower
 * than ChaCha20-Poly1305. GRIDALERT_CPU_NO_AES=1 answers no (tests, and a
 * board to compare). */
static bool ga_tls_aes_first(void)
{
	const char *no = getenv("GRIDALERT_CPU_NO_AES");

	if (no && strcmp(no, "1") == 0) {
		return false;
	}
#if defined(MBEDTLS_AESCE_C) && defined(__aarch64__)
	return (getauxval(AT_HWCAP) & (HWCAP_AES | HWCAP_PMULL)) ==
	       (HWCAP_AES | HWCAP_PMULL);
#elif defined(MBEDTLS_AESCE_C) && defined(__arm__)
	return (getauxval(AT_HWCAP2) & (HWCAP2_AES | HWCAP2_PMULL)) ==
	       (HWCAP2_AES | HWCAP2_PMULL);
#else
	return false;
#endif
}

/* Key exchange groups, fastest first: mbedTLS 2.28's default order starts
 * with secp521r1 (testssl showed "ECDH 521"), which costs several times
 * the CPU of X25519 or P-256 per handshake for no gain here. */
#if MBEDTLS_VERSION_NUMBER >= 0x03010000
static const uint16_t ga_tls_groups[] = {
	MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
	MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
	MBEDTLS_SSL_IANA_TLS_GROUP_NONE,
};
#else
static const mbedtls_ecp_group_id ga_tls_groups[] = {
	MBEDTLS_ECP_DP_CURVE25519,
	MBEDTLS_ECP_DP_SECP256R1,
	MBEDTLS_ECP_DP_SECP384R1,
	MBEDTLS_ECP_DP_NONE,
};
#endif

static void ga_tls_conf_groups(mbedtls_ssl_config *conf)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03010000
	mbedtls_ssl_conf_groups(conf, ga_tls_groups);
#else
	mbedtls_ssl_conf_curves(conf, ga_tls_groups);
#endif
}

/* The random generator a server or client and all its contexts share. */
struct ga_tls_rng {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

/* Where connections get their context: a server or a client holds one
 * reference to its current context, and counts the live ones (status
 * tls.contexts). */
struct ga_tls_src {
	struct ga_tls_rng rng;
	struct ga_tls_ctx *cur;
	unsigned int live;
};

/* What a connection is set up with: the mbedTLS config and the certificate,
 * key and CA chain it points at. mbedTLS keeps pointers to all of them for
 * a connection's whole life (mbedtls_ssl_setup() keeps the config, the
 * config's key/cert list the pair, a handshake its picked pair), and
 * mbedtls_ssl_conf_own_cert() appends to that list rather than replacing
 * it. So nothing here is changed once made: a reload makes a new context,
 * and the old one is freed when the last connection set up with it lets go
 * (issue 22: freeing the old pair at reload while the config still listed
 * it crashed the next handshake in mbedtls_pk_can_do()). */
struct ga_tls_ctx {
	mbedtls_ssl_config conf;
	mbedtls_x509_crt crt;   /* server: own chain */
	mbedtls_pk_context key; /* server: own key */
	mbedtls_x509_crt ca;    /* server: client_ca; client: trust anchors */
	struct ga_tls_src *src;
	unsigned int refs;
	char fingerprint[7 + 32 * 3];
};

struct ga_tls_server {
	struct ga_tls_src src;
};

struct ga_tls_conn {
	mbedtls_ssl_context ssl;
	struct ga_tls_src *src;
	struct ga_tls_ctx *ctx; /* what ssl was set up with; NULL when not */
	int fd;
	bool want_write;
	char err[160];
	char proto[96];
};

static void ga_tls_report(ga_tls_err_cb cb, void *arg, const char *fmt, ...)
	GA_PRINTF(3, 4);

static void ga_tls_report(ga_tls_err_cb cb, void *arg, const char *fmt, ...)
{
	char msg[GA_LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cb) {
		cb(arg, msg);
	} else {
		ga_log(LOG_ERR, "%s", msg);
	}
}

static const char *ga_tls_strerror(int ret, char *buf, size_t size)
{
#if defined(MBEDTLS_ERROR_C)
	mbedtls_strerror(ret, buf, size);
#else
	snprintf(buf, size, "mbedTLS error -0x%04x", (unsigned int)-ret);
#endif
	return buf;
}

const char *ga_tls_version(void)
{
	return "mbed TLS " MBEDTLS_VERSION_STRING;
}

bool ga_tls_has_tls13(void)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
	return true;
#else
	return false;
#endif
}

static int ga_tls_sha256(const unsigned char *in, size_t len,
			 unsigned char out[32])
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	return mbedtls_sha256(in, len, out, 0);
#else
	return mbedtls_sha256_ret(in, len, out, 0);
#endif
}

static int ga_tls_parse_key(mbedtls_pk_context *pk, const char *path,
			    mbedtls_ctr_drbg_context *drbg)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	return mbedtls_pk_parse_keyfile(pk, path, NULL, mbedtls_ctr_drbg_random,
					drbg);
#else
	(void)drbg;
	return mbedtls_pk_parse_keyfile(pk, path, NULL);
#endif
}

static void ga_tls_time_str(time_t t, char out[16])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	/* X.509 writer wants YYYYMMDDhhmmss (mbedtls x509write_crt). */
	if (strftime(out, 16, "%Y%m%d%H%M%S", &tm) != 14) {
		memcpy(out, "20260101000000", 15);
	}
}

/* subjectAltName = DNS:localhost, IP:127.0.0.1, so a local client that
 * does check names (curl --cacert) accepts the generated certificate.
 * DER: SEQUENCE { [2] "localhost", [7] 7f000001 }. */
static const unsigned char ga_tls_san_der[] = {
	0x30, 0x11, 0x82, 0x09, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't',
	0x87, 0x04, 0x7f, 0x00, 0x00, 0x01,
};

/* Create a self-signed ECDSA P-256 certificate and key (auto_cert). */
static int ga_tls_make_cert(struct ga_tls_rng *rng, const struct ga_conf *c,
			    ga_tls_err_cb errcb, void *arg)
{
	mbedtls_pk_context key;
	mbedtls_x509write_cert crt;
	unsigned char *pem = NULL;
	unsigned char serial[16];
	char from[16], to[16];
	time_t now = time(NULL);
	char ebuf[96];
	int ret, err = -EIO;

	mbedtls_pk_init(&key);
	mbedtls_x509write_crt_init(&crt);
	pem = malloc(GA_TLS_PEM_MAX); /* setup-only */
	if (!pem) {
		err = -ENOMEM;
		goto out;
	}
	ret = mbedtls_pk_setup(&key,
			       mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (!ret) {
		ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1,
					  mbedtls_pk_ec(key),
					  mbedtls_ctr_drbg_random, &rng->drbg);
	}
	if (ret) {
		ga_tls_report(errcb, arg, "auto_cert: key generation: %s",
			      ga_tls_strerror(ret, ebuf, sizeof(ebuf)));
		goto out;
	}
	ret = mbedtls_ctr_drbg_random(&rng->drbg, serial, sizeof(serial));
	if (ret) {
		goto out;
	}
	serial[0] &= 0x7f; /* positive INTEGER */
	serial[0] |= 0x01; /* and no leading zero byte */
	ga_tls_time_str(now - 86400, from); /* a day of clock skew */
	ga_tls_time_str(now + (time_t)GA_TLS_AUTO_CERT_YEARS * 365 * 86400,
			to);
	mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&crt, &key);
	mbedtls_x509write_crt_set_issuer_key(&crt, &key);
#if MBEDTLS_VERSION_NUMBER >= 0x03040000
	ret = mbedtls_x509write_crt_set_serial_raw(&crt, serial, sizeof(serial));
#else
	{
		mbedtls_mpi sn;

		mbedtls_mpi_init(&sn);
		ret = mbedtls_mpi_read_binary(&sn, serial, sizeof(serial));
		if (!ret) {
			ret = mbedtls_x509write_crt_set_serial(&crt, &sn);
		}
		mbedtls_mpi_free(&sn);
	}
#endif
	if (!ret) {
		ret = mbedtls_x509write_crt_set_subject_name(&crt,
							     "CN=gridalert,O=gridalert self-signed");
	}
	if (!ret) {
		ret = mbedtls_x509write_crt_set_issuer_name(&crt,
							    "CN=gridalert,O=gridalert self-signed");
	}
	if (!ret) {
		ret = mbedtls_x509write_crt_set_validity(&crt, from, to);
	}
	if (!ret) {
		ret = mbedtls_x509write_crt_set_basic_constraints(&crt, 0, -1);
	}
	if (!ret) {
		ret = mbedtls_x509write_crt_set_extension(&crt,
			MBEDTLS_OID_SUBJECT_ALT_NAME,
			MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
			ga_tls_san_der, sizeof(ga_tls_san_der));
	}
	if (ret) {
		ga_tls_report(errcb, arg, "auto_cert: certificate fields: %s",
			      ga_tls_strerror(ret, ebuf, sizeof(ebuf)));
		goto out;
	}

	/* The key first, so a crash in between leaves a key without a
	 * certificate (regenerated next start), never the reverse. */
	ret = mbedtls_pk_write_key_pem(&key, pem, GA_TLS_PEM_MAX);
	if (ret) {
		goto out;
	}
	/* a fresh tree or board: create the directories (0700: the key) */
	err = ga_fs_mkdir_parents(c->server.key, 0700);
	if (!err) {
		err = ga_fs_mkdir_parents(c->server.cert, 0755);
	}
	if (!err) {
		err = ga_fs_write_atomic(c->server.key, pem, strlen((char *)pem), 0600);
	}
	if (err) {
		ga_tls_report(errcb, arg, "auto_cert: cannot write %s: %s",
			      c->server.key, strerror(-err));
		goto out;
	}
	ret = mbedtls_x509write_crt_pem(&crt, pem, GA_TLS_PEM_MAX,
					mbedtls_ctr_drbg_random, &rng->drbg);
	if (ret) {
		err = -EIO;
		goto out;
	}
	err = ga_fs_write_atomic(c->server.cert, pem, strlen((char *)pem), 0644);
	if (err) {
		ga_tls_report(errcb, arg, "auto_cert: cannot write %s: %s",
			      c->server.cert, strerror(-err));
		goto out;
	}
	ga_log(LOG_NOTICE, "auto_cert: created a self-signed ECDSA P-256 "
	       "certificate %s and key %s", c->server.cert, c->server.key);
	err = 0;
out:
	if (pem) {
		memset(pem, 0, GA_TLS_PEM_MAX); /* key material */
		free(pem);
	}
	mbedtls_x509write_crt_free(&crt);
	mbedtls_pk_free(&key);
	return err;
}

/* The private key must not be readable by group or others (docs/configuration.md). */
static int ga_tls_check_key_mode(const char *path, ga_tls_err_cb errcb,
				 void *arg)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		int err = -errno;

		ga_tls_report(errcb, arg, "key %s: %s", path, strerror(errno));
		return err;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		ga_tls_report(errcb, arg,
			      "key %s: mode %04o lets group/others read the "
			      "private key; run: chmod 600 %s",
			      path, (unsigned int)(st.st_mode & 07777), path);
		return -EPERM;
	}
	return 0;
}

static void ga_tls_ctx_put(struct ga_tls_ctx *x);

static int ga_tls_rng_setup(struct ga_tls_rng *rng, const char *pers)
{
	mbedtls_entropy_init(&rng->entropy);
	mbedtls_ctr_drbg_init(&rng->drbg);
	return mbedtls_ctr_drbg_seed(&rng->drbg, mbedtls_entropy_func,
				     &rng->entropy, (const unsigned char *)pers,
				     strlen(pers)) ? -EIO : 0;
}

static void ga_tls_rng_free(struct ga_tls_rng *rng)
{
	mbedtls_ctr_drbg_free(&rng->drbg);
	mbedtls_entropy_free(&rng->entropy);
}

/* A context with the settings both ends share; the caller adds its
 * certificates. NULL when out of memory. */
static struct ga_tls_ctx *ga_tls_ctx_new(struct ga_tls_src *src, int endpoint)
{
	struct ga_tls_ctx *x = calloc(1, sizeof(*x)); /* setup-only (and reload) */

	if (!x) {
		return NULL;
	}
	mbedtls_ssl_config_init(&x->conf);
	mbedtls_x509_crt_init(&x->crt);
	mbedtls_pk_init(&x->key);
	mbedtls_x509_crt_init(&x->ca);
	x->src = src;
	x->refs = 1;
	src->live++;
	if (mbedtls_ssl_config_defaults(&x->conf, endpoint,
					MBEDTLS_SSL_TRANSPORT_STREAM,
					MBEDTLS_SSL_PRESET_DEFAULT)) {
		ga_tls_ctx_put(x);
		return NULL;
	}
	mbedtls_ssl_conf_rng(&x->conf, mbedtls_ctr_drbg_random, &src->rng.drbg);
	/* Event Grid needs TLS >= 1.2 since March 2025 (Microsoft's
	 * Event Grid TLS 1.0/1.1 retirement notice);
	 * nothing older is offered or accepted. */
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
	mbedtls_ssl_conf_min_tls_version(&x->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
	mbedtls_ssl_conf_min_version(&x->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
#endif
	mbedtls_ssl_conf_ciphersuites(&x->conf, ga_tls_aes_first() ? ga_tls_suites_aes
								: ga_tls_suites_soft);
	ga_tls_conf_groups(&x->conf);
	return x;
}

static struct ga_tls_ctx *ga_tls_ctx_get(struct ga_tls_ctx *x)
{
	x->refs++;
	return x;
}

static void ga_tls_ctx_put(struct ga_tls_ctx *x)
{
	if (!x || --x->refs) {
		return;
	}
	mbedtls_ssl_config_free(&x->conf);
	mbedtls_x509_crt_free(&x->crt);
	mbedtls_pk_free(&x->key);
	mbedtls_x509_crt_free(&x->ca);
	x->src->live--;
	free(x);
}

/* A server context for @c's certificate, key and client_ca. */
static struct ga_tls_ctx *ga_tls_server_ctx(struct ga_tls_src *src,
					    const struct ga_conf *c,
					    ga_tls_err_cb errcb, void *arg)
{
	struct ga_tls_ctx *x;
	unsigned char hash[32];
	char ebuf[96];
	int ret;

	if (c->server.auto_cert && (access(c->server.cert, F_OK) != 0 ||
				    access(c->server.key, F_OK) != 0)) {
		if (ga_tls_make_cert(&src->rng, c, errcb, arg)) {
			return NULL;
		}
	}
	if (ga_tls_check_key_mode(c->server.key, errcb, arg)) {
		return NULL;
	}
	x = ga_tls_ctx_new(src, MBEDTLS_SSL_IS_SERVER);
	if (!x) {
		ga_tls_report(errcb, arg, "out of memory");
		return NULL;
	}
#if defined(MBEDTLS_SSL_RENEGOTIATION)
	/* A client-initiated renegotiation is a CPU-exhaustion lever and has
	 * no use for a webhook; refuse it. */
	mbedtls_ssl_conf_renegotiation(&x->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
#endif
	ret = mbedtls_x509_crt_parse_file(&x->crt, c->server.cert);
	if (ret) {
		ga_tls_report(errcb, arg, "cert %s: %s", c->server.cert,
			      ga_tls_strerror(ret, ebuf, sizeof(ebuf)));
		goto fail;
	}
	ret = ga_tls_parse_key(&x->key, c->server.key, &src->rng.drbg);
	if (ret) {
		ga_tls_report(errcb, arg, "key %s: %s", c->server.key,
			      ga_tls_strerror(ret, ebuf, sizeof(ebuf)));
		goto fail;
	}
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	ret = mbedtls_pk_check_pair(&x->crt.pk, &x->key,
				    mbedtls_ctr_drbg_random, &src->rng.drbg);
#else
	ret = mbedtls_pk_check_pair(&x->crt.pk, &x->key);
#endif
	if (ret) {
		ga_tls_report(errcb, arg,
			      "key %s does not belong to certificate %s",
			      c->server.key, c->server.cert);
		goto fail;
	}
	if (mbedtls_ssl_conf_own_cert(&x->conf, &x->crt, &x->key)) {
		ga_tls_report(errcb, arg, "out of memory");
		goto fail;
	}
	if (c->server.client_ca[0]) {
		ret = mbedtls_x509_crt_parse_file(&x->ca, c->server.client_ca);
		if (ret) {
			ga_tls_report(errcb, arg, "client_ca %s: %s",
				      c->server.client_ca,
				      ga_tls_strerror(ret, ebuf, sizeof(ebuf)));
			goto fail;
		}
		mbedtls_ssl_conf_ca_chain(&x->conf, &x->ca, NULL);
		mbedtls_ssl_conf_authmode(&x->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	} else {
		mbedtls_ssl_conf_authmode(&x->conf, MBEDTLS_SSL_VERIFY_NONE);
	}
	if (ga_tls_sha256(x->crt.raw.p, x->crt.raw.len, hash)) {
		goto fail;
	}
	{
		char *p = x->fingerprint;

		p += sprintf(p, "SHA256 ");
		for (int i = 0; i < 32; i++) {
			p += sprintf(p, i ? ":%02X" : "%02X", hash[i]);
		}
	}
	return x;
fail:
	ga_tls_ctx_put(x);
	return NULL;
}

struct ga_tls_server *ga_tls_server_new(const struct ga_conf *conf,
					ga_tls_err_cb err, void *arg)
{
	struct ga_tls_server *s;

	s = calloc(1, sizeof(*s)); /* setup-only */
	if (!s) {
		return NULL;
	}
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	if (psa_crypto_init() != PSA_SUCCESS) { /* TLS 1.3 needs PSA */
		ga_tls_report(err, arg, "psa_crypto_init failed");
		free(s);
		return NULL;
	}
#endif
	if (ga_tls_rng_setup(&s->src.rng, "gridalertd")) {
		ga_tls_report(err, arg, "cannot seed the random generator");
		goto fail;
	}
	s->src.cur = ga_tls_server_ctx(&s->src, conf, err, arg);
	if (!s->src.cur) {
		goto fail;
	}
	return s;
fail:
	ga_tls_server_free(s);
	return NULL;
}

int ga_tls_server_reload(struct ga_tls_server *s, const struct ga_conf *conf,
			 ga_tls_err_cb err, void *arg)
{
	struct ga_tls_ctx *x = ga_tls_server_ctx(&s->src, conf, err, arg);

	if (!x) {
		return -EINVAL;
	}
	/* New connections get @x; each connection set up with the old one
	 * keeps it until it ends (ga_tls_conn_shutdown). */
	ga_tls_ctx_put(s->src.cur);
	s->src.cur = x;
	return 0;
}

void ga_tls_server_free(struct ga_tls_server *s)
{
	if (!s) {
		return;
	}
	ga_tls_ctx_put(s->src.cur);
	/* Connections hold the random generator through their contexts:
	 * they are freed first (ga_server_close before this). */
	if (s->src.live) {
		ga_log(LOG_ERR, "tls: %u context(s) still in use at exit",
		       s->src.live);
	}
	ga_tls_rng_free(&s->src.rng);
	free(s);
}

const char *ga_tls_server_fingerprint(const struct ga_tls_server *s)
{
	return s && s->src.cur ? s->src.cur->fingerprint : "";
}

unsigned int ga_tls_server_contexts(const struct ga_tls_server *s)
{
	return s ? s->src.live : 0;
}

static int ga_tls_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct ga_tls_conn *c = ctx;
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

	if (n >= 0) {
		return (int)n;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	}
	return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int ga_tls_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct ga_tls_conn *c = ctx;
	ssize_t n = recv(c->fd, buf, len, 0);

	if (n >= 0) {
		return (int)n; /* 0: peer closed, mbedTLS reports CONN_EOF */
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return MBEDTLS_ERR_SSL_WANT_READ;
	}
	return MBEDTLS_ERR_NET_RECV_FAILED;
}

static struct ga_tls_conn *ga_tls_conn_alloc(struct ga_tls_src *src)
{
	struct ga_tls_conn *c = calloc(1, sizeof(*c)); /* setup-only */

	if (!c) {
		return NULL;
	}
	c->fd = -1;
	c->src = src;
	mbedtls_ssl_init(&c->ssl);
	return c;
}

struct ga_tls_conn *ga_tls_conn_new(struct ga_tls_server *s)
{
	return ga_tls_conn_alloc(&s->src);
}

/* Let go of the context @c was set up with, and of its record buffers. */
static void ga_tls_conn_unbind(struct ga_tls_conn *c)
{
	mbedtls_ssl_free(&c->ssl);
	mbedtls_ssl_init(&c->ssl);
	ga_tls_ctx_put(c->ctx);
	c->ctx = NULL;
}

void ga_tls_conn_free(struct ga_tls_conn *c)
{
	if (!c) {
		return;
	}
	ga_tls_conn_unbind(c);
	free(c);
}

void ga_tls_conn_trim(struct ga_tls_conn *c)
{
	if (c && c->fd < 0 && c->ctx && c->ctx != c->src->cur) {
		ga_tls_conn_unbind(c);
	}
}

int ga_tls_conn_start(struct ga_tls_conn *c, int fd)
{
	/* A context's record buffers (16 KiB in + 16 KiB out, cleared by
	 * mbedTLS at setup, so resident at once) are made at its first
	 * connection and kept: session_reset reuses them. Idle memory thus
	 * follows the peak number of connections, not max_connections + 1
	 * slots (33 slots: 1.1 MiB of RssAnon at idle, make bench). Only
	 * after a reload is a slot set up again, with the new context. */
	if (c->ctx && c->ctx != c->src->cur) {
		ga_tls_conn_unbind(c);
	}
	if (!c->ctx) {
		if (mbedtls_ssl_setup(&c->ssl, &c->src->cur->conf)) {
			mbedtls_ssl_free(&c->ssl);
			mbedtls_ssl_init(&c->ssl);
			return -ENOMEM;
		}
		c->ctx = ga_tls_ctx_get(c->src->cur);
	} else if (mbedtls_ssl_session_reset(&c->ssl)) {
		return -ENOMEM;
	}
	c->fd = fd;
	c->want_write = false;
	c->err[0] = '\0';
	c->proto[0] = '\0';
	mbedtls_ssl_set_bio(&c->ssl, c, ga_tls_send, ga_tls_recv, NULL);
	return 0;
}

static int ga_tls_map(struct ga_tls_conn *c, int ret, const char *what)
{
	char ebuf[64];

	c->want_write = false;
	switch (ret) {
	case MBEDTLS_ERR_SSL_WANT_READ:
		return -EAGAIN;
	case MBEDTLS_ERR_SSL_WANT_WRITE:
		c->want_write = true;
		return -EAGAIN;
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
	case MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET:
		return -EAGAIN;
#endif
	case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
	case MBEDTLS_ERR_SSL_CONN_EOF:
		return 0;
	case MBEDTLS_ERR_NET_SEND_FAILED:
	case MBEDTLS_ERR_NET_RECV_FAILED:
		snprintf(c->err, sizeof(c->err), "%s: connection reset", what);
		return -EPIPE;
	default:
		snprintf(c->err, sizeof(c->err), "%s: %s", what,
			 ga_tls_strerror(ret, ebuf, sizeof(ebuf)));
		return -EPROTO;
	}
}

int ga_tls_conn_handshake(struct ga_tls_conn *c)
{
	int ret = mbedtls_ssl_handshake(&c->ssl);

	if (ret == 0) {
		c->want_write = false;
		snprintf(c->proto, sizeof(c->proto), "%s %s",
			 mbedtls_ssl_get_version(&c->ssl),
			 mbedtls_ssl_get_ciphersuite(&c->ssl));
		return 0;
	}
	if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		char info[128];
		uint32_t flags = mbedtls_ssl_get_verify_result(&c->ssl);
		char *nl;

		mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags);
		nl = strchr(info, '\n');
		if (nl) {
			*nl = '\0';
		}
		snprintf(c->err, sizeof(c->err), "server certificate: %s", info);
		return -EPROTO;
	}
	ret = ga_tls_map(c, ret, "handshake");
	/* EOF before the handshake finished is a failure too. */
	if (ret == 0) {
		snprintf(c->err, sizeof(c->err),
			 "handshake: peer closed the connection");
		return -EPROTO;
	}
	return ret;
}

ssize_t ga_tls_conn_read(struct ga_tls_conn *c, void *buf, size_t len)
{
	int ret = mbedtls_ssl_read(&c->ssl, buf, len);

	if (ret > 0) {
		return ret;
	}
	if (ret == 0) {
		return 0;
	}
	return ga_tls_map(c, ret, "read");
}

ssize_t ga_tls_conn_write(struct ga_tls_conn *c, const void *buf, size_t len)
{
	int ret = mbedtls_ssl_write(&c->ssl, buf, len);

	if (ret >= 0) {
		c->want_write = false;
		return ret;
	}
	ret = ga_tls_map(c, ret, "write");
	return ret == 0 ? -EPIPE : ret;
}

size_t ga_tls_conn_pending(const struct ga_tls_conn *c)
{
	return mbedtls_ssl_get_bytes_avail(&c->ssl);
}

bool ga_tls_want_write(const struct ga_tls_conn *c)
{
	return c->want_write;
}

void ga_tls_conn_shutdown(struct ga_tls_conn *c)
{
	if (c->fd >= 0) {
		(void)mbedtls_ssl_close_notify(&c->ssl);
	}
	c->fd = -1;
	/* The last connection on a context a reload replaced frees it. */
	ga_tls_conn_trim(c);
}

const char *ga_tls_conn_error(const struct ga_tls_conn *c)
{
	return c->err[0] ? c->err : "unknown error";
}

const char *ga_tls_conn_protocol(const struct ga_tls_conn *c)
{
	return c->proto;
}

/* ---- client (pull delivery) ------------------------------------------- */

struct ga_tls_client {
	struct ga_tls_src src;
};

/* A client context trusting @ca_file. */
static struct ga_tls_ctx *ga_tls_client_ctx(struct ga_tls_src *src,
					    const char *ca_file,
					    ga_tls_err_cb err, void *arg)
{
	struct ga_tls_ctx *x = ga_tls_ctx_new(src, MBEDTLS_SSL_IS_CLIENT);
	char ebuf[96];
	int ret;

	if (!x) {
		ga_tls_report(err, arg, "out of memory");
		return NULL;
	}
	/* A CA bundle may hold certificates mbedTLS cannot parse (a few
	 * exotic roots); > 0 means "some were skipped", which is fine as
	 * long as at least one loaded. */
	ret = mbedtls_x509_crt_parse_file(&x->ca, ca_file);
	if (ret < 0 || x->ca.version == 0) {
		ga_tls_report(err, arg, "ca_file %s: %s", ca_file,
			      ret < 0 ? ga_tls_strerror(ret, ebuf, sizeof(ebuf))
				      : "no usable certificate");
		ga_tls_ctx_put(x);
		return NULL;
	}
	mbedtls_ssl_conf_authmode(&x->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&x->conf, &x->ca, NULL);
	return x;
}

struct ga_tls_client *ga_tls_client_new(const char *ca_file, ga_tls_err_cb err,
					void *arg)
{
	struct ga_tls_client *cl;

	cl = calloc(1, sizeof(*cl)); /* setup-only */
	if (!cl) {
		return NULL;
	}
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	if (psa_crypto_init() != PSA_SUCCESS) {
		free(cl);
		return NULL;
	}
#endif
	if (ga_tls_rng_setup(&cl->src.rng, "gridalertd-pull")) {
		goto fail;
	}
	cl->src.cur = ga_tls_client_ctx(&cl->src, ca_file, err, arg);
	if (!cl->src.cur) {
		goto fail;
	}
	return cl;
fail:
	ga_tls_client_free(cl);
	return NULL;
}

int ga_tls_client_reload(struct ga_tls_client *cl, const char *ca_file,
			 ga_tls_err_cb err, void *arg)
{
	struct ga_tls_ctx *x = ga_tls_client_ctx(&cl->src, ca_file, err, arg);

	if (!x) {
		return -EINVAL;
	}
	ga_tls_ctx_put(cl->src.cur);
	cl->src.cur = x;
	return 0;
}

void ga_tls_client_free(struct ga_tls_client *cl)
{
	if (!cl) {
		return;
	}
	ga_tls_ctx_put(cl->src.cur);
	if (cl->src.live) {
		ga_log(LOG_ERR, "tls: %u client context(s) still in use",
		       cl->src.live);
	}
	ga_tls_rng_free(&cl->src.rng);
	free(cl);
}

struct ga_tls_conn *ga_tls_client_conn_new(struct ga_tls_client *cl)
{
	return ga_tls_conn_alloc(&cl->src);
}

int ga_tls_client_start(struct ga_tls_conn *c, int fd, const char *host)
{
	int err = ga_tls_conn_start(c, fd);

	if (err) {
		return err;
	}
	/* SNI, and the name the server certificate must carry. */
	if (mbedtls_ssl_set_hostname(&c->ssl, host)) {
		return -EINVAL;
	}
	return 0;
}
