// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: /sys/kernel/debug/vmainspect/kernel_layout, the text view of
 * VMAINSPECT_IOC_KLAYOUT.  The opener's rights decide, as for the ioctl
 * (and /proc/kallsyms): without them the names and sizes are shown but no
 * address.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string_helpers.h>
#include <uapi/vmainspect_kregion_names.h>
#include "vmainspect.h"

static void vmi_klayout_header(struct seq_file *m, const struct vmi_klayout *kl)
{
	const struct vmainspect_klayout *h = &kl->hdr;
	char size[VMI_SIZE_LEN];
	struct vmi_wrap w;
	unsigned int i;

	seq_printf(m, "arch %s, %u-level paging, %u-bit virtual addresses, page size %s\n",
		   h->arch < ARRAY_SIZE(vmainspect_arch_names) ?
		   vmainspect_arch_names[h->arch] : "?",
		   h->pgtable_levels, h->va_bits,
		   vmi_fmt_size(size, 1ULL << h->page_shift));
	seq_puts(m, "entries per table:");
	for (i = 0; i < VMAINSPECT_LVL_NR; i++) {
		char name[8];	/* debugfs names levels in lower case */

		string_lower(name, vmi_pt_level_name(i));
		if (h->ptrs_per[i] > 1)
			seq_printf(m, " %s %u", name, h->ptrs_per[i]);
		else
			seq_printf(m, " %s folded", name);
	}
	seq_printf(m, "\nphysical address bits %u, struct page %u bytes\n",
		   h->phys_bits, h->struct_page_size);
	seq_printf(m, "RAM ends at %#llx (%s)\n", h->ram_end,
		   vmi_fmt_size(size, h->ram_end));
	seq_printf(m, "KASLR: memory regions %s, kernel image %s\n",
		   (h->out_flags & VMAINSPECT_KL_KASLR_MEMORY) ? "randomized" : "at the defaults",
		   !(h->out_flags & VMAINSPECT_KL_IMAGE_KNOWN) ? "location unknown" :
		   (h->out_flags & VMAINSPECT_KL_KASLR_TEXT) ? "randomized" : "at the default");
	if (h->out_flags & VMAINSPECT_KL_HIDDEN) {
		vmi_wrap_start(&w, m, "", "  ");
		vmi_wrap_text(&w, "addresses hidden: they need CAP_SYS_ADMIN,");
		vmi_wrap_text(&w, "no lockdown=confidentiality and a kptr_restrict");
		vmi_wrap_text(&w, "that shows raw pointers to this reader");
		vmi_wrap_end(&w);
	} else {
		seq_printf(m, "direct map base (page_offset_base) %#llx\n", h->page_offset);
		if (h->out_flags & VMAINSPECT_KL_IMAGE_KNOWN)
			seq_printf(m, "kernel image %#llx-%#llx\n",
				   h->image_start, h->image_end - 1);
	}
	if (h->out_flags & VMAINSPECT_KL_HIGHMEM)
		seq_printf(m, "HIGHMEM: RAM above %#llx is not in the direct map\n",
			   h->lowmem_end);
}

/*
 * One row: start, last, size and name on the first line (a reader finds
 * a region's bounds beside its name); the description after them, its
 * further lines indented by four.
 */
static void vmi_seq_region(struct seq_file *m, bool hidden, u64 start, u64 end,
			   u64 size, const char *name, const char *desc,
			   const struct vmainspect_kregion *r)
{
	char sz[VMI_SIZE_LEN];
	struct vmi_wrap w;

	vmi_wrap_start(&w, m, "", "    ");
	if (hidden)
		vmi_wrap_word(&w, "%16s %16s", "-", "-");
	else
		vmi_wrap_word(&w, "%016llx %016llx", start, end - 1);
	vmi_wrap_word(&w, "%11s", vmi_fmt_size(sz, size));
	vmi_wrap_word(&w, "%-15s", name);
	vmi_wrap_text(&w, desc);
	if (r && (r->flags & VMAINSPECT_KRF_USED))
		vmi_wrap_word(&w, "(used %s)", vmi_fmt_size(sz, r->used));
	if (r && (r->flags & VMAINSPECT_KRF_RANDOMIZED))
		vmi_wrap_word(&w, "[randomized]");
	if (r && (r->flags & VMAINSPECT_KRF_UNUSED))
		vmi_wrap_word(&w, "[not in use]");
	vmi_wrap_end(&w);
}

static int vmi_kernel_layout_show(struct seq_file *m, void *v)
{
	bool visible = vmi_debugfs_kaddrs(m);
	const struct vmainspect_kregion_name *gap =
		&vmainspect_kregion_names[VMAINSPECT_KR_NONE];
	struct vmi_klayout *kl;
	u32 i;

	kl = kmalloc(sizeof(*kl), GFP_KERNEL);
	if (!kl)
		return -ENOMEM;
	vmi_klayout_live(kl);
	if (!visible)
		vmi_klayout_hide(kl);
	vmi_klayout_header(m, kl);
	seq_puts(m, "start            last                    size name            description\n");
	for (i = 0; i < kl->nr; i++) {
		const struct vmainspect_kregion *r = &kl->regions[i];
		const struct vmainspect_kregion_name *n =
			r->id < VMAINSPECT_KR_MAX ? &vmainspect_kregion_names[r->id] : gap;

		if (visible && i && kl->regions[i - 1].end < r->start)
			vmi_seq_region(m, false, kl->regions[i - 1].end, r->start,
				       r->start - kl->regions[i - 1].end,
				       gap->name, gap->desc, NULL);
		vmi_seq_region(m, !visible, r->start, r->end, r->size, n->name,
			       n->desc, r);
	}
	kfree(kl);
	return 0;
}

VMI_DEBUGFS_VIEW(vmi_kernel_layout, vmi_debugfs_open_plain);

void vmi_debugfs_klayout_init(struct dentry *root)
{
	debugfs_create_file("kernel_layout", 0444, root, NULL,
			    &vmi_kernel_layout_fops);
}
