/* fingerprint.c - the content fingerprint of a pipeline and its scripts. */
#include "dfc/fingerprint.h"

#include "dfc/canonical.h"

#include <stdbool.h>

/*
 * `pipeline` (an object whose `nodes` is an array) without the nodes'
 * `script_id` and `dataset_id`: a new reference sharing every other value
 * with it, so that the edges are not copied.
 */
static json_t *without_catalog_ids(const json_t *pipeline)
{
	/* jansson's copies take non-const pointers; `pipeline` is not changed. */
	json_t *copy = json_copy((json_t *)pipeline);
	json_t *nodes = json_array();
	size_t i;
	json_t *node;

	json_array_foreach(json_object_get(pipeline, "nodes"), i, node) {
		json_t *n = json_is_object(node) ? json_copy(node) : json_incref(node);

		json_object_del(n, "script_id");
		json_object_del(n, "dataset_id");
		json_array_append_new(nodes, n);
	}
	/* Replaced in place: the keys keep their order. */
	json_object_set_new(copy, "nodes", nodes);
	return copy;
}

void content_fingerprint_canonical(char out[FINGERPRINT_SIZE], const json_t *pipeline,
				   const json_t *scripts, const git_oid *canonical_id)
{
	struct buf text = BUF_INIT, form = BUF_INIT;
	char form_id[GIT_OID_HEXSZ + 1];
	json_t *copy = NULL;
	git_oid oid;
	bool ids = false;
	size_t i;
	json_t *node;

	json_array_foreach(json_object_get(pipeline, "nodes"), i, node) {
		const char *id = json_string_value(json_object_get(node, "id"));
		json_t *script_id = json_object_get(node, "script_id");
		const char *blob = json_string_value(script_id);
		const char *snapshot =
			scripts && id ? json_string_value(json_object_get(scripts, id)) : NULL;

		ids = ids || script_id || json_object_get(node, "dataset_id");
		/* A snapshot's blob id; a node without one keeps its script_id. */
		if (snapshot)
			blob = snapshot;
		if (!blob)
			continue;
		buf_adds(&text, id ? id : "");
		buf_addch(&text, ' ');
		buf_adds(&text, blob);
		buf_addch(&text, '\n');
	}
	/* The blob id of the canonical form without the ids a catalog version adds. */
	if (ids || !canonical_id) {
		copy = ids ? without_catalog_ids(pipeline) : NULL;
		canonical_dump(&form, ids ? copy : pipeline);
		git_odb_hash(&oid, form.data, form.len, GIT_OBJECT_BLOB);
		canonical_id = &oid;
	}
	git_oid_tostr(form_id, sizeof(form_id), canonical_id);
	buf_adds(&text, form_id);
	buf_addch(&text, '\n');
	git_odb_hash(&oid, text.data, text.len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, FINGERPRINT_SIZE, &oid);
	json_decref(copy);
	buf_release(&form);
	buf_release(&text);
}

void content_fingerprint(char out[FINGERPRINT_SIZE], const json_t *pipeline, const json_t *scripts)
{
	content_fingerprint_canonical(out, pipeline, scripts, NULL);
}

void content_fingerprint_text(char out[FINGERPRINT_SIZE], const struct buf *pipeline,
			      const struct buf *manifest)
{
	json_t *root = json_loadb(pipeline->data, pipeline->len, 0, NULL);
	json_t *scripts = NULL;

	if (manifest)
		scripts = manifest->len ? json_loadb(manifest->data, manifest->len, 0, NULL)
					: json_object();
	content_fingerprint(out, root, scripts);
	json_decref(root);
	json_decref(scripts);
}
