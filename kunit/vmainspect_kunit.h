/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmainspect KUnit suites: helpers shared by the test files.
 *
 * The suites are built into a UML kernel together with the module's code
 * (kunit/Makefile.tree), so they can build a user address space of their
 * own with mm_alloc(), which is not exported to modules.
 */
#ifndef VMAINSPECT_KUNIT_H
#define VMAINSPECT_KUNIT_H

#include <kunit/test.h>
#include <linux/mm_types.h>
#include <linux/types.h>
#include "vmainspect.h"

/*
 * The test address space (mm_fixture.c).  Regions are placed with
 * MAP_FIXED at page offsets from a base address; neighbours differ in
 * protection or backing so that they never merge.
 */
enum vmi_fx_region {
	VMI_FX_A0,	/* anon, r--p */
	VMI_FX_A1,	/* anon, rw-p, one page faulted in */
	VMI_FX_A2,	/* anon, r--p, named "[anon:...]" if ANON_VMA_NAME */
	VMI_FX_A3,	/* anon, ---p, contains mm->start_stack */
	VMI_FX_A4,	/* anon, rw-p, is [start_brk, brk) */
	VMI_FX_S0,	/* shmem file a, shared, r--s, pgoff 0 */
	VMI_FX_S1,	/* shmem file a, shared, rw-s, pgoff 1 */
	VMI_FX_S2,	/* shmem file a, private, r--p, pgoff 2 */
	VMI_FX_T0,	/* shmem file b, shared, r--s, pgoff 0 */
	VMI_FX_Z0,	/* MAP_SHARED|MAP_ANONYMOUS (shmem), rw-s */
	VMI_FX_X0,	/* special mapping (vm_ops->name) */
	VMI_FX_NR
};

/* What find_vma() says about one VMA: the oracle of the walk tests. */
struct vmi_fx_vma {
	unsigned long start;
	unsigned long end;
	unsigned long vm_flags;
	unsigned long pgoff;
	u64 page_prot;
	unsigned long ino;
	dev_t dev;
	bool has_file;
	bool shmem;
	bool anonymous;
	bool anon_vma;
};

/* What the fixture wrote at the start of A1 (its only resident page). */
#define VMI_FX_MAGIC		0x766d692d6b756e74ULL

/* At most this many VMAs in the test mm (the plan has VMI_FX_NR). */
#define VMI_FX_MAX_VMAS		64

struct vmi_fx {
	struct mm_struct *mm;		/* mm_alloc()'ed, one user reference */
	struct file *shm[2];		/* shmem_file_setup() files a and b */
	unsigned long base;
	unsigned long start[VMI_FX_NR];
	unsigned long end[VMI_FX_NR];
	const char *perms[VMI_FX_NR];	/* expected maps permission column */
	u32 kind[VMI_FX_NR];		/* expected enum vmainspect_vma_kind */
	const char *name[VMI_FX_NR];	/* expected name, NULL for none */
	bool anon_named;		/* A2 carries an anon name */
	bool shm_named;			/* Z0 carries an anon_shmem name */
	void *priv;			/* the suite's own state */
};

int vmi_fx_init(struct kunit *test);
void vmi_fx_exit(struct kunit *test);
int vmi_fx_oracle(struct kunit *test, struct mm_struct *mm,
		  struct vmi_fx_vma *out, int max);
int vmi_fx_index(const struct vmi_fx *fx, u64 start);
int vmi_fx_set_anon_name(struct vmi_fx *fx, int r, const char *name);
void vmi_fx_enter(struct mm_struct *mm);
void vmi_fx_leave(struct mm_struct *mm);

/*
 * User memory in the current kthread's own mm (kunit_vm_mmap() where KUnit
 * has it, else the same steps done here).  Returns 0 on failure.
 */
unsigned long vmi_test_user_map(struct kunit *test, unsigned long len);

#endif /* VMAINSPECT_KUNIT_H */
