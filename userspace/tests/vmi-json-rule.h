/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmi-json-rule.h: the tool's number rule (README, "JSON"), for the test
 * programs that read its JSON (vmi-check-json, vmi-check-maps): the keys
 * whose values can exceed 2^53 - 1 and are therefore "0x..." lower-case
 * hex strings, and that string form.
 */
#ifndef VMI_JSON_RULE_H
#define VMI_JSON_RULE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The keys the rule makes "0x..." strings (retired names included). */
static const char *const vmi_hex_keys[] = {
	"start", "end", "size", "pgoff", "inode", "addr", "address", "generation",
	"vm_flags", "uflags", "page_prot", "vma_flags", "vma_start", "vma_end",
	"task_size", "mmap_base", "start_code", "end_code", "start_data", "end_data",
	"start_brk", "brk", "start_stack", "arg_start", "arg_end", "env_start",
	"env_end", "raw", "phys_addr", "kpageflags", "raw_flags", "head_raw_flags",
	"anon_vma", "memcg_ino", "user_half", "kernel_half", "page_offset", "ram_end",
	"lowmem_end", "region_start", "region_end", NULL
};

static inline int vmi_is_hex_key(const char *key)
{
	int i;

	for (i = 0; vmi_hex_keys[i]; i++)
		if (!strcmp(vmi_hex_keys[i], key))
			return 1;
	return 0;
}

/*
 * The rule's form: "0x" and 1-16 lower-case hex digits, no leading zero.
 * 0 with the value in *v, or -1.
 */
static inline int vmi_parse_hex(const char *s, uint64_t *v)
{
	size_t n;

	if (strncmp(s, "0x", 2))
		return -1;
	n = strspn(s + 2, "0123456789abcdef");
	if (!n || n > 16 || s[2 + n] || (n > 1 && s[2] == '0'))
		return -1;
	*v = strtoull(s + 2, NULL, 16);
	return 0;
}

#endif /* VMI_JSON_RULE_H */
