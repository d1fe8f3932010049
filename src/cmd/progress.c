/* progress.c - the progress bar of URL dataset downloads on a terminal's stderr. */
#include "cmd/progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 30

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* `n` bytes in a fixed-width human form ("  12.3 MiB"). */
static void format_size(char out[32], unsigned long long n)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, 32, "%7lld %s", (long long)n, units[u]);
	else
		snprintf(out, 32, "%7.1f %s", v, units[u]);
}

void progress_bar_init(struct progress_bar *bar, FILE *out)
{
	memset(bar, 0, sizeof(*bar));
	bar->out = out;
}

void progress_bar_update(const struct download_progress *progress, void *payload)
{
	struct progress_bar *bar = payload;
	unsigned long long done = progress->done, total = progress->total;
	double now;
	char have[32], all[32];

	if (progress->finished) {
		if (bar->drawn)
			fputc('\n', bar->out);
		bar->drawn = false;
		return;
	}
	if (bar->drawn && done == bar->last_done)
		return;
	/* A tenth of a second between redraws, but always show the end. */
	now = now_seconds();
	if (bar->drawn && now - bar->last_draw < 0.1 && !(total && done >= total))
		return;
	bar->drawn = true;
	bar->last_draw = now;
	bar->last_done = done;
	format_size(have, done);
	if (total > 0 && done <= total) {
		int filled = (int)(BAR_WIDTH * (double)done / (double)total);
		char bar_text[BAR_WIDTH + 1];

		memset(bar_text, '#', (size_t)filled);
		memset(bar_text + filled, '.', (size_t)(BAR_WIDTH - filled));
		bar_text[BAR_WIDTH] = '\0';
		format_size(all, total);
		fprintf(bar->out, "\r%3d%% [%s] %s / %s",
			(int)(100 * (double)done / (double)total), bar_text, have, all);
	} else {
		fprintf(bar->out, "\r%s", have);
	}
	fflush(bar->out);
}

void progress_attach(struct download_options *opts, bool quiet)
{
	static struct progress_bar stderr_bar;

	opts->progress = NULL;
	opts->progress_payload = NULL;
	if (quiet || !isatty(STDERR_FILENO))
		return;
	progress_bar_init(&stderr_bar, stderr);
	opts->progress = progress_bar_update;
	opts->progress_payload = &stderr_bar;
}
