/* SPDX-License-Identifier: GPL-2.0 */
/* json-c helpers for the --json output. */
#ifndef VMAINSPECT_JSON_OUT_H
#define VMAINSPECT_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json.h>

#include "client.h"

/* {"start":..., "end":..., ...}: one VMA as in the team's JSON schema. */
json_object *json_vma_new(const struct vmi_vma *vma);

/*
 * The number rule of the JSON output (README, "JSON"): a value that can
 * exceed 2^53 - 1 (an address, a raw entry, a flags word, a generation, a
 * kernel pointer, the size of an address range, an inode number) is a
 * "0x..." lower-case hex string, json_add_hex(); a count of pages or
 * bytes of memory, a PFN, a level or an index stays an integer,
 * json_add_u64(), since JavaScript, jq 1.6 and many libraries read a JSON
 * integer as a double and lose the low bits of a larger one.
 */
#define JSON_MAX_SAFE_INT	((1ULL << 53) - 1)

/* An integer member; val must be a count that cannot pass 2^53 - 1. */
void json_add_u64(json_object *obj, const char *key, __u64 val);
/* A "0x..." string member: all 64 bits, exact in every consumer. */
void json_add_hex(json_object *obj, const char *key, __u64 val);
void json_add_bool(json_object *obj, const char *key, bool val);
/* An integer member when valid, else null. */
void json_add_u64_or_null(json_object *obj, const char *key, bool valid,
			  __u64 val);
/* A "0x..." string member when valid, else null. */
void json_add_hex_or_null(json_object *obj, const char *key, bool valid,
			  __u64 val);

/* "pgd", "p4d", "pud", "pmd", "pte": a level's JSON name, the keys of
 * kernel's ptrs_per (the text says "PGD"...). */
json_object *json_pt_level_new(__u32 level);
const char *json_pt_level_name(__u32 level);

/* ["present", "rw", ...]: the names of VMAINSPECT_PTE_* bits. */
json_object *json_pte_bits_new(__u64 bits);
/* ["guard", ...]: the names of VMAINSPECT_MARKER_* bits. */
json_object *json_marker_bits_new(__u64 bits);

/* Is [str, str + len) valid UTF-8 (RFC 3629: no overlong form, no
 * surrogate, nothing above U+10FFFF)? */
bool utf8_valid(const char *str, size_t len);

/*
 * Add a name of raw bytes (a path, a comm, a symbol) as key, losslessly
 * and as valid UTF-8 (README, "JSON"): bytes that are valid UTF-8 are the
 * string itself; otherwise key is the string with each byte that does not
 * start a valid UTF-8 sequence replaced by U+FFFD, and key + "_hex" holds
 * the exact bytes in lower-case hex.  A NULL str adds key as null.
 */
void json_add_name(json_object *obj, const char *key, const char *str,
		   size_t len);

/*
 * Print obj on stdout (one line, or indented with --pretty), drop the
 * reference, and return an exit status (EXIT_ERROR when obj is NULL, i.e.
 * an allocation failed).
 */
int json_print_put(json_object *obj);

/*
 * Several processes (multi.c): between json_collect_begin() and
 * json_collect_end(), json_print_put() adds each document to one array
 * instead of printing it, and json_collect_error() adds the error object
 * of a process, {"pid", "error", "errno"}.  json_collect_end(true) prints
 * the array; json_collect_end(false) drops it and lets the error object
 * of json_print_error() stand alone.  They return an exit status.
 */
int json_collect_begin(void);
void json_collect_error(pid_t pid);
int json_collect_end(bool print);

/*
 * Under --json, when the command failed before printing its document:
 * print {"error": the first message, "errno": N or null} on stdout.
 */
void json_print_error(void);

#endif /* VMAINSPECT_JSON_OUT_H */
