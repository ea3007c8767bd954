// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the kernel-space regions of UML, the KUnit kernel
 * (klayout_arch.h).  UML reads no kernel page-table entry
 * (lookup_address() is x86's): a kernel address is only placed in its
 * region.
 */
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <asm/pgtable.h>
#include <asm/sections.h>
#include <as-layout.h>
#include "vmainspect.h"
#include "klayout_arch.h"

/* The image is known from the linker (built in) or not at all. */
void vmi_arch_klayout_init(void)
{
}

void vmi_arch_klayout_live(struct vmi_klayout *kl)
{
	struct vmi_kl_um p = {};

	p.levels = CONFIG_PGTABLE_LEVELS;
	/* the host's user address space */
	p.va_bits = BITS_PER_LONG == 64 ? 48 : 32;
	p.struct_page_size = sizeof(struct page);
	p.physmem_start = uml_physmem;
	p.physmem_end = high_physmem;
	p.vmalloc_start = VMALLOC_START;
	p.vmalloc_end = VMALLOC_END;
#ifdef FIXADDR_START
	p.iomem_end = end_iomem;
	p.fixmap_start = FIXADDR_START;
	p.fixmap_end = FIXADDR_TOP + PAGE_SIZE;
#else
	/*
	 * UML dropped its iomem region and its fixmap together (7.3 has
	 * neither; vmalloc starts after physmem): both stay empty, and
	 * empty regions are not listed.
	 */
	p.iomem_end = high_physmem;
#endif
#ifndef MODULE
	/* built in (the KUnit kernel): the linker's own symbols */
	p.image_start = (unsigned long)_text;
	p.image_end = (unsigned long)_end;
#endif
	vmi_klayout_build_um(&p, kl);
	kl->hdr.ptrs_per[0] = PTRS_PER_PGD;
	kl->hdr.ptrs_per[1] = 1;
	kl->hdr.ptrs_per[2] = CONFIG_PGTABLE_LEVELS > 3 ? PTRS_PER_PUD : 1;
	kl->hdr.ptrs_per[3] = CONFIG_PGTABLE_LEVELS > 2 ? PTRS_PER_PMD : 1;
	kl->hdr.ptrs_per[4] = PTRS_PER_PTE;
}

unsigned int vmi_arch_pgtable_levels(void)
{
	return CONFIG_PGTABLE_LEVELS;
}

/* As on x86_64: high_memory ends memory, there being no highmem. */
u64 vmi_arch_max_dump_pfn(void)
{
	return vmi_high_memory_dump_pfn();
}

void vmi_arch_kaddr_mapping(struct vmainspect_kaddr *a)
{
}

/* UML 7.3 has no fixmap, and so no FIXMAP region to ask about. */
u64 vmi_arch_fixmap_index(u64 addr)
{
#ifdef FIXADDR_TOP
	return (FIXADDR_TOP - (addr & PAGE_MASK)) >> PAGE_SHIFT;
#else
	return 0;
#endif
}
