// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: debugfs text views of physical frames.
 *
 *   /sys/kernel/debug/vmainspect/frames/<pfn>/page   as `vmainspect page --pfn PFN`
 *   /sys/kernel/debug/vmainspect/frames/<pfn>/rmap   as `vmainspect rmap --pfn PFN`
 *
 * A read-only file cannot be given a PFN, so, as for <pid>/ directories,
 * a PAGE ioctl with VMAINSPECT_PAGE_DEBUGFS (`vmainspect debugfs --pfn PFN`)
 * publishes one (debugfs.c keeps the registry; the oldest goes first).
 * Each open is checked with the opener's credentials (CAP_SYS_ADMIN, no
 * lockdown), and each read again for lockdown, which may have come since.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <uapi/vmainspect_page_names.h>
#include <uapi/vmainspect_rules.h>
#include "vmainspect.h"

/* Owners per rmap call while rendering. */
#define VMI_FRAMES_OWNERS	128

static int vmi_frames_reader_check(struct seq_file *m)
{
	return vmi_frames_check(vmi_debugfs_privileged(m));
}

static void vmi_seq_kpf(struct seq_file *m, u64 kpf)
{
	struct vmi_wrap w;
	unsigned int bit;

	vmi_wrap_start(&w, m, "flags ", "      ");
	for (bit = 0; bit < VMAINSPECT_KPF_NR_BITS; bit++) {
		if (!(kpf & BIT_ULL(bit)))
			continue;
		if (vmainspect_kpf_names[bit])
			vmi_wrap_word(&w, "%s", vmainspect_kpf_names[bit]);
		else
			vmi_wrap_word(&w, "bit%u", bit);
	}
	vmi_wrap_end(&w);
}

static const char *vmi_mapping_kind_name(u32 kind)
{
	return kind < VMAINSPECT_MAP_KIND_MAX ?
	       vmainspect_mapping_kind_names[kind] : "?";
}

static int vmi_frame_page_show(struct seq_file *m, void *v)
{
	u64 pfn = vmi_debugfs_pfn(m);
	struct vmainspect_page *p;
	struct vmi_wrap w;
	char *path;
	int ret;

	ret = vmi_frames_reader_check(m);
	if (ret)
		return ret;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!p || !path) {
		ret = -ENOMEM;
		goto out;
	}
	ret = vmi_page_fill(pfn, p, path, PATH_MAX);
	if (ret)
		goto out;
	vmi_page_hide(p, vmi_debugfs_kaddrs(m));
	seq_printf(m, "pfn 0x%llx node %u zone %s\n", p->pfn, p->nid,
		   p->zone_name);
	vmi_seq_kpf(m, p->kpageflags);
	seq_printf(m, "kpageflags 0x%llx raw_flags 0x%llx\n", p->kpageflags,
		   p->raw_flags);
	seq_printf(m, "head_raw_flags 0x%llx\n", p->head_raw_flags);
	seq_printf(m, "head_pfn 0x%llx order %u refcount %d mapcount %d folio_mapcount %d\n",
		   p->head_pfn, p->order, p->refcount, p->mapcount,
		   p->folio_mapcount);
	vmi_wrap_start(&w, m, "mapping ", "  ");
	vmi_wrap_word(&w, "%s", vmi_mapping_kind_name(p->mapping_kind));
	vmi_wrap_word(&w, "index 0x%llx", p->index);
	if (p->mapping_kind == VMAINSPECT_MAP_ANON && p->anon_vma)
		vmi_wrap_word(&w, "anon_vma 0x%llx", p->anon_vma);
	if (p->ino)
		vmi_wrap_word(&w, "dev %02x:%02x ino %llu", p->dev >> 20,
			      p->dev & 0xfffff, p->ino);
	vmi_wrap_end(&w);
	/* A line of its own: a path is never cut, and may hold blanks. */
	if (p->path_len) {
		/* escaped as /proc/PID/maps escapes it: no forged lines */
		seq_puts(m, "path ");
		seq_escape(m, path, "\n\\");
		seq_putc(m, '\n');
	}
	seq_printf(m, "memcg_ino %llu\n", p->memcg_ino);
out:
	kfree(path);
	kfree(p);
	return ret;
}

static void vmi_seq_owner(struct seq_file *m, const struct vmainspect_owner *o)
{
	char perms[5], comm[sizeof(o->comm) + 1];
	size_t i;

	/* Any process may name itself with escape sequences: '?' for them. */
	for (i = 0; i < sizeof(o->comm) && o->comm[i]; i++) {
		unsigned char c = o->comm[i];

		comm[i] = c < 0x20 || c == 0x7f ? '?' : c;
	}
	comm[i] = '\0';
	vmainspect_vma_perms(o->vma_flags, perms);
	/* The VMA goes on an indented line of its own: 80 columns. */
	seq_printf(m, "%7u %-15.15s %016llx %s %s", o->pid,
		   o->pid ? comm : "-", o->address, perms,
		   vmi_pt_level_name(o->level));
	if (o->nr_processes > 1)
		seq_printf(m, " (mm of %u processes)", o->nr_processes);
	seq_printf(m, "\n        vma %016llx-%016llx\n", o->vma_start,
		   o->vma_end);
}

static int vmi_frame_rmap_show(struct seq_file *m, void *v)
{
	u64 pfn = vmi_debugfs_pfn(m);
	struct vmi_rmap_out out = { .max_owners = VMI_FRAMES_OWNERS };
	u32 i, total = 0;
	int ret;

	ret = vmi_frames_reader_check(m);
	if (ret)
		return ret;
	seq_printf(m, "# pfn 0x%llx: pid comm address perms level, then its vma\n",
		   pfn);
	do {
		ret = vmi_rmap_fill(pfn, &out);
		if (ret)
			break;
		for (i = 0; i < out.nr_owners; i++)
			vmi_seq_owner(m, &out.owners[i]);
		total += out.nr_owners;
	} while (!out.done && !fatal_signal_pending(current));
	if (ret)
		goto out;
	if (out.out_flags & VMAINSPECT_RMAP_KSM)
		seq_puts(m, "# KSM page: KSM's stable tree was not walked\n");
	else if (out.out_flags & VMAINSPECT_RMAP_NO_RMAP)
		seq_puts(m, "# no reverse map: not an anonymous or file page\n");
	seq_printf(m, "# %s page, %u %s confirmed by their page tables, mapcount %d\n",
		   vmi_mapping_kind_name(out.kind), total,
		   vmainspect_plural(total, "owner", "owners"), out.mapcount);
out:
	vmi_rmap_out_free(&out);
	return ret;
}

/* The frame's number is copied at open: the directory may go meanwhile. */
VMI_DEBUGFS_VIEW(vmi_frame_page, vmi_debugfs_open_frame);
VMI_DEBUGFS_VIEW(vmi_frame_rmap, vmi_debugfs_open_frame);

/* The files of a frames/<pfn>/ directory. */
const struct vmi_debugfs_file vmi_debugfs_frame_files[] = {
	{ "page", &vmi_frame_page_fops },
	{ "rmap", &vmi_frame_rmap_fops },
	{ }
};
