// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect pages PID [START [END]]: the page tables of a process as runs
 * of pages in the same state, one line each, like the kernel's ptdump.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "format.h"
#include "json_out.h"
#include "main.h"
#include "privilege.h"

/* Walks started over because the VMAs changed meanwhile, at most. */
#define PAGES_MAX_TRIES	8

/* Continued lines of a run start under its size column. */
#define RUN_CONT	"                                  "

/* "0x" + 13 digits, twice, a swap type and separators. */
#define FRAMES_LEN	64

struct pages_walk {
	struct vmi_client c;
	struct vmainspect_layout layout;
	bool whole;			/* no START: every VMA in turn */
	__u64 start, end;		/* the range walked */
	struct vmi_vma_set vmas;	/* whole: the VMAs walked */
	size_t *vma_first;		/* whole: first run of each VMA, nr + 1 */
	struct vmi_run_set set;
	bool consistent;
};

struct pages_summary {
	__u64 runs, shown;
	__u64 present, swapped, none, other;	/* in pages */
	__u64 huge_2m, huge_1g;			/* leaf entries */
};

static bool run_shown(const struct vmainspect_pt_run *run)
{
	return show_all || run->kind != VMAINSPECT_PT_NONE;
}

static __u64 run_pages(const struct vmainspect_pt_run *run)
{
	return (run->end - run->start) >> page_shift();
}

/* The number of entries of the run's size that the run touches. */
static __u64 run_entries(const struct vmainspect_pt_run *run)
{
	__u64 mask = (1ULL << run->page_shift) - 1;

	return (((run->end + mask) & ~mask) - (run->start & ~mask)) >>
	       run->page_shift;
}

static void summarize(const struct vmi_run_set *set, struct pages_summary *s)
{
	const struct vmainspect_pt_run *run;
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < set->nr; i++) {
		run = &set->runs[i];
		s->runs++;
		if (run_shown(run))
			s->shown++;
		switch (run->kind) {
		case VMAINSPECT_PT_PAGE:
			s->present += run_pages(run);
			if (run->page_shift == 21)
				s->huge_2m += run_entries(run);
			else if (run->page_shift == 30)
				s->huge_1g += run_entries(run);
			break;
		case VMAINSPECT_PT_SWAP:
			s->swapped += run_pages(run);
			break;
		case VMAINSPECT_PT_NONE:
			s->none += run_pages(run);
			break;
		default:
			s->other += run_pages(run);
			break;
		}
	}
}

/* The frames column: "0x12a00-0x12bff", "swap:0:0x40-0x4f", "hidden", "-". */
static const char *fmt_frames(const struct vmainspect_pt_run *run,
			      bool hidden, char buf[FRAMES_LEN])
{
	unsigned long long last = run_pages(run) - 1;

	if (pt_kind_has_pfn(run->kind) && !hidden)
		snprintf(buf, FRAMES_LEN, "0x%llx-0x%llx",
			 (unsigned long long)run->pfn,
			 (unsigned long long)run->pfn + last);
	else if (run->kind == VMAINSPECT_PT_SWAP && !hidden)
		snprintf(buf, FRAMES_LEN, "swap:%u:0x%llx-0x%llx",
			 run->swap_type, (unsigned long long)run->offset,
			 (unsigned long long)run->offset + last);
	else if (pt_kind_has_pfn(run->kind) ||
		 run->kind == VMAINSPECT_PT_SWAP)
		snprintf(buf, FRAMES_LEN, "hidden");
	else
		snprintf(buf, FRAMES_LEN, "-");
	return buf;
}

static int frames_width(const struct vmi_run_set *set)
{
	char frames[FRAMES_LEN];
	int len, width = 6;
	size_t i;

	for (i = 0; i < set->nr; i++) {
		if (!run_shown(&set->runs[i]))
			continue;
		len = strlen(fmt_frames(&set->runs[i], set->pfn_hidden,
					frames));
		if (len > width)
			width = len;
	}
	return width;
}

static void print_run_text(const struct vmainspect_pt_run *run, bool hidden,
			   int width)
{
	char frames[FRAMES_LEN];
	char size[FMT_SIZE_LEN];
	struct wrap_buf wb;
	FILE *m = wrap_begin(&wb, stdout);

	fprintf(m, "%016llx-%016llx %10s  %-3s  %-*s  %s",
		(unsigned long long)run->start, (unsigned long long)run->end,
		fmt_size(run->end - run->start, size),
		fmt_pt_level(run->level), width,
		fmt_frames(run, hidden, frames), fmt_pt_kind(run->kind));
	fprint_pte_bits(m, run->bits, " ");
	if (run->kind == VMAINSPECT_PT_MARKER)
		fprint_marker_bits(m, run->offset, " ");
	/* a folio other than one base page: THP, mTHP, hugetlb, large folio */
	if (run->folio_shift > 12 && run->folio_shift != run->page_shift)
		fprintf(m, " folio=%s", fmt_size(1ULL << run->folio_shift, size));
	/* The flags go on below, under the size column. */
	wrap_end(&wb, RUN_CONT);
}

static void print_vma_head(const struct vmi_vma *vma)
{
	const struct vmainspect_vma *v = &vma->v;
	char perms[5];
	struct wrap_buf wb;
	FILE *m = wrap_begin(&wb, stdout);

	fmt_perms(v->uflags, perms);
	fprintf(m, "# %016llx-%016llx %s", (unsigned long long)v->start,
		(unsigned long long)v->end, perms);
	if (vma->name) {
		fputc(' ', m);
		fprint_escaped(m, vma->name, vma->name_len);
	}
	if (v->uflags & VMAINSPECT_VM_PFNMAP)
		fprintf(m, " (VM_PFNMAP: not walked, as in /proc/PID/pagemap)");
	wrap_end(&wb, "#   ");
}

static void print_summary_text(const struct pages_walk *w,
			       const struct pages_summary *s)
{
	static const char * const what[] = {
		"present", "swapped", "none", "other",
	};
	const __u64 pages[] = { s->present, s->swapped, s->none, s->other };
	const char * const note[] = {
		"", "", "  (no page-table entry)",
		"  (migration, device, hwpoison, marker, bad)",
	};
	char size[FMT_SIZE_LEN];
	unsigned int i, l;
	struct wrap_buf wb;
	FILE *m;

	m = wrap_begin(&wb, stdout);
	fprintf(m, "# summary: %llu %s, %llu shown%s; %llu PT_RUNS %s",
		(unsigned long long)s->runs, plural(s->runs, "run", "runs"),
		(unsigned long long)s->shown,
		show_all ? "" : " (--all shows the runs of kind none)",
		(unsigned long long)w->set.calls,
		plural(w->set.calls, "call", "calls"));
	wrap_end(&wb, "#   ");
	for (i = 0; i < 4; i++) {
		m = wrap_begin(&wb, stdout);
		fprintf(m, "#   %-8s %10llu %-5s %11s%s", what[i],
			(unsigned long long)pages[i],
			plural(pages[i], "page", "pages"),
			fmt_size(pages[i] << page_shift(), size), note[i]);
		wrap_end(&wb, "#     ");
	}
	printf("#   huge mappings: 2 MiB x %llu, 1 GiB x %llu\n",
	       (unsigned long long)s->huge_2m, (unsigned long long)s->huge_1g);
	m = wrap_begin(&wb, stdout);
	fprintf(m, "#   page-table pages read (summed over the calls):");
	for (l = 0; l < VMAINSPECT_LVL_NR; l++) {
		if (l == VMAINSPECT_LVL_P4D && !w->set.tables[l] &&
		    w->layout.pgtable_levels < 5)
			fprintf(m, " %s folded", fmt_pt_level(l));
		else
			fprintf(m, " %s %llu", fmt_pt_level(l),
				(unsigned long long)w->set.tables[l]);
		if (l + 1 < VMAINSPECT_LVL_NR)
			fputc(',', m);
	}
	wrap_end(&wb, "#     ");
}

static int print_pages_text(const struct pages_walk *w)
{
	const struct vmi_run_set *set = &w->set;
	struct pages_summary s;
	int width = frames_width(set);
	struct wrap_buf wb;
	size_t i, v;
	FILE *m;

	summarize(set, &s);
	m = wrap_begin(&wb, stdout);
	fprintf(m, "# pid %d: page tables of ", w->c.pid);
	if (w->whole)
		fprintf(m, "%zu %s", w->vmas.nr,
			plural(w->vmas.nr, "VMA", "VMAs"));
	else
		fprintf(m, "0x%016llx-0x%016llx", (unsigned long long)w->start,
			(unsigned long long)w->end);
	fprintf(m, ", %u-level paging, generation %llu%s",
		w->layout.pgtable_levels, (unsigned long long)set->generation,
		w->consistent ? "" : " (snapshot may be inconsistent)");
	wrap_end(&wb, "#   ");
	if (set->pfn_hidden) {
		fprintf(wrap_begin(&wb, stdout),
			"# frames and swap slots hidden: %s",
			priv_frames_hidden_reason());
		wrap_end(&wb, "#   ");
	}
	if (set->req_flags & VMAINSPECT_PT_RUNS_NO_FRAME_BITS)
		printf("# --tables-only: no file/exclusive flags (struct pages not read)\n");
	printf("# start-end size level frames kind flags\n");

	if (!w->whole) {
		for (i = 0; i < set->nr; i++) {
			if (run_shown(&set->runs[i]))
				print_run_text(&set->runs[i], set->pfn_hidden,
					       width);
		}
	} else {
		for (v = 0; v < w->vmas.nr; v++) {
			print_vma_head(&w->vmas.vmas[v]);
			for (i = w->vma_first[v]; i < w->vma_first[v + 1]; i++) {
				if (run_shown(&set->runs[i]))
					print_run_text(&set->runs[i],
						       set->pfn_hidden, width);
			}
		}
	}
	print_summary_text(w, &s);
	return finish_output();
}

static json_object *json_run_new(const struct vmainspect_pt_run *run,
				 bool hidden)
{
	json_object *obj, *swap = NULL;

	obj = json_object_new_object();
	if (!obj)
		return NULL;
	if (run->kind == VMAINSPECT_PT_SWAP && !hidden) {
		swap = json_object_new_object();
		if (swap) {
			json_add_u64(swap, "type", run->swap_type);
			json_add_u64(swap, "offset", run->offset);
		}
	}
	json_add_hex(obj, "start", run->start);
	json_add_hex(obj, "end", run->end);
	json_add_bool(obj, "present", run->kind == VMAINSPECT_PT_PAGE);
	json_add_u64_or_null(obj, "pfn", pt_kind_has_pfn(run->kind) && !hidden,
			     run->pfn);
	json_add_u64(obj, "page_size", 1ULL << run->page_shift);
	json_object_object_add(obj, "level",
			       json_pt_level_new(run->level));
	json_object_object_add(obj, "kind",
			       json_object_new_string(fmt_pt_kind(run->kind)));
	json_object_object_add(obj, "swap", swap);
	json_object_object_add(obj, "flags", json_pte_bits_new(run->bits));
	json_object_object_add(obj, "marker",
			       json_marker_bits_new(run->kind == VMAINSPECT_PT_MARKER ?
						    run->offset : 0));
	/* bytes of the folio of each page; null where not known */
	json_add_u64_or_null(obj, "folio_size", run->folio_shift != 0,
			     run->folio_shift ? 1ULL << run->folio_shift : 0);
	return obj;
}

static json_object *json_summary_new(const struct pages_walk *w,
				     const struct pages_summary *s)
{
	json_object *obj, *tables;
	unsigned int l;

	obj = json_object_new_object();
	if (!obj)
		return NULL;
	tables = json_object_new_object();
	for (l = 0; tables && l < VMAINSPECT_LVL_NR; l++)
		json_add_u64(tables, json_pt_level_name(l), w->set.tables[l]);

	json_add_u64(obj, "nr_runs", s->runs);
	json_add_u64(obj, "nr_runs_shown", s->shown);
	json_add_u64(obj, "pages_present", s->present);
	json_add_u64(obj, "pages_swapped", s->swapped);
	json_add_u64(obj, "pages_none", s->none);
	json_add_u64(obj, "pages_other", s->other);
	json_add_u64(obj, "huge_2m", s->huge_2m);
	json_add_u64(obj, "huge_1g", s->huge_1g);
	json_add_u64(obj, "calls", w->set.calls);
	json_object_object_add(obj, "tables", tables);
	return obj;
}

static int print_pages_json(const struct pages_walk *w)
{
	const struct vmi_run_set *set = &w->set;
	struct pages_summary s;
	json_object *obj, *runs;
	size_t i;

	obj = json_object_new_object();
	if (!obj)
		return json_print_put(NULL);
	runs = json_object_new_array();

	summarize(set, &s);
	json_add_u64(obj, "pid", w->c.pid);
	json_add_hex(obj, "start", w->start);
	json_add_hex(obj, "end", w->end);
	json_add_u64(obj, "pgtable_levels", w->layout.pgtable_levels);
	json_add_hex(obj, "generation", set->generation);
	json_add_bool(obj, "consistent", w->consistent);
	json_add_bool(obj, "pfn_hidden", set->pfn_hidden);
	json_object_object_add(obj, "hidden_reason", set->pfn_hidden ?
			       json_object_new_string(priv_frames_hidden_reason()) :
			       NULL);
	json_add_bool(obj, "tables_only",
		      set->req_flags & VMAINSPECT_PT_RUNS_NO_FRAME_BITS);
	for (i = 0; i < set->nr; i++) {
		if (run_shown(&set->runs[i]))
			json_object_array_add(runs,
					      json_run_new(&set->runs[i],
							   set->pfn_hidden));
	}
	json_object_object_add(obj, "runs", runs);
	json_object_object_add(obj, "summary", json_summary_new(w, &s));
	return json_print_put(obj);
}

/*
 * One walk: every VMA in turn (listed afresh), or the range.  *changed:
 * the VMAs changed meanwhile; unless this is the last try the walk then
 * stops early, since the caller starts over.
 */
static int walk_once(struct pages_walk *w, bool last_try, bool *changed)
{
	struct vmi_run_set *set = &w->set;
	size_t *first;
	size_t v;

	vmi_run_set_reset(set);
	*changed = false;
	if (!w->whole) {
		if (vmi_pt_runs(&w->c, w->start, w->end, set, !last_try))
			return -1;
		*changed = set->changed;
		return 0;
	}

	vmi_vma_set_free(&w->vmas);
	if (vmi_list_vmas(&w->c, &w->vmas))
		return -1;
	first = realloc(w->vma_first, (w->vmas.nr + 1) * sizeof(*first));
	if (!first) {
		p_err("out of memory");
		return -1;
	}
	w->vma_first = first;
	for (v = 0; v < w->vmas.nr; v++) {
		const struct vmainspect_vma *vma = &w->vmas.vmas[v].v;

		first[v] = set->nr;
		if (vmi_pt_runs(&w->c, vma->start, vma->end, set, !last_try))
			return -1;
		if (set->changed && !last_try)
			break;
	}
	for (; v < w->vmas.nr + 1; v++)
		first[v] = set->nr;
	/* The runs must come from the VMA set we listed. */
	*changed = set->changed ||
		   (set->calls && set->generation != w->vmas.generation);
	return 0;
}

static int walk(struct pages_walk *w)
{
	bool changed = false;
	int tries;

	for (tries = 1; tries <= PAGES_MAX_TRIES; tries++) {
		if (walk_once(w, tries == PAGES_MAX_TRIES, &changed))
			return -1;
		if (!changed)
			break;
	}
	w->consistent = !changed;
	if (changed)
		p_warn("the VMAs of pid %d kept changing during %d tries; the walk may be inconsistent",
		       w->c.pid, PAGES_MAX_TRIES);
	return 0;
}

static int parse_range(char **argv, int argc, struct pages_walk *w)
{
	__u64 mask = (1ULL << page_shift()) - 1;

	w->whole = argc < 3;
	if (argc >= 3 && parse_addr(argv[0], argv[2], &w->start))
		return -1;
	if (argc >= 4 && parse_addr(argv[0], argv[3], &w->end))
		return -1;
	w->start &= ~mask;
	/* Round END up; an END in the last page of all stays in it. */
	if (argc >= 4)
		w->end = w->end > ~mask ? ~mask : (w->end + mask) & ~mask;
	if (argc >= 4 && w->start >= w->end) {
		usage_err(argv[0], "START 0x%llx is not below END 0x%llx",
			  (unsigned long long)w->start,
			  (unsigned long long)w->end);
		return -1;
	}
	return 0;
}

int do_pages(int argc, char **argv)
{
	struct pages_walk w;
	pid_t pid;
	int ret = EXIT_ERROR;

	memset(&w, 0, sizeof(w));
	if (argc < 2 || argc > 4)
		return usage_err(argv[0], "%s PID [START [END]]: expected 1 to 3 arguments, got %d",
				 argv[0], argc - 1);
	if (parse_pid(argv[0], argv[1], &pid) || parse_range(argv, argc, &w))
		return EXIT_USAGE;

	if (vmi_open(&w.c, pid))
		return EXIT_ERROR;
	if (tables_only)
		w.set.req_flags = VMAINSPECT_PT_RUNS_NO_FRAME_BITS;
	if (vmi_get_layout(&w.c, &w.layout))
		goto out;
	/* Without END: up to the end of the user address space. */
	if (argc == 3) {
		w.end = w.layout.task_size;
		if (w.start >= w.end) {
			vmi_close(&w.c);
			return usage_err(argv[0], "START 0x%llx is not below the end of the user address space, 0x%llx",
					 (unsigned long long)w.start,
					 (unsigned long long)w.end);
		}
	}
	if (w.whole) {
		w.start = 0;
		w.end = w.layout.task_size;
	}
	if (walk(&w))
		goto out;
	vmi_close(&w.c);

	if (json_output)
		ret = print_pages_json(&w);
	else
		ret = print_pages_text(&w);
out:
	vmi_close(&w.c);
	vmi_vma_set_free(&w.vmas);
	free(w.vma_first);
	vmi_run_set_free(&w.set);
	return ret;
}
