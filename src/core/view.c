/* view.c - the plain-file view: <id>_N.json and <id>_state.json. */
#include "dfc/view.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

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
	int ret = fs_write_rebuildable(path, data, len);

	free(path);
	return ret;
}

/*
 * The state file's text for versions 1 to `latest`, exactly as
 * canonical_dump() writes that object (test_view.c checks it): written
 * directly, as this is read back and compared on every update, and its
 * length grows with the history.
 */
static void state_text(struct buf *out, const char *id, int latest)
{
	buf_addf(out, "{\n  \"latest_version\": %d,\n  \"versions\": {", latest);
	for (int v = 1; v <= latest; v++)
		buf_addf(out, "%s\n    \"%d\": \"%s_%d.json\"", v > 1 ? "," : "", v, id, v);
	buf_adds(out, latest ? "\n  }\n}\n" : "}\n}\n");
}

int view_write_state(const char *dir, const char *id, int latest)
{
	char *path = view_state_path(dir, id);
	struct buf text = BUF_INIT;
	int ret;

	state_text(&text, id, latest);
	ret = fs_write_rebuildable(path, text.data, text.len);
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
	static const char head[] = "{\n  \"latest_version\": ";
	char *path = view_state_path(dir, id);
	struct buf have = BUF_INIT, want = BUF_INIT;
	const char *digits;
	char *end;
	long n;

	*latest = 0;
	if (fs_read_file(&have, path, DFC_MAX_FILE_BYTES) < 0)
		goto out;
	/*
	 * Only a file exactly as view_write_state() writes it counts: the
	 * number it claims gives the whole text to compare with. A huge claim
	 * is not worth writing out.
	 */
	if (have.len < sizeof(head) || memcmp(have.data, head, sizeof(head) - 1))
		goto out;
	digits = buf_cstr(&have) + sizeof(head) - 1;
	if (*digits < '1' || *digits > '9')
		goto out;
	n = strtol(digits, &end, 10);
	if (n < 1 || *end != ',' || (size_t)n > have.len / (strlen(id) + 16))
		goto out;
	state_text(&want, id, (int)n);
	if (want.len == have.len && !memcmp(buf_cstr(&want), buf_cstr(&have), have.len))
		*latest = (int)n;
out:
	dfc_error_clear();
	buf_release(&have);
	buf_release(&want);
	free(path);
}
