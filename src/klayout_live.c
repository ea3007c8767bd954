// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the kernel-space regions of the running kernel.
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
#include <asm/pgtable.h>
#include <asm/sections.h>
#if defined(CONFIG_X86) && !defined(CONFIG_UML)
#include <asm/fixmap.h>
#include <asm/page.h>
#endif
#ifdef CONFIG_KASAN
#include <asm/kasan.h>
#endif
#ifdef CONFIG_UML
#include <as-layout.h>
#endif
#include "vmainspect.h"
#include "compat.h"

#if defined(CONFIG_X86_64) && !defined(CONFIG_UML)
/* The kernel image as mapped, found once at load: it never moves. */
static u64 vmi_image_start, vmi_image_end;

/*
 * The kernel image, 2 MiB granular: lookup_address() finds no entry for
 * a cleared PMD.  The text mapping's tables are static (level2_kernel_pgt)
 * and never freed; only the entries are read.
 */
void vmi_klayout_init(void)
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

void vmi_klayout_live(struct vmi_klayout *kl)
{
	struct vmi_kl_x86_64 p = {};
	unsigned int levels = vmi_pgtable_levels();
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

#elif defined(CONFIG_X86_32) && !defined(CONFIG_UML)
/*
 * No 32-bit VM runs here: scripts/build-i386.sh compiles this against
 * Debian's i386 headers, KUnit checks vmi_klayout_build_i386().  ram_end
 * counts the managed HIGHMEM pages (the highest frame is not exported).
 */
void vmi_klayout_live(struct vmi_klayout *kl)
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

#elif defined(CONFIG_UML)
void vmi_klayout_live(struct vmi_klayout *kl)
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

#else
void vmi_klayout_live(struct vmi_klayout *kl)
{
	memset(kl, 0, sizeof(*kl));
	kl->hdr.page_shift = PAGE_SHIFT;
}
#endif

#if !defined(CONFIG_X86_64) || defined(CONFIG_UML)
/* Only x86_64 has to look for its kernel image. */
void vmi_klayout_init(void)
{
}
#endif
