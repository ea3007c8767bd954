// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the state of one physical frame (VMAINSPECT_IOC_PAGE).
 *
 * A frame is looked at the way fs/proc/page.c looks at it for
 * /proc/kpageflags and /proc/kpagecount: only online memory
 * (pfn_to_online_page()), flags read without a reference, so the answer
 * is a snapshot that may be stale as soon as it is taken.  What needs
 * more than a snapshot takes the kernel's own precautions:
 *  - the folio is pinned with get_page_unless_zero() on its head, and the
 *    head re-checked afterwards (a split or a free may have raced);
 *  - page->mapping of a file folio is only trusted with the folio locked
 *    (truncation clears it, and the address_space may go with its inode),
 *    the way rmap and truncate do it; a trylock, as reclaim does, so we
 *    never wait for an I/O;
 *  - slab, page-table and free pages are reported, never interpreted:
 *    their mapping field holds something else.
 */
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/delay.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/pagemap.h>
#include <linux/kdev_t.h>
#include <linux/string.h>
#include "vmainspect.h"
#include "compat.h"

/* A locked folio is retried this often, VMI_PAGE_LOCK_WAIT_US apart. */
#define VMI_PAGE_LOCK_TRIES	10
#define VMI_PAGE_LOCK_WAIT_US	100

/*
 * The name of the zone page->flags names, or "" if that is no zone.  The
 * memmap past the end of RAM in RAM's last section is online, but not
 * always initialised for a zone: stock 5.10 to 6.12 guests with 1 GiB have
 * frames 0x3ffe0 and 0x3ffe1 with zone index 5 (MAX_NR_ZONES), whose
 * "zone" is past the node's array and has no name.  page_zone() trusts the flags; we
 * must not.
 */
static void vmi_page_zone_name(struct page *page, char *buf, size_t size)
{
	int nid = page_to_nid(page);
	unsigned int zid = page_zonenum(page);
	const char *name;

	buf[0] = '\0';
	if (nid < 0 || nid >= MAX_NUMNODES || !node_online(nid) ||
	    zid >= MAX_NR_ZONES)
		return;
	name = NODE_DATA(nid)->node_zones[zid].name;
	if (name)
		strscpy(buf, name, size);
}

/*
 * The folio head of @page with a reference, or NULL if it is free (or
 * being freed).  As folio_try_get() users do: pin the head we saw, then
 * make sure @page still belongs to it.
 */
struct page *vmi_page_get_head(struct page *page)
{
	int tries;

	for (tries = 0; tries < 3; tries++) {
		struct page *head = compound_head(page);

		if (!get_page_unless_zero(head))
			return NULL;
		if (compound_head(page) == head)
			return head;
		put_page(head);
	}
	return NULL;
}

/* /proc/kpageflags of @page, by the running kernel's stable_page_flags(). */
u64 vmi_kpageflags(struct page *page)
{
	struct page *head = compound_head(page);
	unsigned long k = vmi_kpf_word(page);
	u64 u = 0;

	/*
	 * Slab is a folio's type: 7.3's PageSlab() tests only the page's own
	 * type, which tail pages lack (6.12's tested the folio); ask the head.
	 */
	if (!PageSlab(head) && vmi_page_mapped(page))
		u |= BIT_ULL(KPF_MMAP);
	if (PageAnon(page)) {
		u |= BIT_ULL(KPF_ANON);
		if (vmi_page_ksm(page))
			u |= BIT_ULL(KPF_KSM);
	}
	if (PageHead(page))
		u |= BIT_ULL(KPF_COMPOUND_HEAD);
	if (PageTail(page))
		u |= BIT_ULL(KPF_COMPOUND_TAIL);
	if (PageHuge(page))
		u |= BIT_ULL(KPF_HUGE);
	else if (vmi_page_thp(page))
		u |= BIT_ULL(KPF_THP);
	else if (is_zero_pfn(page_to_pfn(page)))
		u |= BIT_ULL(KPF_ZERO_PAGE);

	if (PageBuddy(page) ||
	    (page_count(page) == 0 && vmi_is_free_buddy_page(page)))
		u |= BIT_ULL(KPF_BUDDY);
	if (PageOffline(vmi_kpf_type_page(page, head)))
		u |= BIT_ULL(KPF_OFFLINE);
	if (PageTable(vmi_kpf_type_page(page, head)))
		u |= BIT_ULL(KPF_PGTABLE);
	if (PageSlab(head))
		u |= BIT_ULL(KPF_SLAB);
	if (vmi_page_idle(head))
		u |= BIT_ULL(KPF_IDLE);

	u |= vmi_kpf_copy(k, KPF_LOCKED, PG_locked);
	u |= vmi_kpf_copy(k, KPF_DIRTY, PG_dirty);
	u |= vmi_kpf_copy(k, KPF_UPTODATE, PG_uptodate);
	u |= vmi_kpf_copy(k, KPF_WRITEBACK, PG_writeback);
	u |= vmi_kpf_copy(k, KPF_LRU, PG_lru);
	u |= vmi_kpf_copy(k, KPF_REFERENCED, PG_referenced);
	u |= vmi_kpf_copy(k, KPF_ACTIVE, PG_active);
	u |= vmi_kpf_copy(k, KPF_RECLAIM, PG_reclaim);
	if (vmi_page_swapcache(page))
		u |= BIT_ULL(KPF_SWAPCACHE);
	u |= vmi_kpf_copy(k, KPF_SWAPBACKED, PG_swapbacked);
	u |= vmi_kpf_copy(k, KPF_UNEVICTABLE, PG_unevictable);
	u |= vmi_kpf_copy(k, KPF_MLOCKED, PG_mlocked);
#ifdef CONFIG_MEMORY_FAILURE
	/* hugetlb keeps the poison on the folio, others on each page */
	u |= vmi_kpf_copy((u & BIT_ULL(KPF_HUGE)) ? k : vmi_flags_word(page),
			  KPF_HWPOISON, PG_hwpoison);
#endif
	u |= vmi_kpf_copy(k, KPF_RESERVED, PG_reserved);
	u |= vmi_kpf_copy(k, KPF_PRIVATE, PG_private);
	u |= vmi_kpf_copy(k, KPF_PRIVATE_2, PG_private_2);
	u |= vmi_kpf_copy(k, KPF_OWNER_PRIVATE, PG_owner_priv_1);
	u |= vmi_kpf_copy(k, KPF_ARCH, PG_arch_1);
	u |= vmi_kpf_version_bits(k);

	/* ours, beyond what kpageflags shows */
	if (vmi_page_workingset(head))
		u |= BIT_ULL(VMAINSPECT_KPF_WORKINGSET);
	if (vmi_page_young(head))
		u |= BIT_ULL(VMAINSPECT_KPF_YOUNG);
	if (PageCompound(page))
		u |= BIT_ULL(VMAINSPECT_KPF_LARGE);
	return u;
}

/*
 * What page->mapping of a pinned, locked folio names: its inode's number
 * and file system.  When a path is wanted, returns a reference to one of
 * the inode's dentries and, in *sbp, an active reference to its file
 * system (a dentry alone does not keep it from being unmounted, and a
 * dput() after the unmount would touch a freed superblock); the caller
 * names the dentry and drops both with vmi_page_name() once the folio is
 * unlocked.
 */
static struct dentry *vmi_page_file(struct address_space *mapping,
				    struct vmainspect_page *p, bool want_path,
				    struct super_block **sbp)
{
	struct inode *inode = mapping->host;
	struct super_block *sb;

	if (!inode)
		return NULL;
	sb = inode->i_sb;
	p->ino = inode->i_ino;
	p->dev = new_encode_dev(sb->s_dev);
	/* shmem_mapping() is exported only since 6.12; same test by magic */
	if (sb->s_magic == TMPFS_MAGIC)
		p->mapping_kind = VMAINSPECT_MAP_SHMEM;
	/* being unmounted: no path (what grab_super() would refuse) */
	if (!want_path || !atomic_inc_not_zero(&sb->s_active))
		return NULL;
	*sbp = sb;
	return d_find_alias(inode);
}

/*
 * The path inside its file system (dentry_path_raw(): a page knows no
 * mount; dev says which file system).  Not under the folio lock: if the
 * file was unlinked and closed meanwhile, this dput() is the last one and
 * evicts the inode, and if the file system was unmounted meanwhile,
 * deactivate_super() shuts it down; both truncate files, which locks
 * their folios, ours too.
 */
static void vmi_page_name(struct dentry *dentry, struct super_block *sb,
			  struct vmainspect_page *p, char *path,
			  size_t path_size)
{
	if (dentry) {
		char *name = dentry_path_raw(dentry, path, path_size);

		if (!IS_ERR(name)) {
			p->path_len = strlen(name);
			memmove(path, name, p->path_len + 1);
		}
		dput(dentry);
	}
	deactivate_super(sb);
}

static void vmi_page_mapping(struct page *head, struct vmainspect_page *p,
			     char *path, size_t path_size)
{
	unsigned long mapping = (unsigned long)READ_ONCE(head->mapping);
	struct super_block *sb = NULL;
	struct dentry *dentry = NULL;
	int tries;

	p->mapping_kind = VMAINSPECT_MAP_NONE;
	if (PageSlab(head) || PageTable(head) || PageBuddy(head) || !mapping)
		return;
	switch (mapping & VMI_MAPPING_FLAGS) {
	case VMI_MAPPING_ANON:
		p->mapping_kind = VMAINSPECT_MAP_ANON;
		p->anon_vma = mapping & ~(unsigned long)VMI_MAPPING_FLAGS;
		return;
	case VMI_MAPPING_KSM:
		p->mapping_kind = VMAINSPECT_MAP_KSM;
		return;
	case VMI_MAPPING_MOVABLE:
		p->mapping_kind = VMAINSPECT_MAP_MOVABLE;
		return;
	}
	p->mapping_kind = VMAINSPECT_MAP_FILE;
	for (tries = 0; tries < VMI_PAGE_LOCK_TRIES; tries++) {
		if (trylock_page(head))
			break;
		usleep_range(VMI_PAGE_LOCK_WAIT_US, 2 * VMI_PAGE_LOCK_WAIT_US);
	}
	if (tries == VMI_PAGE_LOCK_TRIES)
		return;		/* kind known, file not: it stays locked */
	/* truncated or reused while we were not looking? */
	if ((unsigned long)head->mapping == mapping)
		dentry = vmi_page_file((struct address_space *)mapping, p,
				       path && path_size, &sb);
	else
		p->mapping_kind = VMAINSPECT_MAP_NONE;
	unlock_page(head);
	if (sb)
		vmi_page_name(dentry, sb, p, path, path_size);
}

/*
 * What a reader who may not see kernel addresses (@kaddrs false: the
 * kallsyms rule, not only the frames one) loses of a filled record.
 */
void vmi_page_hide(struct vmainspect_page *p, bool kaddrs)
{
	if (!kaddrs)
		p->anon_vma = 0;
}

/*
 * Fill @p for frame @pfn.  No lock of ours may be held (the folio lock is
 * tried, dput() may sleep).  @path is a kernel buffer of @path_size bytes
 * or NULL.
 */
int vmi_page_fill(u64 pfn, struct vmainspect_page *p, char *path,
		  size_t path_size)
{
	struct page *page = vmi_online_page(pfn);
	struct page *head;

	if (!page)
		return -ENXIO;
	p->pfn = pfn;
	p->raw_flags = vmi_flags_word(page);
	p->kpageflags = vmi_kpageflags(page);
	p->mapcount = vmi_kpagecount(page);
	p->nid = page_to_nid(page);
	p->zone = page_zonenum(page);
	vmi_page_zone_name(page, p->zone_name, sizeof(p->zone_name));

	head = vmi_page_get_head(page);
	if (!head) {
		/* free: what is there is all there is */
		head = compound_head(page);
		p->head_pfn = page_to_pfn(head);
		p->head_raw_flags = vmi_flags_word(head);
		p->refcount = page_ref_count(head);
		p->order = 0;
		p->folio_mapcount = 0;
		return 0;
	}
	p->head_pfn = page_to_pfn(head);
	p->head_raw_flags = vmi_flags_word(head);
	p->refcount = page_ref_count(head) - 1;	/* not ours */
	p->order = compound_order(head);
	p->folio_mapcount = vmi_folio_mapcount(head);
	p->memcg_ino = vmi_page_memcg_ino(page);
	p->index = vmi_page_pgoff(page);
	vmi_page_mapping(head, p, path, path_size);
	put_page(head);
	return 0;
}
