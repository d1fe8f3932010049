/* ids.c - pipeline ids, node ids and UUIDv7 generation. */
#include "dfc/ids.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/printable.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* Longest piece of an unsafe id quoted back in a message. */
#define QUOTE_MAX 80

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether `name` begins with `word` (lowercase), in any case. */
static const char *skip_word_nocase(const char *name, const char *word)
{
	for (; *word; name++, word++)
		if (*name != *word && !(*name >= 'A' && *name <= 'Z' && *name - 'A' + 'a' == *word))
			return NULL;
	return name;
}

/* `.git` or `git~1` (its NTFS short name), then only spaces and dots, or a ':'. */
static bool means_dot_git(const char *name)
{
	const char *rest = skip_word_nocase(name, ".git");

	if (!rest)
		rest = skip_word_nocase(name, "git~1");
	if (!rest)
		return false;
	rest += strspn(rest, " .");
	return !*rest || *rest == ':';
}

bool tree_entry_name_is_safe(const char *name)
{
	return name && *name && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/') &&
	       !means_dot_git(name);
}

bool pipeline_id_is_safe(const char *id)
{
	size_t len;

	if (!id || !is_alnum(id[0]))
		return false;
	for (len = 1; id[len]; len++) {
		char c = id[len];

		if (len >= PIPELINE_ID_MAX)
			return false;
		if (!is_alnum(c) && c != '.' && c != '_' && c != '-')
			return false;
		if (c == '.' && id[len - 1] == '.')
			return false;
	}
	return !(len >= 5 && !strcmp(id + len - 5, ".lock"));
}

int pipeline_id_check(const char *id)
{
	struct buf quoted = BUF_INIT;
	int ret;

	if (pipeline_id_is_safe(id))
		return 0;
	printable_quote(&quoted, id ? id : "", QUOTE_MAX);
	ret = dfc_error(DFC_ESECURITY, "unsafe pipeline id '%s'", buf_cstr(&quoted));
	dfc_hint(ret,
		 "a pipeline id is 1 to %d letters, digits, '.', '_' "
		 "or '-', starts with a letter or digit, has no '..' and "
		 "does not end in '.lock'",
		 PIPELINE_ID_MAX);
	buf_release(&quoted);
	return ret;
}

bool node_id_is_valid(const char *id)
{
	size_t len;

	if (!id || (!is_alnum(id[0]) && id[0] != '_'))
		return false;
	for (len = 1; id[len]; len++) {
		char c = id[len];

		if (len >= 128)
			return false;
		if (!is_alnum(c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

static int fill_random(unsigned char *p, size_t n)
{
	while (n) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return dfc_error(DFC_EINTERNAL, "cannot get random bytes: %s",
					 strerror(errno));
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int uuid7_generate(char out[UUID_STR_SIZE])
{
	/* Last (millisecond, sub-millisecond) pair handed out here. */
	static uint64_t last_ms;
	static unsigned int last_sub;
	unsigned char b[16];
	struct timespec ts;
	uint64_t ms;
	unsigned int sub;
	int ret;

	ret = fill_random(b, sizeof(b));
	if (ret)
		return ret;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return dfc_error(DFC_EINTERNAL, "cannot read the clock: %s", strerror(errno));
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	/*
	 * RFC 9562 §6.2 method 3: the 12 bits of rand_a hold the fraction of
	 * the millisecond, so ids made apart in time sort apart; within this
	 * process a repeat or a clock step back takes the next value, so ids
	 * made one after the other always sort in order.
	 */
	sub = (unsigned int)((uint64_t)(ts.tv_nsec % 1000000) * 4096 / 1000000);
	if (ms < last_ms || (ms == last_ms && sub <= last_sub)) {
		ms = last_ms;
		sub = last_sub + 1;
		if (sub > 0xfff) {
			ms++;
			sub = 0;
		}
	}
	last_ms = ms;
	last_sub = sub;

	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (sub >> 8));
	b[7] = (unsigned char)(sub & 0xff);
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));

	snprintf(out, UUID_STR_SIZE,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
	return 0;
}
