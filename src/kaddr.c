// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: what a kernel address is (VMAINSPECT_IOC_KADDR).
 *
 * Region arithmetic first (direct map -> PFN, vmemmap -> the PFN whose
 * struct page it is, fixmap -> slot), then the kernel page table entry
 * through lookup_address(), the exported x86 helper that set_memory and
 * kernel_page_present() use, and the symbol as %pS prints it through the
 * exported sprint_symbol().  Nothing is dereferenced but the page-table
 * entry: no struct page, no vm_struct (find_vm_area() is not exported,
 * so a vmalloc area's caller and size stay in /proc/vmallocinfo).
 */
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/string.h>
#if defined(CONFIG_X86) && !defined(CONFIG_UML)
#include <asm/fixmap.h>
#include <asm/pgtable.h>
#endif
#include "vmainspect.h"
#include "compat.h"

#if defined(CONFIG_X86) && !defined(CONFIG_UML)
/*
 * The entry mapping @addr.  lookup_address() reads init_mm's tables
 * without the locks the kernel's own walkers (ptdump) take, which are not
 * exported: a PTE table of the vmalloc space can be freed meanwhile (a
 * huge vmap replacing it, pmd_free_pte_page()), and memory hot-remove
 * frees direct-map and vmemmap tables.  The read is then of a freed page,
 * still mapped: one wrong answer, no fault, except with debug_pagealloc,
 * which unmaps freed pages, so no lookup there.  Only a copy of the entry
 * is looked at.
 */
static void vmi_kaddr_mapping(struct vmainspect_kaddr *a)
{
	unsigned long pfn, addr = a->addr;
	unsigned int level;
	pte_t *ptep, pte;

	if (IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		return;
	ptep = lookup_address(addr, &level);
	if (!ptep)
		return;
	pte = READ_ONCE(*ptep);
	if (!pte_present(pte))
		return;
	a->out_flags |= VMAINSPECT_KA_MAPPED;
	if (pte_write(pte))
		a->out_flags |= VMAINSPECT_KA_WRITE;
	if (pte_exec(pte))
		a->out_flags |= VMAINSPECT_KA_EXEC;
	switch (level) {
	case PG_LEVEL_1G:
		a->page_size = PUD_SIZE;
		pfn = pud_pfn(__pud(pte_val(pte)));
		break;
	case PG_LEVEL_2M:
		a->page_size = PMD_SIZE;
		pfn = pmd_pfn(__pmd(pte_val(pte)));
		break;
	default:
		a->page_size = PAGE_SIZE;
		pfn = pte_pfn(pte);
		break;
	}
	pfn += (addr & (a->page_size - 1)) >> PAGE_SHIFT;
	/* a vmemmap address's pfn is the one whose struct page it holds */
	if (!(a->out_flags & (VMAINSPECT_KA_PFN | VMAINSPECT_KA_STRUCT_PAGE))) {
		a->pfn = pfn;
		a->phys = PFN_PHYS(pfn) | (addr & ~PAGE_MASK);
		a->out_flags |= VMAINSPECT_KA_PFN;
	}
}

#else
static void vmi_kaddr_mapping(struct vmainspect_kaddr *a)
{
}
#endif

/*
 * __virt_to_fix(): slot 0 is the page at FIXADDR_TOP, going down.  (UML
 * 7.3 has no fixmap, and so no FIXMAP region to ask about.)
 */
static u64 vmi_fix_index(u64 addr)
{
#if defined(CONFIG_UML) && !defined(FIXADDR_TOP)
	return 0;
#else
	return (FIXADDR_TOP - (addr & PAGE_MASK)) >> PAGE_SHIFT;
#endif
}

/* "name+0x1/0x2 [mod]" -> symbol, and the module's name. */
static void vmi_kaddr_symbol(struct vmainspect_kaddr *a, char *buf)
{
	char *open, *close;
	size_t n;

	sprint_symbol(buf, (unsigned long)a->addr);
	/* no symbol: sprint_symbol() prints the address itself */
	if (!strncmp(buf, "0x", 2))
		return;
	strscpy(a->symbol, buf, sizeof(a->symbol));
	open = strstr(buf, " [");
	if (!open)
		return;
	open += 2;
	close = strpbrk(open, " ]");
	if (!close)
		return;
	n = min_t(size_t, close - open, sizeof(a->module) - 1);
	memcpy(a->module, open, n);
	a->module[n] = '\0';
	a->out_flags |= VMAINSPECT_KA_MODULE;
}

/*
 * Fill the out fields of @a for a->addr.  @symbuf: KSYM_SYMBOL_LEN bytes.
 * Process context (page_is_ram() takes the resource lock).
 */
void vmi_kaddr_fill(const struct vmi_klayout *kl, struct vmainspect_kaddr *a,
		    char *symbuf)
{
	const struct vmainspect_kregion *r = vmi_klayout_find(kl, a->addr);
	u64 addr = a->addr;

	if (!r) {
		a->region_id = VMAINSPECT_KR_NONE;
		return;
	}
	a->region_id = r->id;
	a->region_start = r->start;
	a->region_end = r->end;
	/* user space, holes: nothing of the kernel's is there */
	if (r->id == VMAINSPECT_KR_USER || (r->flags & VMAINSPECT_KRF_HOLE))
		return;

	switch (r->id) {
	case VMAINSPECT_KR_DIRECT_MAP:
		if (addr - r->start < kl->hdr.lowmem_end) {
			a->phys = addr - r->start;
			a->pfn = a->phys >> PAGE_SHIFT;
			a->out_flags |= VMAINSPECT_KA_PFN;
		}
		break;
	case VMAINSPECT_KR_VMEMMAP:
		if (kl->hdr.struct_page_size) {
			a->pfn = div64_u64_rem(addr - r->start,
					       kl->hdr.struct_page_size,
					       &a->offset);
			a->out_flags |= VMAINSPECT_KA_STRUCT_PAGE;
		}
		break;
	case VMAINSPECT_KR_FIXMAP:
	case VMAINSPECT_KR_VSYSCALL:
		a->index = vmi_fix_index(addr);
		a->out_flags |= VMAINSPECT_KA_FIXMAP_INDEX;
		break;
	default:
		break;
	}
	if ((kl->hdr.out_flags & VMAINSPECT_KL_IMAGE_KNOWN) &&
	    addr >= kl->hdr.image_start && addr < kl->hdr.image_end) {
		a->out_flags |= VMAINSPECT_KA_IN_IMAGE;
		a->offset = addr - kl->hdr.image_start;
	}

	vmi_kaddr_mapping(a);
	/*
	 * RAM as /proc/iomem says ("System RAM"): an online memmap alone is
	 * not enough, reserved frames (the VGA hole, ACPI tables) have one.
	 */
	if ((a->out_flags & VMAINSPECT_KA_PFN) && a->pfn <= ULONG_MAX &&
	    page_is_ram(a->pfn))
		a->out_flags |= VMAINSPECT_KA_RAM;
	if ((a->out_flags & VMAINSPECT_KA_IN_IMAGE) ||
	    r->id == VMAINSPECT_KR_MODULES || r->id == VMAINSPECT_KR_KERNEL_TEXT)
		vmi_kaddr_symbol(a, symbuf);
}
