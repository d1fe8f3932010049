/*
 * progress.h - the progress bar of URL dataset downloads: one line on
 * stderr, redrawn in place (percentage, bar and bytes, or bytes alone
 * while the size is unknown), drawn only on a terminal.
 */
#ifndef DFC_CMD_PROGRESS_H
#define DFC_CMD_PROGRESS_H

#include "dfc/download.h"

#include <stdbool.h>
#include <stdio.h>

/** One bar and what it last drew. */
struct progress_bar {
	/** Where it is drawn (borrowed). */
	FILE *out;
	bool drawn;
	double last_draw;
	unsigned long long last_done;
};

void progress_bar_init(struct progress_bar *bar, FILE *out);

/**
 * download_options.progress for a `struct progress_bar` payload: redraws
 * at most every tenth of a second, but always at the end of the content,
 * and ends the line when the request is finished.
 */
void progress_bar_update(const struct download_progress *progress, void *payload);

/**
 * Draw the downloads of `opts` on stderr when stderr is a terminal and
 * the command is not `quiet`; otherwise they report nothing.
 */
void progress_attach(struct download_options *opts, bool quiet);

#endif
