// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-check-json: the contract every `vmainspect --json` document keeps
 * (README, "JSON"), on the documents a run of the suite saved:
 *
 *   vmi-check-json FILE...
 *
 * Each FILE holds the output of one `vmainspect --json ...` (a document
 * or an error object).  One check per FILE:
 *  - json-c parses it in strict mode with UTF-8 validation, and nothing
 *    but blanks follows the document;
 *  - it is one line (compact is the default);
 *  - no JSON integer lies outside +-(2^53 - 1), the range every consumer
 *    (JavaScript, jq 1.6, doubles) reads exactly;
 *  - every key the rule makes hexadecimal (addresses, raw entries, flags
 *    words, generations, pointers, range sizes) is a "0x..." lower-case
 *    string without leading zeros, or null, or (anon_vma of maps) a bool;
 *  - a member KEY_hex is an even-length lower-case hex string next to a
 *    string KEY;
 *  - an object with "error" has only "error" (a string), "errno" (an
 *    integer or null) and, for a message that is not UTF-8, "error_hex"
 *    (and "pid" as an element of the array of several processes);
 *  - one vocabulary: none of the retired keys (contains, address,
 *    vma_flags, runs_shown, a bool anon_vma), "runs" is always a list, a
 *    page-table level is always named pgd...pte (values of "level", keys
 *    of "tables" and "ptrs_per"), and a page_size is never 0 (null when
 *    nothing is mapped).
 * When FILE.pretty exists (the same command with --pretty), it is more
 * than one line and parses to a value equal to FILE's.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "vmi-json-rule.h"
#include "vmi-test.h"

#define MAX_SAFE	((1LL << 53) - 1)

/* canonical "0x..." form of the number rule */
static int canonical_hex(const char *s)
{
	uint64_t v;

	return !vmi_parse_hex(s, &v);
}

struct walk {
	char why[512];
	int bad;
};

static void bad(struct walk *w, const char *path, const char *what)
{
	if (!w->bad++)
		snprintf(w->why, sizeof(w->why), "%s: %s", path, what);
}

static void walk(json_object *o, const char *key, const char *path, struct walk *w);

/* Keys that named a concept another key names elsewhere (issue 13). */
static const char *const retired_keys[] = {
	"contains", "address", "vma_flags", "runs_shown", NULL
};

static int is_level_name(const char *s)
{
	return !strcmp(s, "pgd") || !strcmp(s, "p4d") || !strcmp(s, "pud") ||
	       !strcmp(s, "pmd") || !strcmp(s, "pte");
}

static void check_vocabulary(json_object *obj, const char *key, json_object *v,
			     const char *path, struct walk *w)
{
	int i;

	for (i = 0; retired_keys[i]; i++)
		if (!strcmp(key, retired_keys[i]))
			bad(w, path, "a retired key: one name per concept");
	if (!strcmp(key, "runs") && !json_object_is_type(v, json_type_array))
		bad(w, path, "runs that is not the list of runs");
	if (!strcmp(key, "level") && json_object_is_type(v, json_type_string) &&
	    !is_level_name(json_object_get_string(v)))
		bad(w, path, "a level not named pgd, p4d, pud, pmd or pte");
	if ((!strcmp(key, "tables") || !strcmp(key, "ptrs_per")) &&
	    json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, lv) {
			(void)lv;
			if (!is_level_name(k))
				bad(w, path, "a level key not named pgd, p4d, pud, pmd or pte");
		}
	}
	if (!strcmp(key, "page_size") && json_object_is_type(v, json_type_int) &&
	    !json_object_get_int64(v))
		bad(w, path, "page_size 0: nothing mapped is null");
	(void)obj;
}

static void walk_member(json_object *obj, const char *key, json_object *v, const char *path,
			struct walk *w)
{
	char sub[256];
	size_t kl = strlen(key);

	snprintf(sub, sizeof(sub), "%s.%s", path, key);
	check_vocabulary(obj, key, v, sub, w);
	if (kl > 4 && !strcmp(key + kl - 4, "_hex")) {
		char base[64];
		json_object *b;
		const char *s = json_object_get_string(v);

		snprintf(base, sizeof(base), "%.*s", (int)(kl - 4), key);
		if (!json_object_is_type(v, json_type_string) || strlen(s) % 2 ||
		    strspn(s, "0123456789abcdef") != strlen(s))
			bad(w, sub, "not an even-length lower-case hex string");
		else if (!json_object_object_get_ex(obj, base, &b) ||
			 !json_object_is_type(b, json_type_string))
			bad(w, sub, "without a string member of the name it encodes");
		return;
	}
	walk(v, key, sub, w);
}

static void walk(json_object *o, const char *key, const char *path, struct walk *w)
{
	char sub[256];
	size_t i, n;

	switch (json_object_get_type(o)) {
	case json_type_int:
		if (key && vmi_is_hex_key(key))
			bad(w, path, "an integer where the rule wants a \"0x...\" string");
		else if (json_object_get_int64(o) < -MAX_SAFE ||
			 json_object_get_uint64(o) > (uint64_t)MAX_SAFE)
			bad(w, path, "an integer beyond 2^53 - 1");
		break;
	case json_type_string:
		if (key && vmi_is_hex_key(key) && !canonical_hex(json_object_get_string(o)))
			bad(w, path, "not a canonical \"0x...\" lower-case hex string");
		break;
	case json_type_boolean:
		if (key && vmi_is_hex_key(key))
			bad(w, path, "a bool where the rule wants a \"0x...\" string");
		break;
	case json_type_double:
		bad(w, path, "a fraction: the tool prints none");
		break;
	case json_type_object: {
		json_object_object_foreach(o, k, v)
			walk_member(o, k, v, path, w);
		break;
	}
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			/* an array's items keep its key: "flags": [...] */
			walk(json_object_array_get_idx(o, i), NULL, sub, w);
		}
		break;
	default:
		break;
	}
}

/* Parse all of text strictly, with UTF-8 validation; NULL + why. */
static json_object *parse_strict(const char *text, size_t len, char *why, size_t whysz)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *j;
	size_t end;

	if (!tok) {
		snprintf(why, whysz, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	j = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!j || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(why, whysz, "json-c strict+UTF-8: %s at byte %zu",
			 json_tokener_error_desc(json_tokener_get_error(tok)), end);
		json_object_put(j);
		j = NULL;
	} else if (strspn(text + end, " \n") != len - end) {
		snprintf(why, whysz, "more after the document (byte %zu)", end);
		json_object_put(j);
		j = NULL;
	}
	json_tokener_free(tok);
	return j;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* in_array: an element of the array of several processes, with "pid" */
static void check_error_object(json_object *j, struct walk *w, bool in_array)
{
	json_object *e;

	if (!json_object_object_get_ex(j, "error", &e))
		return;
	if (!json_object_is_type(e, json_type_string) || !json_object_get_string(e)[0])
		bad(w, "error", "not a message");
	if (!json_object_object_get_ex(j, "errno", &e) ||
	    (e && !json_object_is_type(e, json_type_int)))
		bad(w, "errno", "missing, or neither an integer nor null");
	/* error_hex: the bytes of a message naming a file of any bytes */
	if (in_array && (!json_object_object_get_ex(j, "pid", &e) ||
			 !json_object_is_type(e, json_type_int)))
		bad(w, "pid", "the error of one of several processes without its pid");
	if (json_object_object_length(j) != 2 + in_array +
	    json_object_object_get_ex(j, "error_hex", NULL))
		bad(w, "", "an error object with members other than error and errno");
}

static void check_file(const char *file)
{
	const char *name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char why[300], ppath[4096];
	json_object *j, *pj = NULL;
	struct walk w = { .bad = 0 };
	size_t len, plen;
	char *text = slurp_file(file, &len), *ptext;

	if (!text || !len) {
		fail_reason(name, "empty or unreadable output");
		free(text);
		return;
	}
	j = parse_strict(text, len, why, sizeof(why));
	if (!j) {
		fail_reason(name, "%s", why);
		free(text);
		return;
	}
	if (count_lines(text, len) != 1 || text[len - 1] != '\n')
		bad(&w, "", "--json is not one line");
	walk(j, NULL, "$", &w);
	check_error_object(j, &w, false);
	if (json_object_is_type(j, json_type_array)) {
		size_t i;

		for (i = 0; i < json_object_array_length(j); i++)
			check_error_object(json_object_array_get_idx(j, i), &w, true);
	}
	snprintf(ppath, sizeof(ppath), "%s.pretty", file);
	ptext = access(ppath, F_OK) ? NULL : slurp_file(ppath, &plen);
	if (ptext) {
		pj = parse_strict(ptext, plen, why, sizeof(why));
		if (!pj)
			bad(&w, "--pretty", why);
		else if (count_lines(ptext, plen) < 2)
			bad(&w, "--pretty", "one line: not indented");
		else if (!json_object_equal(j, pj))
			bad(&w, "--pretty", "a value other than --json's");
	}
	if (w.bad)
		fail_reason(name, "%s%s", w.why, w.bad > 1 ? " (and more)" : "");
	else
		pass("%s: strict UTF-8 JSON on one line, integers within 2^53, hex rule kept%s",
		     name, ptext ? ", --pretty equal and indented" : "");
	json_object_put(j);
	json_object_put(pj);
	free(text);
	free(ptext);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: vmi-check-json FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (l > 7 && !strcmp(argv[i] + l - 7, ".pretty"))
			continue;	/* the partner of another FILE */
		check_file(argv[i]);
	}
	return summary();
}
