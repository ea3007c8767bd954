/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmainspect: what an architecture's page-table entry says, for the
 * walker.
 *
 * pgtable.c reads entries with the kernel's generic helpers (pte_none(),
 * pte_present(), pte_pfn(), pmd_leaf(), the swap-entry ones...), which
 * every architecture has.  What they do not say, an entry's hardware bits
 * by name, is read by the architecture's own header, as
 * arch/x86/mm/dump_pagetables.c does for mm/ptdump.c:
 *
 *   x86 (x86_64, i386)  pgtable_x86.h
 *   UML                 pgtable_um.h
 *
 * chosen at the end of this file.  (UML sets CONFIG_X86_64 or
 * CONFIG_X86_32 after its host, never CONFIG_X86: an architecture's
 * header need not test CONFIG_UML.)
 *
 * Headers, not objects chosen by src/Kbuild as for klayout_arch.h: these
 * run for each entry the walker decodes, at every level and in the span
 * scan of each PTE table, and on x86 each is a few bit tests of a value
 * in a register.  As static inline functions and constant macros they
 * compile to the same code as the tests written out in pgtable.c would,
 * which keeps the one choice of what goes out of line
 * (vmi_pt_hw_bits()); in another object each would be a call per entry.
 *
 * An architecture's header defines each function below, static inline
 * and with these types, and the two masks; none may be left out (a
 * missing function is "used but never defined", an error under the
 * module's -Werror and an undefined symbol at modpost; a missing mask,
 * the #error below).  @raw is an entry's value as read, at any level;
 * "leaf" is a present PTE or a PMD or PUD leaf.  A test of a kernel
 * feature (#ifdef _PAGE_SAVED_DIRTY) stays in the header of the
 * architecture it concerns; a kernel-version comparison goes in compat.h.
 * Documentation/arch.md tells how to add an architecture.
 */
#ifndef VMAINSPECT_PGTABLE_ARCH_H
#define VMAINSPECT_PGTABLE_ARCH_H

#include <linux/pgtable.h>
#include <linux/types.h>

/*
 * VMAINSPECT_PTE_* hardware bits of a leaf or of a table entry (present,
 * writable, user, accessed, dirty and whatever else the MMU has);
 * @large: a PMD or PUD entry, where a leaf may keep a bit elsewhere (x86's
 * PAT).
 */
static inline u64 vmi_arch_pte_hw_bits(u64 raw, bool large);

/*
 * VMAINSPECT_PTE_SAVED_DIRTY if a leaf keeps its dirty bit elsewhere
 * while write-protected, else 0.  Leaves only: a table entry's bit of the
 * same number may mean something else.
 */
static inline u64 vmi_arch_pte_saved_dirty(u64 raw);

/* A leaf's protection key, 0 without. */
static inline u32 vmi_arch_pte_pkey(u64 raw);

/*
 * Two constants, as macros (they fold into the expressions that use
 * them), unsigned and no wider than u64: the bits of a present entry that
 * hold its frame, and its accessed and dirty bits wherever the
 * architecture keeps them.  A caller without the frames capability sees
 * neither of raw.
 *
 *   VMI_ARCH_PTE_PFN_MASK
 *   VMI_ARCH_PTE_AD_MASK
 */

/*
 * A PROT_NONE (or NUMA-hinting) leaf: present to the kernel, not to the
 * MMU.  The generic pte_protnone()/pmd_protnone() answer only with
 * NUMA_BALANCING.
 */
static inline bool vmi_arch_pte_protnone(pte_t pte);
static inline bool vmi_arch_pmd_protnone(pmd_t pmd);

/* The first frame of a PUD leaf; 0 where there are none. */
static inline unsigned long vmi_arch_pud_pfn(pud_t pud);

#if defined(CONFIG_X86)
#include "pgtable_x86.h"
#elif defined(CONFIG_UML)
#include "pgtable_um.h"
#else
#error "vmainspect: no page-table entry header for this architecture (Documentation/arch.md)"
#endif

#if !defined(VMI_ARCH_PTE_PFN_MASK) || !defined(VMI_ARCH_PTE_AD_MASK)
#error "vmainspect: the architecture's header defines no VMI_ARCH_PTE_*_MASK"
#endif

#endif /* VMAINSPECT_PGTABLE_ARCH_H */
