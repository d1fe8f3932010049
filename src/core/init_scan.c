/* init_scan.c - find the candidate scripts and datasets of a folder for init. */
#include "dfc/init_scan.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/strvec.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Longest .json file read to tell a pipeline file from data. */
#define MAX_PIPELINE_CHECK_BYTES ((size_t)16 << 20)

/* Longest id made from a file name: room is left for a `_N` suffix. */
#define BASE_ID_MAX 120

static const char *const skipped_folders[] = {"node_modules", "__pycache__", "venv"};

/* Files with a data extension that are a project's own, not its data. */
static const char *const skipped_files[] = {
	"requirements.txt", "package.json",   "package-lock.json", "tsconfig.json",
	"composer.json",    "CMakeLists.txt", "LICENSE.txt",	   "README.txt",
};

/* Script extensions, as the interpreters of SPEC §2 spell them. */
static const char *const script_extensions[] = {"py", "sh", "R", "js", "pl", "rb"};

/* Data extensions, in any case. */
static const char *const dataset_extensions[] = {
	"csv",	"tsv", "psv", "json",	 "jsonl",   "ndjson", "parquet", "xlsx", "xls",
	"ods",	"txt", "dat", "feather", "arrow",   "ipc",    "avro",	 "orc",	 "xml",
	"yaml", "yml", "db",  "sqlite",	 "sqlite3", "h5",     "hdf5",	 "nc",	 "npy",
	"npz",	"pkl", "gz",  "bz2",	 "xz",	    "zst",    "zip",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct walk {
	struct init_scan *scan;
	size_t max_files;
	bool skip_set;
	dev_t skip_dev;
	ino_t skip_ino;
	bool stop;
};

void init_scan_release(struct init_scan *scan)
{
	for (size_t i = 0; i < scan->nr; i++) {
		free(scan->items[i].path);
		free(scan->items[i].id);
	}
	free(scan->items);
	*scan = (struct init_scan)INIT_SCAN_INIT;
}

size_t init_scan_count(const struct init_scan *scan, enum init_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < scan->nr; i++)
		n += scan->items[i].kind == kind;
	return n;
}

enum init_kind init_scan_classify(const char *name)
{
	const char *base = fs_basename(name), *dot = strrchr(base, '.');

	if (!dot || dot == base || !dot[1])
		return INIT_NONE;
	for (size_t i = 0; i < COUNT(script_extensions); i++)
		if (!strcmp(dot + 1, script_extensions[i]))
			return INIT_SCRIPT;
	for (size_t i = 0; i < COUNT(dataset_extensions); i++)
		if (!strcasecmp(dot + 1, dataset_extensions[i]))
			return INIT_DATASET;
	return INIT_NONE;
}

static bool id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

char *init_id_from_name(const char *name)
{
	const char *base = fs_basename(name), *dot = strrchr(base, '.');
	size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	struct buf id = BUF_INIT;
	bool in_run = false;

	for (size_t i = 0; i < len && id.len < BASE_ID_MAX; i++) {
		unsigned char c = (unsigned char)base[i];

		if (id_char(c)) {
			buf_addch(&id, (char)c);
			in_run = false;
		} else if (!in_run) {
			buf_addch(&id, '_');
			in_run = true;
		}
	}
	if (!id.len)
		buf_adds(&id, "node");
	if (id.data[0] == '.' || id.data[0] == '-')
		id.data[0] = '_';
	return buf_detach(&id, NULL);
}

char *init_id_unique(const char *base, bool (*taken)(const char *id, void *data), void *data)
{
	char *id = xstrdup(base);

	for (unsigned n = 2; taken(id, data); n++) {
		free(id);
		id = xasprintf("%s_%u", base, n);
	}
	return id;
}

bool init_is_pipeline_text(const char *text, size_t len)
{
	json_t *root;
	bool yes;

	if (!len || !strstr(text, "\"nodes\"") || !strstr(text, "\"edges\""))
		return false;
	root = json_loadb(text, len, 0, NULL);
	yes = json_is_object(root) && json_object_get(root, "nodes") &&
	      json_object_get(root, "edges");
	json_decref(root);
	return yes;
}

/* A .json file that is a pipeline file (a bigger one is taken for data). */
static bool is_pipeline_file(const char *path)
{
	struct buf text = BUF_INIT;
	bool yes = false;

	if (fs_read_file(&text, path, MAX_PIPELINE_CHECK_BYTES) == 0)
		yes = init_is_pipeline_text(buf_cstr(&text), text.len);
	else
		dfc_error_clear();
	buf_release(&text);
	return yes;
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

/* A path a pipeline file can hold: JSON strings are UTF-8. */
static bool is_utf8(const char *s)
{
	json_t *str = json_string(s);

	json_decref(str);
	return str != NULL;
}

static void add_item(struct init_scan *scan, enum init_kind kind, const char *rel)
{
	XGROW(scan->items, scan->alloc, scan->nr + 1);
	scan->items[scan->nr].kind = kind;
	scan->items[scan->nr].path = xstrdup(rel);
	scan->items[scan->nr].id = NULL;
	scan->nr++;
}

/* One regular file met in the walk: counted, then kept when it is a candidate. */
static void visit_file(struct walk *w, const char *full, const char *rel, const char *name,
		       const struct stat *st)
{
	enum init_kind kind;
	const char *dot;

	if (w->scan->files_seen == w->max_files) {
		w->scan->truncated = true;
		w->stop = true;
		return;
	}
	w->scan->files_seen++;
	if (name[0] == '.' || in_list(name, skipped_files, COUNT(skipped_files)))
		return;
	if (w->skip_set && st->st_dev == w->skip_dev && st->st_ino == w->skip_ino)
		return;
	kind = init_scan_classify(name);
	if (kind == INIT_NONE || !is_utf8(rel))
		return;
	dot = strrchr(name, '.');
	if (kind == INIT_DATASET && !strcasecmp(dot, ".json") && is_pipeline_file(full))
		return;
	add_item(w->scan, kind, rel);
}

/* Walk folder `full` (`rel` from the top, "" for the top itself) in name order. */
static void walk_dir(struct walk *w, const char *full, const char *rel, int depth)
{
	struct strvec names = STRVEC_INIT;
	struct dirent *e;
	DIR *d = opendir(full);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		strvec_push(&names, e->d_name);
	}
	closedir(d);
	strvec_sort(&names);
	for (size_t i = 0; i < names.nr && !w->stop; i++) {
		const char *name = names.items[i];
		char *child = fs_path_join(full, name);
		char *child_rel = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
		struct stat st;

		if (lstat(child, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				if (name[0] != '.' &&
				    !in_list(name, skipped_folders, COUNT(skipped_folders)) &&
				    depth < INIT_SCAN_MAX_DEPTH)
					walk_dir(w, child, child_rel, depth + 1);
			} else if (S_ISLNK(st.st_mode)) {
				/* A link to a file counts; links to folders are not followed. */
				if (stat(child, &st) == 0 && S_ISREG(st.st_mode))
					visit_file(w, child, child_rel, name, &st);
			} else if (S_ISREG(st.st_mode)) {
				visit_file(w, child, child_rel, name, &st);
			}
		}
		free(child_rel);
		free(child);
	}
	strvec_release(&names);
}

static int compare_items(const void *a, const void *b)
{
	return strcmp(((const struct init_item *)a)->path, ((const struct init_item *)b)->path);
}

struct taken_in_scan {
	const struct init_scan *scan;
	size_t upto;
};

static bool taken_in_scan(const char *id, void *data)
{
	const struct taken_in_scan *t = data;

	for (size_t i = 0; i < t->upto; i++)
		if (!strcmp(t->scan->items[i].id, id))
			return true;
	return false;
}

int init_scan_dir(struct init_scan *out, const char *dir, const char *skip, size_t max_files)
{
	struct walk w = {out, max_files ? max_files : INIT_SCAN_MAX_FILES, false, 0, 0, false};
	struct stat st;

	if (stat(dir, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dfc_error(DFC_ENOTFOUND, "no folder '%s'", dir);
		return dfc_error(DFC_EUSAGE, "cannot read '%s': %s", dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return dfc_error(DFC_ENOTFOUND, "'%s' is not a folder", dir);
	if (skip && stat(skip, &st) == 0) {
		w.skip_set = true;
		w.skip_dev = st.st_dev;
		w.skip_ino = st.st_ino;
	}
	walk_dir(&w, dir, "", 0);
	if (out->nr)
		qsort(out->items, out->nr, sizeof(*out->items), compare_items);
	for (size_t i = 0; i < out->nr; i++) {
		struct taken_in_scan t = {out, i};
		char *base = init_id_from_name(out->items[i].path);

		out->items[i].id = init_id_unique(base, taken_in_scan, &t);
		free(base);
	}
	return 0;
}
