/* SPDX-License-Identifier: GPL-2.0 */
/* json-c helpers for the --json output. */
#ifndef VMAINSPECT_JSON_OUT_H
#define VMAINSPECT_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include <json.h>

#include "client.h"

/* {"start":..., "end":..., ...}: one VMA as in the team's JSON schema. */
json_object *json_vma_new(const struct vmi_vma *vma);

/* Add an unsigned integer member; addresses and raw flags need all 64 bits. */
void json_add_u64(json_object *obj, const char *key, __u64 val);
void json_add_bool(json_object *obj, const char *key, bool val);
/* An unsigned integer member when valid, else null. */
void json_add_u64_or_null(json_object *obj, const char *key, bool valid,
			  __u64 val);

/* ["present", "rw", ...]: the names of VMAINSPECT_PTE_* bits. */
json_object *json_pte_bits_new(__u64 bits);
/* ["guard", ...]: the names of VMAINSPECT_MARKER_* bits. */
json_object *json_marker_bits_new(__u64 bits);

/*
 * A string from raw bytes, or JSON null when str is NULL.  json-c escapes
 * '"', '\\' and control characters, but copies bytes >= 0x80 as they are,
 * so a name that is not valid UTF-8 gives a document that is not strictly
 * valid JSON; that is accepted, since names are whatever bytes the kernel
 * holds and mangling them would hide the truth.
 */
json_object *json_bytes_new(const char *str, size_t len);

/*
 * Print obj pretty on stdout, drop the reference, and return an exit status
 * (EXIT_ERROR when obj is NULL, i.e. an allocation failed).
 */
int json_print_put(json_object *obj);

#endif /* VMAINSPECT_JSON_OUT_H */
