/* test_download.c - downloads from local HTTP servers: sums, errors, resume, redaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "local_server.h"
#include "temp_dir.h"

#include "dfc/digest.h"
#include "dfc/download.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DATA_SIZE ((1 << 20) + 123)

/*
 * python3's http.server ignores Range; this one honours it, and serves
 * the error and redirect cases. It refuses any request that carries an
 * Authorization header.
 */
static const char RANGE_SERVER[] =
	"import functools, http.server, io, os, sys, time\n"
	"class H(http.server.SimpleHTTPRequestHandler):\n"
	"    def log_message(self, *args):\n"
	"        pass\n"
	"    def send_head(self):\n"
	"        if 'Authorization' in self.headers:\n"
	"            self.send_error(400, 'credentials sent')\n"
	"            return None\n"
	"        if self.path in ('/fail', '/gone'):\n"
	"            self.send_error(500 if self.path == '/fail' else 410)\n"
	"            return None\n"
	"        port = self.server.server_address[1]\n"
	"        redirects = {'/to-data': '/data.bin', '/to-ftp': 'ftp://127.0.0.1/data.bin',\n"
	"                     '/loop': '/loop',\n"
	"                     '/to-creds': 'http://u:p@127.0.0.1:%d/data.bin' % port}\n"
	"        if self.path in redirects:\n"
	"            self.send_response(302)\n"
	"            self.send_header('Location', redirects[self.path])\n"
	"            self.send_header('Content-Length', '0')\n"
	"            self.end_headers()\n"
	"            return None\n"
	"        if self.path == '/stall':\n"
	"            self.send_response(200)\n"
	"            self.send_header('Content-Length', '1000000')\n"
	"            self.end_headers()\n"
	"            self.wfile.write(b'x' * 1000)\n"
	"            self.wfile.flush()\n"
	"            time.sleep(60)\n"
	"            return None\n"
	"        path = self.translate_path(self.path)\n"
	"        rng = self.headers.get('Range')\n"
	"        if not rng or not os.path.isfile(path):\n"
	"            return super().send_head()\n"
	"        with open(path, 'rb') as f:\n"
	"            data = f.read()\n"
	"        start = int(rng.split('=')[1].split('-')[0])\n"
	"        if start >= len(data):\n"
	"            self.send_response(416)\n"
	"            self.send_header('Content-Range', 'bytes */%d' % len(data))\n"
	"            self.send_header('Content-Length', '0')\n"
	"            self.end_headers()\n"
	"            return None\n"
	"        self.send_response(206)\n"
	"        self.send_header('Content-Range',\n"
	"                         'bytes %d-%d/%d' % (start, len(data) - 1, len(data)))\n"
	"        self.send_header('Content-Length', str(len(data) - start))\n"
	"        self.end_headers()\n"
	"        return io.BytesIO(data[start:])\n"
	"http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])),\n"
	"    functools.partial(H, directory=sys.argv[2])).serve_forever()\n";

struct fixture {
	char *dir;
	char *www;
	char *cache;
	unsigned char *data;
	char sha256[SHA256_HEX_SIZE];
	pid_t plain_pid, range_pid;
	int plain_port, range_port;
	struct download_options opts;
};

static int group_setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char *file;
	uint32_t x = 12345;

	if (!(f->dir = temp_dir_new("download")))
		return -1;
	f->www = fs_path_join(f->dir, "www");
	f->cache = fs_path_join(f->dir, "cache");
	f->opts.cache_dir = f->cache;
	f->opts.connect_timeout = 5;
	f->opts.stall_timeout = 10;
	if (fs_mkdir_p(f->www) < 0)
		return -1;
	f->data = xmalloc(DATA_SIZE);
	for (size_t i = 0; i < DATA_SIZE; i++) {
		x = x * 1103515245 + 12345;
		f->data[i] = (unsigned char)(x >> 16);
	}
	sha256_buffer(f->sha256, f->data, DATA_SIZE);
	file = fs_path_join(f->www, "data.bin");
	if (fs_write_atomic(file, f->data, DATA_SIZE, 0644) < 0)
		return -1;
	free(file);
	/* a proxy from the environment must not see the local servers */
	setenv("NO_PROXY", "*", 1);
	setenv("no_proxy", "*", 1);

	f->plain_pid = start_on_free_port((char *[]){"python3", "-m", "http.server", "--bind",
						     "127.0.0.1", NULL, "--directory", f->www,
						     NULL},
					  5, &f->plain_port);
	f->range_pid = start_on_free_port(
		(char *[]){"python3", "-c", (char *)RANGE_SERVER, NULL, f->www, NULL}, 3,
		&f->range_port);
	*state = f;
	return f->plain_pid > 0 && f->range_pid > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;
	int ret;

	if (!f)
		return 0;
	stop_server(f->plain_pid);
	stop_server(f->range_pid);
	ret = remove_tree(f->dir);
	free(f->dir);
	free(f->www);
	free(f->cache);
	free(f->data);
	free(f);
	return ret;
}

static char *url_of(int port, const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", port, path);
}

/* Where download_url() keeps the partial download of `url`. */
static char *part_of(struct fixture *f, const char *url)
{
	char name[SHA256_HEX_SIZE];

	sha256_buffer(name, url, strlen(url));
	return xasprintf("%s/%s.part", f->cache, name);
}

/* Leave `len` bytes of `data` as what an earlier download of `url` kept. */
static void put_part(struct fixture *f, const char *url, const void *data, size_t len)
{
	char *part = part_of(f, url);
	int fd;

	assert_int_equal(fs_mkdir_p(f->cache), 0);
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(part);
}

/* Download `url`: the whole data file arrives, and no partial download of it is left. */
static void expect_whole_data(struct fixture *f, const char *url)
{
	struct download_result res = { .size = 0 };
	char *part = part_of(f, url);

	assert_int_equal(download_url(&res, url, &f->opts), 0);
	assert_string_equal(res.sha256, f->sha256);
	assert_int_equal(res.size, DATA_SIZE);
	assert_false(fs_exists(part));
	free(part);
}

static size_t entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void assert_message_has(const char *needle)
{
	if (!strstr(dfc_error_message(), needle))
		fail_msg("'%s' not in message '%s'", needle, dfc_error_message());
}

/* Download `url`: it fails with `code`, the message naming the URL and saying `why` (if given). */
static void expect_failure(struct fixture *f, const char *url, int code, const char *why)
{
	struct download_result res;

	assert_int_equal(download_url(&res, url, &f->opts), code);
	assert_message_has(url);
	if (why)
		assert_message_has(why);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_download_sum_and_size(void **state)
{
	struct fixture *f = *state;
	char *url = url_of(f->plain_port, "/data.bin");

	expect_whole_data(f, url);
	/* the partial file is gone, and nothing else is left */
	assert_int_equal(entries_in(f->cache), 0);
	free(url);
}

static void test_not_found(void **state)
{
	struct fixture *f = *state;
	char *url = url_of(f->plain_port, "/missing.bin");
	char *gone = url_of(f->range_port, "/gone");
	char *part = part_of(f, url);

	/* what was kept of a URL that is gone now is useless: dropped */
	put_part(f, url, "old", 3);
	expect_failure(f, url, DFC_ENOTFOUND, "404");
	assert_false(fs_exists(part));
	expect_failure(f, gone, DFC_ENOTFOUND, "410");
	assert_int_equal(entries_in(f->cache), 0);
	free(part);
	free(url);
	free(gone);
}

static void test_connection_refused(void **state)
{
	struct fixture *f = *state;
	char *url = url_of(free_port(), "/data.bin");
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	expect_failure(f, url, DFC_ENETWORK, NULL);
	assert_true(seconds_since(&start) < 3.0);
	assert_true(dfc_error_hint_count() > 0);
	assert_int_equal(entries_in(f->cache), 0);
	free(url);
}

static void test_server_errors(void **state)
{
	struct fixture *f = *state;
	char *fail = url_of(f->range_port, "/fail");
	char *loop = url_of(f->range_port, "/loop");

	expect_failure(f, fail, DFC_ENETWORK, "500");
	expect_failure(f, loop, DFC_ENETWORK, NULL);
	free(fail);
	free(loop);
}

static void test_stall_times_out_and_keeps_part(void **state)
{
	struct fixture *f = *state;
	struct download_options opts = f->opts;
	struct download_result res;
	char *url = url_of(f->range_port, "/stall");
	char *part = part_of(f, url);
	struct timespec start;
	struct stat st;

	opts.stall_timeout = 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(download_url(&res, url, &opts), DFC_ENETWORK);
	/* curl averages the speed over a few seconds: well before the server's 60 s */
	assert_true(seconds_since(&start) < 30.0);
	assert_message_has(url);
	/* what arrived is kept for the next attempt */
	assert_int_equal(stat(part, &st), 0);
	assert_int_equal(st.st_size, 1000);
	unlink(part);
	free(part);
	free(url);
}

static void test_only_http_and_https(void **state)
{
	struct fixture *f = *state;
	static const char *const refused[] = {
		"ftp://127.0.0.1/data.bin",
		"file:///etc/passwd",
		"FILE:///etc/passwd",
		"gopher://127.0.0.1/",
		"127.0.0.1/data.bin",
		"https:/127.0.0.1/data.bin",
		"",
	};
	struct download_result res;
	char *upper = xasprintf("HTTP://127.0.0.1:%d/data.bin", f->plain_port);
	char *to_ftp = url_of(f->range_port, "/to-ftp");
	char *to_data = url_of(f->range_port, "/to-data");

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(download_url(&res, refused[i], &f->opts), DFC_ESECURITY);
	assert_int_equal(download_url(&res, "ftp://alice:pa55word@example.org/x", &f->opts),
			 DFC_ESECURITY);
	assert_message_has("ftp://example.org/x");
	assert_null(strstr(dfc_error_message(), "pa55word"));
	/* refused on a redirect too, but followed to http */
	assert_int_equal(download_url(&res, to_ftp, &f->opts), DFC_ESECURITY);
	expect_whole_data(f, to_data);
	/* the scheme is case-insensitive */
	expect_whole_data(f, upper);
	assert_int_equal(entries_in(f->cache), 0);
	free(upper);
	free(to_ftp);
	free(to_data);
}

static void test_no_credentials_sent(void **state)
{
	struct fixture *f = *state;
	struct download_result res;
	char *url = xasprintf("http://alice:pa55word@127.0.0.1:%d/data.bin", f->range_port);
	char *missing = xasprintf("http://alice:pa55word@127.0.0.1:%d/nope", f->range_port);
	char *to_creds = url_of(f->range_port, "/to-creds");

	/* the server answers 400 to any Authorization header */
	expect_whole_data(f, url);
	assert_int_equal(download_url(&res, missing, &f->opts), DFC_ENOTFOUND);
	assert_null(strstr(dfc_error_message(), "pa55word"));
	assert_null(strstr(dfc_error_message(), "alice"));
	/* a redirect to a URL with credentials is refused */
	assert_int_equal(download_url(&res, to_creds, &f->opts), DFC_ESECURITY);
	free(url);
	free(missing);
	free(to_creds);
}

static void test_url_redact(void **state)
{
	static const char *const cases[][2] = {
		{"https://user:pw@host/x", "https://host/x"},
		{"https://user@host:8080/x?y=1", "https://host:8080/x?y=1"},
		{"HTTP://U:P@Host", "HTTP://Host"},
		{"https://u:p@ss@host/", "https://host/"},
		{"https://host/a@b", "https://host/a@b"},
		{"http://host?q=a@b", "http://host?q=a@b"},
		{"http://host#a@b", "http://host#a@b"},
		{"https://host/path", "https://host/path"},
		{"host/x?u=http://a:b@c", "host/x?u=http://a:b@c"},
		{"mailto:a@b", "mailto:a@b"},
		{"", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = url_redact(cases[i][0]);

		assert_string_equal(got, cases[i][1]);
		free(got);
	}
}

static void test_stale_part_replaced(void **state)
{
	struct fixture *f = *state;
	char *plain = url_of(f->plain_port, "/data.bin");
	char *range = url_of(f->range_port, "/data.bin");
	unsigned char *junk = xmalloc(DATA_SIZE + 10);

	/* http.server ignores Range: the .part must be dropped, not appended to */
	memset(junk, 'j', DATA_SIZE + 10);
	put_part(f, plain, junk, 1000);
	expect_whole_data(f, plain);

	/* same size as the content: curl would call it complete */
	put_part(f, plain, junk, DATA_SIZE);
	expect_whole_data(f, plain);

	/* longer than the content on a server that honours Range (416) */
	put_part(f, range, junk, DATA_SIZE + 10);
	expect_whole_data(f, range);
	free(junk);
	free(range);
	free(plain);
}

static void test_resume_appends(void **state)
{
	struct fixture *f = *state;
	struct download_result res = {.size = 0};
	char *url = url_of(f->range_port, "/data.bin");
	unsigned char *mixed = xmalloc(DATA_SIZE);
	char expected[SHA256_HEX_SIZE];
	size_t half = DATA_SIZE / 2;

	put_part(f, url, f->data, half);
	expect_whole_data(f, url);

	/*
	 * Proof that only the rest was fetched: a .part whose bytes differ
	 * from the server's ends up in the result.
	 */
	memcpy(mixed, f->data, DATA_SIZE);
	memset(mixed, 'm', 100);
	sha256_buffer(expected, mixed, DATA_SIZE);
	put_part(f, url, mixed, half);
	assert_int_equal(download_url(&res, url, &f->opts), 0);
	assert_string_equal(res.sha256, expected);
	assert_int_equal(res.size, DATA_SIZE);
	free(mixed);
	free(url);
}

/* What a download reported to its progress callback. */
struct reports {
	size_t nr;
	size_t finished;
	/* Reports after the request was finished. */
	size_t late;
	unsigned long long last_done;
	unsigned long long last_total;
	bool went_back;
};

static void note_progress(const struct download_progress *p, void *payload)
{
	struct reports *r = payload;

	if (p->finished) {
		r->finished++;
		return;
	}
	if (r->finished)
		r->late++;
	if (p->done < r->last_done)
		r->went_back = true;
	r->nr++;
	r->last_done = p->done;
	r->last_total = p->total;
}

/* Run a download with stderr sent to a file; returns what was written there. */
static char *download_stderr(struct fixture *f, const char *url, struct reports *reports,
			     int *ret, size_t *len)
{
	struct download_options opts = f->opts;
	struct download_result res;
	char *log = fs_path_join(f->dir, "stderr.log");
	struct buf out = BUF_INIT;
	int saved, fd;

	opts.progress = reports ? note_progress : NULL;
	opts.progress_payload = reports;
	fflush(stderr);
	saved = dup(2);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	*ret = download_url(&res, url, &opts);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(fs_read_file(&out, log, 1 << 20), 0);
	unlink(log);
	free(log);
	return buf_detach(&out, len);
}

/* Progress goes to the caller's callback, up to the whole size; never to stderr. */
static void test_progress_reports(void **state)
{
	struct fixture *f = *state;
	char *url = url_of(f->plain_port, "/data.bin");
	struct reports reports = { 0 };
	char *text;
	size_t len;
	int ret;

	text = download_stderr(f, url, &reports, &ret, &len);
	assert_int_equal(ret, 0);
	assert_int_equal(len, 0);
	assert_true(reports.nr > 0);
	assert_false(reports.went_back);
	assert_int_equal(reports.last_done, DATA_SIZE);
	assert_int_equal(reports.last_total, DATA_SIZE);
	/* one request, ended once */
	assert_int_equal(reports.finished, 1);
	assert_int_equal(reports.late, 0);
	free(text);

	text = download_stderr(f, url, NULL, &ret, &len);
	assert_int_equal(ret, 0);
	assert_int_equal(len, 0);
	free(text);
	free(url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_download_sum_and_size),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_stall_times_out_and_keeps_part),
		cmocka_unit_test(test_only_http_and_https),
		cmocka_unit_test(test_no_credentials_sent),
		cmocka_unit_test(test_stale_part_replaced),
		cmocka_unit_test(test_resume_appends),
		cmocka_unit_test(test_progress_reports),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
