// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: what a kernel address is (VMAINSPECT_IOC_KADDR).
 *
 * Region arithmetic first (direct map -> PFN, vmemmap -> the PFN whose
 * struct page it is, fixmap -> slot), then the kernel page table entry
 * as the architecture reads it (klayout_arch.h; x86: lookup_address() in
 * kaddr_x86.c), and the symbol as %pS prints it through the exported
 * sprint_symbol().  Nothing is dereferenced but the page-table entry: no
 * struct page, no vm_struct (find_vm_area() is not exported, so a
 * vmalloc area's caller and size stay in /proc/vmallocinfo).
 */
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "vmainspect.h"
#include "compat.h"
#include "klayout_arch.h"

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
		a->index = vmi_arch_fixmap_index(addr);
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

	vmi_arch_kaddr_mapping(a);
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
