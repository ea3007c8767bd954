// SPDX-License-Identifier: GPL-2.0
/* json-c helpers for the --json output. */

#include <stdio.h>

#include <json.h>

#include "format.h"
#include "json_out.h"
#include "main.h"

/* json_object_new_uint64() appeared in json-c 0.14. */
#if !defined(JSON_C_VERSION_NUM) || JSON_C_VERSION_NUM < ((0 << 16) | (14 << 8))
#error "json-c 0.14 or newer is needed"
#endif

void json_add_u64(json_object *obj, const char *key, __u64 val)
{
	json_object_object_add(obj, key, json_object_new_uint64(val));
}

void json_add_bool(json_object *obj, const char *key, bool val)
{
	json_object_object_add(obj, key, json_object_new_boolean(val));
}

void json_add_u64_or_null(json_object *obj, const char *key, bool valid,
			  __u64 val)
{
	json_object_object_add(obj, key,
			       valid ? json_object_new_uint64(val) : NULL);
}

static void json_add_bit_name(const char *name, void *arg)
{
	json_object_array_add(arg, json_object_new_string(name));
}

json_object *json_pte_bits_new(__u64 bits)
{
	json_object *names = json_object_new_array();

	if (names)
		for_each_pte_bit_name(bits, json_add_bit_name, names);
	return names;
}

json_object *json_marker_bits_new(__u64 bits)
{
	json_object *names = json_object_new_array();

	if (names)
		for_each_marker_name(bits, json_add_bit_name, names);
	return names;
}

json_object *json_bytes_new(const char *str, size_t len)
{
	if (!str)
		return NULL;	/* json-c prints a NULL member as null */
	return json_object_new_string_len(str, (int)len);
}

struct json_flags_ctx {
	json_object *names;
	json_object *smaps;
};

static void json_add_flag(const char *name, const char *smaps, void *arg)
{
	struct json_flags_ctx *ctx = arg;

	json_object_array_add(ctx->names, json_object_new_string(name));
	if (smaps[0])
		json_object_array_add(ctx->smaps, json_object_new_string(smaps));
}

json_object *json_vma_new(const struct vmi_vma *vma)
{
	const struct vmainspect_vma *v = &vma->v;
	struct json_flags_ctx ctx;
	json_object *obj;
	char perms[5];
	char dev[24];

	obj = json_object_new_object();
	if (!obj)
		return NULL;

	fmt_perms(v->uflags, perms);
	snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major, v->dev_minor);
	ctx.names = json_object_new_array();
	ctx.smaps = json_object_new_array();
	for_each_flag_name(v->uflags, json_add_flag, &ctx);

	json_add_u64(obj, "start", v->start);
	json_add_u64(obj, "end", v->end);
	json_add_u64(obj, "size", v->end - v->start);
	json_object_object_add(obj, "perms", json_object_new_string(perms));
	json_add_u64(obj, "pgoff", vma_maps_offset(v));
	json_add_u64(obj, "vm_pgoff", v->pgoff);
	json_object_object_add(obj, "dev", json_object_new_string(dev));
	json_add_u64(obj, "inode", v->inode);
	json_object_object_add(obj, "path",
			       v->kind == VMAINSPECT_KIND_FILE ?
			       json_bytes_new(vma->name, vma->name_len) : NULL);
	json_object_object_add(obj, "name",
			       json_bytes_new(vma->name, vma->name_len));
	json_object_object_add(obj, "kind",
			       json_object_new_string(fmt_kind(v->kind)));
	json_object_object_add(obj, "flags", ctx.names);
	json_object_object_add(obj, "smaps_flags", ctx.smaps);
	json_add_u64(obj, "vm_flags", v->vm_flags);
	json_add_u64(obj, "uflags", v->uflags);
	json_add_bool(obj, "anon_vma", v->attrs & VMAINSPECT_ATTR_ANON_VMA);
	json_add_bool(obj, "shmem", v->attrs & VMAINSPECT_ATTR_SHMEM);
	json_add_u64(obj, "page_prot", v->page_prot);
	return obj;
}

int json_print_put(json_object *obj)
{
	const char *text;

	if (!obj) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		json_object_put(obj);
		p_err("out of memory");
		return EXIT_ERROR;
	}
	fputs(text, stdout);
	fputc('\n', stdout);
	json_object_put(obj);
	return finish_output();
}
