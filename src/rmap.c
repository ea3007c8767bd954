// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: who maps a frame (VMAINSPECT_IOC_RMAP).
 *
 * rmap_walk(), folio_lock_anon_vma_read() and the interval-tree iterators
 * of mm/interval_tree.c are not exported, so this is the walk of
 * mm/rmap.c by hand, with its stabilisation rules:
 *  - anonymous: the anon_vma is found from folio->mapping under RCU (it is
 *    SLAB_TYPESAFE_BY_RCU) and its root's rwsem taken with a trylock, then
 *    folio->mapping and the folio's mapcount re-checked: the trylock half
 *    of folio_lock_anon_vma_read().  Its sleeping half needs a reference on
 *    the anon_vma, which only __put_anon_vma() (not exported) could drop,
 *    so a contended lock is retried a bounded number of times and then
 *    reported as -EAGAIN;
 *  - file and shmem: the folio is locked (trylock, as for the anon_vma), so
 *    its mapping cannot be truncated away, and i_mmap is read under
 *    i_mmap_lock_read(), as rmap_walk_file() does;
 *  - both trees are walked whole with rb_first_cached()/rb_next() and each
 *    VMA's range is tested against the page's offset ourselves.
 *
 * Each candidate is confirmed by reading its mm's page table at the
 * address.  We do not hold that mm's mmap lock (it nests outside the rmap
 * locks), and need not: a VMA on an rmap tree keeps its page tables,
 * because munmap and exit unlink it from the tree (under the write side of
 * the lock we hold) before free_pgtables(); a PTE table retracted by
 * khugepaged is caught by the walker's RCU copy and PMD re-check.
 *
 * The mm of each owner is pinned with mmgrab() (an atomic increment, fine
 * under the lock) so that after unlocking its processes can be named.
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include "vmainspect.h"
#include "compat.h"

/* Candidate VMAs one call looks at: bounds the rmap lock hold. */
#define VMI_RMAP_CANDIDATES	256
/* A contended anon_vma or folio lock is tried this often. */
#define VMI_RMAP_LOCK_TRIES	10
#define VMI_RMAP_LOCK_WAIT_US	100

struct vmi_rmap_walk {
	struct vmi_rmap_out *out;
	u64 pfn;
	pgoff_t pgoff;			/* of the page, in PAGE_SIZE units */
	bool anon;			/* pgoff is an anonymous page offset */
	u64 seen;			/* candidates passed, from 0 */
};

/* Confirm: does @vma map w->pfn at the address of w->pgoff? */
static void vmi_rmap_candidate(struct vmi_rmap_walk *w,
			       struct vm_area_struct *vma)
{
	struct vmi_rmap_out *out = w->out;
	struct vmainspect_pt_entry leaf;
	struct vmainspect_owner *o;
	unsigned long addr;
	pgoff_t start;

	w->seen++;
	out->candidates++;
	/* vma_address(): anon_vma and i_mmap trees use different offsets */
	start = w->anon ? vmi_vma_anon_pgoff(vma) : vma->vm_pgoff;
	if (w->pgoff < start || w->pgoff - start >= vma_pages(vma))
		return;
	addr = vma->vm_start + ((w->pgoff - start) << PAGE_SHIFT);
	if (vmi_pt_leaf(vma, addr, true, &leaf) ||
	    leaf.kind != VMAINSPECT_PT_PAGE || leaf.pfn != w->pfn)
		return;

	o = &out->owners[out->nr_owners];
	memset(o, 0, sizeof(*o));
	o->address = addr;
	o->vma_start = vma->vm_start;
	o->vma_end = vma->vm_end;
	o->vma_flags = vmi_uflags(vma->vm_flags);
	o->pgoff = vma->vm_pgoff;
	o->level = leaf.level;
	mmgrab(vma->vm_mm);
	out->mms[out->nr_owners++] = vma->vm_mm;
}

/* Go on with the next candidate?  Also skips those of earlier calls. */
static bool vmi_rmap_want(struct vmi_rmap_walk *w)
{
	struct vmi_rmap_out *out = w->out;

	if (w->seen < out->cursor) {
		w->seen++;
		return false;
	}
	return true;
}

static bool vmi_rmap_full(struct vmi_rmap_walk *w)
{
	return w->out->nr_owners >= w->out->max_owners ||
	       w->out->candidates >= VMI_RMAP_CANDIDATES;
}

/*
 * The trylock half of folio_lock_anon_vma_read() (mm/rmap.c, 6.12), step
 * by step: under RCU, read folio->mapping, trylock the root anon_vma's
 * rwsem for read, then re-check that folio->mapping is still the one we
 * started from (folio_move_anon_rmap() and UFFDIO_MOVE change it without
 * the anon_vma lock) and that the folio is still mapped, which is what
 * keeps that anon_vma from being freed while we hold its root's lock.
 * Returns the anon_vma, its locked root in *rootp; NULL: not mapped any
 * more; ERR_PTR(-EAGAIN): contended.
 */
static struct anon_vma *vmi_rmap_lock_anon(struct page *head,
					   struct anon_vma **rootp)
{
	struct anon_vma *anon_vma, *root;
	unsigned long mapping;
	int tries;

	for (tries = 0; tries < VMI_RMAP_LOCK_TRIES; tries++) {
		rcu_read_lock();
		mapping = (unsigned long)READ_ONCE(head->mapping);
		if ((mapping & VMI_MAPPING_FLAGS) != VMI_MAPPING_ANON ||
		    !vmi_page_mapped(head)) {
			rcu_read_unlock();
			return NULL;
		}
		anon_vma = (struct anon_vma *)(mapping - VMI_MAPPING_ANON);
		root = READ_ONCE(anon_vma->root);
		if (down_read_trylock(&root->rwsem)) {
			/* moved to another anon_vma meanwhile: start again */
			if ((unsigned long)READ_ONCE(head->mapping) != mapping) {
				up_read(&root->rwsem);
				rcu_read_unlock();
				continue;
			}
			/* unmapped meanwhile: the anon_vma may be reused */
			if (!vmi_page_mapped(head)) {
				up_read(&root->rwsem);
				rcu_read_unlock();
				return NULL;
			}
			rcu_read_unlock();
			*rootp = root;
			return anon_vma;
		}
		rcu_read_unlock();
		usleep_range(VMI_RMAP_LOCK_WAIT_US, 2 * VMI_RMAP_LOCK_WAIT_US);
	}
	return ERR_PTR(-EAGAIN);
}

static int vmi_rmap_anon(struct vmi_rmap_walk *w, struct page *head)
{
	struct anon_vma *anon_vma, *root = NULL;
	struct rb_node *node;

	w->anon = true;
	anon_vma = vmi_rmap_lock_anon(head, &root);
	if (IS_ERR(anon_vma))
		return PTR_ERR(anon_vma);
	if (!anon_vma) {
		w->out->done = true;
		return 0;
	}
	for (node = rb_first_cached(&anon_vma->rb_root); node;
	     node = rb_next(node)) {
		struct anon_vma_chain *avc =
			rb_entry(node, struct anon_vma_chain, rb);

		if (!vmi_rmap_want(w))
			continue;
		if (vmi_rmap_full(w))
			break;
		vmi_rmap_candidate(w, avc->vma);
	}
	w->out->done = !node;
	/* the root we locked, not anon_vma->root read again */
	up_read(&root->rwsem);
	return 0;
}

static int vmi_rmap_file(struct vmi_rmap_walk *w, struct page *head)
{
	struct address_space *mapping;
	struct rb_node *node;
	int tries;

	for (tries = 0; !trylock_page(head); tries++) {
		if (tries == VMI_RMAP_LOCK_TRIES)
			return -EAGAIN;
		usleep_range(VMI_RMAP_LOCK_WAIT_US, 2 * VMI_RMAP_LOCK_WAIT_US);
	}
	mapping = head->mapping;
	if (!mapping || ((unsigned long)mapping & VMI_MAPPING_FLAGS)) {
		/* truncated, or became something else */
		unlock_page(head);
		w->out->done = true;
		return 0;
	}
	/* as page.c: shmem_mapping() is only exported since 6.12 */
	if (mapping->host && mapping->host->i_sb->s_magic == TMPFS_MAGIC)
		w->out->kind = VMAINSPECT_MAP_SHMEM;
	i_mmap_lock_read(mapping);
	for (node = rb_first_cached(&mapping->i_mmap); node;
	     node = rb_next(node)) {
		struct vm_area_struct *vma =
			rb_entry(node, struct vm_area_struct, shared.rb);

		if (!vmi_rmap_want(w))
			continue;
		if (vmi_rmap_full(w))
			break;
		vmi_rmap_candidate(w, vma);
	}
	w->out->done = !node;
	i_mmap_unlock_read(mapping);
	unlock_page(head);
	return 0;
}

/*
 * Name the processes of each owner's mm: the lowest tgid visible in the
 * caller's pid namespace, and how many processes use it.  Kernel threads
 * only borrow mms.  Drops the mmgrab() references.
 */
static void vmi_rmap_name_owners(struct vmi_rmap_out *out)
{
	struct task_struct *p;
	u32 i;

	if (!out->nr_owners)
		return;
	rcu_read_lock();
	for_each_process(p) {
		struct mm_struct *mm = READ_ONCE(p->mm);
		pid_t tgid;

		if (!mm || (p->flags & PF_KTHREAD))
			continue;
		for (i = 0; i < out->nr_owners; i++) {
			struct vmainspect_owner *o = &out->owners[i];

			if (out->mms[i] != mm)
				continue;
			o->nr_processes++;
			tgid = task_tgid_vnr(p);
			if (tgid && (!o->pid || tgid < o->pid)) {
				o->pid = tgid;
				get_task_comm(o->comm, p);
			}
		}
	}
	rcu_read_unlock();
	for (i = 0; i < out->nr_owners; i++)
		mmdrop(out->mms[i]);
}

/* The owner arrays, before any lock is taken: GFP_KERNEL may sleep. */
static int vmi_rmap_out_alloc(struct vmi_rmap_out *out)
{
	if (!out->owners)
		out->owners = kvmalloc_array(out->max_owners,
					     sizeof(*out->owners),
					     GFP_KERNEL_ACCOUNT);
	if (!out->mms)
		out->mms = kvmalloc_array(out->max_owners, sizeof(*out->mms),
					  GFP_KERNEL_ACCOUNT);
	return out->owners && out->mms ? 0 : -ENOMEM;
}

void vmi_rmap_out_free(struct vmi_rmap_out *out)
{
	kvfree(out->mms);
	kvfree(out->owners);
	out->mms = NULL;
	out->owners = NULL;
}

/*
 * Owners of frame @pfn, from candidate number out->cursor on.  No lock of
 * ours may be held.  The owner arrays are allocated here, and only for a
 * frame with a reverse map (vmi_rmap_out_alloc()); each candidate is
 * confirmed by a one-page walk (vmi_pt_leaf()), whose one PTE span lives
 * on the stack.
 */
int vmi_rmap_fill(u64 pfn, struct vmi_rmap_out *out)
{
	struct vmi_rmap_walk w = {
		.out = out,
		.pfn = pfn,
	};
	struct page *page = vmi_online_page(pfn);
	unsigned long mapping;
	struct page *head;
	int ret = 0;

	out->nr_owners = 0;
	out->candidates = 0;
	out->done = true;
	if (!page)
		return -ENXIO;
	out->mapcount = vmi_kpagecount(page);
	head = vmi_page_get_head(page);
	if (!head) {
		out->kind = VMAINSPECT_MAP_NONE;
		out->out_flags |= VMAINSPECT_RMAP_NO_RMAP;
		return 0;
	}
	w.pgoff = vmi_page_pgoff(page);
	mapping = (unsigned long)READ_ONCE(head->mapping);
	if (PageSlab(head) || PageTable(head) || !mapping) {
		out->kind = VMAINSPECT_MAP_NONE;
		out->out_flags |= VMAINSPECT_RMAP_NO_RMAP;
	} else if ((mapping & VMI_MAPPING_FLAGS) == VMI_MAPPING_ANON) {
		out->kind = VMAINSPECT_MAP_ANON;
		ret = vmi_rmap_out_alloc(out);
		if (!ret)
			ret = vmi_rmap_anon(&w, head);
	} else if ((mapping & VMI_MAPPING_FLAGS) == VMI_MAPPING_KSM) {
		/* KSM's stable tree is private to mm/ksm.c */
		out->kind = VMAINSPECT_MAP_KSM;
		out->out_flags |= VMAINSPECT_RMAP_KSM;
	} else if (mapping & VMI_MAPPING_FLAGS) {
		out->kind = VMAINSPECT_MAP_MOVABLE;
		out->out_flags |= VMAINSPECT_RMAP_NO_RMAP;
	} else {
		out->kind = VMAINSPECT_MAP_FILE;
		ret = vmi_rmap_out_alloc(out);
		if (!ret)
			ret = vmi_rmap_file(&w, head);
	}
	put_page(head);
	if (!ret) {
		out->cursor = w.seen;
		vmi_rmap_name_owners(out);
	}
	return ret;
}
