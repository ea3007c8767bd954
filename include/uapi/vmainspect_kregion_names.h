/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmainspect: names and one-line descriptions of the kernel-space regions
 * (enum vmainspect_kregion_id), shared by the module's debugfs view and
 * the tool.  The descriptions follow Documentation/arch/x86/x86_64/mm.rst.
 */
#ifndef _UAPI_LINUX_VMAINSPECT_KREGION_NAMES_H
#define _UAPI_LINUX_VMAINSPECT_KREGION_NAMES_H

#include "vmainspect.h"

struct vmainspect_kregion_name {
	const char *name;	/* short, stable: JSON "name" */
	const char *desc;
};

static const struct vmainspect_kregion_name
vmainspect_kregion_names[VMAINSPECT_KR_MAX] = {
	[VMAINSPECT_KR_NONE] = { "unused",
		"unused hole" },
	[VMAINSPECT_KR_USER] = { "user",
		"user-space virtual memory" },
	[VMAINSPECT_KR_USER_GUARD] = { "user-guard",
		"guard page above the highest user address" },
	[VMAINSPECT_KR_NONCANONICAL] = { "non-canonical",
		"non-canonical hole: no address here is valid" },
	[VMAINSPECT_KR_HYPERVISOR] = { "hypervisor-hole",
		"guard hole, also reserved for a hypervisor" },
	[VMAINSPECT_KR_LDT] = { "ldt-remap",
		"LDT remap for PTI" },
	[VMAINSPECT_KR_DIRECT_MAP] = { "direct-map",
		"direct mapping of all physical memory (page_offset_base)" },
	[VMAINSPECT_KR_VMALLOC] = { "vmalloc",
		"vmalloc/ioremap space (vmalloc_base)" },
	[VMAINSPECT_KR_VMEMMAP] = { "vmemmap",
		"virtual memory map: the struct page array (vmemmap_base)" },
	[VMAINSPECT_KR_KASAN] = { "kasan-shadow",
		"KASAN shadow memory" },
	[VMAINSPECT_KR_CPU_ENTRY] = { "cpu-entry-area",
		"cpu_entry_area mapping: per-CPU GDT, TSS, entry stacks" },
	[VMAINSPECT_KR_ESPFIX] = { "espfix",
		"%esp fixup stacks (16-bit stack segments)" },
	[VMAINSPECT_KR_EFI] = { "efi",
		"EFI region mapping space (runtime services)" },
	[VMAINSPECT_KR_KERNEL_TEXT] = { "kernel-text",
		"kernel text mapping: the kernel image" },
	[VMAINSPECT_KR_MODULES] = { "modules",
		"module mapping space" },
	[VMAINSPECT_KR_FIXMAP] = { "fixmap",
		"kernel-internal fixmap range" },
	[VMAINSPECT_KR_VSYSCALL] = { "vsyscall",
		"legacy vsyscall ABI page" },
	[VMAINSPECT_KR_VMALLOC_OFFSET] = { "vmalloc-offset",
		"guard gap between the direct map and vmalloc (VMALLOC_OFFSET)" },
	[VMAINSPECT_KR_PKMAP] = { "pkmap",
		"persistent kmap area for HIGHMEM pages (PKMAP_BASE)" },
	[VMAINSPECT_KR_IOMEM] = { "iomem",
		"host files mapped as I/O memory (UML iomem=)" },
};

static const char * const vmainspect_arch_names[] = {
	[VMAINSPECT_ARCH_UNKNOWN]	= "unknown",
	[VMAINSPECT_ARCH_X86_64]	= "x86_64",
	[VMAINSPECT_ARCH_I386]		= "i386",
	[VMAINSPECT_ARCH_UM]		= "um",
};

#endif /* _UAPI_LINUX_VMAINSPECT_KREGION_NAMES_H */
