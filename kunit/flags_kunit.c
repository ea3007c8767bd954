// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect KUnit: vm_flags translation and the shared name tables.
 *
 * Oracles: the names themselves (VM_X must become VMAINSPECT_VM_X, paired
 * here by token pasting, not by copying vma.c's table), and the smaps
 * "VmFlags" mnemonic table of the kernel under test, extracted verbatim
 * from its fs/proc/task_mmu.c at build time (kunit/Makefile.tree).
 */
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <uapi/vmainspect_names.h>
#include <uapi/vmainspect_rules.h>
#include "vmainspect_kunit.h"

struct vmi_kflag {
	unsigned long kflag;	/* VM_X of the running kernel, 0 if none */
	u64 ubit;		/* VMAINSPECT_VM_X */
	const char *name;
};

#define VMI_KFLAG(x)	{ VM_##x, VMAINSPECT_VM_##x, "VM_" #x }

/* Every VM_* flag of the UAPI that this kernel defines. */
static const struct vmi_kflag vmi_kflags[] = {
	VMI_KFLAG(READ),
	VMI_KFLAG(WRITE),
	VMI_KFLAG(EXEC),
	VMI_KFLAG(SHARED),
	VMI_KFLAG(MAYREAD),
	VMI_KFLAG(MAYWRITE),
	VMI_KFLAG(MAYEXEC),
	VMI_KFLAG(MAYSHARE),
	VMI_KFLAG(GROWSDOWN),
	VMI_KFLAG(GROWSUP),
	VMI_KFLAG(PFNMAP),
#ifdef VM_DENYWRITE
	VMI_KFLAG(DENYWRITE),
#endif
	VMI_KFLAG(LOCKED),
	VMI_KFLAG(IO),
	VMI_KFLAG(SEQ_READ),
	VMI_KFLAG(RAND_READ),
	VMI_KFLAG(DONTCOPY),
	VMI_KFLAG(DONTEXPAND),
	VMI_KFLAG(LOCKONFAULT),
	VMI_KFLAG(ACCOUNT),
	VMI_KFLAG(NORESERVE),
	VMI_KFLAG(HUGETLB),
	VMI_KFLAG(SYNC),
	VMI_KFLAG(ARCH_1),
	VMI_KFLAG(WIPEONFORK),
	VMI_KFLAG(DONTDUMP),
	VMI_KFLAG(SOFTDIRTY),
	VMI_KFLAG(MIXEDMAP),
	VMI_KFLAG(HUGEPAGE),
	VMI_KFLAG(NOHUGEPAGE),
	VMI_KFLAG(MERGEABLE),
	VMI_KFLAG(UFFD_MISSING),
	VMI_KFLAG(UFFD_WP),
#ifdef VM_UFFD_MINOR
	VMI_KFLAG(UFFD_MINOR),
#endif
#ifdef VM_SHADOW_STACK
	VMI_KFLAG(SHADOW_STACK),
#endif
#ifdef VM_SEALED
	VMI_KFLAG(SEALED),
#endif
#ifdef VM_DROPPABLE
	VMI_KFLAG(DROPPABLE),
#endif
#ifdef VM_MAYBE_GUARD
	VMI_KFLAG(MAYBE_GUARD),
#endif
#ifdef VM_UFFD_RWP
	VMI_KFLAG(UFFD_RWP),
#endif
#ifdef VM_MTE
	VMI_KFLAG(MTE),
	VMI_KFLAG(MTE_ALLOWED),
#endif
#ifdef VM_ARM64_BTI
	{ VM_ARM64_BTI, VMAINSPECT_VM_BTI, "VM_ARM64_BTI" },
#endif
#ifdef VM_PKEY_BIT0
	VMI_KFLAG(PKEY_BIT0),
	VMI_KFLAG(PKEY_BIT1),
	VMI_KFLAG(PKEY_BIT2),
	VMI_KFLAG(PKEY_BIT3),
	VMI_KFLAG(PKEY_BIT4),
#endif
};

/* All VMAINSPECT_VM_* bits that kernel bit(s) @kflag stand for here. */
static u64 vmi_expected_uflags(unsigned long kflags)
{
	u64 u = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(vmi_kflags); i++)
		if (vmi_kflags[i].kflag & kflags)
			u |= vmi_kflags[i].ubit;
	return u;
}

static unsigned long vmi_all_kflags(void)
{
	unsigned long all = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(vmi_kflags); i++)
		all |= vmi_kflags[i].kflag;
	return all;
}

static const struct vmainspect_flag_name *vmi_flag_name(u64 ubit)
{
	int i;

	for (i = 0; i < VMAINSPECT_NR_VM_FLAG_NAMES; i++)
		if (vmainspect_vm_flag_names[i].bit == ubit)
			return &vmainspect_vm_flag_names[i];
	return NULL;
}

static void vmi_flags_zero(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmi_uflags(0), 0ULL);
}

/*
 * Each flag alone maps to its namesake.  Where a kernel aliases two
 * flags to one bit (VM_ARCH_1 is VM_ARM64_BTI on arm64), both are set.
 */
static void vmi_flags_each(struct kunit *test)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(vmi_kflags); i++) {
		const struct vmi_kflag *f = &vmi_kflags[i];

		if (!f->kflag)		/* VM_NONE in this configuration */
			continue;
		n++;
		KUNIT_EXPECT_TRUE_MSG(test, is_power_of_2(f->kflag),
				      "%s = 0x%lx", f->name, f->kflag);
		KUNIT_EXPECT_TRUE_MSG(test, vmi_uflags(f->kflag) & f->ubit,
				      "%s (0x%lx) does not set its bit 0x%llx",
				      f->name, f->kflag, f->ubit);
		KUNIT_EXPECT_EQ_MSG(test, vmi_uflags(f->kflag),
				    vmi_expected_uflags(f->kflag),
				    "%s (0x%lx)", f->name, f->kflag);
	}
	kunit_info(test, "%d VM_* flags defined by this kernel\n", n);
	KUNIT_EXPECT_GE(test, n, 24);
}

static void vmi_flags_combined(struct kunit *test)
{
	unsigned long all = vmi_all_kflags();
	int i;

	KUNIT_EXPECT_EQ(test, vmi_uflags(all), vmi_expected_uflags(all));
	KUNIT_EXPECT_EQ(test, vmi_uflags(ULONG_MAX), vmi_expected_uflags(all));
	/* Pairs: translation is bitwise. */
	for (i = 0; i + 1 < ARRAY_SIZE(vmi_kflags); i++) {
		unsigned long two = vmi_kflags[i].kflag |
				    vmi_kflags[i + 1].kflag;

		KUNIT_EXPECT_EQ(test, vmi_uflags(two),
				vmi_expected_uflags(two));
	}
}

/* Kernel bits that are no VM_* flag we know map to nothing. */
static void vmi_flags_unknown_bits(struct kunit *test)
{
	unsigned long all = vmi_all_kflags();
	int b;

	for (b = 0; b < BITS_PER_LONG; b++) {
		if (all & BIT(b))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, vmi_uflags(BIT(b)), 0ULL,
				    "kernel bit %d", b);
	}
	for (b = 0; b < ARRAY_SIZE(vmi_kflags); b++)
		KUNIT_EXPECT_LT(test, vmi_kflags[b].ubit,
				1ULL << VMAINSPECT_VM_NR_BITS);
}

/*
 * The kernel's own smaps mnemonics: every bit smaps has a name for must
 * be translated, and our table must print the same two letters.
 */
static void vmi_flags_smaps_mnemonics(struct kunit *test)
{
#include "smaps_mnemonics.h"
	int b, known = 0;

	for (b = 0; b < BITS_PER_LONG; b++) {
		const struct vmainspect_flag_name *fn;
		char km[3] = { 0 };
		u64 u;

		memcpy(km, mnemonics[b], min_t(size_t, 2, sizeof(mnemonics[b])));
		u = vmi_uflags(BIT(b));
		if (!strcmp(km, "??")) {
			/* smaps has no name for it in this version. */
			fn = hweight64(u) == 1 ? vmi_flag_name(u) : NULL;
			if (fn && fn->smaps[0])
				kunit_info(test, "bit %d (%s): this kernel's smaps prints \"??\", the table says \"%s\"\n",
					   b, fn->name, fn->smaps);
			continue;
		}
		known++;
		KUNIT_EXPECT_EQ_MSG(test, hweight64(u), 1,
				    "kernel bit %d (smaps \"%s\") maps to 0x%llx",
				    b, km, u);
		if (hweight64(u) != 1)
			continue;
		fn = vmi_flag_name(u);
		KUNIT_ASSERT_NOT_NULL(test, fn);
		KUNIT_EXPECT_STREQ_MSG(test, fn->smaps, km,
				       "kernel bit %d, %s", b, fn->name);
	}
	KUNIT_EXPECT_GE(test, known, 24);
}

static void vmi_flags_names_table(struct kunit *test)
{
	int b, i, j;

	KUNIT_EXPECT_EQ(test, VMAINSPECT_NR_VM_FLAG_NAMES,
			(size_t)VMAINSPECT_VM_NR_BITS);
	for (b = 0; b < VMAINSPECT_VM_NR_BITS; b++) {
		int n = 0;

		for (i = 0; i < VMAINSPECT_NR_VM_FLAG_NAMES; i++)
			n += vmainspect_vm_flag_names[i].bit == BIT_ULL(b);
		KUNIT_EXPECT_EQ_MSG(test, n, 1, "bit %d has %d entries", b, n);
	}
	for (i = 0; i < VMAINSPECT_NR_VM_FLAG_NAMES; i++) {
		const struct vmainspect_flag_name *f = &vmainspect_vm_flag_names[i];

		KUNIT_EXPECT_EQ_MSG(test, hweight64(f->bit), 1, "entry %d", i);
		KUNIT_EXPECT_LT_MSG(test, f->bit, BIT_ULL(VMAINSPECT_VM_NR_BITS),
				    "entry %d", i);
		KUNIT_ASSERT_NOT_NULL(test, f->name);
		KUNIT_ASSERT_NOT_NULL(test, f->smaps);
		KUNIT_EXPECT_GT_MSG(test, strlen(f->name), 0, "entry %d", i);
		/* smaps mnemonics are two lowercase letters, or none. */
		if (f->smaps[0]) {
			KUNIT_EXPECT_EQ_MSG(test, strlen(f->smaps), 2,
					    "%s", f->name);
			KUNIT_EXPECT_TRUE_MSG(test, islower(f->smaps[0]) &&
					      islower(f->smaps[1]),
					      "%s: \"%s\"", f->name, f->smaps);
		}
		for (j = 0; j < i; j++) {
			const struct vmainspect_flag_name *g =
				&vmainspect_vm_flag_names[j];

			KUNIT_EXPECT_STRNEQ(test, f->name, g->name);
			if (f->smaps[0])
				KUNIT_EXPECT_STRNEQ(test, f->smaps, g->smaps);
		}
	}
}

static void vmi_flags_kind_names(struct kunit *test)
{
	int i, j;

	for (i = 0; i < VMAINSPECT_KIND_MAX; i++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, vmainspect_kind_names[i],
					  "kind %d", i);
		KUNIT_EXPECT_GT(test, strlen(vmainspect_kind_names[i]), 0);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, vmainspect_kind_names[i],
					    vmainspect_kind_names[j]);
	}
}

/*
 * The permission column of /proc/PID/maps (show_map_vma()): r, w, x from
 * VM_READ/WRITE/EXEC, then 's' for VM_MAYSHARE, else 'p'.  All 16
 * combinations, alone and with every other bit set.
 */
static void vmi_flags_format_perms(struct kunit *test)
{
	static const u64 bits[4] = {
		VMAINSPECT_VM_READ, VMAINSPECT_VM_WRITE, VMAINSPECT_VM_EXEC,
		VMAINSPECT_VM_MAYSHARE,
	};
	const u64 others = (BIT_ULL(VMAINSPECT_VM_NR_BITS) - 1) &
			   ~(bits[0] | bits[1] | bits[2] | bits[3]);
	int combo, i;

	for (combo = 0; combo < 16; combo++) {
		char want[5], got[5];
		u64 u = 0;

		for (i = 0; i < 4; i++)
			if (combo & BIT(i))
				u |= bits[i];
		want[0] = combo & 1 ? 'r' : '-';
		want[1] = combo & 2 ? 'w' : '-';
		want[2] = combo & 4 ? 'x' : '-';
		want[3] = combo & 8 ? 's' : 'p';
		want[4] = '\0';

		memset(got, 'Z', sizeof(got));
		vmainspect_vma_perms(u, got);
		KUNIT_EXPECT_STREQ_MSG(test, got, want, "uflags 0x%llx", u);

		/* VM_SHARED without VM_MAYSHARE is still 'p', as in maps. */
		memset(got, 'Z', sizeof(got));
		vmainspect_vma_perms(u | others, got);
		KUNIT_EXPECT_STREQ_MSG(test, got, want, "uflags 0x%llx",
				       u | others);
	}
}

/* The offset column of maps: bytes into the file, 0 without a file. */

/* The offset column as the module prints it (vmainspect_rules.h). */
static u64 vmi_offset(const struct vmainspect_vma *rec)
{
	return vmainspect_vma_maps_offset(rec, PAGE_SHIFT);
}

static void vmi_flags_maps_offset(struct kunit *test)
{
	struct vmainspect_vma rec;

	memset(&rec, 0, sizeof(rec));
	rec.pgoff = 3;
	KUNIT_EXPECT_EQ(test, vmi_offset(&rec), 0ULL);
	rec.attrs = VMAINSPECT_ATTR_ANONYMOUS | VMAINSPECT_ATTR_ANON_VMA;
	KUNIT_EXPECT_EQ(test, vmi_offset(&rec), 0ULL);
	rec.attrs = VMAINSPECT_ATTR_FILE;
	KUNIT_EXPECT_EQ(test, vmi_offset(&rec), 3ULL * PAGE_SIZE);
	rec.pgoff = 0;
	KUNIT_EXPECT_EQ(test, vmi_offset(&rec), 0ULL);
	rec.pgoff = 1ULL << 40;
	KUNIT_EXPECT_EQ(test, vmi_offset(&rec), 1ULL << (40 + PAGE_SHIFT));
}

/*
 * One size of the size split (vmainspect_rules.h) against 128-bit
 * arithmetic: the unit is the largest whose one it reaches (EiB at most),
 * exact when that unit divides it, else floor(bytes * 10 / unit) tenths.
 */
static void vmi_size_split_one(struct kunit *test, u64 bytes)
{
	struct vmainspect_size_parts p;
	unsigned int u = bytes ? min(6U, (unsigned int)ilog2(bytes) / 10) : 0;
	u64 unit = 1ULL << (10 * u);
	u64 q = mul_u64_u64_div_u64(bytes, 10, unit);
	bool exact = !(bytes & (unit - 1));

	vmainspect_size_split(bytes, &p);
	KUNIT_EXPECT_STREQ_MSG(test, p.unit, vmainspect_size_units[u], "bytes %llu", bytes);
	KUNIT_EXPECT_EQ_MSG(test, !!p.exact, exact, "bytes %llu", bytes);
	KUNIT_EXPECT_EQ_MSG(test, p.whole, exact ? bytes >> (10 * u) : q / 10,
			    "bytes %llu", bytes);
	KUNIT_EXPECT_EQ_MSG(test, (u64)p.tenths, exact ? 0ULL : q % 10,
			    "bytes %llu", bytes);
}

static void vmi_flags_size_split(struct kunit *test)
{
	static const u64 edges[] = {
		0, 1, 1023, 1024, 1025, 4096, 1536, 1048575, 1048576,
		1181122560,	/* exactly 1.1 GiB: tenths of the whole rest */
		(1ULL << 30) - 4096, (1ULL << 40) + 1, U64_MAX, U64_MAX - 1,
		1ULL << 60, (1ULL << 60) - 1, 1ULL << 63,
	};
	u64 x = 0x9e3779b97f4a7c15ULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(edges); i++)
		vmi_size_split_one(test, edges[i]);
	/* a xorshift sweep over every magnitude */
	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		vmi_size_split_one(test, x >> (i % 64));
	}
}

static struct kunit_case vmi_flags_cases[] = {
	KUNIT_CASE(vmi_flags_zero),
	KUNIT_CASE(vmi_flags_each),
	KUNIT_CASE(vmi_flags_combined),
	KUNIT_CASE(vmi_flags_unknown_bits),
	KUNIT_CASE(vmi_flags_smaps_mnemonics),
	KUNIT_CASE(vmi_flags_names_table),
	KUNIT_CASE(vmi_flags_kind_names),
	KUNIT_CASE(vmi_flags_format_perms),
	KUNIT_CASE(vmi_flags_maps_offset),
	KUNIT_CASE(vmi_flags_size_split),
	{}
};

static struct kunit_suite vmi_flags_suite = {
	.name = "vmainspect_flags",
	.test_cases = vmi_flags_cases,
};

kunit_test_suite(vmi_flags_suite);
