/*
 * test_scripts.h - script files made up in a unit test: a node's script
 * with its file name and content, as a working file or a version would
 * carry it. Header-only; include it after <cmocka.h>.
 */
#ifndef DFC_TEST_SCRIPTS_H
#define DFC_TEST_SCRIPTS_H

#include "dfc/buf.h"
#include "dfc/scripts.h"
#include "dfc/xalloc.h"

#include <string.h>

/* Append node `node`'s script `name` holding the `len` bytes of `content` to `s`. */
static inline void add_script_bytes(struct script_files *s, const char *node, const char *name,
				    const char *content, size_t len)
{
	XGROW(s->items, s->alloc, s->nr + 1);
	s->items[s->nr].node_id = xstrdup(node);
	s->items[s->nr].name = xstrdup(name);
	buf_init(&s->items[s->nr].content);
	buf_add(&s->items[s->nr].content, content, len);
	s->nr++;
}

/* Append node `node`'s script `name` holding the text `content` to `s`. */
static inline void add_script(struct script_files *s, const char *node, const char *name,
			      const char *content)
{
	add_script_bytes(s, node, name, content, strlen(content));
}

#endif
