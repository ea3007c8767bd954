/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmainspect: x86's page-table entries, x86_64 and i386 (PAE or not), for
 * pgtable_arch.h: the bits arch/x86/mm/dump_pagetables.c prints.
 */
#ifndef VMAINSPECT_PGTABLE_X86_H
#define VMAINSPECT_PGTABLE_X86_H

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
	if (raw & _PAGE_PWT)
		bits |= VMAINSPECT_PTE_PWT;
	if (raw & _PAGE_PCD)
		bits |= VMAINSPECT_PTE_PCD;
	if (raw & _PAGE_GLOBAL)
		bits |= VMAINSPECT_PTE_GLOBAL;
	if (raw & _PAGE_NX)
		bits |= VMAINSPECT_PTE_NX;
	if (large && (raw & _PAGE_PSE))
		bits |= VMAINSPECT_PTE_HUGE;
	if (raw & (large ? _PAGE_PAT_LARGE : _PAGE_PAT))
		bits |= VMAINSPECT_PTE_PAT;
	return bits;
}

/*
 * x86 6.6+ keeps a write-protected leaf's dirty bit in a software bit,
 * _PAGE_SAVED_DIRTY: Write=0,Dirty=1 would be a shadow-stack page, so
 * pte_wrprotect() (fork's COW, mprotect, clear_refs, uffd-wp) moves Dirty
 * there, and pte_dirty() is Dirty or SavedDirty.  Leaves only: in a PGD
 * entry the same bit is _PAGE_NOPTISHADOW.
 */
static inline u64 vmi_arch_pte_saved_dirty(u64 raw)
{
#ifdef _PAGE_SAVED_DIRTY
	if (raw & _PAGE_SAVED_DIRTY)
		return VMAINSPECT_PTE_SAVED_DIRTY;
#endif
	return 0;
}

static inline u32 vmi_arch_pte_pkey(u64 raw)
{
#ifdef _PAGE_BIT_PKEY_BIT0
	return (raw >> _PAGE_BIT_PKEY_BIT0) & 0xf;
#else
	return 0;
#endif
}

/* Above bit 31 too on PAE; the saved dirty bit where the kernel has it. */
#define VMI_ARCH_PTE_PFN_MASK	PTE_PFN_MASK
#ifdef _PAGE_SAVED_DIRTY
#define VMI_ARCH_PTE_AD_MASK	((u64)(_PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SAVED_DIRTY))
#else
#define VMI_ARCH_PTE_AD_MASK	((u64)(_PAGE_ACCESSED | _PAGE_DIRTY))
#endif

/*
 * x86 marks every PROT_NONE entry with _PAGE_PROTNONE (and inverts its
 * frame) with or without NUMA_BALANCING: ask the bits.
 */
static inline bool vmi_arch_pte_protnone(pte_t pte)
{
	return (pte_flags(pte) & (_PAGE_PROTNONE | _PAGE_PRESENT)) == _PAGE_PROTNONE;
}

static inline bool vmi_arch_pmd_protnone(pmd_t pmd)
{
	return (pmd_flags(pmd) & (_PAGE_PROTNONE | _PAGE_PRESENT)) == _PAGE_PROTNONE;
}

/* 1 GiB leaves on x86_64; i386 folds the PUD and never reads one. */
static inline unsigned long vmi_arch_pud_pfn(pud_t pud)
{
	return pud_pfn(pud);
}

#endif /* VMAINSPECT_PGTABLE_X86_H */
