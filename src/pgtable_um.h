/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmainspect: UML's page-table entries, the KUnit kernel's, for
 * pgtable_arch.h.  Software tables the host never walks: present, RW,
 * user, accessed and dirty, all below PAGE_SHIFT; no NX, caching, global
 * or protection-key bits, and no PUD leaves.
 */
#ifndef VMAINSPECT_PGTABLE_UM_H
#define VMAINSPECT_PGTABLE_UM_H

#include <linux/pgtable.h>
#include <linux/types.h>
#include <uapi/vmainspect.h>

static inline u64 vmi_arch_pte_hw_bits(u64 raw, bool large)
{
	u64 bits = 0;

	if (raw & _PAGE_PRESENT)
		bits |= VMAINSPECT_PTE_PRESENT;
	if (raw & _PAGE_RW)
		bits |= VMAINSPECT_PTE_RW;
	if (raw & _PAGE_USER)
		bits |= VMAINSPECT_PTE_USER;
	if (raw & _PAGE_ACCESSED)
		bits |= VMAINSPECT_PTE_ACCESSED;
	if (raw & _PAGE_DIRTY)
		bits |= VMAINSPECT_PTE_DIRTY;
	return bits;
}

static inline u64 vmi_arch_pte_saved_dirty(u64 raw)
{
	return 0;
}

static inline u32 vmi_arch_pte_pkey(u64 raw)
{
	return 0;
}

/* The flags are all below PAGE_SHIFT. */
#define VMI_ARCH_PTE_PFN_MASK	PAGE_MASK
#define VMI_ARCH_PTE_AD_MASK	((u64)(_PAGE_ACCESSED | _PAGE_DIRTY))

/*
 * The generic answer: none, UML having no NUMA balancing (its PROT_NONE
 * leaves carry _PAGE_PROTNONE, which is not read here).
 */
static inline bool vmi_arch_pte_protnone(pte_t pte)
{
	return pte_protnone(pte);
}

static inline bool vmi_arch_pmd_protnone(pmd_t pmd)
{
	return pmd_protnone(pmd);
}

/* No PUD leaves (and 6.1 has no pud_pfn() for UML). */
static inline unsigned long vmi_arch_pud_pfn(pud_t pud)
{
	return 0;
}

#endif /* VMAINSPECT_PGTABLE_UM_H */
