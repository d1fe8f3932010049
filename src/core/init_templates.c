/* init_templates.c - the example projects `init --template` writes. */
#include "dfc/init_templates.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct init_template_file {
	const char *template_name;
	const char *description;
	/** Relative to the template's folder. */
	const char *path;
	int executable;
	const char *content;
	unsigned long len;
};

#include "init_templates_table.h"

#define NR_FILES (sizeof(init_template_files) / sizeof(init_template_files[0]))

/* Template i is the i-th distinct name of the table (rows are in path order). */
static const struct init_template_file *template_row(size_t i)
{
	size_t seen = 0;

	for (size_t r = 0; r < NR_FILES; r++) {
		if (r && !strcmp(init_template_files[r].template_name,
				 init_template_files[r - 1].template_name))
			continue;
		if (seen++ == i)
			return &init_template_files[r];
	}
	return NULL;
}

size_t init_template_count(void)
{
	size_t n = 0;

	while (template_row(n))
		n++;
	return n;
}

const char *init_template_name(size_t i)
{
	const struct init_template_file *row = template_row(i);

	return row ? row->template_name : NULL;
}

const char *init_template_description(size_t i)
{
	const struct init_template_file *row = template_row(i);

	return row ? row->description : NULL;
}

int init_template_check(const char *name)
{
	for (size_t r = 0; r < NR_FILES; r++)
		if (!strcmp(init_template_files[r].template_name, name))
			return 0;
	return dfc_hint(dfc_error(DFC_EUSAGE, "no template '%s'", name),
			"data-factory-cli init --list-templates");
}

/*
 * Whether row `f` is a .gitignore that `path` already holds: the project's
 * own is kept, even with --force, and is no conflict.
 */
static bool keeps_gitignore(const struct init_template_file *f, const char *path)
{
	const char *base = strrchr(f->path, '/');
	struct stat st;

	base = base ? base + 1 : f->path;
	return !strcmp(base, ".gitignore") && lstat(path, &st) == 0;
}

int init_template_write(const char *name, const char *dir, bool force, struct buf *written)
{
	mode_t mask = umask(0);
	struct stat st;
	int ret;

	umask(mask);
	if ((ret = init_template_check(name)) < 0)
		return ret;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		return dfc_error(DFC_ECONFLICT, "'%s' is not a folder", dir);
	/* Check every file before writing any. */
	for (size_t r = 0; r < NR_FILES; r++) {
		const struct init_template_file *f = &init_template_files[r];
		char *path;

		if (strcmp(f->template_name, name))
			continue;
		path = fs_path_join(dir, f->path);
		if (keeps_gitignore(f, path)) {
			free(path);
			continue;
		}
		if (lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				ret = dfc_error(DFC_ECONFLICT, "'%s' is a folder", path);
			else if (!force)
				ret = dfc_hint(
					dfc_error(DFC_ECONFLICT, "'%s' already exists", path),
					"use --force to overwrite the template's files");
		}
		free(path);
		if (ret < 0)
			return ret;
	}
	for (size_t r = 0; r < NR_FILES && ret == 0; r++) {
		const struct init_template_file *f = &init_template_files[r];
		char *path, *parent;

		if (strcmp(f->template_name, name))
			continue;
		path = fs_path_join(dir, f->path);
		if (keeps_gitignore(f, path)) {
			free(path);
			continue;
		}
		parent = fs_dirname(path);
		ret = fs_mkdir_p(parent);
		if (ret == 0)
			ret = fs_write_atomic(path, f->content, f->len,
					      (int)((f->executable ? 0777 : 0666) & ~mask));
		if (ret == 0)
			buf_addf(written, "%s\n", path);
		free(parent);
		free(path);
	}
	return ret;
}

int init_gitignore_write(const char *dir, bool *written)
{
	static const char text[] = "# data-factory-cli work files (run records, caches)\n.dfc/\n";
	char *path = fs_path_join(dir, ".gitignore");
	struct stat st;
	int ret = 0;

	*written = false;
	if (lstat(path, &st) != 0) {
		ret = fs_write_atomic(path, text, sizeof(text) - 1, -1);
		*written = ret == 0;
	}
	free(path);
	return ret;
}
