/* cipher_cost.c - encrypt KIB KiB of TLS record payload (16 KiB records,
 * the TLS maximum) with AES-128-GCM or ChaCha20-Poly1305 through mbedTLS,
 * for bench/cipher_cost.sh to count the instructions of (issue 21).
 * usage: cipher_cost aes|chacha KIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/chachapoly.h>
#include <mbedtls/gcm.h>

#define REC 16384

static unsigned char in[REC], out[REC];

int main(int argc, char **argv)
{
	static const unsigned char key[32] = { 1, 2, 3 }, iv[12] = { 4 };
	unsigned char tag[16];
	long kib;
	int chacha, err = 0;
	mbedtls_gcm_context gcm;
	mbedtls_chachapoly_context cp;

	if (argc != 3) {
		fprintf(stderr, "usage: cipher_cost aes|chacha KIB\n");
		return 2;
	}
	chacha = strcmp(argv[1], "chacha") == 0;
	kib = strtol(argv[2], NULL, 10);
	memset(in, 'x', sizeof(in));
	mbedtls_gcm_init(&gcm);
	mbedtls_chachapoly_init(&cp);
	err |= mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 128);
	err |= mbedtls_chachapoly_setkey(&cp, key);
	for (long done = 0; done < kib * 1024 && !err; done += REC) {
		size_t n = (size_t)(kib * 1024 - done < REC ? kib * 1024 - done : REC);

		if (chacha) {
			err = mbedtls_chachapoly_encrypt_and_tag(&cp, n, iv, NULL, 0,
								 in, out, tag);
		} else {
			err = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, n,
							iv, sizeof(iv), NULL, 0, in,
							out, sizeof(tag), tag);
		}
	}
	mbedtls_gcm_free(&gcm);
	mbedtls_chachapoly_free(&cp);
	printf("%s %ld KiB: %s\n", argv[1], kib, err ? "error" : "ok");
	return err ? 1 : 0;
}
