/**
 * fs.h - file system helpers: whole-file reads, atomic writes, folders,
 * paths and advisory locks.
 *
 * All functions return 0 or a negative `enum dfc_code` with the error set
 * (error.h). Paths are plain C strings owned by the caller.
 */
#ifndef DFC_FS_H
#define DFC_FS_H

#include "dfc/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/** Largest file the tool reads as a pipeline (256 MiB). */
#define DFC_MAX_FILE_BYTES ((size_t)256 << 20)

/**
 * Read all of `path` into `out` (appended). Files larger than `max` bytes
 * are refused with `DFC_EINVALID`; a missing file is `DFC_ENOTFOUND`.
 * `path` "-" reads standard input.
 */
int fs_read_file(struct buf *out, const char *path, size_t max);

/**
 * Replace `path` with `len` bytes atomically: write a temporary file in the
 * same folder, fsync it, rename it over `path`, fsync the folder. Readers see
 * the old or the new content, never a mix. `mode` applies to a new file; an
 * existing file keeps its mode when `mode` is -1.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, int mode);

/**
 * fs_write_atomic() for a file that is rebuilt when it is missing or stale
 * (the view, rebuilt from repo.git): its content is fsynced before the
 * rename, so it is never seen half-written or empty, but not its folder,
 * so a crash may undo the rename, which the rebuild then redoes.
 */
int fs_write_rebuildable(const char *path, const void *data, size_t len);

/** Write all `len` bytes to `fd`, again after EINTR and short writes: 0, or -1 (errno set). */
int fs_write_all(int fd, const void *data, size_t len);

/** Create `path` and its parents (mode 0777 less umask). */
int fs_mkdir_p(const char *path);

/** True when `path` exists (any type). */
bool fs_exists(const char *path);

/** `dir` + "/" + `name`, newly allocated. */
char *fs_path_join(const char *dir, const char *name);

/** The folder part of `path` ("." when none), newly allocated. */
char *fs_dirname(const char *path);

/**
 * Append to `out` the lexical normal form of `path`: empty and `.`
 * components dropped, `name/..` collapsed, no trailing '/', a leading '/'
 * kept; "" when a relative path names its own starting folder. No link is
 * followed and nothing is read. Returns false when a `..` climbs above the
 * start ('/' or the folder a relative path is relative to); `out` then
 * holds part of the path.
 */
bool fs_path_normalize(struct buf *out, const char *path);

/**
 * `path` taken relative to the folder `dir` (both relative, "" for the
 * top) in the normal form of fs_path_normalize(), newly allocated; NULL
 * when it climbs above the top.
 */
char *fs_join_lexical(const char *dir, const char *path);

/** The last component of `path`, borrowed from it. */
const char *fs_basename(const char *path);

/**
 * Absolute form of `path` (made absolute against the current folder and
 * with `.`/`..` resolved through realpath(3) when it exists), newly
 * allocated into `*out`.
 */
int fs_absolute(char **out, const char *path);

/**
 * An exclusive advisory lock on `path` (created if needed) with flock(2).
 * The kernel drops it when the process dies, so a kill -9 never leaves a
 * stale lock behind. `*fd_out` is closed by fs_unlock().
 */
int fs_lock(int *fd_out, const char *path);

/** The same lock taken on an existing folder, creating no file. */
int fs_lock_dir(int *fd_out, const char *path);
void fs_unlock(int fd);

#endif
