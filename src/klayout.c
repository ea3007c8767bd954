// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the kernel-space region table, one builder per architecture.
 *
 * The builders are plain arithmetic over a parameter block (struct
 * vmi_kl_x86_64, vmi_kl_i386, vmi_kl_um) and are compiled on every
 * architecture, so the KUnit suites in UML check the x86_64 4/5-level and
 * the i386 tables with the values of Documentation/arch/x86/x86_64/mm.rst
 * and of a 3G/1G split.  klayout_live.c fills the block of the running
 * kernel from its exported variables and constants.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/sort.h>
#include <linux/string.h>
#include "vmainspect.h"

#define VMI_TB_SHIFT	40

/* bytes rounded up to whole TB, as kaslr.c sizes its regions */
static u64 vmi_round_tb(u64 bytes)
{
	return ((bytes >> VMI_TB_SHIFT) +
		!!(bytes & ((1ULL << VMI_TB_SHIFT) - 1))) << VMI_TB_SHIFT;
}

static void vmi_kl_add(struct vmi_klayout *kl, u32 id, u64 start, u64 end,
		       u32 flags)
{
	struct vmainspect_kregion *r;

	if (end <= start || kl->nr >= VMAINSPECT_KREGIONS_MAX)
		return;
	r = &kl->regions[kl->nr++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->start = start;
	r->end = end;
	r->size = end - start;
	r->flags = flags;
}

static void vmi_kl_set_used(struct vmi_klayout *kl, u32 id, u64 used)
{
	u32 i;

	for (i = 0; i < kl->nr; i++) {
		if (kl->regions[i].id != id)
			continue;
		kl->regions[i].used = min(used, kl->regions[i].size);
		kl->regions[i].flags |= VMAINSPECT_KRF_USED;
	}
}

static int vmi_kl_cmp(const void *a, const void *b)
{
	const struct vmainspect_kregion *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/*
 * Sort, and where a region's reserved size (a documented maximum) runs
 * into the next region's start, end it there: KASLR packs the randomized
 * regions closer than the documented maxima.
 */
static void vmi_kl_finish(struct vmi_klayout *kl)
{
	u32 i;

	sort(kl->regions, kl->nr, sizeof(kl->regions[0]), vmi_kl_cmp, NULL);
	for (i = 0; i < kl->nr; i++)
		kl->computed_size[i] = kl->regions[i].size;
	for (i = 0; i + 1 < kl->nr; i++) {
		struct vmainspect_kregion *r = &kl->regions[i];

		if (r->end > kl->regions[i + 1].start) {
			r->end = kl->regions[i + 1].start;
			r->size = r->end - r->start;
		}
	}
	kl->hdr.total_regions = kl->nr;
}

static void vmi_kl_reset(struct vmi_klayout *kl, u32 arch)
{
	memset(kl, 0, sizeof(*kl));
	kl->hdr.arch = arch;
	kl->hdr.page_shift = PAGE_SHIFT;
}

/*
 * x86_64 (Documentation/arch/x86/x86_64/mm.rst).  The direct map, vmalloc
 * and vmemmap bases are variables (KASLR moves them, arch/x86/mm/kaslr.c);
 * the rest are constants of the paging mode.
 */
void vmi_klayout_build_x86_64(const struct vmi_kl_x86_64 *p,
			      struct vmi_klayout *kl)
{
	unsigned int va_bits = p->levels == 5 ? 57 : 48;
	u64 half = 1ULL << (va_bits - 1);
	u64 direct, memmap_size;
	bool kaslr_mem;

	vmi_kl_reset(kl, VMAINSPECT_ARCH_X86_64);
	kl->hdr.pgtable_levels = p->levels;
	kl->hdr.va_bits = va_bits;
	kl->hdr.phys_bits = p->levels == 5 ? 52 : 46;
	kl->hdr.struct_page_size = p->struct_page_size;
	kl->hdr.page_offset = p->page_offset;
	kl->hdr.ram_end = p->ram_end;
	kl->hdr.lowmem_end = p->ram_end;

	kaslr_mem = p->page_offset != p->default_page_offset ||
		    p->vmalloc_start != p->default_vmalloc ||
		    p->vmemmap_start != p->default_vmemmap;
	if (kaslr_mem)
		kl->hdr.out_flags |= VMAINSPECT_KL_KASLR_MEMORY;
	/*
	 * kernel_randomize_memory(): with KASLR, the direct map is cut to
	 * RAM plus a padding (unless ZONE_DEVICE may map any physical
	 * address), and the vmemmap is sized for the direct map; the direct
	 * map's size is 1 << MAX_PHYSMEM_BITS then.  Where the kernel tells
	 * the end it chose (physmem_end, 6.1+), that is the size; else
	 * kaslr.c's formula, with the RAM of now (hotplug may have moved it).  Without KASLR, both
	 * keep their documented windows (the 5-level direct map window,
	 * 32 PB, is larger than 1 << MAX_PHYSMEM_BITS).
	 */
	direct = kaslr_mem ? p->direct_map_max :
		 p->levels == 5 ? VMI_DIRECT_WINDOW_L5 : VMI_DIRECT_WINDOW_L4;
	if (kaslr_mem && p->direct_map_size)
		direct = min(direct, p->direct_map_size);
	else if (kaslr_mem && p->trim_direct_map)
		direct = min(direct, vmi_round_tb(p->ram_end) +
				     (p->padding_tb << VMI_TB_SHIFT));
	if (kaslr_mem)
		memmap_size = vmi_round_tb((direct >> PAGE_SHIFT) *
					   p->struct_page_size);
	else
		memmap_size = p->levels == 5 ? VMI_VMEMMAP_WINDOW_L5 :
					       VMI_VMEMMAP_WINDOW_L4;

	if (p->image_end > p->image_start) {
		kl->hdr.out_flags |= VMAINSPECT_KL_IMAGE_KNOWN;
		kl->hdr.image_start = p->image_start;
		kl->hdr.image_end = p->image_end;
		if (p->image_start != p->default_image)
			kl->hdr.out_flags |= VMAINSPECT_KL_KASLR_TEXT;
	}

	vmi_kl_add(kl, VMAINSPECT_KR_USER, 0, p->task_size_max, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_USER_GUARD, p->task_size_max, half,
		   VMAINSPECT_KRF_HOLE);
	vmi_kl_add(kl, VMAINSPECT_KR_NONCANONICAL, half, -half,
		   VMAINSPECT_KRF_HOLE);
	vmi_kl_add(kl, VMAINSPECT_KR_HYPERVISOR, -half, p->ldt_start,
		   VMAINSPECT_KRF_HOLE);
	vmi_kl_add(kl, VMAINSPECT_KR_LDT, p->ldt_start, p->ldt_end, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_DIRECT_MAP, p->page_offset,
		   p->page_offset + direct,
		   kaslr_mem ? VMAINSPECT_KRF_RANDOMIZED : 0);
	vmi_kl_add(kl, VMAINSPECT_KR_VMALLOC, p->vmalloc_start, p->vmalloc_end,
		   kaslr_mem ? VMAINSPECT_KRF_RANDOMIZED : 0);
	vmi_kl_add(kl, VMAINSPECT_KR_VMEMMAP, p->vmemmap_start,
		   p->vmemmap_start + memmap_size,
		   kaslr_mem ? VMAINSPECT_KRF_RANDOMIZED : 0);
	vmi_kl_add(kl, VMAINSPECT_KR_KASAN, p->kasan_start, p->kasan_end, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_CPU_ENTRY, p->cpu_entry_start,
		   p->cpu_entry_start + p->cpu_entry_size, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_ESPFIX, p->espfix_start,
		   p->espfix_start + p->espfix_size, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_EFI, p->efi_start, p->efi_end,
		   p->efi_runtime ? 0 : VMAINSPECT_KRF_UNUSED);
	vmi_kl_add(kl, VMAINSPECT_KR_KERNEL_TEXT, p->text_map_start,
		   p->text_map_start + p->text_map_size,
		   (kl->hdr.out_flags & VMAINSPECT_KL_KASLR_TEXT) ?
		   VMAINSPECT_KRF_RANDOMIZED : 0);
	vmi_kl_add(kl, VMAINSPECT_KR_MODULES, p->modules_start, p->modules_end,
		   0);
	vmi_kl_add(kl, VMAINSPECT_KR_FIXMAP, p->fixmap_start, p->fixmap_end, 0);
	if (p->vsyscall)
		vmi_kl_add(kl, VMAINSPECT_KR_VSYSCALL, p->vsyscall,
			   p->vsyscall + PAGE_SIZE, 0);
	vmi_kl_finish(kl);

	vmi_kl_set_used(kl, VMAINSPECT_KR_DIRECT_MAP, p->ram_end);
	vmi_kl_set_used(kl, VMAINSPECT_KR_VMEMMAP, (p->ram_end >> PAGE_SHIFT) *
						   p->struct_page_size);
	if (kl->hdr.out_flags & VMAINSPECT_KL_IMAGE_KNOWN)
		vmi_kl_set_used(kl, VMAINSPECT_KR_KERNEL_TEXT,
				p->image_end - p->image_start);
}

/*
 * i386 (arch/x86/include/asm/pgtable_32_areas.h): user space below
 * PAGE_OFFSET, the lowmem direct map up to high_memory (896 MiB at most
 * with the 3G/1G split), an 8 MiB VMALLOC_OFFSET hole, vmalloc, then
 * pkmap (HIGHMEM), the LDT remap, cpu_entry_area and the fixmap at the
 * top.  RAM above lowmem is HIGHMEM: not in the direct map.
 */
void vmi_klayout_build_i386(const struct vmi_kl_i386 *p,
			    struct vmi_klayout *kl)
{
	u64 lowmem = p->high_memory - p->page_offset;

	vmi_kl_reset(kl, VMAINSPECT_ARCH_I386);
	kl->hdr.pgtable_levels = p->levels;
	kl->hdr.va_bits = 32;
	kl->hdr.phys_bits = p->levels == 3 ? 36 : 32;
	kl->hdr.struct_page_size = p->struct_page_size;
	kl->hdr.page_offset = p->page_offset;
	kl->hdr.ram_end = p->ram_end;
	kl->hdr.lowmem_end = min(lowmem, p->ram_end);
	if (p->ram_end > lowmem)
		kl->hdr.out_flags |= VMAINSPECT_KL_HIGHMEM;

	vmi_kl_add(kl, VMAINSPECT_KR_USER, 0, p->task_size, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_DIRECT_MAP, p->page_offset,
		   p->high_memory, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_VMALLOC_OFFSET, p->high_memory,
		   p->vmalloc_start, VMAINSPECT_KRF_HOLE);
	vmi_kl_add(kl, VMAINSPECT_KR_VMALLOC, p->vmalloc_start, p->vmalloc_end,
		   0);
	if (p->last_pkmap)
		vmi_kl_add(kl, VMAINSPECT_KR_PKMAP, p->pkmap_base,
			   p->pkmap_base + (u64)p->last_pkmap * PAGE_SIZE, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_LDT, p->ldt_start, p->ldt_end, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_CPU_ENTRY, p->cpu_entry_start,
		   p->cpu_entry_start + p->cpu_entry_size, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_FIXMAP, p->fixmap_start, p->fixmap_end, 0);
	vmi_kl_finish(kl);
	vmi_kl_set_used(kl, VMAINSPECT_KR_DIRECT_MAP, kl->hdr.lowmem_end);
}

/*
 * UML (arch/um/include/asm/pgtable.h, fixmap.h): "physical" memory is a
 * host mapping from uml_physmem (it starts with the kernel binary) to
 * high_physmem, then iomem, vmalloc (modules too) and the fixmap below
 * TASK_SIZE.  User processes live in other host processes at the same
 * addresses, so user space is not a region of this table.
 */
void vmi_klayout_build_um(const struct vmi_kl_um *p, struct vmi_klayout *kl)
{
	vmi_kl_reset(kl, VMAINSPECT_ARCH_UM);
	kl->hdr.pgtable_levels = p->levels;
	kl->hdr.va_bits = p->va_bits;
	kl->hdr.struct_page_size = p->struct_page_size;
	kl->hdr.page_offset = p->physmem_start;
	kl->hdr.ram_end = p->physmem_end - p->physmem_start;
	kl->hdr.lowmem_end = kl->hdr.ram_end;
	if (p->image_end > p->image_start) {
		kl->hdr.out_flags |= VMAINSPECT_KL_IMAGE_KNOWN;
		kl->hdr.image_start = p->image_start;
		kl->hdr.image_end = p->image_end;
	}
	vmi_kl_add(kl, VMAINSPECT_KR_DIRECT_MAP, p->physmem_start,
		   p->physmem_end, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_IOMEM, p->physmem_end, p->iomem_end, 0);
	vmi_kl_add(kl, VMAINSPECT_KR_VMALLOC, p->vmalloc_start, p->vmalloc_end,
		   0);
	vmi_kl_add(kl, VMAINSPECT_KR_FIXMAP, p->fixmap_start, p->fixmap_end, 0);
	vmi_kl_finish(kl);
	vmi_kl_set_used(kl, VMAINSPECT_KR_DIRECT_MAP, kl->hdr.ram_end);
}

/* The region holding @addr, or NULL in a gap. */
const struct vmainspect_kregion *
vmi_klayout_find(const struct vmi_klayout *kl, u64 addr)
{
	u32 i;

	for (i = 0; i < kl->nr; i++) {
		const struct vmainspect_kregion *r = &kl->regions[i];

		if (addr >= r->start && addr < r->end)
			return r;
	}
	return NULL;
}

/*
 * Withhold every address: names, sizes and counts stay.  A randomized
 * region ended at its neighbour's start would tell the distance between
 * two KASLR bases: it keeps the size computed for it.
 */
void vmi_klayout_hide(struct vmi_klayout *kl)
{
	u32 i;

	kl->hdr.out_flags |= VMAINSPECT_KL_HIDDEN;
	kl->hdr.page_offset = 0;
	kl->hdr.image_start = 0;
	kl->hdr.image_end = 0;
	for (i = 0; i < kl->nr; i++) {
		struct vmainspect_kregion *r = &kl->regions[i];

		r->start = 0;
		r->end = 0;
		if (r->flags & VMAINSPECT_KRF_RANDOMIZED)
			r->size = kl->computed_size[i];
		r->used = min(r->used, r->size);
	}
}
