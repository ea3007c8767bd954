// SPDX-License-Identifier: GPL-2.0
/* vmainspect maps PID: every VMA of a process. */

#include <stdio.h>

#include "client.h"
#include "json_out.h"
#include "main.h"
#include "vma_text.h"

static int print_maps_json(const struct vmi_client *c,
			   const struct vmi_vma_set *set)
{
	json_object *obj, *vmas;
	size_t i;

	obj = json_object_new_object();
	if (!obj)
		return json_print_put(NULL);
	vmas = json_object_new_array();

	json_add_u64(obj, "pid", c->pid);
	json_add_hex(obj, "generation", set->generation);
	for (i = 0; i < set->nr; i++)
		json_object_array_add(vmas, json_vma_new(&set->vmas[i]));
	json_object_object_add(obj, "vmas", vmas);
	return json_print_put(obj);
}

static int print_maps_text(const struct vmi_client *c,
			   const struct vmi_vma_set *set)
{
	size_t i;

	printf("# pid %d: %zu VMAs, generation %llu%s\n", c->pid, set->nr,
	       (unsigned long long)set->generation,
	       set->consistent ? "" : " (snapshot may be inconsistent)");
	print_vma_text_header(stdout);
	for (i = 0; i < set->nr; i++)
		print_vma_text(stdout, &set->vmas[i]);
	return finish_output();
}

int do_maps(int argc, char **argv)
{
	struct vmi_vma_set set;
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
	if (vmi_list_vmas(&c, &set)) {
		vmi_close(&c);
		return EXIT_ERROR;
	}
	vmi_close(&c);

	if (json_output)
		ret = print_maps_json(&c, &set);
	else
		ret = print_maps_text(&c, &set);
	vmi_vma_set_free(&set);
	return ret;
}
