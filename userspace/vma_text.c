// SPDX-License-Identifier: GPL-2.0
/* One VMA as text, shared by the maps and find commands. */

#include <stdio.h>

#include "format.h"
#include "vma_text.h"

/*
 * /proc/PID/maps pads the columns before the name to this width
 * (seq_setwidth(m, 25 + sizeof(void *) * 6 - 1) in fs/proc/task_mmu.c) and
 * then writes one more space.
 */
#define MAPS_NAME_COLUMN	(25 + 8 * 6 - 1)

void print_vma_text_header(FILE *f)
{
	fprintf(f, "# start-end perms offset dev inode name   (as /proc/PID/maps)\n");
	fprintf(f, "#     size kind [anon_vma] [shmem] vm_flags=... page_prot=...\n");
	fprintf(f, "#     flags: the names of the vm_flags bits\n");
}

void print_vma_text(FILE *f, const struct vmi_vma *vma)
{
	const struct vmainspect_vma *v = &vma->v;
	char size[FMT_SIZE_LEN];
	struct wrap_buf w;
	char perms[5];
	FILE *m;
	int len;

	fmt_perms(v->uflags, perms);
	len = fprintf(f, "%08llx-%08llx %s %08llx %02x:%02x %llu ",
		      (unsigned long long)v->start, (unsigned long long)v->end,
		      perms, (unsigned long long)vma_maps_offset(v),
		      v->dev_major, v->dev_minor,
		      (unsigned long long)v->inode);
	if (vma->name) {
		for (; len >= 0 && len < MAPS_NAME_COLUMN; len++)
			fputc(' ', f);
		fputc(' ', f);
		fprint_maps_name(f, vma->name, vma->name_len);
	}
	fputc('\n', f);

	/* Lines 2 and 3 wrap within the width; line 1 stays /proc's. */
	fprintf(wrap_begin(&w, f), "    %s %s%s%s vm_flags=%#llx page_prot=%#llx",
		fmt_size(v->end - v->start, size), fmt_kind(v->kind),
		v->attrs & VMAINSPECT_ATTR_ANON_VMA ? " anon_vma" : "",
		v->attrs & VMAINSPECT_ATTR_SHMEM ? " shmem" : "",
		(unsigned long long)v->vm_flags,
		(unsigned long long)v->page_prot);
	wrap_end(&w, "      ");
	m = wrap_begin(&w, f);
	fputs("    flags: ", m);
	fprint_flag_names(m, v->uflags, " ");
	wrap_end(&w, "           ");
}
