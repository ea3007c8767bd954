/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmainspect: rules about the ABI's records that the module, its debugfs
 * views and the tool must apply alike, as static inlines next to the name
 * tables (vmainspect_names.h, vmainspect_pt_names.h), so they cannot
 * drift apart.
 */
#ifndef _UAPI_LINUX_VMAINSPECT_RULES_H
#define _UAPI_LINUX_VMAINSPECT_RULES_H

#include "vmainspect.h"

/* The permission column of /proc/PID/maps ("rw-p"), from uflags. */
static inline void vmainspect_vma_perms(__u64 uflags, char buf[5])
{
	buf[0] = uflags & VMAINSPECT_VM_READ ? 'r' : '-';
	buf[1] = uflags & VMAINSPECT_VM_WRITE ? 'w' : '-';
	buf[2] = uflags & VMAINSPECT_VM_EXEC ? 'x' : '-';
	/* /proc/PID/maps tests VM_MAYSHARE, not VM_SHARED */
	buf[3] = uflags & VMAINSPECT_VM_MAYSHARE ? 's' : 'p';
	buf[4] = '\0';
}

/*
 * The offset column of /proc/PID/maps: the file offset in bytes, 0 for a
 * VMA without a file (show_map_vma() prints vm_pgoff only with one).
 */
static inline __u64
vmainspect_vma_maps_offset(const struct vmainspect_vma *v,
			   unsigned int page_shift)
{
	return v->attrs & VMAINSPECT_ATTR_FILE ? v->pgoff << page_shift : 0;
}

/*
 * Does an entry of @kind name a frame of its own (pfn: the page, or the
 * page a migration, device or hwpoison entry stands for)?  A swap entry
 * names a slot (swap_type, offset) instead, a marker its bits (offset).
 */
static inline int vmainspect_pt_kind_has_frame(__u32 kind)
{
	switch (kind) {
	case VMAINSPECT_PT_PAGE:
	case VMAINSPECT_PT_MIGRATION:
	case VMAINSPECT_PT_DEVICE_PRIVATE:
	case VMAINSPECT_PT_DEVICE_EXCLUSIVE:
	case VMAINSPECT_PT_HWPOISON:
		return 1;
	}
	return 0;
}

/*
 * Does run @next continue run @prev (VMAINSPECT_IOC_PT_RUNS)?  It starts
 * where @prev ends, every field but the position is the same, and its
 * frame or swap slot is the one after @prev's last: the rule the module
 * builds runs by, and the tool joins the runs a call boundary split by.
 * With @frames_hidden (no CAP_SYS_ADMIN) frames and slots are zero and
 * not compared: contiguity would tell what pagemap hides.  @page_shift:
 * the base page's (frames count base pages).
 */
static inline int vmainspect_pt_run_joins(const struct vmainspect_pt_run *prev,
					  const struct vmainspect_pt_run *next,
					  unsigned int page_shift,
					  int frames_hidden)
{
	__u64 pages = (next->start - prev->start) >> page_shift;

	if (prev->end != next->start || prev->kind != next->kind ||
	    prev->level != next->level || prev->bits != next->bits ||
	    prev->page_shift != next->page_shift ||
	    prev->swap_type != next->swap_type ||
	    prev->folio_shift != next->folio_shift)
		return 0;
	if (vmainspect_pt_kind_has_frame(next->kind))
		return frames_hidden || next->pfn == prev->pfn + pages;
	if (next->kind == VMAINSPECT_PT_SWAP)
		return frames_hidden || next->offset == prev->offset + pages;
	if (next->kind == VMAINSPECT_PT_MARKER)
		return next->offset == prev->offset;
	return 1;
}

/*
 * The one size format of the tool's text and the module's debugfs text:
 * IEC binary units with a space, the largest unit the size reaches; the
 * whole number where the unit divides the size ("4 KiB", "128 TiB"),
 * else "~" and the tenths, cut, not rounded ("~127.9 TiB").  Printed as
 * VMAINSPECT_SIZE_FMT(exact) with (whole, tenths, unit name) or, exact,
 * (whole, unit name).
 */
static const char * const vmainspect_size_units[] = {
	"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
};

struct vmainspect_size_parts {
	__u64 whole;
	unsigned int tenths;
	const char *unit;
	int exact;
};

static inline void vmainspect_size_split(__u64 bytes,
					 struct vmainspect_size_parts *p)
{
	unsigned int u = 0;
	__u64 rem;

	while (u + 1 < sizeof(vmainspect_size_units) /
		       sizeof(vmainspect_size_units[0]) &&
	       bytes >> (10 * (u + 1)))
		u++;
	p->unit = vmainspect_size_units[u];
	p->exact = !u || !(bytes & ((1ULL << (10 * u)) - 1));
	if (p->exact) {
		p->whole = bytes >> (10 * u);
		p->tenths = 0;
		return;
	}
	/*
	 * Tenths of the whole remainder, cut: rem < 2^(10 u) <= 2^60, so
	 * rem * 10 cannot overflow (dropping the bytes below the next
	 * smaller unit first would lose up to a tenth).
	 */
	rem = bytes & ((1ULL << (10 * u)) - 1);
	p->whole = bytes >> (10 * u);
	p->tenths = (unsigned int)((rem * 10) >> (10 * u));
}

#define VMAINSPECT_SIZE_EXACT_FMT	"%llu %s"
#define VMAINSPECT_SIZE_CUT_FMT		"~%llu.%u %s"

/* one if n is 1, else many: "1 run", "0 runs", "2 runs". */
static inline const char *vmainspect_plural(unsigned long long n,
					    const char *one, const char *many)
{
	return n == 1 ? one : many;
}

#endif /* _UAPI_LINUX_VMAINSPECT_RULES_H */
