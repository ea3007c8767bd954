// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect KUnit: VMA batches and the cursor over an mm the test built
 * (mm_fixture.c).
 *
 * Oracles: the kernel's own find_vma() walk from address 0 for which VMAs
 * exist and their fields, the fixture's plan for names, kinds and
 * permissions, and d_path() of the files the test mapped for file names.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/string.h>
#include <uapi/vmainspect_rules.h>
#include "vmainspect_kunit.h"

struct vmi_vt {
	struct vmi_fx *fx;
	struct vmi_fx_vma orc[VMI_FX_MAX_VMAS];
	int n;				/* VMAs in orc */
	struct vmi_session sess;	/* its generation cache only */
};

static int vmi_vma_init(struct kunit *test)
{
	struct vmi_fx *fx;
	struct vmi_vt *vt;
	int ret;

	ret = vmi_fx_init(test);
	if (ret)
		return ret;
	fx = test->priv;
	vt = kunit_kzalloc(test, sizeof(*vt), GFP_KERNEL);
	if (!vt)
		return -ENOMEM;
	vt->fx = fx;
	vmi_session_init(&vt->sess);
	vt->sess.mm = fx->mm;		/* as attached; never released here */
	vt->n = vmi_fx_oracle(test, fx->mm, vt->orc, VMI_FX_MAX_VMAS);
	if (vt->n < 0)
		return vt->n;
	/* vmi_fx_exit() finds the fixture through test->priv. */
	fx->priv = vt;
	return 0;
}

static struct vmi_vt *vmi_vt(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;

	return fx->priv;
}

/* One batch from @start, under the mmap read lock. */
static int vmi_fill(struct kunit *test, struct mm_struct *mm, u64 start,
		    struct vmi_vma_batch *b)
{
	int ret;

	mmap_read_lock(mm);
	ret = vmi_vma_batch_fill(mm, start, b);
	mmap_read_unlock(mm);
	return ret;
}

static void vmi_batch_new(struct kunit *test, struct vmi_vma_batch *b,
			  u32 max_recs, u32 strings_size)
{
	KUNIT_ASSERT_EQ(test, vmi_vma_batch_alloc(b, max_recs, strings_size), 0);
}

/* Record @rec against the find_vma() oracle entry @o. */
static void vmi_expect_rec(struct kunit *test, const struct vmainspect_vma *rec,
			   const struct vmi_fx_vma *o)
{
	KUNIT_EXPECT_EQ(test, rec->start, (u64)o->start);
	KUNIT_EXPECT_EQ(test, rec->end, (u64)o->end);
	KUNIT_EXPECT_EQ(test, rec->vm_flags, (u64)o->vm_flags);
	KUNIT_EXPECT_EQ(test, rec->pgoff, (u64)o->pgoff);
	KUNIT_EXPECT_EQ(test, rec->page_prot, o->page_prot);
	KUNIT_EXPECT_EQ(test, rec->uflags, vmi_uflags(o->vm_flags));
}

/* Cursor loop with @max_recs records a batch: the whole oracle, in order. */
static void vmi_walk(struct kunit *test, u32 max_recs, u32 strings_size)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_vma_batch b;
	u64 cursor = 0;
	int seen = 0, calls = 0, i;

	vmi_batch_new(test, &b, max_recs, strings_size);
	for (;;) {
		int ret = vmi_fill(test, vt->fx->mm, cursor, &b);

		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "batch %d from 0x%llx", calls,
				    cursor);
		calls++;
		KUNIT_ASSERT_LE(test, b.nr, max_recs);
		KUNIT_ASSERT_LE(test, seen + (int)b.nr, vt->n);
		/* Every batch makes progress until the end. */
		if (!b.done)
			KUNIT_ASSERT_GT(test, b.nr, 0U);
		for (i = 0; i < b.nr; i++)
			vmi_expect_rec(test, &b.recs[i], &vt->orc[seen + i]);
		seen += b.nr;
		if (b.nr)
			KUNIT_EXPECT_EQ(test, b.next_addr,
					(u64)vt->orc[seen - 1].end);
		/* done exactly when nothing is left above the cursor. */
		KUNIT_EXPECT_EQ_MSG(test, b.done, seen == vt->n,
				    "after %d of %d VMAs", seen, vt->n);
		if (b.done)
			break;
		cursor = b.next_addr;
		KUNIT_ASSERT_LE(test, calls, 2 * VMI_FX_MAX_VMAS);
	}
	KUNIT_EXPECT_EQ(test, seen, vt->n);
	vmi_vma_batch_free(&b);
}

/* The test mm is what the plan says (guards every other test). */
static void vmi_vma_fixture(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_fx *fx = vt->fx;
	int i;

	KUNIT_ASSERT_EQ(test, vt->n, VMI_FX_NR);
	for (i = 0; i < VMI_FX_NR; i++) {
		KUNIT_EXPECT_EQ_MSG(test, vt->orc[i].start, fx->start[i],
				    "region %d", i);
		KUNIT_EXPECT_EQ_MSG(test, vt->orc[i].end, fx->end[i],
				    "region %d", i);
	}
	KUNIT_EXPECT_EQ(test, fx->mm->map_count, vt->n);
	KUNIT_EXPECT_TRUE(test, vt->orc[VMI_FX_A1].anon_vma);
	KUNIT_EXPECT_TRUE(test, vt->orc[VMI_FX_S0].shmem);
	KUNIT_EXPECT_TRUE(test, vt->orc[VMI_FX_Z0].shmem);
	if (IS_ENABLED(CONFIG_ANON_VMA_NAME))
		KUNIT_EXPECT_TRUE(test, fx->anon_named);
}

static void vmi_vma_walk_one_by_one(struct kunit *test)
{
	vmi_walk(test, 1, PATH_MAX);
}

/* Every batch size from 1 to one more than there are VMAs. */
static void vmi_vma_walk_batch_sizes(struct kunit *test)
{
	u32 max;

	for (max = 2; max <= VMI_FX_NR + 1; max++)
		vmi_walk(test, max, PATH_MAX);
}

static void vmi_vma_walk_big_batch(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_vma_batch b;
	int i;

	vmi_batch_new(test, &b, VMAINSPECT_LIST_MAX_VMAS, VMAINSPECT_STRINGS_MAX);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, vt->fx->mm, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.nr, (u32)vt->n);
	KUNIT_EXPECT_TRUE(test, b.done);
	KUNIT_EXPECT_EQ(test, b.next_addr, (u64)vt->orc[vt->n - 1].end);
	for (i = 0; i < b.nr && i < vt->n; i++)
		vmi_expect_rec(test, &b.recs[i], &vt->orc[i]);
	vmi_vma_batch_free(&b);
}

/* A batch exactly as large as the rest says done in the same call. */
static void vmi_vma_walk_exact_fit(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_vma_batch b;

	vmi_batch_new(test, &b, vt->n, PATH_MAX);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, vt->fx->mm, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.nr, (u32)vt->n);
	KUNIT_EXPECT_TRUE(test, b.done);
	vmi_vma_batch_free(&b);

	vmi_batch_new(test, &b, vt->n - 1, PATH_MAX);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, vt->fx->mm, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.nr, (u32)vt->n - 1);
	KUNIT_EXPECT_FALSE(test, b.done);
	KUNIT_EXPECT_EQ(test, b.next_addr, (u64)vt->orc[vt->n - 2].end);
	vmi_vma_batch_free(&b);
}

/* The first record is the VMA that ends above the start address. */
static void vmi_vma_start_addresses(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_fx *fx = vt->fx;
	struct vmi_vma_batch b;
	const struct {
		u64 start;
		int first;		/* region index, -1: none */
	} cases[] = {
		{ 0, VMI_FX_A0 },
		{ fx->start[VMI_FX_A0], VMI_FX_A0 },
		{ fx->start[VMI_FX_A1] + PAGE_SIZE, VMI_FX_A1 },
		{ fx->end[VMI_FX_A1] - 1, VMI_FX_A1 },
		{ fx->end[VMI_FX_A1], VMI_FX_A2 },
		{ fx->end[VMI_FX_A3], VMI_FX_A4 },	/* in a gap */
		{ fx->end[VMI_FX_A3] + PAGE_SIZE + 123, VMI_FX_A4 },
		{ fx->start[VMI_FX_S0] + 1, VMI_FX_S0 },
		{ fx->end[VMI_FX_X0] - 1, VMI_FX_X0 },
		{ fx->end[VMI_FX_X0], -1 },
		{ fx->mm->task_size, -1 },
		{ ULONG_MAX, -1 },
		{ U64_MAX, -1 },
	};
	int i;

	KUNIT_ASSERT_EQ(test, vt->n, VMI_FX_NR);
	vmi_batch_new(test, &b, 1, PATH_MAX);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		KUNIT_ASSERT_EQ(test, vmi_fill(test, fx->mm, cases[i].start, &b),
				0);
		if (cases[i].first < 0) {
			KUNIT_EXPECT_EQ_MSG(test, b.nr, 0U, "start 0x%llx",
					    cases[i].start);
			KUNIT_EXPECT_TRUE_MSG(test, b.done, "start 0x%llx",
					      cases[i].start);
			continue;
		}
		KUNIT_ASSERT_EQ_MSG(test, b.nr, 1U, "start 0x%llx",
				    cases[i].start);
		vmi_expect_rec(test, &b.recs[0], &vt->orc[cases[i].first]);
		KUNIT_EXPECT_EQ(test, b.next_addr, (u64)fx->end[cases[i].first]);
		KUNIT_EXPECT_EQ_MSG(test, b.done, cases[i].first == VMI_FX_NR - 1,
				    "start 0x%llx", cases[i].start);
	}
	vmi_vma_batch_free(&b);
}

/* Everything a record says, against find_vma() and the plan. */
static void vmi_vma_records(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_fx *fx = vt->fx;
	struct vmi_vma_batch b;
	int i;

	KUNIT_ASSERT_EQ(test, vt->n, VMI_FX_NR);
	vmi_batch_new(test, &b, VMI_FX_MAX_VMAS, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, fx->mm, 0, &b), 0);
	KUNIT_ASSERT_EQ(test, b.nr, (u32)VMI_FX_NR);

	for (i = 0; i < VMI_FX_NR; i++) {
		const struct vmainspect_vma *rec = &b.recs[i];
		const struct vmi_fx_vma *o = &vt->orc[i];
		char perms[5];
		u32 attrs = 0;

		vmi_expect_rec(test, rec, o);
		if (o->has_file)
			attrs |= VMAINSPECT_ATTR_FILE;
		if (o->shmem)
			attrs |= VMAINSPECT_ATTR_SHMEM;
		if (o->anonymous)
			attrs |= VMAINSPECT_ATTR_ANONYMOUS;
		if (o->anon_vma)
			attrs |= VMAINSPECT_ATTR_ANON_VMA;
		KUNIT_EXPECT_EQ_MSG(test, rec->attrs, attrs, "region %d", i);
		KUNIT_EXPECT_EQ_MSG(test, rec->inode, (u64)o->ino, "region %d", i);
		KUNIT_EXPECT_EQ_MSG(test, rec->dev_major, MAJOR(o->dev),
				    "region %d", i);
		KUNIT_EXPECT_EQ_MSG(test, rec->dev_minor, MINOR(o->dev),
				    "region %d", i);
		KUNIT_EXPECT_EQ_MSG(test, rec->kind, fx->kind[i], "region %d", i);

		vmainspect_vma_perms(rec->uflags, perms);
		KUNIT_EXPECT_STREQ_MSG(test, perms, fx->perms[i], "region %d", i);

		if (!fx->name[i]) {
			KUNIT_EXPECT_EQ_MSG(test, rec->name_off,
					    VMAINSPECT_NO_NAME, "region %d", i);
			continue;
		}
		KUNIT_ASSERT_NE_MSG(test, rec->name_off, VMAINSPECT_NO_NAME,
				    "region %d", i);
		KUNIT_ASSERT_LT(test, rec->name_off, b.strings_used);
		KUNIT_EXPECT_STREQ_MSG(test, b.strings + rec->name_off,
				       fx->name[i], "region %d", i);
		KUNIT_EXPECT_EQ_MSG(test, rec->name_len, (u32)strlen(fx->name[i]),
				    "region %d", i);
	}
	/* The file regions: what the plan mapped. */
	KUNIT_EXPECT_EQ(test, b.recs[VMI_FX_S1].pgoff, 1ULL);
	KUNIT_EXPECT_EQ(test,
			vmainspect_vma_maps_offset(&b.recs[VMI_FX_S1], PAGE_SHIFT),
			(u64)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, b.recs[VMI_FX_S2].pgoff, 2ULL);
	KUNIT_EXPECT_EQ(test, b.recs[VMI_FX_S0].inode,
			(u64)file_inode(fx->shm[0])->i_ino);
	KUNIT_EXPECT_EQ(test, b.recs[VMI_FX_T0].inode,
			(u64)file_inode(fx->shm[1])->i_ino);
	KUNIT_EXPECT_TRUE(test, b.recs[VMI_FX_A1].attrs &
			  VMAINSPECT_ATTR_ANON_VMA);
	KUNIT_EXPECT_FALSE(test, b.recs[VMI_FX_A0].attrs &
			   VMAINSPECT_ATTR_ANON_VMA);
	vmi_vma_batch_free(&b);
}

/* Equal names share one string; the string area holds each name once. */
static void vmi_vma_names_dedup(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_fx *fx = vt->fx;
	struct vmi_vma_batch b;
	u32 used = 0;
	int i, j;

	vmi_batch_new(test, &b, VMI_FX_MAX_VMAS, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, fx->mm, 0, &b), 0);
	KUNIT_ASSERT_EQ(test, b.nr, (u32)VMI_FX_NR);

	KUNIT_EXPECT_EQ(test, b.recs[VMI_FX_S0].name_off,
			b.recs[VMI_FX_S1].name_off);
	KUNIT_EXPECT_EQ(test, b.recs[VMI_FX_S0].name_off,
			b.recs[VMI_FX_S2].name_off);
	KUNIT_EXPECT_NE(test, b.recs[VMI_FX_S0].name_off,
			b.recs[VMI_FX_T0].name_off);

	/* d_path() of the file the test mapped, twice. */
	KUNIT_EXPECT_STREQ(test, b.strings + b.recs[VMI_FX_S1].name_off,
			   fx->name[VMI_FX_S0]);

	/* strings_used is exactly the distinct names with their NULs. */
	for (i = 0; i < VMI_FX_NR; i++) {
		bool first = true;

		if (!fx->name[i])
			continue;
		for (j = 0; j < i; j++)
			if (fx->name[j] && !strcmp(fx->name[i], fx->name[j]))
				first = false;
		if (first)
			used += strlen(fx->name[i]) + 1;
	}
	KUNIT_EXPECT_EQ(test, b.strings_used, used);
	/* ... and records with different names never share an offset. */
	for (i = 0; i < VMI_FX_NR; i++)
		for (j = 0; j < i; j++)
			if (fx->name[i] && fx->name[j] &&
			    strcmp(fx->name[i], fx->name[j]))
				KUNIT_EXPECT_NE(test, b.recs[i].name_off,
						b.recs[j].name_off);
	vmi_vma_batch_free(&b);
}

/* The string area cannot hold the first record's name: -ENOSPC. */
static void vmi_vma_strings_too_small(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_fx *fx = vt->fx;
	u32 len = strlen(fx->name[VMI_FX_S0]);
	struct vmi_vma_batch b;

	/* One byte short (no room for the NUL). */
	vmi_batch_new(test, &b, VMI_FX_MAX_VMAS, len);
	KUNIT_EXPECT_EQ(test, vmi_fill(test, fx->mm, fx->start[VMI_FX_S0], &b),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, b.strings_used, 0U);
	vmi_vma_batch_free(&b);

	/* No string area at all. */
	vmi_batch_new(test, &b, VMI_FX_MAX_VMAS, 0);
	KUNIT_EXPECT_EQ(test, vmi_fill(test, fx->mm, fx->start[VMI_FX_S0], &b),
			-ENOSPC);
	vmi_vma_batch_free(&b);
}

/*
 * Room for exactly one name: the records sharing it fit, the batch ends
 * early before the next name, with done clear and the cursor right there.
 */
static void vmi_vma_strings_one_name(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_fx *fx = vt->fx;
	u32 size = strlen(fx->name[VMI_FX_S0]) + 1;
	struct vmi_vma_batch b;

	vmi_batch_new(test, &b, VMI_FX_MAX_VMAS, size);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, fx->mm, fx->start[VMI_FX_S0], &b),
			0);
	KUNIT_EXPECT_EQ(test, b.nr, 3U);	/* S0, S1, S2: one file */
	KUNIT_EXPECT_FALSE(test, b.done);
	KUNIT_EXPECT_EQ(test, b.next_addr, (u64)fx->end[VMI_FX_S2]);
	KUNIT_EXPECT_EQ(test, b.strings_used, size);
	KUNIT_EXPECT_STREQ(test, b.strings, fx->name[VMI_FX_S0]);

	/* The next batch resumes with T0 (file b, a name of the same size). */
	KUNIT_ASSERT_EQ(test, vmi_fill(test, fx->mm, b.next_addr, &b), 0);
	KUNIT_ASSERT_GE(test, b.nr, 1U);
	KUNIT_EXPECT_EQ(test, b.recs[0].start, (u64)fx->start[VMI_FX_T0]);
	KUNIT_EXPECT_STREQ(test, b.strings, fx->name[VMI_FX_T0]);
	vmi_vma_batch_free(&b);
}

/*
 * No string area: the unnamed VMAs before the first named one come back,
 * then the batch ends early.
 */
static void vmi_vma_strings_none(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_fx *fx = vt->fx;
	struct vmi_vma_batch b;
	int first_named = 0;

	while (first_named < VMI_FX_NR && !fx->name[first_named])
		first_named++;
	KUNIT_ASSERT_GT(test, first_named, 0);
	KUNIT_ASSERT_LT(test, first_named, (int)VMI_FX_NR);

	vmi_batch_new(test, &b, VMI_FX_MAX_VMAS, 0);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, fx->mm, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.nr, (u32)first_named);
	KUNIT_EXPECT_FALSE(test, b.done);
	KUNIT_EXPECT_EQ(test, b.next_addr, (u64)fx->end[first_named - 1]);
	KUNIT_EXPECT_EQ(test, b.strings_used, 0U);
	vmi_vma_batch_free(&b);
}

/* A string area that holds one name at a time still gets everything. */
static void vmi_vma_walk_tiny_strings(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	u32 longest = 0;
	int i;

	for (i = 0; i < VMI_FX_NR; i++)
		if (vt->fx->name[i])
			longest = max_t(u32, longest,
					strlen(vt->fx->name[i]) + 1);
	vmi_walk(test, VMI_FX_MAX_VMAS, longest);
}

/*
 * The generation as the ioctls get it, through the session's cache where
 * the kernel counts mmap write locks (vmi_session_generation()): always
 * what a fresh hash of the VMAs says.
 */
static u64 vmi_gen(struct kunit *test, struct mm_struct *mm)
{
	struct vmi_vt *vt = vmi_vt(test);
	u64 g, full;

	mmap_read_lock(mm);
	g = vmi_session_generation(&vt->sess, mm);
	full = vmi_mm_generation(mm);
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ_MSG(test, g, full, "the session's generation is stale");
	return g;
}

static void vmi_vma_generation_stable(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct mm_struct *mm = vt->fx->mm;
	struct vmi_vma_batch b;
	u64 g = vmi_gen(test, mm);

	KUNIT_EXPECT_EQ(test, vmi_gen(test, mm), g);
	vmi_batch_new(test, &b, 1, PATH_MAX);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, mm, 0, &b), 0);
	KUNIT_ASSERT_EQ(test, vmi_fill(test, mm, b.next_addr, &b), 0);
	vmi_vma_batch_free(&b);
	KUNIT_EXPECT_EQ(test, vmi_gen(test, mm), g);
}

static void vmi_vma_generation_munmap(struct kunit *test)
{
	struct vmi_fx *fx = vmi_vt(test)->fx;
	u64 g = vmi_gen(test, fx->mm);
	int ret;

	vmi_fx_enter(fx->mm);
	ret = vm_munmap(fx->start[VMI_FX_A4], PAGE_SIZE);
	vmi_fx_leave(fx->mm);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_NE(test, vmi_gen(test, fx->mm), g);

	/* And once more: the rest of A4 goes, the VMA count drops. */
	g = vmi_gen(test, fx->mm);
	vmi_fx_enter(fx->mm);
	ret = vm_munmap(fx->start[VMI_FX_A4] + PAGE_SIZE, PAGE_SIZE);
	vmi_fx_leave(fx->mm);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_NE(test, vmi_gen(test, fx->mm), g);
}

/* Map @file (or anon) over region @r in place, as mprotect/mmap would. */
static unsigned long vmi_remap(struct vmi_fx *fx, int r, struct file *file,
			       unsigned long prot, unsigned long flags,
			       unsigned long pgoff)
{
	unsigned long ret;

	vmi_fx_enter(fx->mm);
	ret = vm_mmap(file, fx->start[r], fx->end[r] - fx->start[r], prot,
		      flags | MAP_FIXED, pgoff * PAGE_SIZE);
	vmi_fx_leave(fx->mm);
	return ret;
}

/* Same bounds, other protection (what mprotect() does to a whole VMA). */
static void vmi_vma_generation_prot(struct kunit *test)
{
	struct vmi_fx *fx = vmi_vt(test)->fx;
	u64 g = vmi_gen(test, fx->mm);

	KUNIT_ASSERT_EQ(test, vmi_remap(fx, VMI_FX_A0, NULL,
					PROT_READ | PROT_EXEC,
					MAP_PRIVATE | MAP_ANONYMOUS, 0),
			fx->start[VMI_FX_A0]);
	KUNIT_EXPECT_NE(test, vmi_gen(test, fx->mm), g);
}

/*
 * Same bounds, flags and offset, another file: a VMA went and another
 * came, so the generation must move (the records' inode and name did).
 */
static void vmi_vma_generation_file_swap(struct kunit *test)
{
	struct vmi_vt *vt = vmi_vt(test);
	struct vmi_fx *fx = vt->fx;
	struct vmi_fx_vma *after;
	u64 g = vmi_gen(test, fx->mm);
	int n;

	after = kunit_kcalloc(test, VMI_FX_MAX_VMAS, sizeof(*after),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_EQ(test, vmi_remap(fx, VMI_FX_S2, fx->shm[1], PROT_READ,
					MAP_PRIVATE, 2),
			fx->start[VMI_FX_S2]);
	n = vmi_fx_oracle(test, fx->mm, after, VMI_FX_MAX_VMAS);
	KUNIT_ASSERT_EQ(test, n, vt->n);
	/* The precondition: only the file changed. */
	KUNIT_ASSERT_EQ(test, after[VMI_FX_S2].vm_flags,
			vt->orc[VMI_FX_S2].vm_flags);
	KUNIT_ASSERT_EQ(test, after[VMI_FX_S2].pgoff, vt->orc[VMI_FX_S2].pgoff);
	KUNIT_ASSERT_NE(test, after[VMI_FX_S2].ino, vt->orc[VMI_FX_S2].ino);
	KUNIT_EXPECT_NE_MSG(test, vmi_gen(test, fx->mm), g,
			    "generation unchanged after replacing a file mapping");
}

/*
 * Same VMA, another anon name (prctl(PR_SET_VMA_ANON_NAME)): the name in
 * the records changes, so must the generation.
 */
static void vmi_vma_generation_anon_rename(struct kunit *test)
{
	struct vmi_fx *fx = vmi_vt(test)->fx;
	u64 g = vmi_gen(test, fx->mm);
	int ret;

	if (!fx->anon_named)
		kunit_skip(test, "no CONFIG_ANON_VMA_NAME");
	ret = vmi_fx_set_anon_name(fx, VMI_FX_A2, "vmi-kunit-renamed");
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_NE_MSG(test, vmi_gen(test, fx->mm), g,
			    "generation unchanged after renaming an anon VMA");
}

static struct kunit_case vmi_vma_cases[] = {
	KUNIT_CASE(vmi_vma_fixture),
	KUNIT_CASE(vmi_vma_walk_one_by_one),
	KUNIT_CASE(vmi_vma_walk_batch_sizes),
	KUNIT_CASE(vmi_vma_walk_big_batch),
	KUNIT_CASE(vmi_vma_walk_exact_fit),
	KUNIT_CASE(vmi_vma_start_addresses),
	KUNIT_CASE(vmi_vma_records),
	KUNIT_CASE(vmi_vma_names_dedup),
	KUNIT_CASE(vmi_vma_strings_too_small),
	KUNIT_CASE(vmi_vma_strings_one_name),
	KUNIT_CASE(vmi_vma_strings_none),
	KUNIT_CASE(vmi_vma_walk_tiny_strings),
	KUNIT_CASE(vmi_vma_generation_stable),
	KUNIT_CASE(vmi_vma_generation_munmap),
	KUNIT_CASE(vmi_vma_generation_prot),
	KUNIT_CASE(vmi_vma_generation_file_swap),
	KUNIT_CASE(vmi_vma_generation_anon_rename),
	{}
};

static struct kunit_suite vmi_vma_suite = {
	.name = "vmainspect_vma",
	.init = vmi_vma_init,
	.exit = vmi_fx_exit,
	.test_cases = vmi_vma_cases,
};

kunit_test_suite(vmi_vma_suite);
