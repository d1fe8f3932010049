/* json_pointer.c - one escaped token appended to a JSON pointer. */
#include "dfc/json_pointer.h"

void json_pointer_add(struct buf *ptr, const char *token)
{
	buf_addch(ptr, '/');
	for (; *token; token++) {
		if (*token == '~')
			buf_adds(ptr, "~0");
		else if (*token == '/')
			buf_adds(ptr, "~1");
		else
			buf_addch(ptr, *token);
	}
}
