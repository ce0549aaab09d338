/* bench_core.c - micro-benchmarks of two limits `make bench` reports:
 *  parse:   our tokenizer + Event Grid parse of a 100-event SMS batch (MB/s,
 *           events/s), the real parser and to_msg copies;
 *  journal: events/s with group commit (32 appends per fsync) vs one fsync
 *           per event, and fsync latency p50/p99, on the directory given.
 * usage: bench_core DIR SECONDS   (prints key=value lines)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "eventgrid.h"
#include "journal.h"
#include "log.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ga_msg msg;
static int keep(void *arg, const struct ga_event *ev)
{
	(void)arg;
	return ga_eventgrid_to_msg(ev, 0, &msg);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static struct ga_eventgrid eg;
	static char body[100 * 1024];
	static double lat[4096];
	const char *dir = argc > 1 ? argv[1] : ".";
	double secs = argc > 2 ? atof(argv[2]) : 2.0;
	struct ga_eg_result res;
	size_t o = 0;
	long n = 0;
	double t0, t;

	ga_log_setup(GA_LOG_NONE, 0);
	body[o++] = '[';
	for (int i = 0; i < 100; i++) {
		o += (size_t)snprintf(body + o, sizeof(body) - o,
			"%s{\"id\":\"%08d-7d3e-4a2b-9b1e-0c2d3e4f5a61\",\"topic\":"
			"\"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
			"home/providers/Microsoft.Communication/communicationServices/demo\","
			"\"subject\":\"/phonenumber/14255550123\",\"eventType\":"
			"\"Microsoft.Communication.SMSReceived\",\"eventTime\":"
			"\"2026-11-25T08:15:00.0000000Z\",\"dataVersion\":\"1.0\","
			"\"metadataVersion\":\"1\",\"data\":{\"MessageId\":\"Incoming_%d\","
			"\"From\":\"+14255550123\",\"To\":\"+14255550100\",\"Message\":"
			"\"Pump 2 pressure low \\u2013 caf\\u00e9\",\"ReceivedTimestamp\":"
			"\"2026-11-25T08:15:00.0000000Z\",\"SegmentCount\":1}}",
			i ? "," : "", i, i);
	}
	body[o++] = ']';
	ga_eventgrid_init(&eg);
	t0 = now_s();
	do {
		if (ga_eventgrid_parse(&eg, ga_span_make(body, o), GA_EG_FORMAT_AUTO,
				       keep, NULL, &res)) {
			return 1;
		}
		n++;
		t = now_s();
	} while (t - t0 < secs);
	printf("parse_batch_bytes=%zu\nparse_mb_per_s=%.1f\nparse_events_per_s=%.0f\n",
	       o, (double)n * (double)o / (t - t0) / 1e6, (double)n * 100 / (t - t0));

	/* journal: one fsync per event vs 32 events per fsync */
	{
		static struct ga_conf conf;
		struct ga_journal j;
		const struct ga_journal_apply apply = { 0 };
		int batch[2] = { 1, 32 };

		ga_conf_defaults(&conf);
		conf.journal.max_bytes = 1ull << 32;
		conf.journal.dedupe = 4096;
		for (int b = 0; b < 2; b++) {
			long events = 0;
			int nl = 0;

			snprintf(conf.journal.path, sizeof(conf.journal.path),
				 "%s/bench-journal-%d", dir, b);
			unlink(conf.journal.path);
			ga_journal_init(&j);
			if (ga_journal_open(&j, &conf, &apply)) {
				return 1;
			}
			memset(&msg, 0, sizeof(msg));
			msg.cls = GA_CLASS_SMS;
			snprintf(msg.text, sizeof(msg.text), "Pump 2 pressure low");
			t0 = now_s();
			do {
				double s0;

				for (int k = 0; k < batch[b]; k++) {
					msg.key = (uint64_t)events++;
					if (ga_journal_append(&j, &msg)) {
						return 1;
					}
				}
				s0 = now_s();
				if (ga_journal_sync(&j)) {
					return 1;
				}
				t = now_s();
				if (b == 0 && nl < 4096) {
					lat[nl++] = t - s0;
				}
			} while (t - t0 < secs);
			printf("journal_events_per_s_batch%d=%.0f\n", batch[b],
			       (double)events / (t - t0));
			if (b == 0) {
				double sum = 0;

				for (int k = 0; k < nl; k++) {
					sum += lat[k];
				}
				qsort(lat, (size_t)nl, sizeof(lat[0]), cmp);
				/* the mean sets throughput; p50/p99 latency */
				printf("fsync_p50_ms=%.3f\nfsync_p99_ms=%.3f\n"
				       "fsync_mean_ms=%.3f\n", lat[nl / 2] * 1e3,
				       lat[nl * 99 / 100] * 1e3, sum / nl * 1e3);
			}
			ga_journal_close(&j);
			unlink(conf.journal.path);
		}
	}
	return 0;
}
