// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: text rendering of the records, for debugfs.  Flag and kind
 * names come from the table next to the UAPI, shared with the tool.
 */
#include <linux/seq_file.h>
#include <linux/mm.h>
#include <uapi/vmainspect_names.h>
#include <uapi/vmainspect_pt_names.h>
#include <uapi/vmainspect_rules.h>
#include "vmainspect.h"

static void vmi_seq_addr(struct seq_file *m, const char *name, u64 addr)
{
	seq_printf(m, "%-16s 0x%016llx\n", name, addr);
}

void vmi_seq_layout(struct seq_file *m, const struct vmainspect_layout *l)
{
	vmi_seq_addr(m, "task_size", l->task_size);
	vmi_seq_addr(m, "mmap_base", l->mmap_base);
	vmi_seq_addr(m, "start_stack", l->start_stack);
	vmi_seq_addr(m, "arg_start", l->arg_start);
	vmi_seq_addr(m, "arg_end", l->arg_end);
	vmi_seq_addr(m, "env_start", l->env_start);
	vmi_seq_addr(m, "env_end", l->env_end);
	vmi_seq_addr(m, "start_brk", l->start_brk);
	vmi_seq_addr(m, "brk", l->brk);
	vmi_seq_addr(m, "start_data", l->start_data);
	vmi_seq_addr(m, "end_data", l->end_data);
	vmi_seq_addr(m, "start_code", l->start_code);
	vmi_seq_addr(m, "end_code", l->end_code);
	seq_printf(m, "%-16s %llu\n", "map_count", l->map_count);
	seq_printf(m, "%-16s %llu pages\n", "total_vm", l->total_vm);
	seq_printf(m, "%-16s %llu pages\n", "locked_vm", l->locked_vm);
	seq_printf(m, "%-16s %llu pages\n", "pinned_vm", l->pinned_vm);
	seq_printf(m, "%-16s %llu pages\n", "data_vm", l->data_vm);
	seq_printf(m, "%-16s %llu pages\n", "exec_vm", l->exec_vm);
	seq_printf(m, "%-16s %llu pages\n", "stack_vm", l->stack_vm);
	seq_printf(m, "%-16s %llu pages\n", "rss_anon", l->rss_anon);
	seq_printf(m, "%-16s %llu pages\n", "rss_file", l->rss_file);
	seq_printf(m, "%-16s %llu pages\n", "rss_shmem", l->rss_shmem);
	seq_printf(m, "%-16s %llu pages\n", "swap_ents", l->swap_ents);
	seq_printf(m, "%-16s %llu pages\n", "hiwater_rss", l->hiwater_rss);
	seq_printf(m, "%-16s %llu pages\n", "hiwater_vm", l->hiwater_vm);
	seq_printf(m, "%-16s %llu bytes\n", "pgtables", l->pgtables_bytes);
	seq_printf(m, "%-16s %u-level, %lu-byte pages\n", "paging",
		   l->pgtable_levels, 1UL << l->page_shift);
}

/*
 * One VMA: first the /proc/PID/maps line (same columns, padding and "\n"
 * escaping), then an indented line of what maps does not show.
 */
void vmi_seq_vma(struct seq_file *m, const struct vmainspect_vma *rec,
		 const char *strings)
{
	char perms[5];
	const struct vmainspect_flag_name *f;

	vmainspect_vma_perms(rec->uflags, perms);
	seq_setwidth(m, 25 + sizeof(void *) * 6 - 1);
	seq_printf(m, "%08llx-%08llx %s %08llx %02x:%02x %llu ",
		   rec->start, rec->end, perms,
		   vmainspect_vma_maps_offset(rec, PAGE_SHIFT),
		   rec->dev_major, rec->dev_minor, rec->inode);
	if (rec->name_off != VMAINSPECT_NO_NAME) {
		seq_pad(m, ' ');
		seq_escape(m, strings + rec->name_off, "\n");
	}
	seq_putc(m, '\n');

	seq_printf(m, "    %s size=%llukB vm_flags=0x%llx page_prot=0x%llx%s flags:",
		   rec->kind < VMAINSPECT_KIND_MAX ?
		   vmainspect_kind_names[rec->kind] : "?",
		   (rec->end - rec->start) >> 10, rec->vm_flags, rec->page_prot,
		   rec->attrs & VMAINSPECT_ATTR_ANON_VMA ? " anon_vma" : "");
	for (f = vmainspect_vm_flag_names; f->name; f++)
		if (rec->uflags & f->bit)
			seq_printf(m, " %s", f->name);
	seq_putc(m, '\n');
}

static void vmi_seq_bits(struct seq_file *m,
			 const struct vmainspect_bit_name *names, u64 bits)
{
	const struct vmainspect_bit_name *b;

	for (b = names; b->name; b++)
		if (bits & b->bit)
			seq_printf(m, " %s", b->name);
}

/*
 * One page-table run, the columns of `vmainspect pages`:
 *   start-end  size  level  frames  kind bits...
 * frames: first-last frame, "swapT:first-last", "hidden" or "-".
 */
void vmi_seq_pt_run(struct seq_file *m, const struct vmainspect_pt_run *r,
		    bool show_pfn)
{
	u64 pages = (r->end - r->start) >> PAGE_SHIFT;

	seq_printf(m, "%016llx-%016llx %9llukB %s ", r->start, r->end,
		   (r->end - r->start) >> 10,
		   r->level < VMAINSPECT_LVL_NR ?
		   vmainspect_pt_level_names[r->level] : "?");
	if (vmainspect_pt_kind_has_frame(r->kind) && show_pfn)
		seq_printf(m, "pfn %llx-%llx", r->pfn, r->pfn + pages - 1);
	else if (vmainspect_pt_kind_has_frame(r->kind))
		seq_puts(m, "pfn hidden");
	else if (r->kind == VMAINSPECT_PT_SWAP && show_pfn)
		seq_printf(m, "swap%u:%llx-%llx", r->swap_type, r->offset,
			   r->offset + pages - 1);
	else if (r->kind == VMAINSPECT_PT_SWAP)
		seq_puts(m, "swap hidden");
	else
		seq_puts(m, "-");
	seq_printf(m, " %s", r->kind < VMAINSPECT_PT_KIND_MAX ?
		   vmainspect_pt_kind_names[r->kind] : "?");
	vmi_seq_bits(m, vmainspect_pte_bit_names, r->bits);
	if (r->kind == VMAINSPECT_PT_MARKER)
		vmi_seq_bits(m, vmainspect_marker_names, r->offset);
	/* a folio other than the entry's own size: mTHP, PTE-mapped THP */
	if (r->folio_shift > PAGE_SHIFT && r->folio_shift != r->page_shift)
		seq_printf(m, " folio=%llukB", 1ULL << (r->folio_shift - 10));
	seq_putc(m, '\n');
}

const char *vmi_pt_level_name(u32 level)
{
	return level < VMAINSPECT_LVL_NR ? vmainspect_pt_level_names[level] :
	       "?";
}
