// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect KUnit: the ioctl ABI.
 *
 * vmainspect_abi: struct layout (sizes, natural alignment, no implicit
 * padding), and the vmi_check_*_args() rules: reserved fields and unknown
 * flag bits are -EINVAL, ranges are enforced, output fields are ignored on
 * input.  The oracle is the UAPI header's documented rules, applied to
 * every reserved byte and every flag bit.
 *
 * vmainspect_uaccess: vmi_copy_args() on real user memory (the
 * copy_struct_from_user() rules: short structs zero-extended, long ones
 * accepted only with a zero tail).
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/ioctl.h>
#include <linux/mm.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/uaccess.h>
#include "vmainspect_kunit.h"

/* The PT_PATH level record has no size of its own: the path's does. */
#define VMI_PT_ENTRY_SIZE	56

/*
 * The documented layout, field by field (__u32 = 4, __u64 = 8 bytes): each
 * field starts exactly where the previous one ended and is naturally
 * aligned, and nothing follows the last one.  So there is no implicit
 * padding, and i386, x86_64 and compat callers share one layout.
 */
struct vmi_fdesc {
	const char *name;
	size_t off;		/* offsetof() as compiled */
	size_t size;		/* as documented */
};

#define VMI_F(type, member, size)	{ #member, offsetof(type, member), size }

static void vmi_check_fields(struct kunit *test, const char *type,
			     const struct vmi_fdesc *f, int n, size_t size)
{
	size_t next = 0;
	int i;

	for (i = 0; i < n; i++) {
		size_t align = min_t(size_t, f[i].size, 8);

		KUNIT_EXPECT_EQ_MSG(test, f[i].off, next,
				    "%s.%s: implicit padding or reordering",
				    type, f[i].name);
		KUNIT_EXPECT_EQ_MSG(test, f[i].off % align, 0,
				    "%s.%s: offset %zu not naturally aligned",
				    type, f[i].name, f[i].off);
		next = f[i].off + f[i].size;
	}
	KUNIT_EXPECT_EQ_MSG(test, size, next, "%s: size or trailing padding",
			    type);
	KUNIT_EXPECT_EQ_MSG(test, size % 8, 0, "%s: size not a multiple of 8",
			    type);
}

static void vmi_abi_struct_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_attach),
			VMAINSPECT_ATTACH_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_layout),
			VMAINSPECT_LAYOUT_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_vma),
			VMAINSPECT_VMA_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_vma_list),
			VMAINSPECT_VMA_LIST_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_find),
			VMAINSPECT_FIND_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_pt_entry),
			VMI_PT_ENTRY_SIZE);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_pt_path),
			VMAINSPECT_PT_PATH_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_pt_run),
			VMAINSPECT_PT_RUN_SIZE_VER1);
	KUNIT_EXPECT_EQ(test, offsetof(struct vmainspect_pt_run, folio_shift),
			VMAINSPECT_PT_RUN_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct vmainspect_pt_runs),
			VMAINSPECT_PT_RUNS_SIZE_VER0);
}

static void vmi_abi_attach_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_attach, size, 4),
		VMI_F(struct vmainspect_attach, flags, 4),
		VMI_F(struct vmainspect_attach, pid, 4),
		VMI_F(struct vmainspect_attach, reserved0, 4),
		VMI_F(struct vmainspect_attach, abi_version, 4),
		VMI_F(struct vmainspect_attach, tgid, 4),
		VMI_F(struct vmainspect_attach, reserved, 2 * 8),
	};

	vmi_check_fields(test, "vmainspect_attach", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_attach));
}

static void vmi_abi_layout_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_layout, size, 4),
		VMI_F(struct vmainspect_layout, flags, 4),
		VMI_F(struct vmainspect_layout, task_size, 8),
		VMI_F(struct vmainspect_layout, mmap_base, 8),
		VMI_F(struct vmainspect_layout, start_code, 8),
		VMI_F(struct vmainspect_layout, end_code, 8),
		VMI_F(struct vmainspect_layout, start_data, 8),
		VMI_F(struct vmainspect_layout, end_data, 8),
		VMI_F(struct vmainspect_layout, start_brk, 8),
		VMI_F(struct vmainspect_layout, brk, 8),
		VMI_F(struct vmainspect_layout, start_stack, 8),
		VMI_F(struct vmainspect_layout, arg_start, 8),
		VMI_F(struct vmainspect_layout, arg_end, 8),
		VMI_F(struct vmainspect_layout, env_start, 8),
		VMI_F(struct vmainspect_layout, env_end, 8),
		VMI_F(struct vmainspect_layout, map_count, 8),
		VMI_F(struct vmainspect_layout, total_vm, 8),
		VMI_F(struct vmainspect_layout, locked_vm, 8),
		VMI_F(struct vmainspect_layout, pinned_vm, 8),
		VMI_F(struct vmainspect_layout, data_vm, 8),
		VMI_F(struct vmainspect_layout, exec_vm, 8),
		VMI_F(struct vmainspect_layout, stack_vm, 8),
		VMI_F(struct vmainspect_layout, rss_file, 8),
		VMI_F(struct vmainspect_layout, rss_anon, 8),
		VMI_F(struct vmainspect_layout, rss_shmem, 8),
		VMI_F(struct vmainspect_layout, swap_ents, 8),
		VMI_F(struct vmainspect_layout, hiwater_rss, 8),
		VMI_F(struct vmainspect_layout, hiwater_vm, 8),
		VMI_F(struct vmainspect_layout, pgtables_bytes, 8),
		VMI_F(struct vmainspect_layout, generation, 8),
		VMI_F(struct vmainspect_layout, pgtable_levels, 4),
		VMI_F(struct vmainspect_layout, page_shift, 4),
		VMI_F(struct vmainspect_layout, reserved, 4 * 8),
	};

	vmi_check_fields(test, "vmainspect_layout", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_layout));
}

static void vmi_abi_vma_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_vma, start, 8),
		VMI_F(struct vmainspect_vma, end, 8),
		VMI_F(struct vmainspect_vma, vm_flags, 8),
		VMI_F(struct vmainspect_vma, uflags, 8),
		VMI_F(struct vmainspect_vma, pgoff, 8),
		VMI_F(struct vmainspect_vma, inode, 8),
		VMI_F(struct vmainspect_vma, dev_major, 4),
		VMI_F(struct vmainspect_vma, dev_minor, 4),
		VMI_F(struct vmainspect_vma, kind, 4),
		VMI_F(struct vmainspect_vma, attrs, 4),
		VMI_F(struct vmainspect_vma, name_off, 4),
		VMI_F(struct vmainspect_vma, name_len, 4),
		VMI_F(struct vmainspect_vma, page_prot, 8),
	};

	vmi_check_fields(test, "vmainspect_vma", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_vma));
}

static void vmi_abi_list_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_vma_list, size, 4),
		VMI_F(struct vmainspect_vma_list, flags, 4),
		VMI_F(struct vmainspect_vma_list, start_addr, 8),
		VMI_F(struct vmainspect_vma_list, vmas, 8),
		VMI_F(struct vmainspect_vma_list, strings, 8),
		VMI_F(struct vmainspect_vma_list, vma_size, 4),
		VMI_F(struct vmainspect_vma_list, max_vmas, 4),
		VMI_F(struct vmainspect_vma_list, strings_size, 4),
		VMI_F(struct vmainspect_vma_list, nr_vmas, 4),
		VMI_F(struct vmainspect_vma_list, strings_used, 4),
		VMI_F(struct vmainspect_vma_list, out_flags, 4),
		VMI_F(struct vmainspect_vma_list, next_addr, 8),
		VMI_F(struct vmainspect_vma_list, generation, 8),
		VMI_F(struct vmainspect_vma_list, reserved, 2 * 8),
	};

	vmi_check_fields(test, "vmainspect_vma_list", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_vma_list));
}

static void vmi_abi_find_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_find, size, 4),
		VMI_F(struct vmainspect_find, flags, 4),
		VMI_F(struct vmainspect_find, addr, 8),
		VMI_F(struct vmainspect_find, strings, 8),
		VMI_F(struct vmainspect_find, strings_size, 4),
		VMI_F(struct vmainspect_find, out_flags, 4),
		VMI_F(struct vmainspect_find, vma, VMAINSPECT_VMA_SIZE_VER0),
		VMI_F(struct vmainspect_find, generation, 8),
		VMI_F(struct vmainspect_find, reserved, 2 * 8),
	};

	vmi_check_fields(test, "vmainspect_find", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_find));
}

static void vmi_abi_pt_entry_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_pt_entry, raw, 8),
		VMI_F(struct vmainspect_pt_entry, bits, 8),
		VMI_F(struct vmainspect_pt_entry, pfn, 8),
		VMI_F(struct vmainspect_pt_entry, offset, 8),
		VMI_F(struct vmainspect_pt_entry, level, 4),
		VMI_F(struct vmainspect_pt_entry, kind, 4),
		VMI_F(struct vmainspect_pt_entry, index, 4),
		VMI_F(struct vmainspect_pt_entry, swap_type, 4),
		VMI_F(struct vmainspect_pt_entry, pkey, 4),
		VMI_F(struct vmainspect_pt_entry, folio_shift, 4),
	};

	vmi_check_fields(test, "vmainspect_pt_entry", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_pt_entry));
}

static void vmi_abi_pt_path_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_pt_path, size, 4),
		VMI_F(struct vmainspect_pt_path, flags, 4),
		VMI_F(struct vmainspect_pt_path, addr, 8),
		VMI_F(struct vmainspect_pt_path, nr_levels, 4),
		VMI_F(struct vmainspect_pt_path, out_flags, 4),
		VMI_F(struct vmainspect_pt_path, page_size, 8),
		VMI_F(struct vmainspect_pt_path, phys_addr, 8),
		VMI_F(struct vmainspect_pt_path, pgtable_levels, 4),
		VMI_F(struct vmainspect_pt_path, reserved0, 4),
		VMI_F(struct vmainspect_pt_path, levels,
		      VMAINSPECT_LVL_NR * VMI_PT_ENTRY_SIZE),
		VMI_F(struct vmainspect_pt_path, reserved, 2 * 8),
	};

	vmi_check_fields(test, "vmainspect_pt_path", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_pt_path));
}

static void vmi_abi_pt_run_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_pt_run, start, 8),
		VMI_F(struct vmainspect_pt_run, end, 8),
		VMI_F(struct vmainspect_pt_run, pfn, 8),
		VMI_F(struct vmainspect_pt_run, offset, 8),
		VMI_F(struct vmainspect_pt_run, bits, 8),
		VMI_F(struct vmainspect_pt_run, level, 4),
		VMI_F(struct vmainspect_pt_run, kind, 4),
		VMI_F(struct vmainspect_pt_run, page_shift, 4),
		VMI_F(struct vmainspect_pt_run, swap_type, 4),
		VMI_F(struct vmainspect_pt_run, folio_shift, 4),
		VMI_F(struct vmainspect_pt_run, reserved, 4),
	};

	vmi_check_fields(test, "vmainspect_pt_run", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_pt_run));
}

static void vmi_abi_pt_runs_layout(struct kunit *test)
{
	static const struct vmi_fdesc f[] = {
		VMI_F(struct vmainspect_pt_runs, size, 4),
		VMI_F(struct vmainspect_pt_runs, flags, 4),
		VMI_F(struct vmainspect_pt_runs, start, 8),
		VMI_F(struct vmainspect_pt_runs, end, 8),
		VMI_F(struct vmainspect_pt_runs, runs, 8),
		VMI_F(struct vmainspect_pt_runs, run_size, 4),
		VMI_F(struct vmainspect_pt_runs, max_runs, 4),
		VMI_F(struct vmainspect_pt_runs, nr_runs, 4),
		VMI_F(struct vmainspect_pt_runs, out_flags, 4),
		VMI_F(struct vmainspect_pt_runs, next_addr, 8),
		VMI_F(struct vmainspect_pt_runs, generation, 8),
		VMI_F(struct vmainspect_pt_runs, tables, VMAINSPECT_LVL_NR * 8),
		VMI_F(struct vmainspect_pt_runs, reserved, 2 * 8),
	};

	vmi_check_fields(test, "vmainspect_pt_runs", f, ARRAY_SIZE(f),
			 sizeof(struct vmainspect_pt_runs));
}

static void vmi_abi_ioctl_numbers(struct kunit *test)
{
	static const struct {
		unsigned int cmd;
		unsigned int nr;
		size_t size;
	} cmds[] = {
		{ VMAINSPECT_IOC_ATTACH, 1, sizeof(struct vmainspect_attach) },
		{ VMAINSPECT_IOC_LAYOUT, 2, sizeof(struct vmainspect_layout) },
		{ VMAINSPECT_IOC_LIST_VMAS, 3,
		  sizeof(struct vmainspect_vma_list) },
		{ VMAINSPECT_IOC_FIND_VMA, 4, sizeof(struct vmainspect_find) },
		{ VMAINSPECT_IOC_PT_PATH, 5, sizeof(struct vmainspect_pt_path) },
		{ VMAINSPECT_IOC_PT_RUNS, 6, sizeof(struct vmainspect_pt_runs) },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		KUNIT_EXPECT_EQ(test, _IOC_TYPE(cmds[i].cmd),
				VMAINSPECT_IOC_MAGIC);
		KUNIT_EXPECT_EQ(test, _IOC_NR(cmds[i].cmd), cmds[i].nr);
		KUNIT_EXPECT_EQ(test, _IOC_DIR(cmds[i].cmd),
				_IOC_READ | _IOC_WRITE);
		KUNIT_EXPECT_EQ(test, (size_t)_IOC_SIZE(cmds[i].cmd),
				cmds[i].size);
	}
}

/* vmi_all_zero() against a byte loop, every length and alignment. */
static void vmi_abi_all_zero(struct kunit *test)
{
	u8 buf[72] __aligned(8);
	size_t off, len, i;

	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_TRUE(test, vmi_all_zero(buf, 0));
	for (off = 0; off < 8; off++)
		for (len = 0; off + len <= 64; len++)
			KUNIT_EXPECT_TRUE(test, vmi_all_zero(buf + off, len));

	for (off = 0; off < 8; off++) {
		for (len = 1; off + len <= 64; len++) {
			for (i = 0; i < len; i++) {
				buf[off + i] = i & 1 ? 0x80 : 0x01;
				if (vmi_all_zero(buf + off, len))
					KUNIT_FAIL(test, "off %zu len %zu: byte %zu set",
						   off, len, i);
				buf[off + i] = 0;
			}
			/* Bytes just outside the range do not count. */
			if (off)
				buf[off - 1] = 0xff;
			buf[off + len] = 0xff;
			KUNIT_EXPECT_TRUE(test, vmi_all_zero(buf + off, len));
			if (off)
				buf[off - 1] = 0;
			buf[off + len] = 0;
		}
	}
}

typedef int (*vmi_check_fn)(const void *args);

static int vmi_chk_attach(const void *a)
{
	return vmi_check_attach_args(a);
}

static int vmi_chk_layout(const void *a)
{
	return vmi_check_layout_args(a);
}

static int vmi_chk_list(const void *a)
{
	return vmi_check_list_args(a);
}

static int vmi_chk_find(const void *a)
{
	return vmi_check_find_args(a);
}

static int vmi_chk_pt_path(const void *a)
{
	return vmi_check_pt_path_args(a);
}

static int vmi_chk_pt_runs(const void *a)
{
	return vmi_check_pt_runs_args(a);
}

/* The largest argument struct, as a scratch copy. */
union vmi_any_args {
	struct vmainspect_attach attach;
	struct vmainspect_layout layout;
	struct vmainspect_vma_list list;
	struct vmainspect_find find;
	struct vmainspect_pt_path pt_path;
	struct vmainspect_pt_runs pt_runs;
};

/*
 * Each byte of a reserved field [@off, @off + @len) of the valid struct
 * @valid (@size bytes) set in turn, to 0x01 and to 0x80: -EINVAL.
 */
static void vmi_expect_reserved(struct kunit *test, const void *valid,
				size_t size, size_t off, size_t len,
				const char *what, vmi_check_fn check)
{
	union vmi_any_args a;
	size_t i;

	KUNIT_ASSERT_LE(test, size, sizeof(a));
	for (i = 0; i < len; i++) {
		memcpy(&a, valid, size);
		((u8 *)&a)[off + i] = 0x01;
		KUNIT_EXPECT_EQ_MSG(test, check(&a), -EINVAL, "%s byte %zu",
				    what, i);
		((u8 *)&a)[off + i] = 0x80;
		KUNIT_EXPECT_EQ_MSG(test, check(&a), -EINVAL, "%s byte %zu",
				    what, i);
	}
}

/* Each of the 32 flag bits alone, and all of them: accepted iff known. */
static void vmi_expect_flags(struct kunit *test, const void *valid,
			     size_t size, u32 known, vmi_check_fn check)
{
	union vmi_any_args a;
	u32 *flags = (u32 *)((u8 *)&a + sizeof(u32));	/* size, flags */
	int b;

	KUNIT_ASSERT_LE(test, size, sizeof(a));
	for (b = 0; b < 32; b++) {
		memcpy(&a, valid, size);
		*flags = BIT(b);
		KUNIT_EXPECT_EQ_MSG(test, check(&a),
				    (known & BIT(b)) ? 0 : -EINVAL,
				    "flag bit %d", b);
	}
	memcpy(&a, valid, size);
	*flags = ~0U;
	KUNIT_EXPECT_EQ(test, check(&a), known == ~0U ? 0 : -EINVAL);
}

static void vmi_attach_valid(struct vmainspect_attach *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->pid = 1;
}

static void vmi_abi_attach_args(struct kunit *test)
{
	struct vmainspect_attach v, a;

	vmi_attach_valid(&v);
	KUNIT_EXPECT_EQ(test, vmi_check_attach_args(&v), 0);
	a = v;
	a.flags = VMAINSPECT_ATTACH_FLAGS;
	KUNIT_EXPECT_EQ(test, vmi_check_attach_args(&a), 0);

	vmi_expect_flags(test, &v, sizeof(v), VMAINSPECT_ATTACH_FLAGS,
			 vmi_chk_attach);
	vmi_expect_reserved(test, &v, sizeof(v),
			    offsetof(struct vmainspect_attach, reserved0),
			    sizeof(v.reserved0), "reserved0", vmi_chk_attach);
	vmi_expect_reserved(test, &v, sizeof(v),
			    offsetof(struct vmainspect_attach, reserved),
			    sizeof(v.reserved), "reserved", vmi_chk_attach);

	/* Output fields are ignored on input (a caller may reuse a struct). */
	a = v;
	a.abi_version = ~0U;
	a.tgid = ~0U;
	KUNIT_EXPECT_EQ(test, vmi_check_attach_args(&a), 0);
}

static void vmi_abi_attach_pid(struct kunit *test)
{
	struct vmainspect_attach a;

	vmi_attach_valid(&a);
	a.pid = 0;
	KUNIT_EXPECT_EQ(test, vmi_check_attach_args(&a), -ESRCH);
	/* The largest pid the kernel can ever hand out is accepted. */
	a.pid = PID_MAX_LIMIT - 1;
	KUNIT_EXPECT_EQ(test, vmi_check_attach_args(&a), 0);
	a.pid = (u32)-1;
	KUNIT_EXPECT_EQ(test, vmi_check_attach_args(&a), -ESRCH);
	a.pid = 0x80000000U;
	KUNIT_EXPECT_EQ(test, vmi_check_attach_args(&a), -ESRCH);
}

static void vmi_abi_layout_args(struct kunit *test)
{
	struct vmainspect_layout v, a;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	KUNIT_EXPECT_EQ(test, vmi_check_layout_args(&v), 0);

	vmi_expect_flags(test, &v, sizeof(v), 0, vmi_chk_layout);
	vmi_expect_reserved(test, &v, sizeof(v),
			    offsetof(struct vmainspect_layout, reserved),
			    sizeof(v.reserved), "reserved", vmi_chk_layout);

	/* Every output field set: still valid. */
	memset(&a, 0xff, offsetof(struct vmainspect_layout, reserved));
	a.size = sizeof(a);
	a.flags = 0;
	memset(a.reserved, 0, sizeof(a.reserved));
	KUNIT_EXPECT_EQ(test, vmi_check_layout_args(&a), 0);
}

static void vmi_list_valid(struct vmainspect_vma_list *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->vma_size = VMAINSPECT_VMA_SIZE_VER0;
	a->max_vmas = 1;
}

static void vmi_abi_list_args(struct kunit *test)
{
	struct vmainspect_vma_list v, a;

	vmi_list_valid(&v);
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&v), 0);

	vmi_expect_flags(test, &v, sizeof(v), 0, vmi_chk_list);
	vmi_expect_reserved(test, &v, sizeof(v),
			    offsetof(struct vmainspect_vma_list, reserved),
			    sizeof(v.reserved), "reserved", vmi_chk_list);

	/* In-only fields may hold anything the checks do not restrict. */
	a = v;
	a.start_addr = ~0ULL;
	a.vmas = ~0ULL;
	a.strings = ~0ULL;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);

	/* Output fields are ignored on input (the cursor loop reuses it). */
	a = v;
	a.nr_vmas = ~0U;
	a.strings_used = ~0U;
	a.out_flags = ~0U;
	a.next_addr = ~0ULL;
	a.generation = ~0ULL;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);
}

static void vmi_abi_list_max_vmas(struct kunit *test)
{
	struct vmainspect_vma_list a;

	vmi_list_valid(&a);
	a.max_vmas = 0;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
	a.max_vmas = 1;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);
	a.max_vmas = VMAINSPECT_LIST_MAX_VMAS;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);
	a.max_vmas = VMAINSPECT_LIST_MAX_VMAS + 1;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
	a.max_vmas = ~0U;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
}

static void vmi_abi_list_vma_size(struct kunit *test)
{
	struct vmainspect_vma_list a;

	vmi_list_valid(&a);
	a.vma_size = 0;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
	a.vma_size = VMAINSPECT_VMA_SIZE_VER0 - 1;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
	a.vma_size = VMAINSPECT_VMA_SIZE_VER0 - 8;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
	a.vma_size = VMAINSPECT_VMA_SIZE_VER0;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);
	/* Newer userspace, larger records: the kernel zero-fills the rest. */
	a.vma_size = VMAINSPECT_VMA_SIZE_VER0 + 8;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);
	a.vma_size = 2 * VMAINSPECT_VMA_SIZE_VER0;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);
	/* Absurd record sizes are refused rather than multiplied. */
	a.vma_size = ~0U;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
}

static void vmi_abi_list_strings_size(struct kunit *test)
{
	struct vmainspect_vma_list a;

	vmi_list_valid(&a);
	a.strings_size = 0;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);
	a.strings_size = VMAINSPECT_STRINGS_MAX;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), 0);
	a.strings_size = VMAINSPECT_STRINGS_MAX + 1;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
	a.strings_size = ~0U;
	KUNIT_EXPECT_EQ(test, vmi_check_list_args(&a), -EINVAL);
}

static void vmi_abi_find_args(struct kunit *test)
{
	struct vmainspect_find v, a;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	KUNIT_EXPECT_EQ(test, vmi_check_find_args(&v), 0);

	vmi_expect_flags(test, &v, sizeof(v), 0, vmi_chk_find);
	vmi_expect_reserved(test, &v, sizeof(v),
			    offsetof(struct vmainspect_find, reserved),
			    sizeof(v.reserved), "reserved", vmi_chk_find);

	a = v;
	a.strings_size = VMAINSPECT_STRINGS_MAX;
	KUNIT_EXPECT_EQ(test, vmi_check_find_args(&a), 0);
	a.strings_size = VMAINSPECT_STRINGS_MAX + 1;
	KUNIT_EXPECT_EQ(test, vmi_check_find_args(&a), -EINVAL);

	/* Any address, and output fields set from a previous call. */
	a = v;
	a.addr = ~0ULL;
	a.strings = ~0ULL;
	a.out_flags = ~0U;
	memset(&a.vma, 0xff, sizeof(a.vma));
	a.generation = ~0ULL;
	KUNIT_EXPECT_EQ(test, vmi_check_find_args(&a), 0);
}

static void vmi_abi_pt_path_args(struct kunit *test)
{
	struct vmainspect_pt_path v, a;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	KUNIT_EXPECT_EQ(test, vmi_check_pt_path_args(&v), 0);

	vmi_expect_flags(test, &v, sizeof(v), 0, vmi_chk_pt_path);
	vmi_expect_reserved(test, &v, sizeof(v),
			    offsetof(struct vmainspect_pt_path, reserved0),
			    sizeof(v.reserved0), "reserved0", vmi_chk_pt_path);
	vmi_expect_reserved(test, &v, sizeof(v),
			    offsetof(struct vmainspect_pt_path, reserved),
			    sizeof(v.reserved), "reserved", vmi_chk_pt_path);

	/* Any address; output fields from a previous call are ignored. */
	a = v;
	a.addr = ~0ULL;
	a.nr_levels = ~0U;
	a.out_flags = ~0U;
	a.page_size = ~0ULL;
	a.phys_addr = ~0ULL;
	a.pgtable_levels = ~0U;
	memset(a.levels, 0xff, sizeof(a.levels));
	KUNIT_EXPECT_EQ(test, vmi_check_pt_path_args(&a), 0);
}

static void vmi_pt_runs_valid(struct vmainspect_pt_runs *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->start = PAGE_SIZE;
	a->end = 2 * PAGE_SIZE;
	a->run_size = VMAINSPECT_PT_RUN_SIZE_VER0;
	a->max_runs = 1;
}

static void vmi_abi_pt_runs_args(struct kunit *test)
{
	struct vmainspect_pt_runs v, a;

	vmi_pt_runs_valid(&v);
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&v), 0);
	vmi_expect_flags(test, &v, sizeof(v), VMAINSPECT_PT_RUNS_NO_FRAME_BITS,
			 vmi_chk_pt_runs);
	vmi_expect_reserved(test, &v, sizeof(v),
			    offsetof(struct vmainspect_pt_runs, reserved),
			    sizeof(v.reserved), "reserved", vmi_chk_pt_runs);

	/* Output fields from a previous call are ignored. */
	a = v;
	a.nr_runs = ~0U;
	a.out_flags = ~0U;
	a.next_addr = ~0ULL;
	a.generation = ~0ULL;
	memset(a.tables, 0xff, sizeof(a.tables));
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), 0);
}

/* start and end page aligned, end > start. */
static void vmi_abi_pt_runs_range(struct kunit *test)
{
	struct vmainspect_pt_runs a;

	vmi_pt_runs_valid(&a);
	a.start = 0;
	a.end = ~0ULL & PAGE_MASK;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), 0);
	vmi_pt_runs_valid(&a);
	a.start = PAGE_SIZE + 1;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);
	vmi_pt_runs_valid(&a);
	a.end = 2 * PAGE_SIZE - 1;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);
	vmi_pt_runs_valid(&a);
	a.end = a.start;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);
	vmi_pt_runs_valid(&a);
	a.end = a.start - PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);
}

static void vmi_abi_pt_runs_sizes(struct kunit *test)
{
	struct vmainspect_pt_runs a;

	vmi_pt_runs_valid(&a);
	a.run_size = VMAINSPECT_PT_RUN_SIZE_VER0 - 1;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);
	a.run_size = 0;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);
	a.run_size = VMAINSPECT_PT_RUN_SIZE_VER0 + 8;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), 0);
	a.run_size = ~0U;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);

	vmi_pt_runs_valid(&a);
	a.max_runs = 0;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);
	a.max_runs = VMAINSPECT_RUNS_MAX;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), 0);
	a.max_runs = VMAINSPECT_RUNS_MAX + 1;
	KUNIT_EXPECT_EQ(test, vmi_check_pt_runs_args(&a), -EINVAL);
}

static struct kunit_case vmi_abi_cases[] = {
	KUNIT_CASE(vmi_abi_struct_sizes),
	KUNIT_CASE(vmi_abi_attach_layout),
	KUNIT_CASE(vmi_abi_layout_layout),
	KUNIT_CASE(vmi_abi_vma_layout),
	KUNIT_CASE(vmi_abi_list_layout),
	KUNIT_CASE(vmi_abi_find_layout),
	KUNIT_CASE(vmi_abi_pt_entry_layout),
	KUNIT_CASE(vmi_abi_pt_path_layout),
	KUNIT_CASE(vmi_abi_pt_run_layout),
	KUNIT_CASE(vmi_abi_pt_runs_layout),
	KUNIT_CASE(vmi_abi_ioctl_numbers),
	KUNIT_CASE(vmi_abi_all_zero),
	KUNIT_CASE(vmi_abi_attach_args),
	KUNIT_CASE(vmi_abi_attach_pid),
	KUNIT_CASE(vmi_abi_layout_args),
	KUNIT_CASE(vmi_abi_list_args),
	KUNIT_CASE(vmi_abi_list_max_vmas),
	KUNIT_CASE(vmi_abi_list_vma_size),
	KUNIT_CASE(vmi_abi_list_strings_size),
	KUNIT_CASE(vmi_abi_find_args),
	KUNIT_CASE(vmi_abi_pt_path_args),
	KUNIT_CASE(vmi_abi_pt_runs_args),
	KUNIT_CASE(vmi_abi_pt_runs_range),
	KUNIT_CASE(vmi_abi_pt_runs_sizes),
	{}
};

static struct kunit_suite vmi_abi_suite = {
	.name = "vmainspect_abi",
	.test_cases = vmi_abi_cases,
};

/*
 * vmi_copy_args() on user memory.  The argument struct of these tests is
 * a stand-in with the ABI's shape: __u32 size first, then payload.
 */
struct vmi_test_args {
	u32 size;
	u32 flags;
	u64 a;
	u64 b;
	u64 c;
	u64 d;
};

#define VMI_TEST_ARGS_PAGES	2

struct vmi_uaccess {
	u8 __user *umem;		/* VMI_TEST_ARGS_PAGES pages */
	u8 *kbuf;			/* staging for copy_to_user() */
};

static int vmi_uaccess_init(struct kunit *test)
{
	struct vmi_uaccess *u;
	unsigned long addr;

	u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	u->kbuf = kunit_kzalloc(test, VMI_TEST_ARGS_PAGES * PAGE_SIZE,
				GFP_KERNEL);
	if (!u->kbuf)
		return -ENOMEM;
	addr = vmi_test_user_map(test, VMI_TEST_ARGS_PAGES * PAGE_SIZE);
	if (!addr) {
		kunit_err(test, "no user memory for the test\n");
		return -ENOMEM;
	}
	u->umem = (u8 __user *)addr;
	test->priv = u;
	return 0;
}

/* Put @len bytes of @src at user offset @off, the rest of umem zeroed. */
static void vmi_uput(struct kunit *test, const void *src, size_t len,
		     size_t off)
{
	struct vmi_uaccess *u = test->priv;

	memset(u->kbuf, 0, VMI_TEST_ARGS_PAGES * PAGE_SIZE);
	memcpy(u->kbuf + off, src, len);
	KUNIT_ASSERT_EQ(test, copy_to_user(u->umem, u->kbuf,
					   VMI_TEST_ARGS_PAGES * PAGE_SIZE),
			0);
}

static void vmi_fill_args(struct vmi_test_args *a, u32 size)
{
	a->size = size;
	a->flags = 0x11111111;
	a->a = 0x2222222222222222ULL;
	a->b = 0x3333333333333333ULL;
	a->c = 0x4444444444444444ULL;
	a->d = 0x5555555555555555ULL;
}

static void vmi_uaccess_exact(struct kunit *test)
{
	struct vmi_uaccess *u = test->priv;
	struct vmi_test_args in, out;

	vmi_fill_args(&in, sizeof(in));
	vmi_uput(test, &in, sizeof(in), 0);
	memset(&out, 0xaa, sizeof(out));
	KUNIT_EXPECT_EQ(test, vmi_copy_args(&out, sizeof(out), sizeof(out),
					    u->umem), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&in, &out, sizeof(in)), 0);
}

static void vmi_uaccess_below_min(struct kunit *test)
{
	struct vmi_uaccess *u = test->priv;
	struct vmi_test_args in, out;
	u32 size;

	/* Every size below the first published one is refused. */
	for (size = 0; size < sizeof(in); size++) {
		vmi_fill_args(&in, size);
		vmi_uput(test, &in, sizeof(in), 0);
		KUNIT_EXPECT_EQ_MSG(test,
				    vmi_copy_args(&out, sizeof(out),
						  sizeof(out), u->umem),
				    -EINVAL, "size %u", size);
	}
}

/* Older userspace: a shorter struct is zero-extended. */
static void vmi_uaccess_short(struct kunit *test)
{
	struct vmi_uaccess *u = test->priv;
	struct vmi_test_args in, out;
	size_t min = offsetof(struct vmi_test_args, b);
	u32 size;

	for (size = min; size <= sizeof(in); size += sizeof(u64)) {
		vmi_fill_args(&in, size);
		vmi_uput(test, &in, sizeof(in), 0);
		memset(&out, 0xaa, sizeof(out));
		KUNIT_EXPECT_EQ_MSG(test, vmi_copy_args(&out, sizeof(out), min,
							u->umem),
				    0, "size %u", size);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&in, &out, size), 0,
				    "size %u: prefix differs", size);
		KUNIT_EXPECT_TRUE_MSG(test,
				      vmi_all_zero((u8 *)&out + size,
						   sizeof(out) - size),
				      "size %u: tail not zeroed", size);
	}
}

/* Newer userspace: a longer struct is fine if the unknown tail is zero. */
static void vmi_uaccess_long_zero_tail(struct kunit *test)
{
	struct vmi_uaccess *u = test->priv;
	struct vmi_test_args in, out;
	static const u32 sizes[] = {
		sizeof(struct vmi_test_args) + 1,
		sizeof(struct vmi_test_args) + 8,
		sizeof(struct vmi_test_args) + 64,
		PAGE_SIZE,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		vmi_fill_args(&in, sizes[i]);
		vmi_uput(test, &in, sizeof(in), 0);
		memset(&out, 0xaa, sizeof(out));
		KUNIT_EXPECT_EQ_MSG(test, vmi_copy_args(&out, sizeof(out),
							sizeof(out), u->umem),
				    0, "size %u", sizes[i]);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&in, &out, sizeof(in)), 0,
				    "size %u", sizes[i]);
	}
}

static void vmi_uaccess_long_nonzero_tail(struct kunit *test)
{
	struct vmi_uaccess *u = test->priv;
	struct vmi_test_args in, out;
	const size_t k = sizeof(in);
	const u32 usize = k + 64;
	size_t pos;

	vmi_fill_args(&in, usize);
	for (pos = k; pos < usize; pos++) {
		vmi_uput(test, &in, sizeof(in), 0);
		KUNIT_ASSERT_EQ(test, put_user((u8)0x01, u->umem + pos), 0);
		KUNIT_EXPECT_EQ_MSG(test, vmi_copy_args(&out, sizeof(out),
							sizeof(out), u->umem),
				    -E2BIG, "non-zero byte at %zu of %u", pos,
				    usize);
	}
	/* Bytes beyond the caller's size are not the caller's business. */
	vmi_uput(test, &in, sizeof(in), 0);
	KUNIT_ASSERT_EQ(test, put_user((u8)0x01, u->umem + usize), 0);
	KUNIT_EXPECT_EQ(test, vmi_copy_args(&out, sizeof(out), sizeof(out),
					    u->umem), 0);
}

static void vmi_uaccess_fault(struct kunit *test)
{
	struct vmi_uaccess *u = test->priv;
	struct vmi_test_args in, out;
	u8 __user *second = u->umem + PAGE_SIZE;

	/* Unmap the second page: structs reaching into it fault. */
	KUNIT_ASSERT_EQ(test, vm_munmap((unsigned long)second, PAGE_SIZE), 0);

	KUNIT_EXPECT_EQ(test, vmi_copy_args(&out, sizeof(out), sizeof(out),
					    NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, vmi_copy_args(&out, sizeof(out), sizeof(out),
					    second), -EFAULT);

	/* The size word is readable, the rest of the struct is not. */
	vmi_fill_args(&in, sizeof(in));
	KUNIT_ASSERT_EQ(test, copy_to_user(second - sizeof(in.size), &in.size,
					   sizeof(in.size)), 0);
	KUNIT_EXPECT_EQ(test, vmi_copy_args(&out, sizeof(out), sizeof(out),
					    second - sizeof(in.size)),
			-EFAULT);
}

/*
 * One reader per argument struct, as its handler reads it: the struct the
 * module knows, at least its first published size.
 */
#define VMI_ARG_READER(name, NAME)					\
static int vmi_read_##name(const void __user *uarg)			\
{									\
	struct vmainspect_##name k;					\
									\
	return vmi_copy_args(&k, sizeof(k),				\
			     VMAINSPECT_##NAME##_SIZE_VER0, uarg);	\
}

VMI_ARG_READER(attach, ATTACH)
VMI_ARG_READER(layout, LAYOUT)
VMI_ARG_READER(vma_list, VMA_LIST)
VMI_ARG_READER(find, FIND)
VMI_ARG_READER(pt_path, PT_PATH)
VMI_ARG_READER(pt_runs, PT_RUNS)
VMI_ARG_READER(page, PAGE)
VMI_ARG_READER(rmap, RMAP)
VMI_ARG_READER(klayout, KLAYOUT)
VMI_ARG_READER(kaddr, KADDR)

static const struct {
	const char *name;
	size_t ver0, size;
	int (*read)(const void __user *uarg);
} vmi_arg_readers[] = {
#define VMI_ARG(name, NAME) { #name, VMAINSPECT_##NAME##_SIZE_VER0,	\
			      sizeof(struct vmainspect_##name), vmi_read_##name }
	VMI_ARG(attach, ATTACH),
	VMI_ARG(layout, LAYOUT),
	VMI_ARG(vma_list, VMA_LIST),
	VMI_ARG(find, FIND),
	VMI_ARG(pt_path, PT_PATH),
	VMI_ARG(pt_runs, PT_RUNS),
	VMI_ARG(page, PAGE),
	VMI_ARG(rmap, RMAP),
	VMI_ARG(klayout, KLAYOUT),
	VMI_ARG(kaddr, KADDR),
#undef VMI_ARG
};

/* A zeroed argument of @size bytes at umem, its last byte @last. */
static void vmi_uput_sized(struct kunit *test, u32 size, u8 last)
{
	struct vmi_uaccess *u = test->priv;

	memset(u->kbuf, 0, VMI_TEST_ARGS_PAGES * PAGE_SIZE);
	memcpy(u->kbuf, &size, sizeof(size));
	if (size > sizeof(size))
		u->kbuf[size - 1] = last;
	KUNIT_ASSERT_EQ(test, copy_to_user(u->umem, u->kbuf,
					   VMI_TEST_ARGS_PAGES * PAGE_SIZE),
			0);
}

/*
 * Every ioctl's argument struct as its handler reads it: from the first
 * published size (VMAINSPECT_<NAME>_SIZE_VER0) up to a page with a zero
 * tail it is taken; a byte short of VER0 is -EINVAL; a non-zero byte past
 * what the module knows is -E2BIG, as is anything above a page.
 */
static void vmi_uaccess_each_ioctl(struct kunit *test)
{
	struct vmi_uaccess *u = test->priv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vmi_arg_readers); i++) {
		const char *n = vmi_arg_readers[i].name;
		u32 ver0 = vmi_arg_readers[i].ver0;
		u32 cur = vmi_arg_readers[i].size;
		int (*rd)(const void __user *uarg) = vmi_arg_readers[i].read;

		KUNIT_EXPECT_GE_MSG(test, cur, ver0, "%s", n);
		vmi_uput_sized(test, ver0 - 1, 0);
		KUNIT_EXPECT_EQ_MSG(test, rd(u->umem), -EINVAL, "%s: VER0 - 1", n);
		vmi_uput_sized(test, ver0, 0);
		KUNIT_EXPECT_EQ_MSG(test, rd(u->umem), 0, "%s: VER0", n);
		vmi_uput_sized(test, cur, 0);
		KUNIT_EXPECT_EQ_MSG(test, rd(u->umem), 0, "%s: current", n);
		vmi_uput_sized(test, cur + 16, 0);
		KUNIT_EXPECT_EQ_MSG(test, rd(u->umem), 0, "%s: +16, zero", n);
		vmi_uput_sized(test, cur + 16, 1);
		KUNIT_EXPECT_EQ_MSG(test, rd(u->umem), -E2BIG, "%s: +16, non-zero",
				    n);
		vmi_uput_sized(test, PAGE_SIZE, 0);
		KUNIT_EXPECT_EQ_MSG(test, rd(u->umem), 0, "%s: a page", n);
		vmi_uput_sized(test, PAGE_SIZE + 1, 0);
		KUNIT_EXPECT_EQ_MSG(test, rd(u->umem), -E2BIG, "%s: a page + 1",
				    n);
	}
}

static struct kunit_case vmi_uaccess_cases[] = {
	KUNIT_CASE(vmi_uaccess_each_ioctl),
	KUNIT_CASE(vmi_uaccess_exact),
	KUNIT_CASE(vmi_uaccess_below_min),
	KUNIT_CASE(vmi_uaccess_short),
	KUNIT_CASE(vmi_uaccess_long_zero_tail),
	KUNIT_CASE(vmi_uaccess_long_nonzero_tail),
	KUNIT_CASE(vmi_uaccess_fault),
	{}
};

static struct kunit_suite vmi_uaccess_suite = {
	.name = "vmainspect_uaccess",
	.init = vmi_uaccess_init,
	.test_cases = vmi_uaccess_cases,
};

kunit_test_suites(&vmi_abi_suite, &vmi_uaccess_suite);
