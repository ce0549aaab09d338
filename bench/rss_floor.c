/* rss_floor.c - the memory floor `make bench` judges gridalertd's RSS
 * against: an empty program linked to the same shared libraries (libc,
 * mbedTLS, libgpiod) that touches each once, as any user of them must.
 * Its VmRSS is what the loader and those libraries cost before a line of
 * ours runs; most of it is file-backed pages shared with every other
 * process using the same libraries.
 * usage: rss_floor   (prints VmRSS=, RssAnon=, RssFile= in KiB)
 */
#include <stdio.h>
#include <string.h>

#include <gpiod.h>
#include <mbedtls/ssl.h>

int main(void)
{
	mbedtls_ssl_config conf;
	char line[256];
	FILE *f;

	mbedtls_ssl_config_init(&conf);
	if (mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER,
					MBEDTLS_SSL_TRANSPORT_STREAM,
					MBEDTLS_SSL_PRESET_DEFAULT)) {
		return 1;
	}
	if (!gpiod_version_string()) {
		return 1;
	}
	f = fopen("/proc/self/status", "r");
	if (!f) {
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long kib;
		char key[32];

		if (sscanf(line, "%31[^:]: %lu", key, &kib) == 2 &&
		    (!strcmp(key, "VmRSS") || !strcmp(key, "RssAnon") ||
		     !strcmp(key, "RssFile"))) {
			printf("%s=%lu\n", key, kib);
		}
	}
	fclose(f);
	mbedtls_ssl_config_free(&conf);
	return 0;
}
