/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmainspect: names of the frame ABI values (VMAINSPECT_IOC_PAGE,
 * VMAINSPECT_IOC_RMAP), shared by the module's debugfs views and the tool.
 *
 * vmainspect_kpf_names[N] names bit N of vmainspect_page.kpageflags: the
 * names of tools/mm/page-types.c for the /proc/kpageflags bits, then ours.
 * Bits without a name are NULL.
 */
#ifndef _UAPI_LINUX_VMAINSPECT_PAGE_NAMES_H
#define _UAPI_LINUX_VMAINSPECT_PAGE_NAMES_H

#include "vmainspect.h"

#define VMAINSPECT_KPF_NR_BITS	64

static const char * const vmainspect_kpf_names[VMAINSPECT_KPF_NR_BITS] = {
	[0]	= "locked",
	[1]	= "error",
	[2]	= "referenced",
	[3]	= "uptodate",
	[4]	= "dirty",
	[5]	= "lru",
	[6]	= "active",
	[7]	= "slab",
	[8]	= "writeback",
	[9]	= "reclaim",
	[10]	= "buddy",
	[11]	= "mmap",
	[12]	= "anonymous",
	[13]	= "swapcache",
	[14]	= "swapbacked",
	[15]	= "compound_head",
	[16]	= "compound_tail",
	[17]	= "huge",
	[18]	= "unevictable",
	[19]	= "hwpoison",
	[20]	= "nopage",
	[21]	= "ksm",
	[22]	= "thp",
	[23]	= "offline",
	[24]	= "zero_page",
	[25]	= "idle",
	[26]	= "pgtable",
	[32]	= "reserved",
	[33]	= "mlocked",
	[34]	= "mappedtodisk",
	[35]	= "private",
	[36]	= "private_2",
	[37]	= "owner_private",
	[38]	= "arch",
	[39]	= "uncached",
	[40]	= "softdirty",
	[41]	= "arch_2",
	[42]	= "arch_3",
	[VMAINSPECT_KPF_WORKINGSET]	= "workingset",
	[VMAINSPECT_KPF_YOUNG]		= "young",
	[VMAINSPECT_KPF_LARGE]		= "large",
};

static const char * const vmainspect_mapping_kind_names[VMAINSPECT_MAP_KIND_MAX] = {
	[VMAINSPECT_MAP_NONE]		= "none",
	[VMAINSPECT_MAP_ANON]		= "anon",
	[VMAINSPECT_MAP_KSM]		= "ksm",
	[VMAINSPECT_MAP_FILE]		= "file",
	[VMAINSPECT_MAP_SHMEM]		= "shmem",
	[VMAINSPECT_MAP_MOVABLE]	= "movable",
};

#endif /* _UAPI_LINUX_VMAINSPECT_PAGE_NAMES_H */
