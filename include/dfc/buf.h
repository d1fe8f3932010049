/**
 * buf.h - a growable byte buffer, always NUL-terminated.
 *
 * Ownership: a `struct buf` owns `data`. Start with `BUF_INIT` (or
 * buf_init()), give memory back with buf_release(). buf_detach() hands the
 * bytes to the caller, who then frees them with free(), and leaves the
 * buffer empty. `data` may be NULL while nothing was added; buf_cstr()
 * always returns a valid string. Out of memory aborts the process (xalloc.h).
 */
#ifndef DFC_BUF_H
#define DFC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);

/** Make room for at least `extra` more bytes plus the NUL. */
void buf_grow(struct buf *b, size_t extra);

void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);

/** Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/** Cut the buffer to `len` bytes (no-op when already shorter). */
void buf_truncate(struct buf *b, size_t len);

/** The contents as a C string; "" when empty. Borrowed. */
const char *buf_cstr(const struct buf *b);

/** Hand the bytes over (caller frees); the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
