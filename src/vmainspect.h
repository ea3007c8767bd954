/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmainspect: internal interfaces between the module's files.
 *
 * The query core (vma.c, mm_layout.c, pt_query.c, page.c, rmap.c, kaddr.c,
 * klayout_live.c) fills plain UAPI records into kernel buffers.  vma.c,
 * mm_layout.c and pt_query.c run under the target's mmap lock, which the
 * caller holds (rmap.c's page-table checks under its rmap locks instead);
 * page.c and rmap.c are called with no lock held and take their own.
 * The ioctl handlers (dev.c, frame_dev.c, klayout_dev.c) and the debugfs
 * views (debugfs*.c, text.c) are thin renderers of the same records.
 * Documentation/architecture.md: the layers and their rules.
 */
#ifndef VMAINSPECT_H
#define VMAINSPECT_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <uapi/vmainspect.h>

struct mm_struct;
struct pid;

/*
 * access.c: who may see what.  The opener's CAP_SYS_ADMIN
 * (vmi_opener_privileged(), at open) comes in as @privileged.
 */
struct file;
struct task_struct;
int vmi_may_inspect(struct task_struct *task, pid_t nr);
bool vmi_opener_privileged(const struct file *file);
int vmi_may_publish(void);
bool vmi_pt_show_pfn(bool privileged);
int vmi_frames_check(bool privileged);
bool vmi_kaddrs_visible(bool privileged);
bool vmi_kaddrs_still_visible(bool granted);

/* abi.c: reading ioctl arguments; their checks are pure (KUnit-tested). */
int vmi_copy_args(void *karg, size_t ksize, size_t min_size,
		  const void __user *uarg);
bool vmi_all_zero(const void *p, size_t len);
int vmi_check_attach_args(const struct vmainspect_attach *a);
int vmi_check_layout_args(const struct vmainspect_layout *a);
int vmi_check_list_args(const struct vmainspect_vma_list *a);
int vmi_check_find_args(const struct vmainspect_find *a);
int vmi_check_pt_path_args(const struct vmainspect_pt_path *a);
int vmi_check_pt_runs_args(const struct vmainspect_pt_runs *a);
int vmi_check_page_args(const struct vmainspect_page *a);
int vmi_check_rmap_args(const struct vmainspect_rmap *a);
int vmi_check_klayout_args(const struct vmainspect_klayout *a);
int vmi_check_kaddr_args(const struct vmainspect_kaddr *a);

/* session.c: the target an open file is bound to. */
struct vmi_session {
	struct mutex lock;		/* protects mm (with gen_lock) and tgid */
	struct mm_struct *mm;		/* mmgrab()'ed, NULL until attached */
	pid_t tgid;			/* in the attacher's pid namespace */
	bool privileged;		/* opener had CAP_SYS_ADMIN (pagemap's rule) */
	bool kaddrs;			/* opener may see kernel addresses */
	/* the last generation: vmi_session_generation() */
	spinlock_t gen_lock;
	struct mm_struct *gen_mm;	/* NULL: none */
	u64 gen_seq, gen;
};

void vmi_session_init(struct vmi_session *s);
void vmi_session_release(struct vmi_session *s);
int vmi_resolve_pid(struct pid *pid, struct mm_struct **mmp, pid_t *tgidp);
int vmi_resolve_target(pid_t nr, struct mm_struct **mmp, pid_t *tgidp);
int vmi_attach_resolve_pid(struct pid *pid, struct mm_struct **mmp,
			   pid_t *tgidp);
int vmi_attach_resolve(pid_t nr, struct mm_struct **mmp, pid_t *tgidp);
void vmi_session_set(struct vmi_session *s, struct mm_struct *mm, pid_t tgid);
struct mm_struct *vmi_session_get_mm(struct vmi_session *s);
int vmi_mm_lock(struct mm_struct *mm);
void vmi_mm_unlock(struct mm_struct *mm);
u64 vmi_session_generation(struct vmi_session *s, struct mm_struct *mm);
int vmi_mm_query(struct mm_struct *mm,
		 int (*fill)(struct mm_struct *mm, void *arg), void *arg);
int vmi_session_query(struct vmi_session *s,
		      int (*fill)(struct mm_struct *mm, void *arg), void *arg,
		      u64 *generation);
bool vmi_session_kaddrs(const struct vmi_session *s);	/* access.c */

/* vma.c: VMA records.  The batch is allocated before the mmap lock. */
struct vmi_vma_batch {
	struct vmainspect_vma *recs;
	u32 max_recs;
	u32 nr;
	char *strings;			/* string area, NUL-terminated names */
	u32 strings_size;
	u32 strings_used;
	u32 *dedup;			/* open-addressed table of name offsets */
	u32 dedup_mask;
	char *pathbuf;			/* PATH_MAX scratch for d_path() */
	u64 next_addr;			/* resume cursor */
	bool done;			/* no VMA left above next_addr */
};

int vmi_vma_batch_alloc(struct vmi_vma_batch *b, u32 max_recs,
			u32 strings_size);
void vmi_vma_batch_reset(struct vmi_vma_batch *b);
void vmi_vma_batch_free(struct vmi_vma_batch *b);
int vmi_vma_batch_fill(struct mm_struct *mm, u64 start,
		       struct vmi_vma_batch *b);
/* One batch from @start, as a vmi_mm_query()/vmi_session_query() fill. */
struct vmi_vma_query {
	u64 start;
	struct vmi_vma_batch *b;
};

int vmi_vma_query(struct mm_struct *mm, void *arg);
u64 vmi_uflags(unsigned long vm_flags);
u64 vmi_mm_generation(struct mm_struct *mm);

/* pgtable.c: the page-table walker, one engine for several consumers. */
struct vmi_pt_walk;

struct vmi_pt_ops {
	/*
	 * A decoded entry covering [addr, next), reported under the level that
	 * owns it (folded levels report under the level above).  At the PTE
	 * level it may stand for a span of entries in the same state whose
	 * frames advance with the address (e->pfn is the first's).  Return 0
	 * to go on, 1 to stop before this entry, <0 for an error.
	 */
	int (*entry)(struct vmi_pt_walk *w, const struct vmainspect_pt_entry *e,
		     unsigned long addr, unsigned long next);
	/*
	 * Optional, as mm_walk_ops.test_walk: vmi_pt_walk_vmas() asks before
	 * each VMA.  0: walk it; 1: skip it; <0: end the walk with that error.
	 * vmi_pt_test_pagemap() and vmi_pt_test_frames() are the two rules
	 * in use (pgtable.c); none walks every VMA, as PT_PATH does.
	 */
	int (*test_vma)(struct vmi_pt_walk *w, struct vm_area_struct *vma);
};

/*
 * Like PTEs found under RCU in one PTE table (vmi_pt_scan_ptes()), emitted
 * once the PMD is known to still point to that table.
 */
struct vmi_pte_span {
	u64 raw;			/* the first entry's value */
	u64 frame_bits;			/* its page's file/exclusive bits, folio size */
	u32 len;			/* entries: the rest continue raw */
};

struct vmi_pt_walk {
	const struct vmi_pt_ops *ops;
	void *priv;			/* the consumer's */
	struct mm_struct *mm;
	struct vm_area_struct *vma;	/* the one being walked */
	void *upper_entryp;		/* the PMD or PUD entry being visited */
	bool show_pfn;			/* else frames and swap slots hidden */
	bool rmap_locked;		/* an rmap lock, not the mmap lock */
	bool no_frame_bits;		/* no file/exclusive: no struct page read */
	s64 budget;			/* entries left to read in this call */
	/* a contended mmap lock stops the walk once budget is this low */
	s64 yield_at;
	u64 tables[VMAINSPECT_LVL_NR];	/* table pages visited per level */
	/*
	 * One per page of the range walked in one PTE table: from
	 * vmi_pt_scratch_alloc() (unlocked), or one on the stack for a
	 * one-page walk.
	 */
	struct vmi_pte_span *spans;
	unsigned long stop_addr;	/* where a stopped walk stopped */
};

struct vmi_pte_span *vmi_pt_scratch_alloc(void);
struct vm_area_struct;

int vmi_pt_walk_range(struct vmi_pt_walk *w, unsigned long addr,
		      unsigned long end);
int vmi_pt_walk_vma(struct vmi_pt_walk *w, struct vm_area_struct *vma,
		    unsigned long addr, unsigned long end);
int vmi_pt_walk_vmas(struct vmi_pt_walk *w, unsigned long start,
		     unsigned long end);
int vmi_pt_test_pagemap(struct vmi_pt_walk *w, struct vm_area_struct *vma);
int vmi_pt_test_frames(struct vmi_pt_walk *w, struct vm_area_struct *vma);
void vmi_pt_decode(struct vmainspect_pt_entry *e, unsigned int level, u64 raw);
void vmi_pt_hide(struct vmainspect_pt_entry *e);
bool vmi_pt_level_folded(unsigned int level);
unsigned int vmi_pt_level_shift(unsigned int level);

/*
 * pt_query.c: the walker's consumers (the translation path, the run
 * coalescer, the one-page leaf, the frame at an address).
 */

/* Runs one PT_RUNS call returns at most (the kernel buffer's size). */
#define VMI_PT_RUNS_PER_CALL	4096

struct vmi_pt_runs_out {
	struct vmainspect_pt_run *runs;
	u32 max_runs;
	u32 nr_runs;
	u64 next_addr;
	bool done;
	u64 tables[VMAINSPECT_LVL_NR];
};

int vmi_pt_path_fill(struct mm_struct *mm, struct vmainspect_pt_path *p,
		     bool show_pfn);
int vmi_pt_runs_fill(struct mm_struct *mm, u64 start, u64 end,
		     bool show_pfn, bool frame_bits,
		     struct vmi_pte_span *spans, struct vmi_pt_runs_out *out);
/* vmi_pt_runs_fill() as a vmi_mm_query()/vmi_session_query() fill. */
struct vmi_pt_runs_query {
	u64 start, end;
	bool show_pfn, frame_bits;
	struct vmi_pte_span *spans;
	struct vmi_pt_runs_out *out;
};

int vmi_pt_runs_query(struct mm_struct *mm, void *arg);
bool vmi_pt_run_extends(const struct vmainspect_pt_run *run,
			const struct vmainspect_pt_entry *e, unsigned long addr,
			bool show_pfn);

int vmi_pt_leaf(struct vm_area_struct *vma, unsigned long addr,
		bool rmap_locked, struct vmainspect_pt_entry *leaf);
int vmi_pt_addr_to_pfn(struct mm_struct *mm, u64 addr, u64 *pfn);

/* frame.c: what a frame is, for the walker and the frame queries. */
struct page;

struct page *vmi_online_page(u64 pfn);
u64 vmi_pagemap_bits(u32 kind, u64 entry_bits, u64 pfn, u64 head_pfn);

/* page.c: one frame's state.  rmap.c: its owners. */
struct page *vmi_page_get_head(struct page *page);
u64 vmi_kpageflags(struct page *page);

/*
 * The folio size of a present frame rides in vmi_pagemap_bits()' answer
 * above the UAPI bits (log2 bytes, 0: none), so that spans and runs split
 * where it changes; vmi_pt_emit() moves it to the entry's folio_shift.
 */
#define VMI_FOLIO_SHIFT_POS	56
#define VMI_FOLIO_SHIFT_MASK	(0xffULL << VMI_FOLIO_SHIFT_POS)
#define VMI_FOLIO_SHIFT(s)	((u64)(s) << VMI_FOLIO_SHIFT_POS)
int vmi_page_fill(u64 pfn, struct vmainspect_page *p, char *path,
		  size_t path_size);
void vmi_page_hide(struct vmainspect_page *p, bool kaddrs);

struct vmi_rmap_out {
	/*
	 * max_owners each, allocated by vmi_rmap_fill() only when the frame
	 * has a reverse map to walk (most frames have none: free, slab,
	 * page tables); kept for the next call, freed by vmi_rmap_out_free()
	 */
	struct vmainspect_owner *owners;
	struct mm_struct **mms;		/* mm of each owner, while filling */
	u32 max_owners;
	u32 nr_owners;
	u32 candidates;			/* looked at in this call */
	u32 out_flags;			/* VMAINSPECT_RMAP_* but DONE */
	u32 kind;			/* enum vmainspect_mapping_kind */
	int mapcount;
	u64 cursor;			/* in and out */
	bool done;
};

int vmi_rmap_fill(u64 pfn, struct vmi_rmap_out *out);
void vmi_rmap_out_free(struct vmi_rmap_out *out);

/* frame_dev.c: the PAGE and RMAP ioctls. */
struct vmi_session;

long vmi_ioctl_page(struct vmi_session *s, void __user *uarg);
long vmi_ioctl_rmap(struct vmi_session *s, void __user *uarg);

/*
 * abi.c: write results back to user space: the argument struct truncated
 * to the caller's size, records at the caller's stride, truncated or
 * zero-filled.  Every front end (dev.c, frame_dev.c, klayout_dev.c) calls
 * down to these.
 */
int vmi_copy_out(void __user *uarg, const void *karg, size_t ksize, u32 usize);
int vmi_copy_records(u64 uaddr, const void *recs, u32 nr, size_t ksize,
		     u32 usize);

/* mm_layout.c */
void vmi_layout_fill(struct mm_struct *mm, struct vmainspect_layout *l);
int vmi_layout_query(struct mm_struct *mm, void *l);

/*
 * klayout.c: the kernel-space region table, built from a parameter block
 * per architecture; the architecture file (klayout_arch.h) fills the block
 * of the running kernel.
 */
struct vmi_klayout {
	struct vmainspect_klayout hdr;	/* the out fields */
	struct vmainspect_kregion regions[VMAINSPECT_KREGIONS_MAX];
	/* sizes before a region was ended at its neighbour's start */
	u64 computed_size[VMAINSPECT_KREGIONS_MAX];
	u32 nr;
};

/* mm.rst's windows when KASLR does not size them: 64 TB, 32 PB; 1 TB, 0.5 PB */
#define VMI_DIRECT_WINDOW_L4	BIT_ULL(46)
#define VMI_DIRECT_WINDOW_L5	BIT_ULL(55)
#define VMI_VMEMMAP_WINDOW_L4	BIT_ULL(40)
#define VMI_VMEMMAP_WINDOW_L5	BIT_ULL(49)

struct vmi_kl_x86_64 {
	unsigned int levels;		/* 4 or 5 */
	u32 struct_page_size;
	u64 task_size_max;
	u64 ldt_start, ldt_end;
	u64 page_offset, direct_map_max; /* 1 << MAX_PHYSMEM_BITS */
	u64 vmalloc_start, vmalloc_end;	/* end exclusive */
	u64 vmemmap_start;
	u64 kasan_start, kasan_end;	/* 0, 0 without KASAN */
	u64 cpu_entry_start, cpu_entry_size;
	u64 espfix_start, espfix_size;
	u64 efi_start, efi_end;
	bool efi_runtime;		/* EFI runtime services in use */
	u64 text_map_start, text_map_size; /* __START_KERNEL_map, KERNEL_IMAGE_SIZE */
	u64 modules_start, modules_end;
	u64 fixmap_start, fixmap_end;
	u64 vsyscall;			/* 0: no vsyscall page */
	u64 ram_end;			/* max_pfn << PAGE_SHIFT */
	u64 image_start, image_end;	/* 0, 0 if unknown */
	/* the bases without KASLR */
	u64 default_page_offset, default_vmalloc, default_vmemmap;
	u64 default_image;		/* __START_KERNEL */
	u64 direct_map_size;		/* KASLR's own, if the kernel says (else 0) */
	bool trim_direct_map;		/* KASLR cuts it to RAM: !ZONE_DEVICE */
	u64 padding_tb;			/* CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING */
};

struct vmi_kl_i386 {
	unsigned int levels;		/* 2, or 3 with PAE */
	u32 struct_page_size;
	u64 task_size, page_offset, high_memory;
	u64 vmalloc_start, vmalloc_end;
	u64 pkmap_base;
	u32 last_pkmap;			/* 0 without HIGHMEM */
	u64 ldt_start, ldt_end;
	u64 cpu_entry_start, cpu_entry_size;
	u64 fixmap_start, fixmap_end;
	u64 ram_end;
};

struct vmi_kl_um {
	unsigned int levels, va_bits;
	u32 struct_page_size;
	u64 physmem_start, physmem_end, iomem_end;
	u64 vmalloc_start, vmalloc_end;
	u64 fixmap_start, fixmap_end;
	u64 image_start, image_end;
};

void vmi_klayout_build_x86_64(const struct vmi_kl_x86_64 *p,
			      struct vmi_klayout *kl);
void vmi_klayout_build_i386(const struct vmi_kl_i386 *p,
			    struct vmi_klayout *kl);
void vmi_klayout_build_um(const struct vmi_kl_um *p, struct vmi_klayout *kl);
const struct vmainspect_kregion *
vmi_klayout_find(const struct vmi_klayout *kl, u64 addr);
void vmi_klayout_hide(struct vmi_klayout *kl);
void vmi_klayout_init(void);
void vmi_klayout_live(struct vmi_klayout *kl);

/* kaddr.c: what a kernel address is (the caller may see addresses). */
void vmi_kaddr_fill(const struct vmi_klayout *kl, struct vmainspect_kaddr *a,
		    char *symbuf);

/* klayout_dev.c: the KLAYOUT and KADDR ioctls. */
long vmi_ioctl_klayout(struct vmi_session *s, void __user *uarg);
long vmi_ioctl_kaddr(struct vmi_session *s, void __user *uarg);

/* text.c: text rendering shared by debugfs. */

/* debugfs text lines fit in this many columns (the /proc/PID/maps ones aside). */
#define VMI_TEXT_WIDTH	80
/* "~1023.9 KiB" and the like, from vmi_fmt_size(). */
#define VMI_SIZE_LEN	32
/* The longest word a vmi_wrap_word() call prints. */
#define VMI_WORD_LEN	96
/* Continued lines of a page-table run: under its size column. */
#define VMI_RUN_CONT	"                                  "

/*
 * A line of words broken into lines of at most VMI_TEXT_WIDTH columns:
 * vmi_wrap_start() prints prefix; each word goes after a blank, or on a
 * new line after cont when it would not fit; vmi_wrap_end() ends the line.
 */
struct vmi_wrap {
	struct seq_file *m;
	const char *cont;
	size_t col;
	bool first;
};

void vmi_wrap_start(struct vmi_wrap *w, struct seq_file *m,
		    const char *prefix, const char *cont);
__printf(2, 3) void vmi_wrap_word(struct vmi_wrap *w, const char *fmt, ...);
/* The blank-separated words of text, each as vmi_wrap_word() prints it. */
void vmi_wrap_text(struct vmi_wrap *w, const char *text);
void vmi_wrap_end(struct vmi_wrap *w);
/* The size format of the tool (vmainspect_size_split()): "4 KiB". */
const char *vmi_fmt_size(char buf[VMI_SIZE_LEN], u64 bytes);

void vmi_seq_layout(struct seq_file *m, const struct vmainspect_layout *l);
void vmi_seq_vma(struct seq_file *m, const struct vmainspect_vma *rec,
		 const char *strings);
const char *vmi_pt_level_name(u32 level);
void vmi_seq_pt_run(struct seq_file *m, const struct vmainspect_pt_run *r,
		    bool show_pfn);

/* debugfs.c: the debugfs root, published directories, open contexts. */
struct dentry;

/* One file of a published directory; tables end with { }. */
struct vmi_debugfs_file {
	const char *name;
	const struct file_operations *fops;
};

int vmi_debugfs_init(void);
void vmi_debugfs_exit(void);
int vmi_debugfs_publish(struct pid *pid);
int vmi_debugfs_publish_frame(u64 pfn);
int vmi_debugfs_open_mm(struct inode *inode, struct file *file,
			int (*show)(struct seq_file *, void *));
int vmi_debugfs_open_frame(struct inode *inode, struct file *file,
			   int (*show)(struct seq_file *, void *));
int vmi_debugfs_open_plain(struct inode *inode, struct file *file,
			   int (*show)(struct seq_file *, void *));
int vmi_debugfs_release(struct inode *inode, struct file *file);
/*
 * name##_fops for a view rendered by name##_show(), opened by @opener
 * (vmi_debugfs_open_mm/_frame/_plain): DEFINE_SHOW_ATTRIBUTE(), with the
 * check at open and the context released.
 */
#define VMI_DEBUGFS_VIEW(name, opener)					\
static int name##_open(struct inode *inode, struct file *file)		\
{									\
	return opener(inode, file, name##_show);			\
}									\
static const struct file_operations name##_fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= name##_open,					\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= vmi_debugfs_release,				\
}

struct mm_struct *vmi_debugfs_get_mm(struct seq_file *m);
bool vmi_debugfs_privileged(struct seq_file *m);
bool vmi_debugfs_kaddrs(struct seq_file *m);
u64 vmi_debugfs_pfn(struct seq_file *m);

/* debugfs_mm.c: self/ and <pid>/ {layout,maps,pagetables}. */
extern const struct vmi_debugfs_file vmi_debugfs_mm_files[];

/* debugfs_frames.c: frames/<pfn>/{page,rmap}. */
extern const struct vmi_debugfs_file vmi_debugfs_frame_files[];

/* debugfs_klayout.c */
void vmi_debugfs_klayout_init(struct dentry *root);

/* dev.c */
int vmi_dev_init(void);
void vmi_dev_exit(void);

#endif /* VMAINSPECT_H */
