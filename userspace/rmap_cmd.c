// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect rmap --pfn PFN | rmap PID ADDR: every owner of a frame.
 * vmainspect rmap --all PID: PID's resident pages by how many processes
 * share them.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel-page-flags.h>

#include "client.h"
#include "format.h"
#include "frame.h"
#include "json_out.h"
#include "main.h"

/* Processes an owner set names: distinct pids; an invisible one (0) each. */
static size_t owner_processes(const struct vmi_owner_set *set)
{
	size_t i, j, n = 0;

	for (i = 0; i < set->nr; i++) {
		for (j = 0; j < i; j++)
			if (set->owners[i].pid &&
			    set->owners[j].pid == set->owners[i].pid)
				break;
		if (j == i)
			n++;
	}
	return n;
}

/*
 * The shared zero page has no mapping and so no reverse map: RMAP calls it
 * a page of kind none.  PAGE's kpageflags name it (KPF_ZERO_PAGE, as
 * /proc/kpageflags does); asked only then, and quietly: it is a label.
 */
static bool is_zero_page(struct vmi_client *c, const struct vmi_owner_set *set)
{
	struct vmainspect_page p;

	if (set->mapping_kind != VMAINSPECT_MAP_NONE)
		return false;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.pfn = set->pfn;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_PAGE, &p))
		return false;
	return p.kpageflags & (1ULL << KPF_ZERO_PAGE);
}

static const char *rmap_note(const struct vmi_owner_set *set, bool zero)
{
	if (zero)
		return "the shared zero page: every read of untouched anonymous memory maps it; it has no reverse map, so its owners are not listed";
	if (set->out_flags & VMAINSPECT_RMAP_KSM)
		return "a KSM page: its owners are on KSM's stable tree, which is private to mm/ksm.c and was not walked";
	if (set->out_flags & VMAINSPECT_RMAP_NO_RMAP)
		return "not an anonymous or file page (free, kernel, slab, page table or driver memory): it has no reverse map";
	return NULL;
}

static int print_rmap_json(const struct vmi_owner_set *set, bool zero)
{
	json_object *obj = json_object_new_object();
	json_object *owners = json_object_new_array();
	const char *note = rmap_note(set, zero);
	size_t i;

	if (!obj || !owners)
		return json_print_put(NULL);
	json_add_u64(obj, "pfn", set->pfn);
	json_object_object_add(obj, "mapping_kind",
			       json_object_new_string(fmt_mapping_kind(set->mapping_kind)));
	json_object_object_add(obj, "mapcount", json_object_new_int(set->mapcount));
	json_add_u64(obj, "nr_owners", set->nr);
	json_add_u64(obj, "nr_processes", owner_processes(set));
	json_add_bool(obj, "ksm_not_walked", set->out_flags & VMAINSPECT_RMAP_KSM);
	json_add_bool(obj, "zero_page", zero);
	json_object_object_add(obj, "note", note ? json_object_new_string(note) : NULL);
	for (i = 0; i < set->nr; i++) {
		const struct vmainspect_owner *o = &set->owners[i];
		json_object *ob = json_object_new_object();
		char perms[5];

		fmt_perms(o->vma_flags, perms);
		json_add_u64(ob, "pid", o->pid);
		json_add_name(ob, "comm", o->comm, strnlen(o->comm, sizeof(o->comm)));
		json_add_u64(ob, "nr_processes", o->nr_processes);
		json_add_hex(ob, "addr", o->address);
		json_add_hex(ob, "vma_start", o->vma_start);
		json_add_hex(ob, "vma_end", o->vma_end);
		json_object_object_add(ob, "perms", json_object_new_string(perms));
		json_add_hex(ob, "uflags", o->vma_flags);
		json_add_u64(ob, "vm_pgoff", o->pgoff);
		json_object_object_add(ob, "level",
				       json_pt_level_new(o->level));
		json_object_array_add(owners, ob);
	}
	json_object_object_add(obj, "owners", owners);
	return json_print_put(obj);
}

/* An owner's second line, its VMA, starts under the comm column. */
#define OWNER_CONT	"         "

static int print_rmap_text(const struct vmi_owner_set *set, bool zero)
{
	const char *note = rmap_note(set, zero);
	size_t procs = owner_processes(set);
	struct wrap_buf wb;
	size_t i;

	fprintf(wrap_begin(&wb, stdout),
		"pfn 0x%llx: %s%s, mapcount %d (as /proc/kpagecount)",
		(unsigned long long)set->pfn, zero ? "the zero page" :
		fmt_mapping_kind(set->mapping_kind), zero ? "" : " page",
		set->mapcount);
	wrap_end(&wb, "  ");
	if (note) {
		fprint_wrapped(stdout, note, "  ");
		return finish_output();
	}
	/* Each owner on two lines: the mapping, then the VMA holding it. */
	if (set->nr)
		printf("\n%7s  %-16s  %-18s  %-4s  %s\n", "pid", "comm",
		       "address", "perm", "level");
	for (i = 0; i < set->nr; i++) {
		const struct vmainspect_owner *o = &set->owners[i];
		char perms[5], comm[sizeof(o->comm) + 1];
		char shown[4 * sizeof(o->comm) + 1];
		FILE *m;

		fmt_perms(o->vma_flags, perms);
		snprintf(comm, sizeof(comm), "%.*s", (int)sizeof(o->comm), o->comm);
		printf("%7u  %-16.16s  0x%016llx  %-4s  %s\n",
		       o->pid, o->pid ? fmt_escaped(comm, shown, sizeof(shown)) :
		       "(not in your pid namespace)",
		       (unsigned long long)o->address, perms,
		       fmt_pt_level(o->level));
		m = wrap_begin(&wb, stdout);
		fprintf(m, OWNER_CONT "vma %016llx-%016llx",
			(unsigned long long)o->vma_start,
			(unsigned long long)o->vma_end);
		if (o->nr_processes > 1)
			fprintf(m, "  (mm shared by %u %s)", o->nr_processes,
				plural(o->nr_processes, "process", "processes"));
		wrap_end(&wb, OWNER_CONT "  ");
	}
	fprintf(wrap_begin(&wb, stdout),
		"\n%zu %s in %zu %s, each confirmed by its page table;\nthe page's mapcount is %d%s",
		set->nr, plural(set->nr, "mapping", "mappings"), procs,
		plural(procs, "process", "processes"), set->mapcount,
		(size_t)set->mapcount == set->nr ? "" :
		" (they differ: the mappings changed meanwhile, or some are not of this exact page)");
	wrap_end(&wb, "  ");
	return finish_output();
}

/* rmap --all: pages per number of sharing processes. */
#define SHARE_MAX	4096

struct share_stats {
	__u64 pages[SHARE_MAX + 1];	/* [n]: shared by n processes */
	__u64 anon[SHARE_MAX + 1];
	__u64 total;
	__u64 unresolved;		/* frames whose rmap failed */
	__u64 no_rmap;			/* KSM, or no rmap */
	__u64 frames;			/* RMAP queries made */
};

static void share_frame(struct vmi_client *c, __u64 pfn, __u64 pages,
			struct share_stats *st)
{
	struct vmi_owner_set set;
	size_t n;

	st->frames++;
	st->total += pages;
	if (vmi_rmap(c, false, pfn, 0, &set, true)) {
		st->unresolved += pages;
		return;
	}
	if (set.out_flags & (VMAINSPECT_RMAP_KSM | VMAINSPECT_RMAP_NO_RMAP)) {
		st->no_rmap += pages;
	} else {
		n = owner_processes(&set);
		if (n > SHARE_MAX)
			n = SHARE_MAX;
		st->pages[n] += pages;
		if (set.mapping_kind == VMAINSPECT_MAP_ANON)
			st->anon[n] += pages;
	}
	vmi_owner_set_free(&set);
}

static void share_run(struct vmi_client *c, const struct vmainspect_pt_run *r,
		      struct share_stats *st)
{
	__u64 entry = 1ULL << r->page_shift;
	__u64 addr;

	if (r->kind != VMAINSPECT_PT_PAGE)
		return;
	/* a huge leaf is one mapping: its first page speaks for all */
	for (addr = r->start; addr < r->end; addr += entry)
		share_frame(c, r->pfn + ((addr - r->start) >> 12), entry >> 12,
			    st);
}

static int print_share_text(pid_t pid, const struct share_stats *st)
{
	char size[FMT_SIZE_LEN];
	struct wrap_buf wb;
	unsigned int n;

	fprintf(wrap_begin(&wb, stdout),
		"pid %d: %llu resident %s (%s), %llu %s looked up", pid,
		(unsigned long long)st->total,
		plural(st->total, "page", "pages"),
		fmt_size(st->total << 12, size),
		(unsigned long long)st->frames,
		plural(st->frames, "frame", "frames"));
	wrap_end(&wb, "  ");
	printf("\n%-22s %10s %10s %10s %10s\n", "mapped by", "pages", "size",
	       "anon", "file");
	for (n = 0; n <= SHARE_MAX; n++) {
		char label[32];

		if (!st->pages[n])
			continue;
		if (n == 1)
			snprintf(label, sizeof(label), "1 process (private)");
		else
			snprintf(label, sizeof(label), "%u processes", n);
		printf("%-22s %10llu %10s %10llu %10llu\n", label,
		       (unsigned long long)st->pages[n],
		       fmt_size(st->pages[n] << 12, size),
		       (unsigned long long)st->anon[n],
		       (unsigned long long)(st->pages[n] - st->anon[n]));
	}
	if (st->no_rmap)
		printf("%-22s %10llu %10s\n", "KSM or no rmap",
		       (unsigned long long)st->no_rmap,
		       fmt_size(st->no_rmap << 12, size));
	if (st->unresolved) {
		fprintf(wrap_begin(&wb, stdout),
			"%-22s %10llu %10s  (changed or contended meanwhile)",
			"not resolved", (unsigned long long)st->unresolved,
			fmt_size(st->unresolved << 12, size));
		wrap_end(&wb, "                                              ");
	}
	return finish_output();
}

static int print_share_json(pid_t pid, const struct share_stats *st)
{
	json_object *obj = json_object_new_object();
	json_object *groups = json_object_new_array();
	unsigned int n;

	if (!obj || !groups)
		return json_print_put(NULL);
	json_add_u64(obj, "pid", pid);
	json_add_u64(obj, "resident_pages", st->total);
	json_add_u64(obj, "frames", st->frames);
	for (n = 0; n <= SHARE_MAX; n++) {
		json_object *g;

		if (!st->pages[n])
			continue;
		g = json_object_new_object();
		json_add_u64(g, "processes", n);
		json_add_u64(g, "pages", st->pages[n]);
		json_add_u64(g, "bytes", st->pages[n] << 12);
		json_add_u64(g, "anon_pages", st->anon[n]);
		json_add_u64(g, "file_pages", st->pages[n] - st->anon[n]);
		json_object_array_add(groups, g);
	}
	json_object_object_add(obj, "groups", groups);
	json_add_u64(obj, "no_rmap_pages", st->no_rmap);
	json_add_u64(obj, "unresolved_pages", st->unresolved);
	return json_print_put(obj);
}

static int do_rmap_all(int argc, char **argv)
{
	struct vmi_run_set runs;
	struct vmi_vma_set vmas;
	struct share_stats *st;
	struct vmi_client c;
	size_t v, i;
	pid_t pid;
	int ret = EXIT_ERROR;

	if (argc != 2)
		return usage_err(argv[0], "%s --all PID: expected 1 argument, got %d",
				 argv[0], argc - 1);
	if (parse_pid(argv[0], argv[1], &pid))
		return EXIT_USAGE;
	st = calloc(1, sizeof(*st));
	if (!st) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	memset(&runs, 0, sizeof(runs));
	memset(&vmas, 0, sizeof(vmas));
	if (vmi_open(&c, pid))
		goto out_free;
	if (vmi_list_vmas(&c, &vmas))
		goto out;
	for (v = 0; v < vmas.nr; v++) {
		vmi_run_set_reset(&runs);
		if (vmi_pt_runs(&c, vmas.vmas[v].v.start, vmas.vmas[v].v.end,
				&runs, false))
			goto out;
		if (runs.pfn_hidden) {
			p_err_errno(EPERM, "rmap --all of pid %d: %s", pid,
			      vmi_frame_errstr(EPERM));
			goto out;
		}
		for (i = 0; i < runs.nr; i++)
			share_run(&c, &runs.runs[i], st);
	}
	ret = json_output ? print_share_json(pid, st) :
			    print_share_text(pid, st);
out:
	vmi_run_set_free(&runs);
	vmi_vma_set_free(&vmas);
	vmi_close(&c);
out_free:
	free(st);
	return ret;
}

int do_rmap(int argc, char **argv)
{
	struct vmi_owner_set set;
	struct frame_arg fa;
	struct vmi_client c;
	bool zero;
	int ret;

	if (show_all && pfn_arg)
		return usage_err(argv[0], "%s --all PID and %s --pfn PFN are different questions: give one",
				 argv[0], argv[0]);
	if (show_all)
		return do_rmap_all(argc, argv);
	ret = parse_frame_args(argc, argv, &fa);
	if (ret)
		return ret;
	if (frame_open(&c, &fa))
		return EXIT_ERROR;
	ret = vmi_rmap(&c, fa.by_addr, fa.pfn, fa.addr, &set, false);
	zero = !ret && is_zero_page(&c, &set);
	vmi_close(&c);
	if (ret)
		return EXIT_ERROR;
	ret = json_output ? print_rmap_json(&set, zero) :
			    print_rmap_text(&set, zero);
	vmi_owner_set_free(&set);
	return ret;
}
