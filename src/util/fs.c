/* fs.c - whole-file reads, atomic writes, folders, paths and locks. */
#define _GNU_SOURCE
#include "dfc/fs.h"

#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_fd(struct buf *out, int fd, const char *path, size_t max)
{
	size_t start = out->len;

	for (;;) {
		ssize_t n;

		/* Room for the size fstat() promised, doubling beyond it. */
		if (!out->alloc || out->alloc - out->len - 1 == 0)
			buf_grow(out, out->len - start ? out->len - start : 4096);
		n = read(fd, out->data + out->len, out->alloc - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return dfc_error(DFC_EUSAGE, "cannot read '%s': %s",
					 path, strerror(errno));
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len - start > max)
			return dfc_error(DFC_EINVALID,
					 "'%s' is larger than %zu MiB", path,
					 max >> 20);
	}
	return 0;
}

int fs_read_file(struct buf *out, const char *path, size_t max)
{
	struct stat st = { 0 };
	int fd, ret;

	if (!strcmp(path, "-"))
		return read_fd(out, 0, "<stdin>", max);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return dfc_error(DFC_ENOTFOUND, "no such file '%s'",
					 path);
		return dfc_error(DFC_EUSAGE, "cannot open '%s': %s", path,
				 strerror(errno));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return dfc_error(DFC_EUSAGE, "'%s' is a folder", path);
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size > max) {
		close(fd);
		return dfc_error(DFC_EINVALID, "'%s' is larger than %zu MiB",
				 path, max >> 20);
	}
	if (S_ISREG(st.st_mode))
		buf_grow(out, (size_t)st.st_size + 1);
	ret = read_fd(out, fd, path, max);
	close(fd);
	return ret;
}

int fs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_dir(const char *path)
{
	char *dir = fs_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

static int write_atomic(const char *path, const void *data, size_t len, int mode,
			bool sync_folder)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	struct stat st;
	int fd, ret = 0;

	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = dfc_error(DFC_EUSAGE, "cannot write '%s': %s", path,
				strerror(errno));
		goto out;
	}
	if (mode < 0)
		mode = stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
	if (mode < 0) {
		mode_t mask = umask(0);

		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || fs_write_all(fd, data, len) < 0 ||
	    fsync(fd) < 0) {
		ret = dfc_error(DFC_EUSAGE, "cannot write '%s': %s", path,
				strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		ret = dfc_error(DFC_EUSAGE, "cannot write '%s': %s", path,
				strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (sync_folder)
		fsync_dir(path);
out:
	free(tmp);
	return ret;
}

int fs_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	return write_atomic(path, data, len, mode, true);
}

int fs_write_rebuildable(const char *path, const void *data, size_t len)
{
	return write_atomic(path, data, len, -1, false);
}

int fs_mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			ret = dfc_error(DFC_EUSAGE, "cannot create folder '%s': %s",
					p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

bool fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *fs_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

char *fs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *fs_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int fs_absolute(char **out, const char *path)
{
	char *resolved = realpath(path, NULL);
	char cwd[PATH_MAX];

	if (resolved) {
		*out = resolved;
		return 0;
	}
	if (path[0] == '/') {
		*out = xstrdup(path);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return dfc_error(DFC_EINTERNAL, "cannot read the current folder: %s",
				 strerror(errno));
	*out = fs_path_join(cwd, path);
	return 0;
}

static int lock_fd(int *fd_out, int fd, const char *path)
{
	if (fd < 0)
		return dfc_error(DFC_EUSAGE, "cannot open lock '%s': %s", path,
				 strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		close(fd);
		return dfc_error(DFC_EINTERNAL, "cannot lock '%s': %s", path,
				 strerror(errno));
	}
	*fd_out = fd;
	return 0;
}

int fs_lock(int *fd_out, const char *path)
{
	return lock_fd(fd_out, open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666), path);
}

int fs_lock_dir(int *fd_out, const char *path)
{
	return lock_fd(fd_out, open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), path);
}

void fs_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

bool fs_path_normalize(struct buf *out, const char *path)
{
	size_t root;

	if (*path == '/')
		buf_addch(out, '/');
	root = out->len;
	while (*path) {
		size_t n = strcspn(path, "/");

		if (n == 2 && path[0] == '.' && path[1] == '.') {
			size_t k = out->len;

			if (k == root)
				return false;
			while (k > root && out->data[k - 1] != '/')
				k--;
			/* Drop the separator too, unless it is the leading '/'. */
			buf_truncate(out, k > root ? k - 1 : k);
		} else if (n && !(n == 1 && path[0] == '.')) {
			if (out->len > root)
				buf_addch(out, '/');
			buf_add(out, path, n);
		}
		path += n;
		if (*path == '/')
			path++;
	}
	return true;
}

char *fs_join_lexical(const char *dir, const char *path)
{
	struct buf joined = BUF_INIT, out = BUF_INIT;
	bool inside;

	buf_addf(&joined, "%s%s%s", dir, *dir ? "/" : "", path);
	inside = *dir != '/' && *path != '/' && fs_path_normalize(&out, buf_cstr(&joined));
	buf_release(&joined);
	if (!inside) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}
