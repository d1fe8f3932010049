/* error.c - the current error message and hints, and the code table. */
#include "dfc/error.h"

#include <git2.h>
#include <stdio.h>
#include <string.h>

#define MESSAGE_MAX 4096
#define HINT_MAX 1024

static char message[MESSAGE_MAX];
static char hints[DFC_MAX_HINTS][HINT_MAX];
static int hint_count;

int dfc_verror(int code, const char *fmt, va_list ap)
{
	vsnprintf(message, sizeof(message), fmt, ap);
	hint_count = 0;
	return code;
}

int dfc_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dfc_verror(code, fmt, ap);
	va_end(ap);
	return code;
}

int dfc_hint(int code, const char *fmt, ...)
{
	va_list ap;

	if (hint_count >= DFC_MAX_HINTS)
		return code;
	va_start(ap, fmt);
	vsnprintf(hints[hint_count++], HINT_MAX, fmt, ap);
	va_end(ap);
	return code;
}

int dfc_error_wrap(int code, const char *fmt, ...)
{
	char old[MESSAGE_MAX];
	size_t n;
	va_list ap;

	memcpy(old, message, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	n = strlen(message);
	if (n + 2 < sizeof(message)) {
		memcpy(message + n, ": ", 3);
		strncat(message, old, sizeof(message) - n - 3);
	}
	return code;
}

const char *dfc_error_message(void)
{
	return message;
}

int dfc_error_hint_count(void)
{
	return hint_count;
}

const char *dfc_error_hint(int i)
{
	return (i >= 0 && i < hint_count) ? hints[i] : "";
}

void dfc_error_clear(void)
{
	message[0] = '\0';
	hint_count = 0;
}

int dfc_exit_status(int code)
{
	switch (code) {
#define DFC_CODE_STATUS(name, value, status, text) \
	case name:                                 \
		return status;
		DFC_CODES(DFC_CODE_STATUS)
#undef DFC_CODE_STATUS
	}
	return 1;
}

const char *dfc_code_text(int code)
{
	switch (code) {
#define DFC_CODE_TEXT(name, value, status, text) \
	case name:                               \
		return text;
		DFC_CODES(DFC_CODE_TEXT)
#undef DFC_CODE_TEXT
	}
	return "unknown error";
}

int dfc_git_error(int code, const char *what)
{
	const git_error *e = git_error_last();

	if (e && e->message)
		return dfc_error(code, "%s: %s", what, e->message);
	return dfc_error(code, "%s", what);
}
