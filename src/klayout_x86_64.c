// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the kernel-space regions of x86_64 (klayout_arch.h).
 *
 * Everything comes from exported variables (page_offset_base,
 * vmalloc_base, vmemmap_base, high_memory, efi) and the architecture's
 * own constants, as the kernel's ptdump uses them
 * (arch/x86/mm/dump_pagetables.c).  What no exported symbol gives, the
 * location of the kernel image (_text is not exported), is read from the
 * kernel page table: the image is the only thing mapped in the kernel
 * text mapping (cleanup_highmap() clears every PMD outside
 * _text.._brk_end), so its extent is the first to the last mapped PMD.
 */
#include <linux/efi.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <asm/fixmap.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#ifdef CONFIG_KASAN
#include <asm/kasan.h>
#endif
#include "vmainspect.h"
#include "compat.h"
#include "klayout_arch.h"

/* The kernel image as mapped, found once at load: it never moves. */
static u64 vmi_image_start, vmi_image_end;

/*
 * The kernel image, 2 MiB granular: lookup_address() finds no entry for
 * a cleared PMD.  The text mapping's tables are static (level2_kernel_pgt)
 * and never freed; only the entries are read.
 */
void vmi_arch_klayout_init(void)
{
	unsigned long a, last = __START_KERNEL_map + KERNEL_IMAGE_SIZE;
	unsigned int level;

	for (a = __START_KERNEL_map; a < last; a += PMD_SIZE) {
		if (!lookup_address(a, &level))
			continue;
		if (!vmi_image_start)
			vmi_image_start = a;
		vmi_image_end = a + PMD_SIZE;
	}
}

unsigned int vmi_arch_pgtable_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

/* x86_64 sets high_memory to __va(max_pfn << PAGE_SHIFT). */
u64 vmi_arch_max_dump_pfn(void)
{
	return vmi_high_memory_dump_pfn();
}

void vmi_arch_klayout_live(struct vmi_klayout *kl)
{
	struct vmi_kl_x86_64 p = {};
	unsigned int levels = vmi_arch_pgtable_levels();
	/* LDT_BASE_ADDR uses PGDIR_SHIFT, a variable 5.10 does not export */
	unsigned int pgdir_shift = levels == 5 ? 48 : 39;

	p.levels = levels;
	p.struct_page_size = sizeof(struct page);
	p.task_size_max = TASK_SIZE_MAX;
	p.ldt_start = LDT_PGD_ENTRY << pgdir_shift;
	p.ldt_end = p.ldt_start + (1ULL << pgdir_shift);
	p.page_offset = page_offset_base;
	p.direct_map_max = 1ULL << MAX_PHYSMEM_BITS;
	p.vmalloc_start = VMALLOC_START;
	p.vmalloc_end = (u64)VMALLOC_END + 1;
	p.vmemmap_start = (unsigned long)vmemmap_base;
#ifdef CONFIG_KASAN
	p.kasan_start = KASAN_SHADOW_START;
	p.kasan_end = KASAN_SHADOW_END;
#endif
	/* the whole reserved P4D entry, as mm.rst and ptdump show it */
	p.cpu_entry_start = CPU_ENTRY_AREA_BASE;
	p.cpu_entry_size = 1ULL << P4D_SHIFT;
	p.espfix_start = ESPFIX_BASE_ADDR;
	p.espfix_size = 1ULL << P4D_SHIFT;
	p.efi_start = EFI_VA_END;
	p.efi_end = EFI_VA_START;
	p.efi_runtime = efi_enabled(EFI_RUNTIME_SERVICES);
	p.text_map_start = __START_KERNEL_map;
	p.text_map_size = KERNEL_IMAGE_SIZE;
	p.modules_start = MODULES_VADDR;
	p.modules_end = MODULES_END;
	p.fixmap_start = FIXADDR_START;
#ifdef CONFIG_X86_VSYSCALL_EMULATION
	/*
	 * the vsyscall page is fixmap slot VSYSCALL_PAGE (511), the highest
	 * in use: the fixmap proper ends below it
	 */
	p.vsyscall = VSYSCALL_ADDR;
	p.fixmap_end = VSYSCALL_ADDR;
#else
	p.fixmap_end = FIXADDR_TOP + PAGE_SIZE;
#endif
	/* x86_64 sets high_memory to __va(max_pfn << PAGE_SHIFT) */
	p.ram_end = __pa(high_memory - 1) + 1;
	p.image_start = vmi_image_start;
	p.image_end = vmi_image_end;
	p.default_page_offset = levels == 5 ? __PAGE_OFFSET_BASE_L5 :
					      __PAGE_OFFSET_BASE_L4;
	p.default_vmalloc = levels == 5 ? __VMALLOC_BASE_L5 :
					  __VMALLOC_BASE_L4;
	p.default_vmemmap = levels == 5 ? __VMEMMAP_BASE_L5 :
					  __VMEMMAP_BASE_L4;
	p.default_image = __START_KERNEL;
	p.direct_map_size = vmi_direct_map_size();
	p.trim_direct_map = vmi_kaslr_trims_direct_map();
#ifdef CONFIG_RANDOMIZE_MEMORY
	p.padding_tb = CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING;
#endif
	vmi_klayout_build_x86_64(&p, kl);
	kl->hdr.ptrs_per[0] = PTRS_PER_PGD;
	kl->hdr.ptrs_per[1] = levels == 5 ? MAX_PTRS_PER_P4D : 1;
	kl->hdr.ptrs_per[2] = PTRS_PER_PUD;
	kl->hdr.ptrs_per[3] = PTRS_PER_PMD;
	kl->hdr.ptrs_per[4] = PTRS_PER_PTE;
}
