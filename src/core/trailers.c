/* trailers.c - read the trailers of version commits. */
#include "dfc/trailers.h"

#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

char *trailer_value(const char *message, const char *key)
{
	git_message_trailer_array arr = { 0 };
	char *value = NULL;

	if (git_message_trailers(&arr, message) < 0) {
		git_error_clear();
		return NULL;
	}
	for (size_t i = 0; i < arr.count && !value; i++)
		if (!strcmp(arr.trailers[i].key, key))
			value = xstrdup(arr.trailers[i].value);
	git_message_trailer_array_free(&arr);
	return value;
}

int commit_trailer_number(const git_commit *commit, const char *key)
{
	char *value = trailer_value(git_commit_message(commit), key);
	char *end = NULL;
	long v = value ? strtol(value, &end, 10) : 0;
	int ok = value && end && !*end && v > 0 && v < 1000000000;

	free(value);
	return ok ? (int)v : 0;
}

bool commit_fingerprint(const git_commit *commit, char out[FINGERPRINT_SIZE])
{
	char *value = trailer_value(git_commit_message(commit), TRAILER_FINGERPRINT);
	size_t digits = FINGERPRINT_SIZE - 1;
	bool ok = value && strlen(value) == digits &&
		  strspn(value, "0123456789abcdef") == digits;

	if (ok)
		memcpy(out, value, FINGERPRINT_SIZE);
	free(value);
	return ok;
}

int history_walk(git_commit *tip, int (*fn)(git_commit *commit, int version, void *payload),
		 void *payload)
{
	git_commit *commit = NULL;
	int ret, version = 0;

	if (git_commit_dup(&commit, tip) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	for (;;) {
		git_commit *parent = NULL;

		if ((ret = commit_pipeline_version(commit, &version)) < 0 ||
		    (ret = fn(commit, version, payload)) != 0 ||
		    git_commit_parentcount(commit) == 0)
			break;
		if (git_commit_parent(&parent, commit, 0) < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read a version's parent");
			break;
		}
		git_commit_free(commit);
		commit = parent;
	}
	git_commit_free(commit);
	return ret;
}

int commit_pipeline_version(const git_commit *commit, int *version)
{
	int v = commit_trailer_number(commit, TRAILER_VERSION);

	if (!v)
		return dfc_hint(dfc_error(DFC_EINTERNAL,
					  "commit %.12s has no valid " TRAILER_VERSION " trailer",
					  git_oid_tostr_s(git_commit_id(commit))),
				"run 'data-factory-cli fsck'");
	*version = v;
	return 0;
}

bool trailers_add_message(struct buf *msg, const char *message)
{
	size_t len;

	if (!message || !*message)
		return false;
	buf_adds(msg, message);
	len = msg->len;
	while (len && (msg->data[len - 1] == '\n' || msg->data[len - 1] == ' '))
		len--;
	buf_truncate(msg, len);
	return true;
}
