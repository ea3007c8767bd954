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

void vmi_wrap_start(struct vmi_wrap *w, struct seq_file *m,
		    const char *prefix, const char *cont)
{
	w->m = m;
	w->cont = cont;
	w->col = strlen(prefix);
	w->first = true;
	seq_puts(m, prefix);
}

/* One word of len bytes: after a blank, or on a new line if it is full. */
static void vmi_wrap_put(struct vmi_wrap *w, const char *word, size_t len)
{
	if (!w->first && w->col + 1 + len > VMI_TEXT_WIDTH) {
		seq_putc(w->m, '\n');
		seq_puts(w->m, w->cont);
		w->col = strlen(w->cont);
	} else if (!w->first) {
		seq_putc(w->m, ' ');
		w->col++;
	}
	seq_write(w->m, word, len);
	w->col += len;
	w->first = false;
}

void vmi_wrap_word(struct vmi_wrap *w, const char *fmt, ...)
{
	char word[VMI_WORD_LEN];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vscnprintf(word, sizeof(word), fmt, ap);
	va_end(ap);
	vmi_wrap_put(w, word, len);
}

void vmi_wrap_text(struct vmi_wrap *w, const char *text)
{
	size_t len;

	for (;;) {
		while (*text == ' ')
			text++;
		if (!*text)
			return;
		len = strcspn(text, " ");
		vmi_wrap_put(w, text, len);
		text += len;
	}
}

void vmi_wrap_end(struct vmi_wrap *w)
{
	seq_putc(w->m, '\n');
}

const char *vmi_fmt_size(char buf[VMI_SIZE_LEN], u64 bytes)
{
	struct vmainspect_size_parts p;

	vmainspect_size_split(bytes, &p);
	if (p.exact)
		scnprintf(buf, VMI_SIZE_LEN, VMAINSPECT_SIZE_EXACT_FMT,
			  p.whole, p.unit);
	else
		scnprintf(buf, VMI_SIZE_LEN, VMAINSPECT_SIZE_CUT_FMT,
			  p.whole, p.tenths, p.unit);
	return buf;
}

static void vmi_seq_pages(struct seq_file *m, const char *name, u64 pages)
{
	seq_printf(m, "%-16s %llu %s\n", name, pages,
		   vmainspect_plural(pages, "page", "pages"));
}

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
	vmi_seq_pages(m, "total_vm", l->total_vm);
	vmi_seq_pages(m, "locked_vm", l->locked_vm);
	vmi_seq_pages(m, "pinned_vm", l->pinned_vm);
	vmi_seq_pages(m, "data_vm", l->data_vm);
	vmi_seq_pages(m, "exec_vm", l->exec_vm);
	vmi_seq_pages(m, "stack_vm", l->stack_vm);
	vmi_seq_pages(m, "rss_anon", l->rss_anon);
	vmi_seq_pages(m, "rss_file", l->rss_file);
	vmi_seq_pages(m, "rss_shmem", l->rss_shmem);
	vmi_seq_pages(m, "swap_ents", l->swap_ents);
	vmi_seq_pages(m, "hiwater_rss", l->hiwater_rss);
	vmi_seq_pages(m, "hiwater_vm", l->hiwater_vm);
	seq_printf(m, "%-16s %llu %s\n", "pgtables", l->pgtables_bytes,
		   vmainspect_plural(l->pgtables_bytes, "byte", "bytes"));
	seq_printf(m, "%-16s %u-level, %lu-byte pages\n", "paging",
		   l->pgtable_levels, 1UL << l->page_shift);
}

/*
 * One VMA: first the /proc/PID/maps line (same columns, padding and "\n"
 * escaping), then indented lines of what maps does not show, within
 * VMI_TEXT_WIDTH: kind, size, markers, raw flags; then "flags:" and the
 * flag names.
 */
void vmi_seq_vma(struct seq_file *m, const struct vmainspect_vma *rec,
		 const char *strings)
{
	char perms[5], size[VMI_SIZE_LEN];
	const struct vmainspect_flag_name *f;
	struct vmi_wrap w;

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

	vmi_wrap_start(&w, m, "    ", "      ");
	vmi_wrap_word(&w, "%s", rec->kind < VMAINSPECT_KIND_MAX ?
		      vmainspect_kind_names[rec->kind] : "?");
	vmi_wrap_word(&w, "size=%s", vmi_fmt_size(size, rec->end - rec->start));
	vmi_wrap_word(&w, "vm_flags=0x%llx", rec->vm_flags);
	vmi_wrap_word(&w, "page_prot=0x%llx", rec->page_prot);
	if (rec->attrs & VMAINSPECT_ATTR_ANON_VMA)
		vmi_wrap_word(&w, "anon_vma");
	vmi_wrap_end(&w);
	vmi_wrap_start(&w, m, "    flags: ", "           ");
	for (f = vmainspect_vm_flag_names; f->name; f++)
		if (rec->uflags & f->bit)
			vmi_wrap_word(&w, "%s", f->name);
	vmi_wrap_end(&w);
}

static void vmi_wrap_bits(struct vmi_wrap *w,
			  const struct vmainspect_bit_name *names, u64 bits)
{
	const struct vmainspect_bit_name *b;

	for (b = names; b->name; b++)
		if (bits & b->bit)
			vmi_wrap_word(w, "%s", b->name);
}

/*
 * One page-table run, the columns of `vmainspect pages`:
 *   start-end  size  level  frames  kind bits...
 * frames: "pfn 0xfirst-0xlast", "swap:T:0xfirst-0xlast", "pfn hidden",
 * "swap hidden" or "-".  Continued lines start under the size column.
 */
void vmi_seq_pt_run(struct seq_file *m, const struct vmainspect_pt_run *r,
		    bool show_pfn)
{
	u64 pages = (r->end - r->start) >> PAGE_SHIFT;
	char size[VMI_SIZE_LEN];
	struct vmi_wrap w;

	vmi_wrap_start(&w, m, "", VMI_RUN_CONT);
	vmi_wrap_word(&w, "%016llx-%016llx", r->start, r->end);
	/* "~1023.9 MiB" is the widest size: 11 columns */
	vmi_wrap_word(&w, "%11s", vmi_fmt_size(size, r->end - r->start));
	vmi_wrap_word(&w, "%s", r->level < VMAINSPECT_LVL_NR ?
		      vmainspect_pt_level_names[r->level] : "?");
	if (vmainspect_pt_kind_has_frame(r->kind) && show_pfn)
		vmi_wrap_word(&w, "pfn 0x%llx-0x%llx", r->pfn,
			      r->pfn + pages - 1);
	else if (vmainspect_pt_kind_has_frame(r->kind))
		vmi_wrap_word(&w, "pfn hidden");
	else if (r->kind == VMAINSPECT_PT_SWAP && show_pfn)
		vmi_wrap_word(&w, "swap:%u:0x%llx-0x%llx", r->swap_type,
			      r->offset, r->offset + pages - 1);
	else if (r->kind == VMAINSPECT_PT_SWAP)
		vmi_wrap_word(&w, "swap hidden");
	else
		vmi_wrap_word(&w, "-");
	vmi_wrap_word(&w, "%s", r->kind < VMAINSPECT_PT_KIND_MAX ?
		      vmainspect_pt_kind_names[r->kind] : "?");
	vmi_wrap_bits(&w, vmainspect_pte_bit_names, r->bits);
	if (r->kind == VMAINSPECT_PT_MARKER)
		vmi_wrap_bits(&w, vmainspect_marker_names, r->offset);
	/* a folio other than the entry's own size: mTHP, PTE-mapped THP */
	if (r->folio_shift > PAGE_SHIFT && r->folio_shift != r->page_shift)
		vmi_wrap_word(&w, "folio=%s",
			      vmi_fmt_size(size, 1ULL << r->folio_shift));
	vmi_wrap_end(&w);
}

const char *vmi_pt_level_name(u32 level)
{
	return level < VMAINSPECT_LVL_NR ? vmainspect_pt_level_names[level] :
	       "?";
}
