/* bench_handshake.c - the limit new TLS connections/s are judged against:
 * full TLS 1.2 handshakes per second on one core (ECDHE-P256 key exchange +
 * ECDSA-P256 signature, the suite gridalertd's auto_cert certificate
 * negotiates), client and server in one process over an in-memory pipe.
 * The client's half is counted too, so the server-only cost is below this;
 * bench/run.py also reports the server's share measured by perf-free
 * accounting (half the time is a fair first approximation: each side does
 * one ECDHE keygen + one ECDH; the server signs, the client verifies).
 *
 * usage: bench_handshake CERT KEY SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <psa/crypto.h>
#endif

struct pipe {
	unsigned char buf[32768];
	size_t len;
};

struct end {
	struct pipe *in, *out;
};

static int bsend(void *ctx, const unsigned char *b, size_t n)
{
	struct end *e = ctx;

	if (n > sizeof(e->out->buf) - e->out->len) {
		n = sizeof(e->out->buf) - e->out->len;
	}
	if (n == 0) {
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	}
	memcpy(e->out->buf + e->out->len, b, n);
	e->out->len += n;
	return (int)n;
}

static int brecv(void *ctx, unsigned char *b, size_t n)
{
	struct end *e = ctx;

	if (e->in->len == 0) {
		return MBEDTLS_ERR_SSL_WANT_READ;
	}
	if (n > e->in->len) {
		n = e->in->len;
	}
	memcpy(b, e->in->buf, n);
	memmove(e->in->buf, e->in->buf + n, e->in->len - n);
	e->in->len -= n;
	return (int)n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config sc, cc;
	mbedtls_x509_crt crt;
	mbedtls_pk_context key;
	static struct pipe c2s, s2c;
	double seconds, t0, t;
	long n = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: %s CERT KEY SECONDS\n", argv[0]);
		return 2;
	}
	seconds = atof(argv[3]);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	psa_crypto_init();
#endif
	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0);
	mbedtls_x509_crt_init(&crt);
	mbedtls_pk_init(&key);
	if (mbedtls_x509_crt_parse_file(&crt, argv[1]) ||
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	    mbedtls_pk_parse_keyfile(&key, argv[2], NULL, mbedtls_ctr_drbg_random, &drbg)
#else
	    mbedtls_pk_parse_keyfile(&key, argv[2], NULL)
#endif
	) {
		fprintf(stderr, "cannot load %s / %s\n", argv[1], argv[2]);
		return 1;
	}
	mbedtls_ssl_config_init(&sc);
	mbedtls_ssl_config_init(&cc);
	mbedtls_ssl_config_defaults(&sc, MBEDTLS_SSL_IS_SERVER,
				    MBEDTLS_SSL_TRANSPORT_STREAM,
				    MBEDTLS_SSL_PRESET_DEFAULT);
	mbedtls_ssl_config_defaults(&cc, MBEDTLS_SSL_IS_CLIENT,
				    MBEDTLS_SSL_TRANSPORT_STREAM,
				    MBEDTLS_SSL_PRESET_DEFAULT);
	{
		/* ECDHE on P-256, as the issue defines the limit */
#if MBEDTLS_VERSION_NUMBER >= 0x03010000
		static const uint16_t g[] = { MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, 0 };

		mbedtls_ssl_conf_groups(&sc, g);
		mbedtls_ssl_conf_groups(&cc, g);
#else
		static const mbedtls_ecp_group_id g[] = { MBEDTLS_ECP_DP_SECP256R1,
							  MBEDTLS_ECP_DP_NONE };

		mbedtls_ssl_conf_curves(&sc, g);
		mbedtls_ssl_conf_curves(&cc, g);
#endif
	}
	mbedtls_ssl_conf_rng(&sc, mbedtls_ctr_drbg_random, &drbg);
	mbedtls_ssl_conf_rng(&cc, mbedtls_ctr_drbg_random, &drbg);
	mbedtls_ssl_conf_own_cert(&sc, &crt, &key);
	/* the client verifies the signature but not the (self-signed) chain */
	mbedtls_ssl_conf_authmode(&cc, MBEDTLS_SSL_VERIFY_NONE);
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
	mbedtls_ssl_conf_max_tls_version(&sc, MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(&cc, MBEDTLS_SSL_VERSION_TLS1_2);
#endif

	t0 = now();
	do {
		mbedtls_ssl_context s, c;
		struct end se = { &c2s, &s2c }, ce = { &s2c, &c2s };
		int rs = 1, rc = 1;

		mbedtls_ssl_init(&s);
		mbedtls_ssl_init(&c);
		mbedtls_ssl_setup(&s, &sc);
		mbedtls_ssl_setup(&c, &cc);
		mbedtls_ssl_set_bio(&s, &se, bsend, brecv, NULL);
		mbedtls_ssl_set_bio(&c, &ce, bsend, brecv, NULL);
		c2s.len = s2c.len = 0;
		for (int i = 0; i < 100 && (rs || rc); i++) {
			if (rc) {
				rc = mbedtls_ssl_handshake(&c);
				if (rc && rc != MBEDTLS_ERR_SSL_WANT_READ &&
				    rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
					fprintf(stderr, "client: -0x%x\n", -rc);
					return 1;
				}
			}
			if (rs) {
				rs = mbedtls_ssl_handshake(&s);
				if (rs && rs != MBEDTLS_ERR_SSL_WANT_READ &&
				    rs != MBEDTLS_ERR_SSL_WANT_WRITE) {
					fprintf(stderr, "server: -0x%x\n", -rs);
					return 1;
				}
			}
		}
		if (n == 0) {
			fprintf(stderr, "suite: %s\n", mbedtls_ssl_get_ciphersuite(&s));
		}
		mbedtls_ssl_free(&s);
		mbedtls_ssl_free(&c);
		n++;
		t = now();
	} while (t - t0 < seconds);
	printf("handshakes_per_s %.1f\n", (double)n / (t - t0));
	return 0;
}
