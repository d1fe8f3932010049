/* view.c - the plain-file view: <id>_N.json and <id>_state.json. */
#include "dfc/view.h"

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *view_version_path(const char *dir, const char *id, int version)
{
	return xasprintf("%s/%s_%d.json", dir, id, version);
}

char *view_state_path(const char *dir, const char *id)
{
	return xasprintf("%s/%s_state.json", dir, id);
}

int view_write_version(const char *dir, const char *id, int version,
		       const char *data, size_t len)
{
	char *path = view_version_path(dir, id, version);
	int ret = fs_write_atomic(path, data, len, -1);

	free(path);
	return ret;
}

static void state_text(struct buf *out, const char *id, int latest)
{
	json_t *state = json_object();
	json_t *versions = json_object();
	char key[16], *name;

	for (int v = 1; v <= latest; v++) {
		snprintf(key, sizeof(key), "%d", v);
		name = xasprintf("%s_%d.json", id, v);
		json_object_set_new(versions, key, json_string(name));
		free(name);
	}
	json_object_set_new(state, "latest_version", json_integer(latest));
	json_object_set_new(state, "versions", versions);
	canonical_dump(out, state);
	json_decref(state);
}

int view_write_state(const char *dir, const char *id, int latest)
{
	char *path = view_state_path(dir, id);
	struct buf text = BUF_INIT;
	int ret;

	state_text(&text, id, latest);
	ret = fs_write_atomic(path, text.data, text.len, -1);
	buf_release(&text);
	free(path);
	return ret;
}

bool view_has_versions(const char *dir, const char *id, int latest)
{
	bool all = true;

	/* A stat each: cheap next to the commit walk a repair takes. */
	for (int v = latest; all && v >= 1; v--) {
		char *path = view_version_path(dir, id, v);

		all = fs_exists(path);
		free(path);
	}
	return all;
}

void view_read_state(const char *dir, const char *id, int *latest)
{
	char *path = view_state_path(dir, id);
	struct buf have = BUF_INIT, want = BUF_INIT;
	json_t *root = NULL;
	json_t *n;

	*latest = 0;
	if (fs_read_file(&have, path, DFC_MAX_FILE_BYTES) < 0)
		goto out;
	root = json_loadb(have.data, have.len, JSON_REJECT_DUPLICATES, NULL);
	n = json_object_get(root, "latest_version");
	/*
	 * A file as written lists every version: one whose count disagrees is
	 * not, and a huge claimed latest version is not worth writing out.
	 */
	if (!json_is_integer(n) || json_integer_value(n) < 1 ||
	    json_integer_value(n) > 1000000000 ||
	    (size_t)json_integer_value(n) != json_object_size(json_object_get(root, "versions")))
		goto out;
	/* Only a file exactly as view_write_state() writes it counts. */
	state_text(&want, id, (int)json_integer_value(n));
	if (want.len == have.len && !memcmp(buf_cstr(&want), buf_cstr(&have), have.len))
		*latest = (int)json_integer_value(n);
out:
	dfc_error_clear();
	json_decref(root);
	buf_release(&have);
	buf_release(&want);
	free(path);
}
