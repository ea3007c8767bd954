// SPDX-License-Identifier: GPL-2.0
/* vmainspect find PID ADDR: the VMA containing an address, or the next one. */

#include <stdio.h>

#include "client.h"
#include "file_addr.h"
#include "json_out.h"
#include "main.h"
#include "vma_text.h"

static int print_find_json(const struct vmi_client *c, __u64 addr,
			   const struct vmi_find_result *r,
			   const struct file_addr *fa)
{
	json_object *obj;

	obj = json_object_new_object();
	if (!obj)
		return json_print_put(NULL);
	json_add_u64(obj, "pid", c->pid);
	json_add_hex(obj, "addr", addr);
	json_add_bool(obj, "in_vma", r->contains);
	json_object_object_add(obj, "vma",
			       r->found ? json_vma_new(&r->vma) : NULL);
	file_addr_json_add(obj, fa);
	return json_print_put(obj);
}

static int print_find_text(__u64 addr, const struct vmi_find_result *r,
			   const struct file_addr *fa)
{
	unsigned long long a = addr;

	if (r->contains)
		printf("0x%llx is inside:\n", a);
	else if (r->found)
		printf("0x%llx is not mapped; next VMA above it:\n", a);
	else
		printf("0x%llx is not mapped and no VMA lies above it\n", a);
	if (r->found)
		print_vma_text(stdout, &r->vma);
	file_addr_print_text(fa, "    ");
	return finish_output();
}

int do_find(int argc, char **argv)
{
	struct vmi_find_result r;
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
	if (vmi_find_vma(&c, addr, &r)) {
		vmi_close(&c);
		return EXIT_ERROR;
	}
	vmi_close(&c);
	file_addr_lookup(c.pid, r.contains ? &r.vma : NULL, addr, &fa);

	if (json_output)
		ret = print_find_json(&c, addr, &r, &fa);
	else
		ret = print_find_text(addr, &r, &fa);
	vmi_find_result_free(&r);
	return ret;
}
