// SPDX-License-Identifier: GPL-2.0
/* json-c helpers for the --json output. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

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

void json_add_hex(json_object *obj, const char *key, __u64 val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)val);
	json_object_object_add(obj, key, json_object_new_string(buf));
}

void json_add_hex_or_null(json_object *obj, const char *key, bool valid,
			  __u64 val)
{
	if (valid)
		json_add_hex(obj, key, val);
	else
		json_object_object_add(obj, key, NULL);
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

const char *json_pt_level_name(__u32 level)
{
	static const char * const names[] = { "pgd", "p4d", "pud", "pmd", "pte" };

	return level < sizeof(names) / sizeof(names[0]) ? names[level] : "?";
}

json_object *json_pt_level_new(__u32 level)
{
	return json_object_new_string(json_pt_level_name(level));
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


bool utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, l;

	while (i < len) {
		l = utf8_seq_len(s + i, len - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

/* The lossy half of json_add_name(): each bad byte becomes U+FFFD. */
static json_object *json_utf8_replaced_new(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	json_object *obj;
	size_t i = 0, o = 0, l;
	char *buf = malloc(len * 3 + 1);

	if (!buf)
		return NULL;
	while (i < len) {
		l = utf8_seq_len(s + i, len - i);
		if (l) {
			memcpy(buf + o, s + i, l);
			o += l;
			i += l;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	obj = json_object_new_string_len(buf, (int)o);
	free(buf);
	return obj;
}

static json_object *json_hex_bytes_new(const char *str, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	json_object *obj;
	char *buf = malloc(len * 2 + 1);
	size_t i;

	if (!buf)
		return NULL;
	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[(unsigned char)str[i] >> 4];
		buf[2 * i + 1] = digits[(unsigned char)str[i] & 15];
	}
	obj = json_object_new_string_len(buf, (int)(2 * len));
	free(buf);
	return obj;
}

void json_add_name(json_object *obj, const char *key, const char *str,
		   size_t len)
{
	char hkey[64];

	if (!str) {
		json_object_object_add(obj, key, NULL);
		return;
	}
	if (utf8_valid(str, len)) {
		json_object_object_add(obj, key, json_object_new_string_len(str, (int)len));
		return;
	}
	snprintf(hkey, sizeof(hkey), "%s_hex", key);
	json_object_object_add(obj, key, json_utf8_replaced_new(str, len));
	json_object_object_add(obj, hkey, json_hex_bytes_new(str, len));
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

/*
 * Is the file named name (len bytes, a " (deleted)" suffix included) the
 * VMA's own file, still linked under that very name?  Then the suffix is
 * part of its name, not d_path()'s mark of an unlinked file.
 */
static bool vma_file_is_named(const struct vmainspect_vma *v, const char *name,
			      size_t len)
{
	struct stat st;
	char *path = strndup(name, len);
	bool same;

	if (!path)
		return false;
	same = !stat(path, &st) && st.st_ino == v->inode &&
	       major(st.st_dev) == v->dev_major && minor(st.st_dev) == v->dev_minor;
	free(path);
	return same;
}

/*
 * "path" and "deleted" of a file VMA: the name without the " (deleted)"
 * that d_path() appends to an unlinked file, the only sign the kernel
 * gives of it; a linked file whose name really ends so (same device and
 * inode under the whole name, seen from this tool's mount namespace)
 * keeps it.  null and false for other VMAs.
 */
static void json_add_vma_path(json_object *obj, const struct vmi_vma *vma)
{
	static const char suffix[] = " (deleted)";
	const size_t slen = sizeof(suffix) - 1;
	size_t len = vma->name_len;
	bool deleted = false;

	if ((vma->v.kind != VMAINSPECT_KIND_FILE &&
	     vma->v.kind != VMAINSPECT_KIND_HUGETLB) || !vma->name) {
		json_object_object_add(obj, "path", NULL);
		json_add_bool(obj, "deleted", false);
		return;
	}
	if (len > slen && !memcmp(vma->name + len - slen, suffix, slen) &&
	    !vma_file_is_named(&vma->v, vma->name, len)) {
		len -= slen;
		deleted = true;
	}
	json_add_name(obj, "path", vma->name, len);
	json_add_bool(obj, "deleted", deleted);
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

	json_add_hex(obj, "start", v->start);
	json_add_hex(obj, "end", v->end);
	json_add_hex(obj, "size", v->end - v->start);
	json_object_object_add(obj, "perms", json_object_new_string(perms));
	json_add_hex(obj, "pgoff", vma_maps_offset(v));
	json_add_u64(obj, "vm_pgoff", v->pgoff);
	json_object_object_add(obj, "dev", json_object_new_string(dev));
	json_add_hex(obj, "inode", v->inode);
	json_add_vma_path(obj, vma);
	json_add_name(obj, "name", vma->name, vma->name_len);
	json_object_object_add(obj, "kind",
			       json_object_new_string(fmt_kind(v->kind)));
	json_object_object_add(obj, "flags", ctx.names);
	json_object_object_add(obj, "smaps_flags", ctx.smaps);
	json_add_hex(obj, "vm_flags", v->vm_flags);
	json_add_hex(obj, "uflags", v->uflags);
	json_add_bool(obj, "has_anon_vma", v->attrs & VMAINSPECT_ATTR_ANON_VMA);
	json_add_bool(obj, "shmem", v->attrs & VMAINSPECT_ATTR_SHMEM);
	json_add_hex(obj, "page_prot", v->page_prot);
	return obj;
}

/* The array of json_collect_begin(), or NULL: print each document. */
static json_object *collected;

static int json_print_doc(json_object *obj)
{
	const char *text;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_NOSLASHESCAPE |
					      (json_pretty ? JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_SPACED :
					       JSON_C_TO_STRING_PLAIN));
	if (!text) {
		json_object_put(obj);
		p_err("out of memory");
		return EXIT_ERROR;
	}
	fputs(text, stdout);
	fputc('\n', stdout);
	json_object_put(obj);
	json_printed = true;
	return finish_output();
}

int json_print_put(json_object *obj)
{
	if (!obj) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	if (collected) {
		if (json_object_array_add(collected, obj)) {
			json_object_put(obj);
			p_err("out of memory");
			return EXIT_ERROR;
		}
		json_printed = true;
		return EXIT_OK;
	}
	return json_print_doc(obj);
}

/* {"error": the first message, "errno": N or null}, or NULL. */
static json_object *json_error_new(void)
{
	json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	json_add_name(obj, "error", err_message ? err_message : "failed",
		      err_message ? strlen(err_message) : 6);
	json_object_object_add(obj, "errno",
			       err_errno ? json_object_new_int(err_errno) : NULL);
	return obj;
}

int json_collect_begin(void)
{
	collected = json_object_new_array();
	if (!collected) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

void json_collect_error(pid_t pid)
{
	json_object *err = json_error_new(), *obj = json_object_new_object();

	if (!err || !obj) {
		json_object_put(err);
		json_object_put(obj);
		return;
	}
	json_add_u64(obj, "pid", pid);
	json_object_object_foreach(err, key, val)
		json_object_object_add(obj, key, json_object_get(val));
	json_object_put(err);
	json_print_put(obj);
}

int json_collect_end(bool print)
{
	json_object *arr = collected;

	collected = NULL;
	if (!print) {
		json_object_put(arr);
		json_printed = false;
		return EXIT_OK;
	}
	return json_print_doc(arr);
}

void json_print_error(void)
{
	json_object *obj;

	if (!json_output || json_printed)
		return;
	obj = json_error_new();
	if (obj)
		json_print_doc(obj);
}
