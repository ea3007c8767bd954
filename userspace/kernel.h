/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-space regions: the KLAYOUT and KADDR queries (kernel_client.c),
 * their names and the rule that hides kernel addresses, shared by
 * `vmainspect kernel` (kernel_cmd.c) and `vmainspect layout --full`.
 */
#ifndef VMAINSPECT_KERNEL_H
#define VMAINSPECT_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include <json.h>

#include <uapi/vmainspect.h>

#include "client.h"

/* The running kernel's region table, as KLAYOUT returned it. */
struct vmi_klayout {
	struct vmainspect_klayout hdr;
	struct vmainspect_kregion regions[VMAINSPECT_KREGIONS_MAX];
	unsigned int nr;	/* records in regions */
};

/*
 * One KLAYOUT call (no attach needed).  The reply is checked: at most
 * max_regions records, sizes consistent, and unless hidden sorted and
 * non-overlapping.  Reports its errors; 0 or -1.
 */
int vmi_get_klayout(struct vmi_client *c, struct vmi_klayout *k);

/* One KADDR call; reports nothing: -1 with errno set. */
int vmi_get_kaddr(struct vmi_client *c, __u64 addr, struct vmainspect_kaddr *a);

static inline bool klayout_hidden(const struct vmi_klayout *k)
{
	return k->hdr.out_flags & VMAINSPECT_KL_HIDDEN;
}

/* "direct-map", "direct mapping of all physical memory..."; never NULL. */
const char *kregion_name(__u32 id);
const char *kregion_desc(__u32 id);
const char *karch_name(__u32 arch);

/*
 * The exclusive end of the whole address space: 2^va_bits on 32-bit
 * kernels, 2^64 (returned as 0) on 64-bit ones.
 */
__u64 kspace_top(const struct vmi_klayout *k);

/* One past the last byte of r; 0 when r ends at 2^64. */
static inline __u64 kregion_end(const struct vmainspect_kregion *r)
{
	return r->start + r->size;
}

/* User space and the holes around it are not kernel regions. */
bool kregion_is_user_side(__u32 id);

/* The record of a region id, NULL if the table has none. */
const struct vmainspect_kregion *kregion_by_id(const struct vmi_klayout *k,
					       __u32 id);

/*
 * Sizes of the user and the kernel half, when the architecture has such a
 * split (x86_64, i386); false otherwise.
 */
bool klayout_halves(const struct vmi_klayout *k, __u64 *user, __u64 *kernel);

/*
 * Is addr in user space, or the guard just above it?  Works also when the
 * addresses are hidden (user space starts at 0, the sizes are kept).
 */
bool klayout_is_user_addr(const struct vmi_klayout *k, __u64 addr);

/*
 * One line: why kernel addresses are hidden from this caller (the cause
 * this process can see, then the whole rule).
 */
const char *kaddr_hidden_reason(char *buf, size_t len);

/* The KLAYOUT reply as the JSON object of `vmainspect kernel --json`. */
json_object *json_klayout_new(const struct vmi_klayout *k);

/* kernel_sources.c: the kernel's own files on a kernel address. */
struct vm_area_info {
	__u64 start, end, size;
	char info[256];		/* caller and flags, as vmallocinfo prints them */
};

/* The /proc/vmallocinfo area holding addr: 1 found, 0 not (or unreadable). */
int vmalloc_area_of(__u64 addr, struct vm_area_info *vm);
/* The section of module whose start is the highest <= addr: 1 found. */
int module_section_of(const char *module, __u64 addr, char *name, size_t len);

#endif /* VMAINSPECT_KERNEL_H */
