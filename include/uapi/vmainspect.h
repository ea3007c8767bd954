/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmainspect: user-space ABI of /dev/vmainspect.
 *
 * Shared by the kernel module (src/) and the tool (userspace/).
 *
 * Rules (Documentation/abi.md):
 *  - Every argument struct starts with __u32 size and __u32 flags.  The
 *    kernel reads it like copy_struct_from_user(): a smaller struct from older
 *    userspace is zero-extended, a larger one from newer userspace is accepted
 *    only if the bytes the kernel does not know are zero (else -E2BIG).
 *    VMAINSPECT_<NAME>_SIZE_VER0, after each struct, is its first published
 *    size and the smallest the kernel takes (-EINVAL below it); fields are
 *    only ever appended, and a new field's zero means the old behaviour.
 *    Output is written back up to the caller's size.
 *  - Unknown flag bits and non-zero reserved fields: -EINVAL.
 *  - Unknown command: -ENOTTY.
 *  - Fixed-width types only, natural alignment, no pointers: user buffers are
 *    passed as __u64 addresses.
 *  - Records in arrays carry their size in the request (vma_size) so either
 *    side can grow them; the kernel zero-fills a larger user record.
 */
#ifndef _UAPI_LINUX_VMAINSPECT_H
#define _UAPI_LINUX_VMAINSPECT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMAINSPECT_DEVICE	"/dev/vmainspect"
#define VMAINSPECT_ABI_VERSION	1

/*
 * VMAINSPECT_IOC_ATTACH: bind this open file to a target process's mm.
 *
 * pid is read in the caller's pid namespace.  The caller may attach to its
 * own thread group always, to another process only if it may open
 * /proc/<pid>/maps (the kernel runs its own ptrace and LSM checks), see
 * Documentation/access.md.  The file then tracks that mm, not the task:
 * after an exec (or exit) of the target every query returns -ESRCH.
 * Attaching again replaces the previous target; a failed attach leaves
 * the file as it was.  Errors: -ESRCH (no such process, a kernel thread,
 * a zombie), -EACCES/-EPERM (denied), -ENOENT (procfs hides the pid, as
 * /proc/<pid>/maps would for this caller, e.g. hidepid=2).
 *
 * VMAINSPECT_ATTACH_DEBUGFS also publishes the read-only text views
 * /sys/kernel/debug/vmainspect/<pid>/{layout,maps,pagetables} (needs
 * CAP_SYS_ADMIN; each open is checked again with the opener's
 * credentials; -ENOSPC when 64 live processes are published already;
 * -EAGAIN, rarely, while a directory of the same name is still being
 * removed: try again).
 *
 * A pidfd race-free attach is done in userspace: read the pid from
 * /proc/self/fdinfo/<pidfd>, attach, then check the pidfd still refers to
 * a live process (pidfd_send_signal(pidfd, 0, NULL, 0)).
 */
#define VMAINSPECT_ATTACH_DEBUGFS	(1U << 0)
#define VMAINSPECT_ATTACH_FLAGS		(VMAINSPECT_ATTACH_DEBUGFS)

struct vmainspect_attach {
	__u32 size;		/* in: sizeof(struct vmainspect_attach) */
	__u32 flags;		/* in: VMAINSPECT_ATTACH_* */
	__u32 pid;		/* in: pid in the caller's pid namespace */
	__u32 reserved0;	/* in: must be zero */
	__u32 abi_version;	/* out: VMAINSPECT_ABI_VERSION */
	__u32 tgid;		/* out: thread group id in the caller's pid ns */
	__u64 reserved[2];	/* in: must be zero */
};

#define VMAINSPECT_ATTACH_SIZE_VER0	40	/* first published size */

/*
 * VMAINSPECT_IOC_LAYOUT: mm_struct layout fields and counters.
 * Addresses are user virtual addresses of the target.  Counters in pages
 * unless named *_bytes.
 */
struct vmainspect_layout {
	__u32 size;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 task_size;
	__u64 mmap_base;
	__u64 start_code;
	__u64 end_code;
	__u64 start_data;
	__u64 end_data;
	__u64 start_brk;
	__u64 brk;
	__u64 start_stack;
	__u64 arg_start;
	__u64 arg_end;
	__u64 env_start;
	__u64 env_end;
	__u64 map_count;
	__u64 total_vm;
	__u64 locked_vm;
	__u64 pinned_vm;
	__u64 data_vm;
	__u64 exec_vm;
	__u64 stack_vm;
	__u64 rss_file;
	__u64 rss_anon;
	__u64 rss_shmem;
	__u64 swap_ents;
	__u64 hiwater_rss;
	__u64 hiwater_vm;
	__u64 pgtables_bytes;
	__u64 generation;	/* same meaning as in vmainspect_vma_list */
	__u32 pgtable_levels;	/* 4 or 5 on x86_64, as the kernel runs now */
	__u32 page_shift;	/* PAGE_SHIFT */
	__u64 reserved[4];	/* out: zero */
};

#define VMAINSPECT_LAYOUT_SIZE_VER0	272	/* first published size */

/* vmainspect_vma.kind: what /proc/PID/maps would print as the name. */
enum vmainspect_vma_kind {
	VMAINSPECT_KIND_ANON = 0,	/* anonymous, no name */
	VMAINSPECT_KIND_FILE = 1,	/* file-backed: name is the path */
	VMAINSPECT_KIND_HEAP = 2,	/* [heap] */
	VMAINSPECT_KIND_STACK = 3,	/* [stack] */
	VMAINSPECT_KIND_SPECIAL = 4,	/* vm_ops->name(): [vdso], [vvar]... */
	VMAINSPECT_KIND_ANON_NAMED = 5,	/* [anon:NAME] via PR_SET_VMA */
	VMAINSPECT_KIND_SHMEM_NAMED = 6,/* [anon_shmem:NAME] */
	/*
	 * hugetlbfs-backed (VM_HUGETLB: a hugetlbfs file, or MAP_HUGETLB):
	 * name is the path, as for FILE.  Before this value such a VMA was
	 * FILE; an older tool prints a kind it does not know as "unknown".
	 */
	VMAINSPECT_KIND_HUGETLB = 7,
	VMAINSPECT_KIND_MAX
};

/* vmainspect_vma.attrs */
#define VMAINSPECT_ATTR_ANON_VMA	(1U << 0) /* an anon_vma is attached */
#define VMAINSPECT_ATTR_SHMEM		(1U << 1) /* file is shmem/tmpfs */
#define VMAINSPECT_ATTR_ANONYMOUS	(1U << 2) /* vma_is_anonymous() */
#define VMAINSPECT_ATTR_FILE		(1U << 3) /* has a vm_file (dev/inode valid) */

/*
 * Stable vm_flags bits (vmainspect_vma.uflags).  The kernel's VM_* values
 * move between releases; the module translates them to these bits, which
 * never change meaning.  Names and smaps "VmFlags" mnemonics are in
 * vmainspect_names.h.
 */
#define VMAINSPECT_VM_READ		(1ULL << 0)
#define VMAINSPECT_VM_WRITE		(1ULL << 1)
#define VMAINSPECT_VM_EXEC		(1ULL << 2)
#define VMAINSPECT_VM_SHARED		(1ULL << 3)
#define VMAINSPECT_VM_MAYREAD		(1ULL << 4)
#define VMAINSPECT_VM_MAYWRITE		(1ULL << 5)
#define VMAINSPECT_VM_MAYEXEC		(1ULL << 6)
#define VMAINSPECT_VM_MAYSHARE		(1ULL << 7)
#define VMAINSPECT_VM_GROWSDOWN		(1ULL << 8)
#define VMAINSPECT_VM_GROWSUP		(1ULL << 9)
#define VMAINSPECT_VM_PFNMAP		(1ULL << 10)
#define VMAINSPECT_VM_DENYWRITE		(1ULL << 11)
#define VMAINSPECT_VM_LOCKED		(1ULL << 12)
#define VMAINSPECT_VM_IO		(1ULL << 13)
#define VMAINSPECT_VM_SEQ_READ		(1ULL << 14)
#define VMAINSPECT_VM_RAND_READ		(1ULL << 15)
#define VMAINSPECT_VM_DONTCOPY		(1ULL << 16)
#define VMAINSPECT_VM_DONTEXPAND	(1ULL << 17)
#define VMAINSPECT_VM_LOCKONFAULT	(1ULL << 18)
#define VMAINSPECT_VM_ACCOUNT		(1ULL << 19)
#define VMAINSPECT_VM_NORESERVE		(1ULL << 20)
#define VMAINSPECT_VM_HUGETLB		(1ULL << 21)
#define VMAINSPECT_VM_SYNC		(1ULL << 22)
#define VMAINSPECT_VM_ARCH_1		(1ULL << 23)
#define VMAINSPECT_VM_WIPEONFORK	(1ULL << 24)
#define VMAINSPECT_VM_DONTDUMP		(1ULL << 25)
#define VMAINSPECT_VM_SOFTDIRTY		(1ULL << 26)
#define VMAINSPECT_VM_MIXEDMAP		(1ULL << 27)
#define VMAINSPECT_VM_HUGEPAGE		(1ULL << 28)
#define VMAINSPECT_VM_NOHUGEPAGE	(1ULL << 29)
#define VMAINSPECT_VM_MERGEABLE		(1ULL << 30)
#define VMAINSPECT_VM_UFFD_MISSING	(1ULL << 31)
#define VMAINSPECT_VM_UFFD_WP		(1ULL << 32)
#define VMAINSPECT_VM_UFFD_MINOR	(1ULL << 33)
#define VMAINSPECT_VM_SHADOW_STACK	(1ULL << 34)
#define VMAINSPECT_VM_SEALED		(1ULL << 35)
#define VMAINSPECT_VM_DROPPABLE		(1ULL << 36)
#define VMAINSPECT_VM_MTE		(1ULL << 37)
#define VMAINSPECT_VM_MTE_ALLOWED	(1ULL << 38)
#define VMAINSPECT_VM_BTI		(1ULL << 39)
#define VMAINSPECT_VM_PKEY_BIT0		(1ULL << 40)
#define VMAINSPECT_VM_PKEY_BIT1		(1ULL << 41)
#define VMAINSPECT_VM_PKEY_BIT2		(1ULL << 42)
#define VMAINSPECT_VM_PKEY_BIT3		(1ULL << 43)
#define VMAINSPECT_VM_PKEY_BIT4		(1ULL << 44)
#define VMAINSPECT_VM_MAYBE_GUARD	(1ULL << 45)	/* guard regions (6.19) */
#define VMAINSPECT_VM_UFFD_RWP		(1ULL << 46)	/* uffd read-write-protect (7.3) */
#define VMAINSPECT_VM_NR_BITS		47

/*
 * One VMA.  name_off indexes the string area of the request (a NUL-terminated
 * string, exactly what /proc/PID/maps prints as the name except that maps
 * escapes '\n' as "\012"), or is VMAINSPECT_NO_NAME.  Equal names within one
 * call share one string.
 */
#define VMAINSPECT_NO_NAME	0xffffffffU

struct vmainspect_vma {
	__u64 start;
	__u64 end;
	__u64 vm_flags;		/* raw kernel vm_flags (version specific) */
	__u64 uflags;		/* VMAINSPECT_VM_* (stable) */
	__u64 pgoff;		/* vm_pgoff, in pages */
	__u64 inode;		/* i_ino of the mapped file, else 0 */
	__u32 dev_major;	/* of the file's superblock, else 0 */
	__u32 dev_minor;
	__u32 kind;		/* enum vmainspect_vma_kind */
	__u32 attrs;		/* VMAINSPECT_ATTR_* */
	__u32 name_off;		/* offset in the string area or NO_NAME */
	__u32 name_len;		/* strlen of the name */
	__u64 page_prot;	/* pgprot_val(vm_page_prot) */
};

#define VMAINSPECT_VMA_SIZE_VER0	80	/* first published size */

/*
 * VMAINSPECT_IOC_LIST_VMAS: batched VMA enumeration.
 *
 * Returns the VMAs with end > start_addr, in address order, until max_vmas
 * records or the string area are full.  next_addr is the resume cursor (the
 * end of the last VMA returned); VMAINSPECT_LIST_DONE is set when no VMA is
 * left.  Each call takes the target's mmap lock once; generation changes when
 * the target's VMA set may have changed, so a caller that sees a different
 * generation between batches should restart for a consistent snapshot.
 * (The kernel's maybe-guard hint, uflag VMAINSPECT_VM_MAYBE_GUARD, set
 * without the mmap write lock since 6.19, does not change it.)
 */
#define VMAINSPECT_LIST_DONE		(1U << 0)
#define VMAINSPECT_LIST_MAX_VMAS	4096	/* records per call, at most */
#define VMAINSPECT_STRINGS_MAX		(1U << 20)

struct vmainspect_vma_list {
	__u32 size;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 start_addr;	/* in: cursor */
	__u64 vmas;		/* in: user address of the record array */
	__u64 strings;		/* in: user address of the string area */
	__u32 vma_size;		/* in: size of one record, >= SIZE_VER0 */
	__u32 max_vmas;		/* in: capacity of vmas, 1..LIST_MAX_VMAS */
	__u32 strings_size;	/* in: bytes at strings, <= STRINGS_MAX */
	__u32 nr_vmas;		/* out */
	__u32 strings_used;	/* out */
	__u32 out_flags;	/* out: VMAINSPECT_LIST_* */
	__u64 next_addr;	/* out: cursor for the next call */
	__u64 generation;	/* out */
	__u64 reserved[2];	/* in: must be zero */
};

#define VMAINSPECT_VMA_LIST_SIZE_VER0	88	/* first published size */

/*
 * VMAINSPECT_IOC_FIND_VMA: the VMA containing addr, or the first one above it.
 */
#define VMAINSPECT_FIND_CONTAINS	(1U << 0) /* out: vma contains addr */
#define VMAINSPECT_FIND_FOUND		(1U << 1) /* out: vma is valid */

struct vmainspect_find {
	__u32 size;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 addr;		/* in */
	__u64 strings;		/* in: user address for the name */
	__u32 strings_size;	/* in: <= STRINGS_MAX */
	__u32 out_flags;	/* out: VMAINSPECT_FIND_* */
	struct vmainspect_vma vma; /* out */
	__u64 generation;	/* out */
	__u64 reserved[2];	/* in: must be zero */
};

#define VMAINSPECT_FIND_SIZE_VER0	136	/* first published size */

/*
 * Page tables (VMAINSPECT_IOC_PT_PATH, VMAINSPECT_IOC_PT_RUNS).
 *
 * Levels are named as on x86_64; a level the running kernel folds (P4D on a
 * 4-level machine) is reported with kind VMAINSPECT_PT_FOLDED.  Physical
 * frame numbers, swap offsets of PFN swap entries, and the frame bits of
 * raw entry values are only shown to CAP_SYS_ADMIN (checked on the
 * credentials the device was opened with, like /proc/PID/pagemap) and never
 * under lockdown=confidentiality; otherwise they read as zero and
 * VMAINSPECT_PT_PFN_HIDDEN is set, exactly as pagemap zeroes its PFNs.
 */
enum vmainspect_pt_level {
	VMAINSPECT_LVL_PGD = 0,
	VMAINSPECT_LVL_P4D = 1,
	VMAINSPECT_LVL_PUD = 2,
	VMAINSPECT_LVL_PMD = 3,
	VMAINSPECT_LVL_PTE = 4,
	VMAINSPECT_LVL_NR
};

/* What an entry is. */
enum vmainspect_pt_kind {
	VMAINSPECT_PT_NONE = 0,		/* empty */
	VMAINSPECT_PT_TABLE = 1,	/* points to a next-level table */
	VMAINSPECT_PT_PAGE = 2,		/* present leaf: PTE, or huge PMD/PUD */
	VMAINSPECT_PT_SWAP = 3,		/* swapped out: swap_type, offset */
	VMAINSPECT_PT_MIGRATION = 4,	/* migration entry: pfn */
	VMAINSPECT_PT_DEVICE_PRIVATE = 5, /* device-private entry: pfn */
	VMAINSPECT_PT_DEVICE_EXCLUSIVE = 6, /* device-exclusive entry: pfn */
	VMAINSPECT_PT_HWPOISON = 7,	/* hwpoison entry: pfn */
	VMAINSPECT_PT_MARKER = 8,	/* PTE marker: marker bits in offset */
	VMAINSPECT_PT_BAD = 9,		/* pXd_bad(): corrupt entry */
	VMAINSPECT_PT_FOLDED = 10,	/* level folded into the one above */
	VMAINSPECT_PT_KIND_MAX
};

/* Decoded entry bits (stable).  Hardware bits first (x86 names). */
#define VMAINSPECT_PTE_PRESENT		(1ULL << 0)
#define VMAINSPECT_PTE_RW		(1ULL << 1)
#define VMAINSPECT_PTE_USER		(1ULL << 2)
#define VMAINSPECT_PTE_PWT		(1ULL << 3)
#define VMAINSPECT_PTE_PCD		(1ULL << 4)
#define VMAINSPECT_PTE_ACCESSED		(1ULL << 5)
#define VMAINSPECT_PTE_DIRTY		(1ULL << 6)
#define VMAINSPECT_PTE_HUGE		(1ULL << 7)	/* PSE: leaf above PTE */
#define VMAINSPECT_PTE_GLOBAL		(1ULL << 8)
#define VMAINSPECT_PTE_PAT		(1ULL << 9)
#define VMAINSPECT_PTE_NX		(1ULL << 10)
/* Software state the kernel keeps in the entry. */
#define VMAINSPECT_PTE_SOFT_DIRTY	(1ULL << 16)
#define VMAINSPECT_PTE_UFFD_WP		(1ULL << 17)
#define VMAINSPECT_PTE_SPECIAL		(1ULL << 18)
#define VMAINSPECT_PTE_DEVMAP		(1ULL << 19)
#define VMAINSPECT_PTE_PROTNONE		(1ULL << 20)	/* NUMA hinting */
#define VMAINSPECT_PTE_SWP_EXCLUSIVE	(1ULL << 21)	/* anon, swapped */
/*
 * What /proc/PID/pagemap says about the frame (the kernel's own rules of
 * fs/proc/task_mmu.c): PM_FILE, not anonymous; PM_MMAP_EXCLUSIVE, mapped
 * once.  Leaves of huge pages carry their first page's.
 */
#define VMAINSPECT_PTE_FILE		(1ULL << 22)	/* page cache/shmem */
#define VMAINSPECT_PTE_EXCLUSIVE	(1ULL << 23)	/* mapped only here */
/*
 * x86 6.6+: dirty while write-protected (the kernel's _PAGE_SAVED_DIRTY,
 * where fork, mprotect and clear_refs move DIRTY); the kernel's
 * pte_dirty() is DIRTY or SAVED_DIRTY.
 */
#define VMAINSPECT_PTE_SAVED_DIRTY	(1ULL << 24)
/*
 * 7.3+: the userfaultfd PTE bit in a VMA registered for read-write
 * protection (VM_UFFD_RWP, VmFlags "ur"): the page is protected (PROT_NONE
 * hinting) and was not touched since UFFDIO_RWPROTECT; in any other VMA
 * the same bit is VMAINSPECT_PTE_UFFD_WP.  pagemap's PM_UFFD_WP shows
 * either; PAGEMAP_SCAN's PAGE_IS_ACCESSED is an RWP VMA's entry without it.
 */
#define VMAINSPECT_PTE_UFFD_RWP		(1ULL << 25)
/*
 * The leaf maps the shared zero page (a PTE) or the huge zero folio (a PMD
 * of an anonymous VMA): PAGEMAP_SCAN's PAGE_IS_PFNZERO.
 */
#define VMAINSPECT_PTE_ZERO_PAGE	(1ULL << 26)
#define VMAINSPECT_PTE_NR_BITS		27

/* VMAINSPECT_PT_MARKER offset bits (the kernel's PTE_MARKER_*). */
#define VMAINSPECT_MARKER_UFFD_WP	(1ULL << 0)
#define VMAINSPECT_MARKER_POISONED	(1ULL << 1)
#define VMAINSPECT_MARKER_GUARD		(1ULL << 2)

struct vmainspect_pt_entry {
	__u64 raw;		/* pXd_val(); frame bits zeroed if hidden */
	__u64 bits;		/* VMAINSPECT_PTE_* */
	__u64 pfn;		/* PAGE and PFN swap entries; else 0 */
	__u64 offset;		/* SWAP: swap offset; MARKER: marker bits */
	__u32 level;		/* enum vmainspect_pt_level */
	__u32 kind;		/* enum vmainspect_pt_kind */
	__u32 index;		/* index of the entry in its table */
	__u32 swap_type;	/* SWAP: swap device number */
	__u32 pkey;		/* x86 protection key of a present leaf */
	__u32 folio_shift;	/* log2 bytes of the leaf's folio; 0: unknown */
};

/* vmainspect_pt_path.out_flags and vmainspect_pt_runs.out_flags */
#define VMAINSPECT_PT_PFN_HIDDEN	(1U << 0) /* frames zeroed: no privilege */
#define VMAINSPECT_PT_IN_VMA		(1U << 1) /* path: addr is inside a VMA */
#define VMAINSPECT_PT_DONE		(1U << 2) /* runs: range finished */

/*
 * VMAINSPECT_IOC_PT_PATH: the translation path of one user address, from
 * the PGD down to the entry that ends the walk (a leaf, an empty or
 * non-present entry).  levels[0..nr_levels-1] are filled in level order.
 */
struct vmainspect_pt_path {
	__u32 size;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 addr;		/* in */
	__u32 nr_levels;	/* out */
	__u32 out_flags;	/* out: VMAINSPECT_PT_* */
	__u64 page_size;	/* out: bytes mapped by the leaf, 0 if none */
	__u64 phys_addr;	/* out: of addr, if present and shown */
	__u32 pgtable_levels;	/* out: 4 or 5 on x86_64 */
	__u32 reserved0;	/* in: must be zero */
	struct vmainspect_pt_entry levels[VMAINSPECT_LVL_NR];	/* out */
	__u64 reserved[2];	/* in: must be zero */
};

#define VMAINSPECT_PT_PATH_SIZE_VER0	344	/* first published size */

/*
 * A run of consecutive pages in the same state: same kind, level, bits and
 * swap type, with consecutive frames (or swap offsets).  Runs are reported
 * only inside VMAs, like /proc/PID/pagemap's non-zero entries; an empty
 * stretch of a VMA is a run of kind NONE at the level whose empty entry
 * covers it.
 */
struct vmainspect_pt_run {
	__u64 start;		/* virtual, inclusive */
	__u64 end;		/* virtual, exclusive */
	__u64 pfn;		/* first frame (PAGE, PFN swap entries), or 0 */
	__u64 offset;		/* first swap offset / marker bits */
	__u64 bits;		/* VMAINSPECT_PTE_* of every page in the run */
	__u32 level;		/* of the entries: PTE, PMD (2M), PUD (1G) */
	__u32 kind;		/* enum vmainspect_pt_kind */
	__u32 page_shift;	/* size of one entry's mapping: 12, 21, 30 */
	__u32 swap_type;
	/* since size 64 (a 56-byte run_size gets runs without it): */
	__u32 folio_shift;	/* log2 bytes of the pages' folio; 0: unknown */
	__u32 reserved;		/* zero */
};

#define VMAINSPECT_RUNS_MAX		65536	/* runs per call, at most */

/*
 * VMAINSPECT_IOC_PT_RUNS: walk [start, end) and return runs.  A call ends
 * after max_runs runs or a bounded amount of page-table work (which may
 * mean fewer runs: the module returns 4096 at most); next_addr is
 * the cursor, VMAINSPECT_PT_DONE says the range is finished.  tables[]
 * counts the page-table pages this call visited per level (the PGD page
 * counts once per call).
 */
/*
 * vmainspect_pt_runs.flags: VMAINSPECT_PT_RUNS_NO_FRAME_BITS leaves out
 * VMAINSPECT_PTE_FILE and VMAINSPECT_PTE_EXCLUSIVE, which are about the
 * frame, not the entry: the walk then reads page tables only, never a
 * struct page (several times faster on a dense range).
 */
#define VMAINSPECT_PT_RUNS_NO_FRAME_BITS	(1U << 0)

struct vmainspect_pt_runs {
	__u32 size;		/* in */
	__u32 flags;		/* in: VMAINSPECT_PT_RUNS_* */
	__u64 start;		/* in: page aligned */
	__u64 end;		/* in: page aligned, > start */
	__u64 runs;		/* in: user address of the run array */
	__u32 run_size;		/* in: sizeof(struct vmainspect_pt_run) */
	__u32 max_runs;		/* in: 1..VMAINSPECT_RUNS_MAX */
	__u32 nr_runs;		/* out */
	__u32 out_flags;	/* out: VMAINSPECT_PT_* */
	__u64 next_addr;	/* out: cursor */
	__u64 generation;	/* out: as in vmainspect_vma_list */
	__u64 tables[VMAINSPECT_LVL_NR]; /* out */
	__u64 reserved[2];	/* in: must be zero */
};

#define VMAINSPECT_PT_RUNS_SIZE_VER0	120	/* first published size */

/*
 * folio_shift (runs and PT_PATH leaves): the size of the folio holding a
 * present page, as log2 bytes: 12 for a base page, 16 for a 64 KiB mTHP
 * (6.8+), 21 for a PMD THP or 2 MiB hugetlb page.  Runs split where it
 * changes.  0 where unknown: not present, no struct page (special
 * entries), VMAINSPECT_PT_RUNS_NO_FRAME_BITS, frames hidden (no
 * CAP_SYS_ADMIN: like kpageflags, it is struct page data), or a module
 * older than the field.
 */
#define VMAINSPECT_PT_RUN_SIZE_VER0	56
#define VMAINSPECT_PT_RUN_SIZE_VER1	64

/*
 * Physical frames (VMAINSPECT_IOC_PAGE, VMAINSPECT_IOC_RMAP).
 *
 * struct page data and reverse-map owners (other processes!) need
 * CAP_SYS_ADMIN on the credentials the device was opened with, and are
 * refused under lockdown=confidentiality: both give -EPERM.  A frame
 * /proc/kpageflags has no struct page for (not in an online section of the
 * memory map, device memory, past the last section of RAM) gives -ENXIO;
 * holes inside an online section have a (reserved) struct page, as in
 * kpageflags.  With VMAINSPECT_PAGE_BY_ADDR the frame is the one mapped
 * at addr in the attached mm (translated under its mmap lock); an address
 * with no frame there gives -ENOENT, and no attached process -ENXIO (as
 * for every query that needs one).
 */
#define VMAINSPECT_PAGE_BY_ADDR		(1U << 0)
/*
 * PAGE only: also publish the read-only text views
 * /sys/kernel/debug/vmainspect/frames/<pfn>/{page,rmap} (0x-hex pfn; at
 * most 64, the first published goes first; -EAGAIN, rarely, while a
 * directory of the same name is still being removed: try again).
 */
#define VMAINSPECT_PAGE_DEBUGFS		(1U << 1)
#define VMAINSPECT_PAGE_FLAGS		(VMAINSPECT_PAGE_BY_ADDR | \
					 VMAINSPECT_PAGE_DEBUGFS)

/* What page->mapping points to. */
enum vmainspect_mapping_kind {
	VMAINSPECT_MAP_NONE = 0,	/* no mapping (free, slab, kernel...) */
	VMAINSPECT_MAP_ANON = 1,	/* anonymous: an anon_vma */
	VMAINSPECT_MAP_KSM = 2,		/* KSM: a stable-tree node */
	VMAINSPECT_MAP_FILE = 3,	/* page cache of a file */
	VMAINSPECT_MAP_SHMEM = 4,	/* shmem/tmpfs (incl. MAP_SHARED anon) */
	VMAINSPECT_MAP_MOVABLE = 5,	/* driver-movable (zsmalloc, balloon) */
	VMAINSPECT_MAP_KIND_MAX
};

/*
 * vmainspect_page.kpageflags: bit N is bit N of /proc/kpageflags
 * (KPF_* of linux/kernel-page-flags.h, 0..26, and the kernel-internal
 * 32..41 that the same file exposes), computed by the running kernel's
 * rules, plus bits that file does not show:
 */
#define VMAINSPECT_KPF_WORKINGSET	48	/* PG_workingset */
#define VMAINSPECT_KPF_YOUNG		49	/* PG_young (idle tracking) */
#define VMAINSPECT_KPF_LARGE		50	/* part of a large folio */

struct vmainspect_page {
	__u32 size;		/* in */
	__u32 flags;		/* in: VMAINSPECT_PAGE_* */
	__u64 pfn;		/* in; out with VMAINSPECT_PAGE_BY_ADDR */
	__u64 addr;		/* in with VMAINSPECT_PAGE_BY_ADDR, else 0 */
	__u64 kpageflags;	/* out: see above */
	__u64 raw_flags;	/* out: page->flags of this page, as stored */
	__u64 head_raw_flags;	/* out: of the folio's head page */
	__u64 head_pfn;		/* out: first frame of the folio */
	__u64 index;		/* out: page offset in its mapping (pgoff) */
	__u64 anon_vma;		/* out: ANON: the anon_vma's address, if */
				/* kernel addresses are shown, else 0 */
	__u64 ino;		/* out: FILE/SHMEM: inode number */
	__u64 memcg_ino;	/* out: memcg's cgroup inode, as /proc/kpagecgroup */
	__u64 path;		/* in: user buffer for FILE/SHMEM path, or 0 */
	__u32 path_size;	/* in: its size */
	__u32 path_len;		/* out: strlen of the path written, 0 if none */
	__s32 refcount;		/* out: the folio's _refcount */
	__s32 mapcount;		/* out: this page's, as /proc/kpagecount */
	__s32 folio_mapcount;	/* out: mappings of the whole folio */
	__u32 order;		/* out: folio order (pages = 1 << order) */
	__u32 mapping_kind;	/* out: enum vmainspect_mapping_kind */
	__u32 dev;		/* out: FILE/SHMEM: st_dev, as in /proc/PID/maps */
	__u32 nid;		/* out: NUMA node */
	__u32 zone;		/* out: zone index in its node */
	char zone_name[16];	/* out: "DMA", "DMA32", "Normal", "Movable" */
	__u64 reserved[4];	/* in: must be zero */
};

#define VMAINSPECT_PAGE_SIZE_VER0	184	/* first published size */

/*
 * VMAINSPECT_IOC_RMAP: the owners of a frame, found through the kernel's
 * reverse map (the VMAs on the anon_vma tree of an anonymous folio, on
 * address_space->i_mmap of a file folio) and each confirmed by reading
 * the owner's page table at the address: only mappings that are there
 * are reported.  A call looks at a bounded number of candidate VMAs and
 * returns at most max_owners; cursor (0 on the first call) resumes the
 * walk, VMAINSPECT_RMAP_DONE says it is finished.  If the tree changes
 * between calls an owner may be missed or repeated; compare the total
 * with mapcount.  A contended anon_vma or folio lock gives -EAGAIN after
 * bounded retries.
 */
#define VMAINSPECT_RMAP_DONE		(1U << 0) /* no candidate left */
#define VMAINSPECT_RMAP_KSM		(1U << 1) /* KSM: stable tree not walked */
#define VMAINSPECT_RMAP_NO_RMAP		(1U << 2) /* not anon/file: no rmap */

#define VMAINSPECT_OWNERS_MAX		4096	/* owners per call, at most */

struct vmainspect_owner {
	__u64 address;		/* where the frame is mapped in this mm */
	__u64 vma_start;
	__u64 vma_end;
	__u64 vma_flags;	/* VMAINSPECT_VM_* */
	__u64 pgoff;		/* the VMA's vm_pgoff */
	__u32 pid;		/* lowest tgid using this mm (caller's pid ns), 0 if none */
	__u32 nr_processes;	/* processes using this mm */
	__u32 level;		/* enum vmainspect_pt_level of the mapping entry */
	__u32 reserved;
	char comm[16];		/* of pid */
};

#define VMAINSPECT_OWNER_SIZE_VER0	72

struct vmainspect_rmap {
	__u32 size;		/* in */
	__u32 flags;		/* in: VMAINSPECT_PAGE_* */
	__u64 pfn;		/* in; out with VMAINSPECT_PAGE_BY_ADDR */
	__u64 addr;		/* in with VMAINSPECT_PAGE_BY_ADDR, else 0 */
	__u64 owners;		/* in: user address of the owner array */
	__u32 owner_size;	/* in: sizeof(struct vmainspect_owner) */
	__u32 max_owners;	/* in: 1..VMAINSPECT_OWNERS_MAX */
	__u64 cursor;		/* in/out: candidates already looked at */
	__u32 nr_owners;	/* out */
	__u32 out_flags;	/* out: VMAINSPECT_RMAP_* */
	__s32 mapcount;		/* out: this page's, as /proc/kpagecount */
	__u32 mapping_kind;	/* out: enum vmainspect_mapping_kind */
	__u32 candidates;	/* out: VMAs looked at in this call */
	__u32 reserved0;	/* in: must be zero */
	__u64 reserved[2];	/* in: must be zero */
};

#define VMAINSPECT_RMAP_SIZE_VER0	88	/* first published size */

/*
 * Kernel-space regions (VMAINSPECT_IOC_KLAYOUT, VMAINSPECT_IOC_KADDR).
 * Neither needs an attached process.
 *
 * Kernel virtual addresses are shown only when every rule allows it: the
 * device was opened with CAP_SYS_ADMIN, the kernel is not locked down for
 * confidentiality, and the caller has CAP_SYSLOG and kptr_restrict's %pK
 * shows it a pointer (0: yes; 1: with CAP_SYSLOG and unchanged
 * credentials; 2: nobody).  Otherwise KLAYOUT still answers,
 * with VMAINSPECT_KL_HIDDEN set and every address field zero (names, sizes
 * and counts are kept), and KADDR gives -EPERM.
 */
enum vmainspect_arch {
	VMAINSPECT_ARCH_UNKNOWN = 0,
	VMAINSPECT_ARCH_X86_64 = 1,
	VMAINSPECT_ARCH_I386 = 2,
	VMAINSPECT_ARCH_UM = 3,
};

/* What a region is; names and descriptions in vmainspect_kregion_names.h. */
enum vmainspect_kregion_id {
	VMAINSPECT_KR_NONE = 0,		/* not in any region (a gap) */
	VMAINSPECT_KR_USER,		/* user space, 0..TASK_SIZE_MAX */
	VMAINSPECT_KR_USER_GUARD,	/* guard page above TASK_SIZE_MAX */
	VMAINSPECT_KR_NONCANONICAL,	/* the non-canonical hole */
	VMAINSPECT_KR_HYPERVISOR,	/* guard hole, reserved for hypervisors */
	VMAINSPECT_KR_LDT,		/* LDT remap for PTI */
	VMAINSPECT_KR_DIRECT_MAP,	/* physical memory (page_offset_base) */
	VMAINSPECT_KR_VMALLOC,		/* vmalloc/ioremap (vmalloc_base) */
	VMAINSPECT_KR_VMEMMAP,		/* the struct page array */
	VMAINSPECT_KR_KASAN,		/* KASAN shadow */
	VMAINSPECT_KR_CPU_ENTRY,	/* cpu_entry_area */
	VMAINSPECT_KR_ESPFIX,		/* %esp fixup stacks */
	VMAINSPECT_KR_EFI,		/* EFI runtime services */
	VMAINSPECT_KR_KERNEL_TEXT,	/* kernel text mapping / kernel image */
	VMAINSPECT_KR_MODULES,		/* module mapping space */
	VMAINSPECT_KR_FIXMAP,		/* fixed mappings */
	VMAINSPECT_KR_VSYSCALL,		/* legacy vsyscall page */
	VMAINSPECT_KR_VMALLOC_OFFSET,	/* i386: gap below vmalloc */
	VMAINSPECT_KR_PKMAP,		/* i386: persistent kmaps (HIGHMEM) */
	VMAINSPECT_KR_IOMEM,		/* UML: host files mapped as iomem */
	VMAINSPECT_KR_MAX
};

/* vmainspect_kregion.flags */
#define VMAINSPECT_KRF_HOLE		(1U << 0) /* no address here is usable */
#define VMAINSPECT_KRF_RANDOMIZED	(1U << 1) /* base moved by KASLR */
#define VMAINSPECT_KRF_USED		(1U << 2) /* 'used' is known */
#define VMAINSPECT_KRF_UNUSED		(1U << 3) /* reserved, nothing there now */

struct vmainspect_kregion {
	__u64 start;		/* first address; 0 when hidden */
	__u64 end;		/* one past the last; 0 when hidden */
	__u64 size;		/* end - start, also when hidden */
	__u64 used;		/* bytes in use (VMAINSPECT_KRF_USED), below */
	__u32 id;		/* enum vmainspect_kregion_id */
	__u32 flags;		/* VMAINSPECT_KRF_* */
	__u64 reserved[3];	/* out: zero */
};

/*
 * vmainspect_kregion.used: from start for the direct map (RAM) and the
 * vmemmap (struct pages); for kernel-text the image's size, at
 * vmainspect_klayout.image_start.
 */
#define VMAINSPECT_KREGION_SIZE_VER0	64
#define VMAINSPECT_KREGIONS_MAX		32	/* regions a kernel has, at most */

/* vmainspect_klayout.out_flags */
#define VMAINSPECT_KL_HIDDEN		(1U << 0) /* addresses withheld, see above */
#define VMAINSPECT_KL_KASLR_MEMORY	(1U << 1) /* direct map/vmalloc/vmemmap moved */
#define VMAINSPECT_KL_KASLR_TEXT	(1U << 2) /* the kernel image moved */
#define VMAINSPECT_KL_IMAGE_KNOWN	(1U << 3) /* image_start/end are valid */
#define VMAINSPECT_KL_HIGHMEM		(1U << 4) /* RAM above the direct map */

/*
 * VMAINSPECT_IOC_KLAYOUT: the running kernel's regions, sorted by address
 * and non-overlapping; space between two regions is unused.  At most
 * max_regions records of region_size bytes are written to regions.
 */
struct vmainspect_klayout {
	__u32 size;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 regions;		/* in: user address of the region array */
	__u32 region_size;	/* in: >= VMAINSPECT_KREGION_SIZE_VER0 */
	__u32 max_regions;	/* in: 1..VMAINSPECT_KREGIONS_MAX */
	__u32 nr_regions;	/* out: records written */
	__u32 total_regions;	/* out: regions the kernel has */
	__u32 out_flags;	/* out: VMAINSPECT_KL_* */
	__u32 arch;		/* out: enum vmainspect_arch */
	__u32 pgtable_levels;	/* out: paging depth in use (4 or 5 on x86_64) */
	__u32 page_shift;	/* out: PAGE_SHIFT */
	__u32 va_bits;		/* out: virtual address bits (48, 57, 32) */
	__u32 phys_bits;	/* out: MAX_PHYSMEM_BITS */
	__u32 ptrs_per[5];	/* out: entries per table, PGD P4D PUD PMD PTE (1 = folded) */
	__u32 struct_page_size;	/* out: sizeof(struct page) */
	__u64 page_offset;	/* out: base of the direct map; 0 when hidden */
	__u64 ram_end;		/* out: physical end of the highest RAM (max_pfn) */
	__u64 lowmem_end;	/* out: physical end of what the direct map covers */
	__u64 image_start;	/* out: the kernel image (VMAINSPECT_KL_IMAGE_KNOWN) */
	__u64 image_end;	/*      as mapped; 0 when hidden */
	__u64 reserved[4];	/* in: must be zero; out: zero */
};

#define VMAINSPECT_KLAYOUT_SIZE_VER0	152	/* first published size */

/* vmainspect_kaddr.out_flags */
#define VMAINSPECT_KA_MAPPED		(1U << 0) /* a kernel page table entry maps it */
#define VMAINSPECT_KA_WRITE		(1U << 1) /* that entry is writable */
#define VMAINSPECT_KA_EXEC		(1U << 2) /* and executable */
#define VMAINSPECT_KA_PFN		(1U << 3) /* pfn/phys are valid */
#define VMAINSPECT_KA_RAM		(1U << 4) /* pfn is online RAM */
#define VMAINSPECT_KA_IN_IMAGE		(1U << 5) /* inside the kernel image */
#define VMAINSPECT_KA_STRUCT_PAGE	(1U << 6) /* vmemmap: pfn's struct page */
#define VMAINSPECT_KA_FIXMAP_INDEX	(1U << 7) /* index is a fixmap slot */
#define VMAINSPECT_KA_MODULE		(1U << 8) /* module names a loaded module */

/*
 * VMAINSPECT_IOC_KADDR: what a kernel address is.  region_id is the region
 * holding addr (VMAINSPECT_KR_NONE in a gap).  pfn/phys: the frame behind
 * it, from the direct map's arithmetic or the kernel page table; in the
 * vmemmap, the frame whose struct page holds addr (offset: byte in it),
 * VMAINSPECT_KA_STRUCT_PAGE set and VMAINSPECT_KA_PFN not: the frame
 * holding that struct page is not reported.
 * symbol: "name+off/size [module]", as %pS prints it, where kallsyms has
 * one.  Needs the rights to see addresses (above), else -EPERM.
 */
struct vmainspect_kaddr {
	__u32 size;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 addr;		/* in */
	__u64 region_start;	/* out */
	__u64 region_end;	/* out */
	__u64 pfn;		/* out: VMAINSPECT_KA_PFN or _STRUCT_PAGE */
	__u64 phys;		/* out: VMAINSPECT_KA_PFN: physical address */
	__u64 page_size;	/* out: VMAINSPECT_KA_MAPPED: 4K, 2M, 1G */
	__u64 offset;		/* out: struct page byte; image offset */
	__u64 index;		/* out: VMAINSPECT_KA_FIXMAP_INDEX */
	__u32 region_id;	/* out: enum vmainspect_kregion_id */
	__u32 out_flags;	/* out: VMAINSPECT_KA_* */
	char symbol[128];	/* out: NUL-terminated, "" if none */
	char module[56];	/* out: VMAINSPECT_KA_MODULE: its name */
	__u64 reserved[4];	/* in: must be zero */
};

#define VMAINSPECT_KADDR_SIZE_VER0	296	/* first published size */

#define VMAINSPECT_IOC_MAGIC	0xB9

/*
 * The size encoded in these numbers is the struct's first published size;
 * the module dispatches on type and number only, because the structs carry
 * their own size.
 */
#define VMAINSPECT_IOC_ATTACH \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x01, struct vmainspect_attach)
#define VMAINSPECT_IOC_LAYOUT \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x02, struct vmainspect_layout)
#define VMAINSPECT_IOC_LIST_VMAS \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x03, struct vmainspect_vma_list)
#define VMAINSPECT_IOC_FIND_VMA \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x04, struct vmainspect_find)
#define VMAINSPECT_IOC_PT_PATH \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x05, struct vmainspect_pt_path)
#define VMAINSPECT_IOC_PT_RUNS \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x06, struct vmainspect_pt_runs)
#define VMAINSPECT_IOC_PAGE \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x07, struct vmainspect_page)
#define VMAINSPECT_IOC_RMAP \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x08, struct vmainspect_rmap)
#define VMAINSPECT_IOC_KLAYOUT \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x09, struct vmainspect_klayout)
#define VMAINSPECT_IOC_KADDR \
	_IOWR(VMAINSPECT_IOC_MAGIC, 0x0A, struct vmainspect_kaddr)

#endif /* _UAPI_LINUX_VMAINSPECT_H */
