/*
 * fuzz_config.c - config_parse() of config.json and config.ini text.
 *
 * The first input byte chooses how the rest is read (so seeds start with a
 * letter: 'H' json, 'I' ini, 'J' json with a token, 'K' ini with a token,
 * 'N' and 'O' the same with a token longer than inih's line buffer):
 *   bit 0  the format: 0 json, 1 ini
 *   bit 1  put a known token in front of the text, as `[auth] token = ...`
 *          or a first `"token": "..."` member, when the json text starts
 *          with '{'
 *   bit 2  make that token 300 bytes long
 * Whatever the text, the result is 0 or DFC_EUSAGE; a failure leaves the
 * defaults and a message safe for a terminal that never quotes the token;
 * a success with the token put in front holds exactly that token.
 */
#include "fuzz.h"

#include "dfc/buf.h"
#include "dfc/config.h"
#include "dfc/error.h"

#include <string.h>

/* Bytes of the token any run of which in a message would be a leak. */
#define WINDOW	   12
#define LONG_TOKEN 300

/*
 * Letters a quoted message cannot make up around an escape (`\xNN` shows
 * hex digits, a cut string ends in "..."), so a run of the token found in
 * a message comes from the token or from the fuzzed text.
 */
static const char letters[] = "ghijklmnopqrstuvwyzGHIJKLMNOPQRSTUVWXYZ_-";

/* A token with, in practice, no repeated WINDOW-byte run. */
static void make_token(struct buf *tok, size_t len)
{
	unsigned int state = 12345;

	buf_adds(tok, "tok-");
	while (tok->len < len) {
		state = state * 1103515245u + 12345u;
		buf_addch(tok, letters[(state >> 16) % (sizeof(letters) - 1)]);
	}
}

static int has_run(const char *hay, size_t hay_len, const char *run, size_t run_len)
{
	for (size_t i = 0; i + run_len <= hay_len; i++)
		if (hay[i] == run[0] && !memcmp(hay + i, run, run_len))
			return 1;
	return 0;
}

/* No run of the token in `msg`, unless the fuzzed text holds that run too. */
static void check_no_token(const char *msg, const struct buf *tok, const char *text, size_t len)
{
	char run[WINDOW + 1] = "";

	for (size_t i = 0; i + WINDOW <= tok->len; i++) {
		memcpy(run, tok->data + i, WINDOW);
		if (strstr(msg, run))
			FUZZ_CHECK(has_run(text, len, run, WINDOW));
	}
}

/* The token put in front of `text` as the format has it, into `out`. */
static int inject(struct buf *out, enum config_format format, const struct buf *tok,
		  const char *text, size_t len)
{
	size_t i = 0, j;

	if (format == CONFIG_FORMAT_INI) {
		buf_addf(out, "[auth]\ntoken = %s\n", tok->data);
		buf_add(out, text, len);
		return 1;
	}
	while (i < len && strchr(" \t\r\n", text[i]) && text[i])
		i++;
	if (i == len || text[i] != '{')
		return 0;
	for (j = i + 1; j < len && strchr(" \t\r\n", text[j]) && text[j]; j++)
		;
	buf_addf(out, "{\"token\": \"%s\"%s", tok->data, j < len && text[j] == '}' ? "" : ",");
	buf_add(out, text + i + 1, len - i - 1);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg = CONFIG_INIT;
	struct buf tok = BUF_INIT, full = BUF_INIT;
	enum config_format format;
	const char *text = (const char *)data + 1, *msg;
	size_t len;
	int injected = 0, ret;

	if (!size)
		return 0;
	len = size - 1;
	format = data[0] & 1 ? CONFIG_FORMAT_INI : CONFIG_FORMAT_JSON;
	if (data[0] & 2) {
		make_token(&tok, data[0] & 4 ? LONG_TOKEN : 16);
		injected = inject(&full, format, &tok, text, len);
	}
	if (!injected)
		buf_add(&full, text, len);

	dfc_error_clear();
	ret = config_parse(&cfg, format, "config", buf_cstr(&full), full.len);
	FUZZ_CHECK(ret == 0 || ret == DFC_EUSAGE);
	FUZZ_CHECK(!cfg.path && !cfg.shadowed);
	msg = dfc_error_message();
	if (ret) {
		FUZZ_CHECK(*msg && fuzz_is_terminal_safe(msg));
		for (int i = 0; i < dfc_error_hint_count(); i++)
			FUZZ_CHECK(fuzz_is_terminal_safe(dfc_error_hint(i)));
		FUZZ_CHECK(!cfg.catalog_url && !cfg.token && !cfg.user_name && !cfg.user_email);
		FUZZ_CHECK(cfg.max_dataset_bytes == CONFIG_DEFAULT_MAX_DATASET_BYTES);
		if (injected) {
			check_no_token(msg, &tok, text, len);
			for (int i = 0; i < dfc_error_hint_count(); i++)
				check_no_token(dfc_error_hint(i), &tok, text, len);
		}
	} else {
		FUZZ_CHECK(cfg.max_dataset_bytes >= 0);
		if (injected)
			FUZZ_CHECK(cfg.token && !strcmp(cfg.token, tok.data));
	}
	config_release(&cfg);
	buf_release(&tok);
	buf_release(&full);
	dfc_error_clear();
	return 0;
}
