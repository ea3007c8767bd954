/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmainspect: names of the page-table ABI values (VMAINSPECT_IOC_PT_PATH,
 * VMAINSPECT_IOC_PT_RUNS), shared by the module's debugfs views and the
 * tool so the two never disagree.
 *
 * vmainspect_pte_bit_names[] and vmainspect_marker_names[] give, for each
 * VMAINSPECT_PTE_* and VMAINSPECT_MARKER_* bit, its name, in bit order,
 * ending with a { 0, NULL } entry.  The kind and level tables are indexed by
 * enum vmainspect_pt_kind and enum vmainspect_pt_level.
 */
#ifndef _UAPI_LINUX_VMAINSPECT_PT_NAMES_H
#define _UAPI_LINUX_VMAINSPECT_PT_NAMES_H

#include "vmainspect.h"

struct vmainspect_bit_name {
	__u64 bit;
	const char *name;
};

static const struct vmainspect_bit_name vmainspect_pte_bit_names[] = {
	{ VMAINSPECT_PTE_PRESENT,	"present" },
	{ VMAINSPECT_PTE_RW,		"rw" },
	{ VMAINSPECT_PTE_USER,		"user" },
	{ VMAINSPECT_PTE_PWT,		"pwt" },
	{ VMAINSPECT_PTE_PCD,		"pcd" },
	{ VMAINSPECT_PTE_ACCESSED,	"accessed" },
	{ VMAINSPECT_PTE_DIRTY,		"dirty" },
	{ VMAINSPECT_PTE_HUGE,		"huge" },
	{ VMAINSPECT_PTE_GLOBAL,	"global" },
	{ VMAINSPECT_PTE_PAT,		"pat" },
	{ VMAINSPECT_PTE_NX,		"nx" },
	{ VMAINSPECT_PTE_SOFT_DIRTY,	"soft-dirty" },
	{ VMAINSPECT_PTE_UFFD_WP,	"uffd-wp" },
	{ VMAINSPECT_PTE_SPECIAL,	"special" },
	{ VMAINSPECT_PTE_DEVMAP,	"devmap" },
	{ VMAINSPECT_PTE_PROTNONE,	"protnone" },
	{ VMAINSPECT_PTE_SWP_EXCLUSIVE,	"swp-exclusive" },
	{ VMAINSPECT_PTE_FILE,		"file" },
	{ VMAINSPECT_PTE_EXCLUSIVE,	"exclusive" },
	{ VMAINSPECT_PTE_SAVED_DIRTY,	"saved-dirty" },
	{ VMAINSPECT_PTE_UFFD_RWP,	"uffd-rwp" },
	{ VMAINSPECT_PTE_ZERO_PAGE,	"zero-page" },
	{ 0, NULL }	/* end */
};

static const struct vmainspect_bit_name vmainspect_marker_names[] = {
	{ VMAINSPECT_MARKER_UFFD_WP,	"uffd-wp" },
	{ VMAINSPECT_MARKER_POISONED,	"poisoned" },
	{ VMAINSPECT_MARKER_GUARD,	"guard" },
	{ 0, NULL }	/* end */
};

static const char * const vmainspect_pt_kind_names[VMAINSPECT_PT_KIND_MAX] = {
	[VMAINSPECT_PT_NONE]		= "none",
	[VMAINSPECT_PT_TABLE]		= "table",
	[VMAINSPECT_PT_PAGE]		= "page",
	[VMAINSPECT_PT_SWAP]		= "swap",
	[VMAINSPECT_PT_MIGRATION]	= "migration",
	[VMAINSPECT_PT_DEVICE_PRIVATE]	= "device-private",
	[VMAINSPECT_PT_DEVICE_EXCLUSIVE] = "device-exclusive",
	[VMAINSPECT_PT_HWPOISON]	= "hwpoison",
	[VMAINSPECT_PT_MARKER]		= "marker",
	[VMAINSPECT_PT_BAD]		= "bad",
	[VMAINSPECT_PT_FOLDED]		= "folded",
};

static const char * const vmainspect_pt_level_names[VMAINSPECT_LVL_NR] = {
	[VMAINSPECT_LVL_PGD]	= "PGD",
	[VMAINSPECT_LVL_P4D]	= "P4D",
	[VMAINSPECT_LVL_PUD]	= "PUD",
	[VMAINSPECT_LVL_PMD]	= "PMD",
	[VMAINSPECT_LVL_PTE]	= "PTE",
};

#endif /* _UAPI_LINUX_VMAINSPECT_PT_NAMES_H */
