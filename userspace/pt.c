// SPDX-License-Identifier: GPL-2.0
/* vmainspect pt PID ADDR: the page-table path of one address. */

#include <stdio.h>
#include <string.h>

#include "client.h"
#include "file_addr.h"
#include "format.h"
#include "json_out.h"
#include "main.h"
#include "privilege.h"

static bool path_hidden(const struct vmainspect_pt_path *p)
{
	return p->out_flags & VMAINSPECT_PT_PFN_HIDDEN;
}

/* The entry that ended the walk, or NULL when nothing was walked. */
static const struct vmainspect_pt_entry *
path_leaf(const struct vmainspect_pt_path *p)
{
	return p->nr_levels ? &p->levels[p->nr_levels - 1] : NULL;
}

static bool path_mapped(const struct vmainspect_pt_path *p)
{
	const struct vmainspect_pt_entry *leaf = path_leaf(p);

	return leaf && leaf->kind == VMAINSPECT_PT_PAGE;
}

static json_object *json_pt_entry_new(const struct vmainspect_pt_entry *e,
				      bool hidden)
{
	json_object *obj, *swap = NULL;

	obj = json_object_new_object();
	if (!obj)
		return NULL;
	if (e->kind == VMAINSPECT_PT_SWAP && !hidden) {
		swap = json_object_new_object();
		if (swap) {
			json_add_u64(swap, "type", e->swap_type);
			json_add_u64(swap, "offset", e->offset);
		}
	}
	json_object_object_add(obj, "level",
			       json_pt_level_new(e->level));
	json_add_u64(obj, "index", e->index);
	json_add_hex(obj, "raw", e->raw);
	json_object_object_add(obj, "kind",
			       json_object_new_string(fmt_pt_kind(e->kind)));
	json_object_object_add(obj, "flags", json_pte_bits_new(e->bits));
	json_add_u64_or_null(obj, "pfn", pt_kind_has_pfn(e->kind) && !hidden,
			     e->pfn);
	json_object_object_add(obj, "swap", swap);
	json_object_object_add(obj, "marker",
			       json_marker_bits_new(e->kind == VMAINSPECT_PT_MARKER ?
						    e->offset : 0));
	json_add_u64(obj, "pkey", e->pkey);
	/* bytes of the folio holding a present leaf; null if not shown */
	json_add_u64_or_null(obj, "folio_size", e->folio_shift != 0,
			     e->folio_shift ? 1ULL << e->folio_shift : 0);
	return obj;
}

static int print_pt_json(const struct vmi_client *c,
			 const struct vmainspect_pt_path *p,
			 const struct file_addr *fa)
{
	const struct vmainspect_pt_entry *leaf = path_leaf(p);
	bool shown = path_mapped(p) && !path_hidden(p);
	json_object *obj, *levels;
	__u32 i;

	obj = json_object_new_object();
	if (!obj)
		return json_print_put(NULL);
	levels = json_object_new_array();

	json_add_u64(obj, "pid", c->pid);
	json_add_hex(obj, "addr", p->addr);
	json_add_bool(obj, "in_vma", p->out_flags & VMAINSPECT_PT_IN_VMA);
	json_add_u64(obj, "pgtable_levels", p->pgtable_levels);
	json_add_u64_or_null(obj, "page_size", p->page_size, p->page_size);
	json_add_u64_or_null(obj, "pfn", shown, shown ? leaf->pfn : 0);
	json_add_hex_or_null(obj, "phys_addr", shown, p->phys_addr);
	json_add_bool(obj, "pfn_hidden", path_hidden(p));
	json_object_object_add(obj, "hidden_reason", path_hidden(p) ?
			       json_object_new_string(priv_frames_hidden_reason()) :
			       NULL);
	for (i = 0; i < p->nr_levels; i++)
		json_object_array_add(levels,
				      json_pt_entry_new(&p->levels[i],
							path_hidden(p)));
	json_object_object_add(obj, "levels", levels);
	file_addr_json_add(obj, fa);
	return json_print_put(obj);
}

/* Continued lines of an entry start under its flags column. */
#define ENTRY_CONT	"                                           "

static void print_entry_text(const struct vmainspect_pt_entry *e)
{
	const char *kind = fmt_pt_kind(e->kind);
	struct wrap_buf wb;
	FILE *m;

	if (e->kind == VMAINSPECT_PT_FOLDED) {
		printf("  %-5s  %5s  %-18s  (folded)\n", fmt_pt_level(e->level),
		       "", "");
		return;
	}
	m = wrap_begin(&wb, stdout);
	fprintf(m, "  %-5s  %5u  0x%016llx  %s", fmt_pt_level(e->level),
		e->index, (unsigned long long)e->raw, kind);
	/* Pad the kind to its column only when something follows it. */
	if ((e->bits || e->kind == VMAINSPECT_PT_MARKER) && strlen(kind) < 6)
		fprintf(m, "%*s", 6 - (int)strlen(kind), "");
	fprint_pte_bits(m, e->bits, " ");
	if (e->kind == VMAINSPECT_PT_MARKER)
		fprint_marker_bits(m, e->offset, " ");
	wrap_end(&wb, ENTRY_CONT);
}

/* One line (wrapped) saying what the walk ended at. */
static void print_leaf_text(const struct vmainspect_pt_path *p,
			    const struct vmainspect_pt_entry *e)
{
	const char *level = fmt_pt_level(e->level);
	char size[FMT_SIZE_LEN];
	bool hidden = path_hidden(p);
	struct wrap_buf wb;
	FILE *m = wrap_begin(&wb, stdout);

	switch (e->kind) {
	case VMAINSPECT_PT_PAGE:
		fprintf(m, "%s page (%s leaf): ", fmt_size(p->page_size, size),
			level);
		if (hidden)
			fprintf(m, "PFN hidden");
		else
			fprintf(m, "PFN 0x%llx, physical address 0x%llx",
				(unsigned long long)e->pfn,
				(unsigned long long)p->phys_addr);
		/* last: where the line is too long, it goes on a line alone */
		if (e->folio_shift)
			fprintf(m, " (%s folio)",
				fmt_size(1ULL << e->folio_shift, size));
		break;
	case VMAINSPECT_PT_NONE:
		fprintf(m, "not mapped: the %s entry is empty", level);
		break;
	case VMAINSPECT_PT_SWAP:
		fprintf(m, "swapped out (%s entry): ", level);
		if (hidden)
			fprintf(m, "swap slot hidden");
		else
			fprintf(m, "swap:%u:0x%llx", e->swap_type,
				(unsigned long long)e->offset);
		break;
	case VMAINSPECT_PT_MIGRATION:
	case VMAINSPECT_PT_DEVICE_PRIVATE:
	case VMAINSPECT_PT_DEVICE_EXCLUSIVE:
	case VMAINSPECT_PT_HWPOISON:
		fprintf(m, "not present, %s entry (%s): ", fmt_pt_kind(e->kind),
			level);
		if (hidden)
			fprintf(m, "PFN hidden");
		else
			fprintf(m, "PFN 0x%llx", (unsigned long long)e->pfn);
		break;
	case VMAINSPECT_PT_MARKER:
		fprintf(m, "not present, PTE marker:");
		fprint_marker_bits(m, e->offset, " ");
		if (!e->offset)
			fprintf(m, " (no known bit)");
		break;
	case VMAINSPECT_PT_BAD:
		fprintf(m, "corrupt %s entry (%s_bad()): the walk stops here",
			level, level);
		break;
	default:
		fprintf(m, "the walk ended at a %s entry of kind %s", level,
			fmt_pt_kind(e->kind));
		break;
	}
	wrap_end(&wb, "  ");
}

static int print_pt_text(const struct vmi_client *c,
			 const struct vmainspect_pt_path *p,
			 const struct file_addr *fa)
{
	const struct vmainspect_pt_entry *leaf = path_leaf(p);
	struct wrap_buf wb;
	__u32 i;

	printf("pid %d, address 0x%016llx\n", c->pid,
	       (unsigned long long)p->addr);
	printf("paging: %u-level\n", p->pgtable_levels);
	if (p->out_flags & VMAINSPECT_PT_IN_VMA)
		printf("inside a VMA\n");
	file_addr_print_text(fa, "");
	if (!(p->out_flags & VMAINSPECT_PT_IN_VMA)) {
		fprintf(wrap_begin(&wb, stdout),
			"not inside any VMA: page tables are read only inside VMAs (as for /proc/PID/pagemap), so %s",
			p->nr_levels ? "only the entries below are shown" :
			"nothing is walked");
		wrap_end(&wb, "  ");
	}
	if (!leaf)
		return finish_output();

	printf("\n  %-5s  %5s  %-18s  %-6s flags\n", "level", "index",
	       "entry", "kind");
	for (i = 0; i < p->nr_levels; i++)
		print_entry_text(&p->levels[i]);
	putchar('\n');
	print_leaf_text(p, leaf);
	if (path_hidden(p)) {
		fprintf(wrap_begin(&wb, stdout),
			"frames and swap slots hidden (their bits in the raw entries read 0): %s",
			priv_frames_hidden_reason());
		wrap_end(&wb, "  ");
	}
	return finish_output();
}

int do_pt(int argc, char **argv)
{
	struct vmainspect_pt_path p;
	struct vmi_find_result r = { 0 };
	struct file_addr fa;
	struct vmi_client c;
	__u64 addr;
	pid_t pid;
	int ret;

	ret = parse_pid_addr(argc, argv, &pid, &addr);
	if (ret)
		return ret;

	if (vmi_open(&c, pid))
		return EXIT_ERROR;
	if (vmi_pt_path(&c, addr, &p)) {
		vmi_close(&c);
		return EXIT_ERROR;
	}
	/* The VMA, for the file behind the address. */
	if ((p.out_flags & VMAINSPECT_PT_IN_VMA) && vmi_find_vma(&c, addr, &r)) {
		vmi_close(&c);
		return EXIT_ERROR;
	}
	vmi_close(&c);
	file_addr_lookup(c.pid, r.contains ? &r.vma : NULL, addr, &fa);

	if (json_output)
		ret = print_pt_json(&c, &p, &fa);
	else
		ret = print_pt_text(&c, &p, &fa);
	vmi_find_result_free(&r);
	return ret;
}
