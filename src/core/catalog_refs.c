/* catalog_refs.c - one ref of a catalog on this machine, read or swapped in O(log refs). */
#include "catalog_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/strvec.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Why not libgit2's refdb: version 1.5 parses all of packed-refs into a
 * hash table on the first lookup of a packed ref, and walks every ref of
 * the repository before it writes one (to refuse a name clash). In a
 * catalog of 60,000 refs that is 50 ms a share whatever it shares. git's
 * own files backend needs neither: packed-refs is kept sorted, so one ref
 * is a binary search of the mapped file, and a ref is written with the
 * `<ref>.lock` protocol every git implementation honours. That is what is
 * done here, for the catalog's refs only; repo.git stays with libgit2.
 */

#define HEX_SIZE GIT_OID_HEXSZ

/* packed-refs, mapped: its records, the header line skipped. */
struct packed {
	char *map;
	size_t size;
	const char *start, *end;
	bool sorted;
};

static int packed_open(struct packed *p, const char *git_dir)
{
	char *path = fs_path_join(git_dir, "packed-refs");
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;
	struct stat st;

	memset(p, 0, sizeof(*p));
	free(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0)
		ret = -1;
	else if (st.st_size > 0) {
		p->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p->map == MAP_FAILED) {
			p->map = NULL;
			ret = -1;
		} else {
			p->size = (size_t)st.st_size;
		}
	}
	close(fd);
	if (!p->map)
		return ret;
	p->start = p->map;
	p->end = p->map + p->size;
	if (p->size && p->map[0] == '#') {
		const char *nl = memchr(p->map, '\n', p->size);
		char *header = xstrndup(p->map, nl ? (size_t)(nl - p->map) + 1 : p->size);

		/* git and libgit2 both write "# pack-refs with: ... sorted \n". */
		p->sorted = strstr(header, " sorted ") != NULL;
		p->start = nl ? nl + 1 : p->end;
		free(header);
	}
	return 0;
}

static void packed_close(struct packed *p)
{
	if (p->map)
		munmap(p->map, p->size);
}

static const char *line_end(const struct packed *p, const char *at)
{
	const char *nl = memchr(at, '\n', (size_t)(p->end - at));

	return nl ? nl + 1 : p->end;
}

/* The name of the record at `rec` ("<hex> <name>\n") and its length; NULL for a peel line. */
static const char *record_name(const struct packed *p, const char *rec, size_t *len)
{
	const char *end = line_end(p, rec), *name = rec + HEX_SIZE + 1;

	if (end - rec < HEX_SIZE + 2 || rec[HEX_SIZE] != ' ')
		return NULL;
	*len = (size_t)(end - name) - (end[-1] == '\n');
	return name;
}

/* The start of the record that holds offset `at`: its line, or the line before a peel line. */
static const char *record_start(const struct packed *p, const char *at)
{
	while (at > p->start && at[-1] != '\n')
		at--;
	if (*at == '^' && at > p->start) {
		at--;
		while (at > p->start && at[-1] != '\n')
			at--;
	}
	return at;
}

/* The record after the one at `rec`, its peel line skipped. */
static const char *next_record(const struct packed *p, const char *rec)
{
	rec = line_end(p, rec);
	if (rec < p->end && *rec == '^')
		rec = line_end(p, rec);
	return rec;
}

static int compare_name(const char *name, size_t len, const char *key, size_t key_len)
{
	int c = memcmp(name, key, len < key_len ? len : key_len);

	return c ? c : (len > key_len) - (len < key_len);
}

/* The first record whose name is not below `key` (sorted files), or the start. */
static const char *lower_bound(const struct packed *p, const char *key, size_t key_len)
{
	const char *lo = p->start, *hi = p->end;

	if (!p->sorted)
		return p->start;
	while (lo < hi) {
		const char *rec = record_start(p, lo + (hi - lo) / 2), *name;
		size_t len;

		if (rec < lo)
			rec = lo;
		name = record_name(p, rec, &len);
		if (name && compare_name(name, len, key, key_len) < 0)
			lo = next_record(p, rec);
		else
			hi = rec;
	}
	return lo;
}

static int packed_find(const struct packed *p, const char *ref, git_oid *out)
{
	size_t key_len = strlen(ref), len;

	for (const char *rec = lower_bound(p, ref, key_len); rec < p->end; rec = next_record(p, rec)) {
		const char *name = record_name(p, rec, &len);
		int c = name ? compare_name(name, len, ref, key_len) : -1;

		if (c == 0)
			return git_oid_fromstrn(out, rec, HEX_SIZE) < 0 ? -1 : 0;
		if (c > 0 && p->sorted)
			break;
	}
	return 1;
}

/* A loose ref: 0, 1 when there is none, -1 when unreadable or not a commit id. */
static int loose_find(const char *git_dir, const char *ref, git_oid *out)
{
	char *path = fs_path_join(git_dir, ref), text[HEX_SIZE + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = 0;

	free(path);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 1 : -1;
	do
		n = read(fd, text, sizeof(text));
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < HEX_SIZE || git_oid_fromstrn(out, text, HEX_SIZE) < 0)
		return -1;
	return 0;
}

int catalog_ref_read(const char *git_dir, const char *ref, git_oid *out)
{
	struct packed p;
	int ret = loose_find(git_dir, ref, out);

	if (ret != 1)
		return ret;
	if (packed_open(&p, git_dir) < 0)
		return -1;
	ret = packed_find(&p, ref, out);
	packed_close(&p);
	return ret;
}

/* Append the loose refs in folder `prefix` (a name ending in '/'), not its subfolders. */
static int loose_list(const char *git_dir, const char *prefix, struct strvec *names)
{
	char *path = fs_path_join(git_dir, prefix);
	DIR *dir = opendir(path);
	struct dirent *e;

	free(path);
	if (!dir)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || (len > 5 && !strcmp(e->d_name + len - 5, ".lock")))
			continue;
		strvec_push(names, e->d_name);
	}
	closedir(dir);
	return 0;
}

int catalog_ref_list(const char *git_dir, const char *prefix, struct strvec *names)
{
	size_t prefix_len = strlen(prefix), len;
	struct packed p;

	if (loose_list(git_dir, prefix, names) < 0 || packed_open(&p, git_dir) < 0)
		return -1;
	for (const char *rec = lower_bound(&p, prefix, prefix_len); rec < p.end; rec = next_record(&p, rec)) {
		const char *name = record_name(&p, rec, &len);

		if (!name || len < prefix_len || memcmp(name, prefix, prefix_len)) {
			if (name && p.sorted && compare_name(name, len, prefix, prefix_len) > 0)
				break;
			continue;
		}
		/* Directly in the folder only, as loose_list() reads it. */
		if (!memchr(name + prefix_len, '/', len - prefix_len)) {
			char *leaf = xstrndup(name + prefix_len, len - prefix_len);

			strvec_push(names, leaf);
			free(leaf);
		}
	}
	packed_close(&p);
	/* A ref both loose and packed is listed once. */
	strvec_sort_unique(names);
	return 0;
}

int catalog_ref_swap(const char *git_dir, const char *ref, const git_oid *seen, const git_oid *next)
{
	char *path = fs_path_join(git_dir, ref), *lock = xasprintf("%s.lock", path), *dir;
	char text[HEX_SIZE + 1];
	git_oid now;
	int fd, ret = 0, found;

	dir = fs_dirname(path);
	if (fs_mkdir_p(dir) < 0) {
		dfc_error_clear();
		ret = -1;
		goto out;
	}
	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		/* Held by another writer (git gc packing refs, say): try again later. */
		ret = errno == EEXIST ? 1 : -1;
		goto out;
	}
	/* Compare under the lock: the swap happens only from what was seen. */
	found = catalog_ref_read(git_dir, ref, &now);
	if (found < 0 || (found == 0) != (seen != NULL) || (seen && !git_oid_equal(&now, seen))) {
		ret = found < 0 ? -1 : 1;
		close(fd);
		unlink(lock);
		goto out;
	}
	git_oid_tostr(text, sizeof(text), next);
	text[HEX_SIZE] = '\n';
	if (fs_write_all(fd, text, sizeof(text)) < 0 || fsync(fd) < 0) {
		close(fd);
		unlink(lock);
		ret = -1;
		goto out;
	}
	if (close(fd) < 0 || rename(lock, path) < 0) {
		unlink(lock);
		ret = -1;
		goto out;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
out:
	free(dir);
	free(lock);
	free(path);
	return ret;
}
