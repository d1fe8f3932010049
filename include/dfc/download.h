/**
 * download.h - fetch a dataset by URL with libcurl (SPEC §5).
 *
 * Only http and https are allowed (also on redirects). The download goes
 * to `<cache_dir>/<sha256 of the URL>.part` and resumes from there when a
 * previous attempt was cut off; on success the size and SHA-256 of the
 * complete content are returned and the partial file is removed.
 */
#ifndef DFC_DOWNLOAD_H
#define DFC_DOWNLOAD_H

#include "dfc/digest.h"

#include <stdbool.h>

/** How far a download has come, for a progress display. */
struct download_progress {
	/** Bytes of the content in hand, those of a resumed .part included. */
	unsigned long long done;
	/** The content's whole size, or 0 while the server has not told it. */
	unsigned long long total;
	/**
	 * False while the content arrives; true once at the end of each request
	 * that reported any, so that a display can end its line.
	 */
	bool finished;
};

struct download_options {
	/** Folder for partial downloads (created when missing). */
	const char *cache_dir;
	/**
	 * Called, with `progress_payload`, each time libcurl looks at a request
	 * that has received content (the numbers may repeat), and once more with
	 * `finished` when that request ends; NULL for no reports. The download
	 * itself never writes to a terminal: the bar is the caller's
	 * (src/cmd/progress.h).
	 */
	void (*progress)(const struct download_progress *progress, void *payload);
	void *progress_payload;
	/** Seconds to wait for a connection (0: 30). */
	long connect_timeout;
	/** Abort when slower than 1 byte/s for this many seconds (0: 60). */
	long stall_timeout;
};

struct download_result {
	char sha256[SHA256_HEX_SIZE];
	unsigned long long size;
};

/**
 * Download `url`. Returns 0; DFC_ESECURITY for a scheme other than http or
 * https; DFC_ENOTFOUND for an HTTP 404/410; DFC_ENETWORK when the host
 * cannot be reached, the transfer times out or the server answers with an
 * error. Messages name the URL without any user:password part.
 */
int download_url(struct download_result *out, const char *url,
		 const struct download_options *opts);

/**
 * `url` without any `user:password@` part, newly allocated: the form used
 * in every message.
 */
char *url_redact(const char *url);

#endif
