/* script_check.c - are the script files a pipeline names on disk, or staged? */
#include "dfc/script_check.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Longest piece of a path quoted back in a message. */
#define QUOTE_MAX 1024

enum presence { PRESENT, MISSING_ON_DISK, MISSING_STAGED };

struct checker {
	/* Folder a relative path is taken from on disk. */
	const char *disk_dir;
	/* Staged: the index and the pipeline file's folder in it ("" at the top). */
	git_index *index;
	const char *file_dir;
	struct buf joined, normal;
};

static bool on_disk(const char *dir, const char *path)
{
	char *full = path[0] == '/' ? xstrdup(path) : fs_path_join(dir, path);
	struct stat st;
	bool found = stat(full, &st) == 0 && !S_ISDIR(st.st_mode);

	free(full);
	return found;
}

static enum presence look_up(struct checker *c, const char *path)
{
	const git_index_entry *entry = NULL;

	if (!c->index || path[0] == '/')
		return on_disk(c->disk_dir, path) ? PRESENT : MISSING_ON_DISK;
	buf_reset(&c->joined);
	buf_reset(&c->normal);
	if (*c->file_dir) {
		buf_adds(&c->joined, c->file_dir);
		buf_addch(&c->joined, '/');
	}
	buf_adds(&c->joined, path);
	/* Outside the repository: no index can hold it, the disk may. */
	if (!fs_path_normalize(&c->normal, buf_cstr(&c->joined)))
		return on_disk(c->disk_dir, path) ? PRESENT : MISSING_ON_DISK;
	if (c->normal.len)
		entry = git_index_get_bypath(c->index, buf_cstr(&c->normal), 0);
	return entry && entry->mode != GIT_FILEMODE_COMMIT ? PRESENT : MISSING_STAGED;
}

static void check_nodes(struct checker *c, const json_t *root, struct problems *problems)
{
	json_t *seen = json_object(), *node;
	struct buf pointer = BUF_INIT, quoted = BUF_INIT;
	size_t i;

	json_array_foreach (json_object_get(root, "nodes"), i, node) {
		const char *type = json_string_value(json_object_get(node, "type"));
		const char *path = json_string_value(json_object_get(node, "path"));
		json_t *known;
		enum presence found;

		if (!type || strcmp(type, "script") || !path || !*path ||
		    json_object_get(node, "script_id"))
			continue;
		/* A big pipeline runs one script from thousands of nodes. */
		known = json_object_get(seen, path);
		if (known) {
			found = (enum presence)json_integer_value(known);
		} else {
			found = look_up(c, path);
			json_object_set_new_nocheck(seen, path, json_integer(found));
		}
		if (found == PRESENT)
			continue;
		buf_reset(&pointer);
		buf_addf(&pointer, "/nodes/%zu/path", i);
		buf_reset(&quoted);
		printable_quote(&quoted, path, QUOTE_MAX);
		problems_add(problems, DFC_EINVALID, buf_cstr(&pointer), "script file '%s' not found%s",
			     buf_cstr(&quoted), found == MISSING_STAGED ? " in the staged tree" : "");
	}
	json_decref(seen);
	buf_release(&pointer);
	buf_release(&quoted);
}

void script_check_disk(const json_t *root, const char *base_dir, struct problems *problems)
{
	struct checker c = { base_dir, NULL, "", BUF_INIT, BUF_INIT };

	check_nodes(&c, root, problems);
	buf_release(&c.joined);
	buf_release(&c.normal);
}

void script_check_staged(const json_t *root, git_index *index, const char *workdir,
			 const char *file_path, struct problems *problems)
{
	char *file_dir = fs_dirname(file_path);
	struct checker c = { NULL, index, NULL, BUF_INIT, BUF_INIT };
	char *disk_dir;

	if (!strcmp(file_dir, ".")) {
		free(file_dir);
		file_dir = xstrdup("");
	}
	disk_dir = *file_dir ? fs_path_join(workdir, file_dir) : xstrdup(workdir);
	c.disk_dir = disk_dir;
	c.file_dir = file_dir;
	check_nodes(&c, root, problems);
	buf_release(&c.joined);
	buf_release(&c.normal);
	free(disk_dir);
	free(file_dir);
}
