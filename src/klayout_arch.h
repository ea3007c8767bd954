/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmainspect: what an architecture file provides.
 *
 * As mm/ptdump.c walks and arch/x86/mm/dump_pagetables.c names the
 * regions, the common code here (klayout.c builds the region table,
 * klayout_live.c and kaddr.c answer the ioctls) leaves everything that
 * reads an architecture's own constants and variables to the files of
 * that architecture, which src/Kbuild selects, one set per build (and so
 * do the page-table and memory-map facts the walker and PAGE ask for):
 *
 *   x86_64  klayout_x86_64.c + kaddr_x86.c
 *   i386    klayout_i386.c + kaddr_x86.c
 *   UML     klayout_um.c
 *
 * (UML sets CONFIG_X86_64 or CONFIG_X86_32 after its host, never
 * CONFIG_X86: an architecture file need not test CONFIG_UML.)  Between
 * them they define each function below; none may be left out, an empty
 * body is the way to have nothing to do.  Documentation/arch.md tells how
 * to add an architecture.
 */
#ifndef VMAINSPECT_KLAYOUT_ARCH_H
#define VMAINSPECT_KLAYOUT_ARCH_H

#include <linux/mm.h>
#include <linux/types.h>

struct vmi_klayout;
struct vmainspect_kaddr;

/*
 * Once at load (module init), before any vmi_arch_klayout_live(): find
 * what only a look can tell and never changes (x86_64: the kernel image
 * in the text mapping).
 */
void vmi_arch_klayout_init(void);

/*
 * Fill @kl with the running kernel's regions: the architecture's
 * parameter block (struct vmi_kl_<arch>, vmainspect.h) from its constants
 * and exported variables, handed to vmi_klayout_build_<arch>()
 * (klayout.c), then kl->hdr.ptrs_per[].
 */
void vmi_arch_klayout_live(struct vmi_klayout *kl);

/*
 * The kernel page-table entry that maps a->addr, if the architecture can
 * read one: VMAINSPECT_KA_MAPPED, _WRITE and _EXEC, a->page_size, and the
 * frame (a->pfn, a->phys, VMAINSPECT_KA_PFN) unless the region arithmetic
 * found one already (VMAINSPECT_KA_PFN or VMAINSPECT_KA_STRUCT_PAGE set).
 */
void vmi_arch_kaddr_mapping(struct vmainspect_kaddr *a);

/* The page-table depth the running kernel uses (x86_64 picks 4 or 5 at boot). */
unsigned int vmi_arch_pgtable_levels(void);

/*
 * The first frame /proc/kpageflags does not answer for (fs/proc/page.c's
 * get_max_dump_pfn(), 5.8+: max_pfn rounded up to a whole section, the
 * memmap of early sections being fully present and online), where the
 * architecture can tell it without max_pfn (not exported); U64_MAX where
 * pfn_to_online_page() alone decides.
 */
u64 vmi_arch_max_dump_pfn(void);

/*
 * vmi_arch_max_dump_pfn() where high_memory ends all memory (no highmem):
 * the last frame below it, rounded up to a whole section.
 */
static inline u64 vmi_high_memory_dump_pfn(void)
{
	u64 max = PFN_DOWN(__pa(high_memory - 1)) + 1;

#ifdef CONFIG_SPARSEMEM
	max = round_up(max, PAGES_PER_SECTION);
#endif
	return max;
}

/*
 * The fixmap slot of @addr, an address of the FIXMAP or VSYSCALL region:
 * __virt_to_fix(), slot 0 being the page at FIXADDR_TOP.
 */
u64 vmi_arch_fixmap_index(u64 addr);

#endif /* VMAINSPECT_KLAYOUT_ARCH_H */
