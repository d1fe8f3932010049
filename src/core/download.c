/* download.c - datasets fetched by URL with libcurl: resumable, sized, SHA-256 checked. */
#define _GNU_SOURCE
#include "dfc/download.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_CONNECT_TIMEOUT 30
#define DEFAULT_STALL_TIMEOUT	60
#define MAX_REDIRECTS		5
#define ALLOWED_PROTOCOLS	"http,https"
#define URL_QUOTE_MAX		1024
/* open_part() gives up when the file keeps vanishing under it. */
#define MAX_OPEN_ATTEMPTS 100

/* One download into its .part file. */
struct transfer {
	CURL *curl;
	int fd;
	const char *part;
	/* Bytes already in the .part when the request went out. */
	curl_off_t offset;
	/* The first bytes of the body were seen (and the status checked). */
	bool checked;
	int write_errno;
	/* How progress is reported, and whether this request reported any. */
	const struct download_options *opts;
	bool reported;
	char errbuf[CURL_ERROR_SIZE];
};

char *url_redact(const char *url)
{
	size_t scheme = strcspn(url, ":/?#");
	const char *auth, *end, *at = NULL;

	if (strncmp(url + scheme, "://", 3))
		return xstrdup(url);
	auth = url + scheme + 3;
	end = auth + strcspn(auth, "/?#");
	/* The last '@' ends the user info: a password may hold another. */
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(auth - url), url, at + 1);
}

static bool allowed_scheme(const char *url)
{
	size_t n = strcspn(url, ":/?#");

	if (strncmp(url + n, "://", 3))
		return false;
	return (n == 4 && !strncasecmp(url, "http", 4)) ||
	       (n == 5 && !strncasecmp(url, "https", 5));
}

/*
 * libcurl, loaded by the first download (dlopen) rather than linked: it
 * brings ~20 libraries of its own (TLS, HTTP/2, LDAP, Kerberos, IDN...),
 * whose loading and relocation every command paid at start-up, and only a
 * URL dataset needs it (docs/DECISIONS.md).
 */
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_reset)(CURL *c);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
} curl;

/* Load libcurl and its functions into `curl`, then initialise it; once. */
static int curl_ready(void)
{
	static bool ready;
	const struct { const char *name; void **slot; } symbols[] = {
		{ "curl_global_init", (void **)&curl.global_init },
		{ "curl_easy_init", (void **)&curl.easy_init },
		{ "curl_easy_setopt", (void **)&curl.easy_setopt },
		{ "curl_easy_perform", (void **)&curl.easy_perform },
		{ "curl_easy_getinfo", (void **)&curl.easy_getinfo },
		{ "curl_easy_reset", (void **)&curl.easy_reset },
		{ "curl_easy_cleanup", (void **)&curl.easy_cleanup },
		{ "curl_easy_strerror", (void **)&curl.easy_strerror },
	};
	void *lib;

	if (ready)
		return 0;
	lib = dlopen(DFC_LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return dfc_hint(dfc_error(DFC_EINTERNAL, "cannot load libcurl: %s", dlerror()),
				"URL datasets need libcurl (Debian: apt-get install libcurl4)");
	/* Kept loaded to the end: the handle is never closed. */
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (!(*symbols[i].slot = dlsym(lib, symbols[i].name)))
			return dfc_error(DFC_EINTERNAL, "libcurl (%s) lacks %s", DFC_LIBCURL_SONAME,
					 symbols[i].name);
	if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return dfc_error(DFC_EINTERNAL, "cannot initialise libcurl");
	ready = true;
	return 0;
}

/*
 * Open and lock the .part file. Two downloads of one URL share it, so one
 * waits for the other; the first removes the file when done, and the
 * second then starts on a new one rather than on the orphan it locked.
 */
static int open_part(int *out, const char *path)
{
	struct stat locked, named;

	for (int attempt = 0; attempt < MAX_OPEN_ATTEMPTS; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
		int ret;

		if (fd < 0)
			return dfc_error(DFC_EUSAGE, "cannot open '%s': %s", path, strerror(errno));
		while ((ret = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
			;
		if (ret < 0) {
			ret = dfc_error(DFC_EUSAGE, "cannot lock '%s': %s", path, strerror(errno));
			close(fd);
			return ret;
		}
		if (fstat(fd, &locked) == 0 && stat(path, &named) == 0 &&
		    locked.st_dev == named.st_dev && locked.st_ino == named.st_ino) {
			if (!S_ISREG(locked.st_mode)) {
				close(fd);
				return dfc_error(DFC_EUSAGE, "'%s' is not a regular file", path);
			}
			*out = fd;
			return 0;
		}
		close(fd);
	}
	return dfc_error(DFC_ECONFLICT, "'%s' keeps being replaced by another download", path);
}

/* libcurl's progress callback: what came so far, to the caller's display. */
static int report_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
			   curl_off_t ultotal, curl_off_t ulnow)
{
	struct transfer *t = clientp;
	struct download_progress p = { 0 };

	(void)ultotal;
	(void)ulnow;
	if (!dlnow)
		return 0;
	p.done = (unsigned long long)(t->offset + dlnow);
	p.total = dltotal ? (unsigned long long)(t->offset + dltotal) : 0;
	t->reported = true;
	t->opts->progress(&p, t->opts->progress_payload);
	return 0;
}

static size_t write_part(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * nmemb, done = 0;

	if (!t->checked) {
		long status = 0;

		t->checked = true;
		curl.easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
		/* The whole content came back instead of the rest: start over. */
		if (t->offset > 0 && status != 206) {
			if (ftruncate(t->fd, 0) < 0) {
				t->write_errno = errno;
				return 0;
			}
			t->offset = 0;
		}
	}
	while (done < len) {
		ssize_t n = write(t->fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			t->write_errno = errno;
			return 0;
		}
		done += (size_t)n;
	}
	return len;
}

/* One request for what the .part lacks; `*status` gets the HTTP status. */
static CURLcode run(struct transfer *t, const char *url, const struct download_options *opts,
		    long *status)
{
	CURL *c = t->curl;
	CURLcode rc;

	curl.easy_reset(c);
	t->checked = false;
	t->reported = false;
	t->errbuf[0] = '\0';
	*status = 0;
	/* Refused also on every redirect, before anything is sent. */
	if ((rc = curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, ALLOWED_PROTOCOLS)) ||
	    (rc = curl.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, ALLOWED_PROTOCOLS)) ||
	    (rc = curl.easy_setopt(c, CURLOPT_DISALLOW_USERNAME_IN_URL, 1L)))
		return rc;
	curl.easy_setopt(c, CURLOPT_URL, url);
	curl.easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf);
	curl.easy_setopt(c, CURLOPT_USERAGENT, "data-factory-cli/" DFC_VERSION);
	curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl.easy_setopt(c, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	curl.easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
			 opts->connect_timeout > 0 ? opts->connect_timeout
						   : DEFAULT_CONNECT_TIMEOUT);
	curl.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl.easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
			 opts->stall_timeout > 0 ? opts->stall_timeout : DEFAULT_STALL_TIMEOUT);
	curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, write_part);
	curl.easy_setopt(c, CURLOPT_WRITEDATA, t);
	if (t->offset > 0)
		curl.easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, t->offset);
	if (opts->progress) {
		t->opts = opts;
		curl.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, report_progress);
		curl.easy_setopt(c, CURLOPT_XFERINFODATA, t);
	}
	rc = curl.easy_perform(c);
	curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (t->reported) {
		struct download_progress end = { 0, 0, true };

		opts->progress(&end, opts->progress_payload);
	}
	return rc;
}

/* The error for a failed transfer; `shown` is the URL as messages name it. */
static int report(const struct transfer *t, CURLcode rc, long status, const char *shown,
		  bool had_credentials)
{
	const char *why = t->errbuf[0] ? t->errbuf : curl.easy_strerror(rc);
	int ret;

	switch (rc) {
	case CURLE_WRITE_ERROR:
		if (t->write_errno)
			return dfc_error(DFC_EUSAGE, "cannot write '%s': %s", t->part,
					 strerror(t->write_errno));
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_LOGIN_DENIED:
		return dfc_hint(
			dfc_error(DFC_ESECURITY, "cannot download '%s': %s", shown, why),
			"datasets are fetched over http or https only, without credentials, "
			"also on redirects");
	case CURLE_OUT_OF_MEMORY:
		return dfc_error(DFC_EINTERNAL, "cannot download '%s': %s", shown, why);
	case CURLE_HTTP_RETURNED_ERROR:
		if (status == 404 || status == 410)
			return dfc_hint(dfc_error(DFC_ENOTFOUND, "no dataset at '%s' (HTTP %ld)",
						  shown, status),
					"check the URL");
		break;
	default:
		break;
	}
	ret = dfc_error(DFC_ENETWORK, "cannot download '%s': %s", shown, why);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return dfc_hint(ret, "check the host name and the network connection");
	case CURLE_COULDNT_CONNECT:
		return dfc_hint(ret,
				"check that the server is up and that the URL's port is right");
	case CURLE_OPERATION_TIMEDOUT:
		return dfc_hint(ret, "the server stopped answering; run the command again to "
				     "resume the download");
	case CURLE_TOO_MANY_REDIRECTS:
		return dfc_hint(ret, "the URL redirects more than %d times", MAX_REDIRECTS);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
		return dfc_hint(ret, "the server's TLS certificate could not be verified");
	case CURLE_HTTP_RETURNED_ERROR:
		if ((status == 401 || status == 403) && had_credentials)
			return dfc_hint(ret, "a user name or password in the URL is never sent");
		if (status == 401 || status == 403)
			return dfc_hint(ret,
					"the dataset must be downloadable without credentials");
		if (status >= 500)
			return dfc_hint(ret, "the server failed; try again later");
		return dfc_hint(ret, "check the URL");
	default:
		return dfc_hint(ret, "check the URL and the network connection");
	}
}

int download_url(struct download_result *out, const char *url, const struct download_options *opts)
{
	struct transfer t = {.fd = -1};
	char *redacted = url_redact(url);
	struct buf shown = BUF_INIT;
	char name[SHA256_HEX_SIZE];
	char *part = NULL;
	struct stat st;
	long status = 0;
	CURLcode rc;
	int ret;

	printable_quote(&shown, redacted, URL_QUOTE_MAX);
	if (!allowed_scheme(url)) {
		ret = dfc_hint(
			dfc_error(DFC_ESECURITY, "refusing to download '%s'", buf_cstr(&shown)),
			"only http:// and https:// URLs are allowed");
		goto out;
	}
	if (!opts->cache_dir) {
		ret = dfc_error(DFC_EINTERNAL, "no folder for partial downloads");
		goto out;
	}
	if ((ret = curl_ready()) < 0 || (ret = fs_mkdir_p(opts->cache_dir)) < 0)
		goto out;
	sha256_buffer(name, url, strlen(url));
	part = xasprintf("%s/%s.part", opts->cache_dir, name);
	t.part = part;
	if ((ret = open_part(&t.fd, part)) < 0)
		goto out;
	if (fstat(t.fd, &st) < 0) {
		ret = dfc_error(DFC_EUSAGE, "cannot read '%s': %s", part, strerror(errno));
		goto out;
	}
	t.offset = st.st_size;
	t.curl = curl.easy_init();
	if (!t.curl) {
		ret = dfc_error(DFC_EINTERNAL, "cannot initialise libcurl");
		goto out;
	}
	rc = run(&t, redacted, opts, &status);
	/*
	 * The server could not resume where the .part ends: it ignores Range
	 * (curl refuses, or sends nothing when the sizes happen to match), or
	 * the .part is as long as the content or longer (416). Start over once.
	 */
	if (t.offset > 0 && (rc == CURLE_RANGE_ERROR || (rc == CURLE_OK && status != 206) ||
			     (rc == CURLE_HTTP_RETURNED_ERROR && status == 416))) {
		if (ftruncate(t.fd, 0) < 0) {
			ret = dfc_error(DFC_EUSAGE, "cannot write '%s': %s", part, strerror(errno));
			goto out;
		}
		t.offset = 0;
		rc = run(&t, redacted, opts, &status);
	}
	if (rc != CURLE_OK) {
		ret = report(&t, rc, status, buf_cstr(&shown), strcmp(url, redacted) != 0);
		if (ret == DFC_ENOTFOUND || (fstat(t.fd, &st) == 0 && st.st_size == 0))
			unlink(part);
		else if (fstat(t.fd, &st) == 0)
			dfc_hint(ret,
				 "the %lld bytes already downloaded are kept for the next attempt",
				 (long long)st.st_size);
		goto out;
	}
	if ((ret = sha256_file(out->sha256, &out->size, part)) < 0)
		goto out;
	unlink(part);
out:
	if (t.curl)
		curl.easy_cleanup(t.curl);
	if (t.fd >= 0)
		close(t.fd);
	buf_release(&shown);
	free(redacted);
	free(part);
	return ret;
}
