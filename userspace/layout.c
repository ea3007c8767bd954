// SPDX-License-Identifier: GPL-2.0
/* vmainspect layout PID: mm_struct layout fields, counters and a drawing. */

#include <stdio.h>
#include <string.h>

#include "addr_space.h"
#include "client.h"
#include "format.h"
#include "json_out.h"
#include "kernel.h"
#include "main.h"

static __u64 layout_page_size(const struct vmainspect_layout *l)
{
	unsigned int shift = l->page_shift ? l->page_shift : page_shift();

	return 1ULL << shift;
}

static int print_layout_json(const struct vmi_client *c,
			     const struct vmainspect_layout *l,
			     const struct vmi_klayout *k)
{
	json_object *obj = json_object_new_object();

	if (!obj)
		return json_print_put(NULL);

#define ADD(field) json_add_u64(obj, #field, l->field)
#define ADDX(field) json_add_hex(obj, #field, l->field)
	json_add_u64(obj, "pid", c->pid);
	ADDX(task_size);
	ADDX(mmap_base);
	ADDX(start_code);
	ADDX(end_code);
	ADDX(start_data);
	ADDX(end_data);
	ADDX(start_brk);
	ADDX(brk);
	ADDX(start_stack);
	ADDX(arg_start);
	ADDX(arg_end);
	ADDX(env_start);
	ADDX(env_end);
	ADD(map_count);
	ADD(total_vm);
	ADD(locked_vm);
	ADD(pinned_vm);
	ADD(data_vm);
	ADD(exec_vm);
	ADD(stack_vm);
	ADD(rss_file);
	ADD(rss_anon);
	ADD(rss_shmem);
	ADD(swap_ents);
	ADD(hiwater_rss);
	ADD(hiwater_vm);
	ADD(pgtables_bytes);
	ADD(pgtable_levels);
	json_add_u64(obj, "page_size", layout_page_size(l));
	ADDX(generation);
#undef ADD
#undef ADDX
	if (k) {
		json_object *kobj = json_klayout_new(k);

		if (!kobj) {
			json_object_put(obj);
			return json_print_put(NULL);
		}
		json_object_object_add(obj, "kernel", kobj);
	}
	return json_print_put(obj);
}

/* One address row; with a start, also the size of [start, addr). */
static void print_addr_row(const char *name, __u64 addr, const char *what,
			   const __u64 *start)
{
	char size[FMT_SIZE_LEN];

	printf("  %-15s 0x%016llx", name, (unsigned long long)addr);
	if (start && addr >= *start)
		printf("  %s: %s", what, fmt_size(addr - *start, size));
	else if (start)
		printf("  %s: - (end below start)", what);
	else if (what)
		printf("  %s", what);
	putchar('\n');
}

/* 56 columns before the meaning, which is 24 at most: 80 in all. */
#define COUNTER_ROW	"  %-14s %10s %14s %11s  %s"

static void print_counter_row(const char *name, __u64 pages, __u64 page_size,
			      const char *what)
{
	char size[FMT_SIZE_LEN], p[24], b[24];
	struct wrap_buf w;

	snprintf(p, sizeof(p), "%llu", (unsigned long long)pages);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)(pages * page_size));
	fprintf(wrap_begin(&w, stdout), COUNTER_ROW, name, p, b,
		fmt_size(pages * page_size, size), what);
	wrap_end(&w, "      ");
}

static void print_layout_table(const struct vmi_client *c,
			       const struct vmainspect_layout *l)
{
	__u64 page_size = layout_page_size(l);
	char size[FMT_SIZE_LEN];
	char note[64], num[24];

	printf("pid %d", c->pid);
	if (c->tgid && (pid_t)c->tgid != c->pid)
		printf(" (thread group %u)", c->tgid);
	printf(": memory layout, generation %llu\n",
	       (unsigned long long)l->generation);

	if (l->pgtable_levels == 4 || l->pgtable_levels == 5)
		printf("paging: %u-level (%u-bit virtual addresses)",
		       l->pgtable_levels, l->pgtable_levels == 5 ? 57 : 48);
	else
		printf("paging: %u-level", l->pgtable_levels);
	printf(", page size %s\n\n", fmt_size(page_size, size));

	printf("  %-15s %-18s  %s\n", "field", "address", "note");
	snprintf(note, sizeof(note), "user address space: %s",
		 fmt_size(l->task_size, size));
	print_addr_row("task_size", l->task_size, note, NULL);
	print_addr_row("mmap_base", l->mmap_base,
		       "mmap area grows down from here", NULL);
	print_addr_row("start_code", l->start_code, NULL, NULL);
	print_addr_row("end_code", l->end_code, "code", &l->start_code);
	print_addr_row("start_data", l->start_data, NULL, NULL);
	print_addr_row("end_data", l->end_data, "data", &l->start_data);
	print_addr_row("start_brk", l->start_brk, NULL, NULL);
	print_addr_row("brk", l->brk, "heap", &l->start_brk);
	print_addr_row("start_stack", l->start_stack,
		       "initial stack pointer (argc)", NULL);
	print_addr_row("arg_start", l->arg_start, NULL, NULL);
	print_addr_row("arg_end", l->arg_end, "arguments", &l->arg_start);
	print_addr_row("env_start", l->env_start, NULL, NULL);
	print_addr_row("env_end", l->env_end, "environment", &l->env_start);

	printf("\n" COUNTER_ROW "\n", "counter", "pages", "bytes", "", "meaning");
	print_counter_row("total_vm", l->total_vm, page_size, "mapped");
	print_counter_row("locked_vm", l->locked_vm, page_size, "mlock()ed");
	print_counter_row("pinned_vm", l->pinned_vm, page_size,
			  "pinned (RDMA etc.)");
	print_counter_row("data_vm", l->data_vm, page_size,
			  "private writable");
	print_counter_row("exec_vm", l->exec_vm, page_size,
			  "executable, not writable");
	print_counter_row("stack_vm", l->stack_vm, page_size, "stack");
	print_counter_row("rss_file", l->rss_file, page_size,
			  "resident file pages");
	print_counter_row("rss_anon", l->rss_anon, page_size,
			  "resident anonymous pages");
	print_counter_row("rss_shmem", l->rss_shmem, page_size,
			  "resident shmem pages");
	print_counter_row("swap_ents", l->swap_ents, page_size,
			  "swapped out");
	print_counter_row("hiwater_rss", l->hiwater_rss, page_size,
			  "peak rss (lazy update)");
	print_counter_row("hiwater_vm", l->hiwater_vm, page_size,
			  "peak total_vm");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)l->pgtables_bytes);
	printf(COUNTER_ROW "\n", "pgtables_bytes", "-", num,
	       fmt_size(l->pgtables_bytes, size), "page tables");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)l->map_count);
	printf(COUNTER_ROW "\n", "map_count", num, "-", "", "VMAs");
}

static int print_layout_text(const struct vmi_client *c,
			     const struct vmainspect_layout *l,
			     const struct vmi_vma_set *set,
			     const struct vmi_klayout *k)
{
	print_layout_table(c, l);
	if (!set->consistent)
		printf("\nnote: the process kept changing: these fields and its VMAs were\n"
		       "read at different generations and may disagree\n");
	putchar('\n');
	draw_address_space(stdout, c->pid, l, set, k, output_width());
	return finish_output();
}

/* Tries at reading the layout fields and the VMAs at one generation. */
#define LAYOUT_TRIES	8

/*
 * The layout fields and (for text) the VMAs as one snapshot: both read at
 * the same generation, else again.  The VMAs are listed first so that the
 * allocations of the listing itself (which can grow our own heap: layout
 * self) are made before the layout fields are read.  set->consistent is
 * false when the generation never settled.
 */
static int read_layout(struct vmi_client *c, struct vmainspect_layout *l,
		       struct vmi_vma_set *set)
{
	int tries;

	memset(set, 0, sizeof(*set));
	if (json_output)
		return vmi_get_layout(c, l);
	for (tries = 1; ; tries++) {
		if (vmi_list_vmas(c, set))
			return -1;
		if (vmi_get_layout(c, l)) {
			vmi_vma_set_free(set);
			return -1;
		}
		if (set->consistent && l->generation == set->generation)
			return 0;
		if (tries == LAYOUT_TRIES) {
			set->consistent = false;
			return 0;
		}
		vmi_vma_set_free(set);
	}
}

int do_layout(int argc, char **argv)
{
	struct vmainspect_layout layout;
	struct vmi_vma_set set;
	struct vmi_klayout kl;
	struct vmi_client c;
	pid_t pid;
	int ret;

	if (argc != 2)
		return usage_err(argv[0], "%s PID: expected 1 argument, got %d",
				 argv[0], argc - 1);
	if (parse_pid(argv[0], argv[1], &pid))
		return EXIT_USAGE;

	if (vmi_open(&c, pid))
		return EXIT_ERROR;
	if ((full_output && vmi_get_klayout(&c, &kl)) ||
	    read_layout(&c, &layout, &set)) {
		vmi_close(&c);
		return EXIT_ERROR;
	}
	vmi_close(&c);

	if (json_output)
		ret = print_layout_json(&c, &layout, full_output ? &kl : NULL);
	else
		ret = print_layout_text(&c, &layout, &set,
					full_output ? &kl : NULL);
	vmi_vma_set_free(&set);
	return ret;
}
