// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the kernel-space regions of i386 (klayout_arch.h).
 *
 * No 32-bit VM runs here: scripts/build-i386.sh compiles this against
 * Debian's i386 headers, KUnit checks vmi_klayout_build_i386().  ram_end
 * counts the managed HIGHMEM pages (the highest frame is not exported).
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <asm/fixmap.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include "vmainspect.h"
#include "klayout_arch.h"

/* i386 does not look for its kernel image: nothing to find at load. */
void vmi_arch_klayout_init(void)
{
}

/* 2 levels, or 3 with PAE: fixed when the kernel is built. */
unsigned int vmi_arch_pgtable_levels(void)
{
	return CONFIG_PGTABLE_LEVELS;
}

/* high_memory ends lowmem, not memory: pfn_to_online_page() decides. */
u64 vmi_arch_max_dump_pfn(void)
{
	return U64_MAX;
}

void vmi_arch_klayout_live(struct vmi_klayout *kl)
{
	struct vmi_kl_i386 p = {};

	p.levels = CONFIG_PGTABLE_LEVELS;
	p.struct_page_size = sizeof(struct page);
	p.task_size = TASK_SIZE_MAX;
	p.page_offset = PAGE_OFFSET;
	p.high_memory = (unsigned long)high_memory;
	p.vmalloc_start = VMALLOC_START;
	p.vmalloc_end = VMALLOC_END;
#ifdef CONFIG_HIGHMEM
	p.pkmap_base = PKMAP_BASE;
	p.last_pkmap = LAST_PKMAP;
	p.ram_end = __pa(high_memory - 1) + 1 +
		    ((u64)totalhigh_pages() << PAGE_SHIFT);
#else
	p.ram_end = __pa(high_memory - 1) + 1;
#endif
	p.ldt_start = LDT_BASE_ADDR;
	p.ldt_end = LDT_END_ADDR;
	p.cpu_entry_start = CPU_ENTRY_AREA_BASE;
	p.cpu_entry_size = CPU_ENTRY_AREA_MAP_SIZE;
	p.fixmap_start = FIXADDR_START;
	p.fixmap_end = FIXADDR_TOP + PAGE_SIZE;
	vmi_klayout_build_i386(&p, kl);
	kl->hdr.ptrs_per[0] = PTRS_PER_PGD;
	kl->hdr.ptrs_per[1] = 1;
	kl->hdr.ptrs_per[2] = 1;
	kl->hdr.ptrs_per[3] = PTRS_PER_PMD;
	kl->hdr.ptrs_per[4] = PTRS_PER_PTE;
}
