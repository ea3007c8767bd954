// SPDX-License-Identifier: GPL-2.0
/*
 * Client side of the kernel-space queries, VMAINSPECT_IOC_KLAYOUT and
 * VMAINSPECT_IOC_KADDR, the region names, and why addresses are hidden.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <uapi/vmainspect_kregion_names.h>

#include "client.h"
#include "json_out.h"
#include "kernel.h"
#include "main.h"
#include "privilege.h"

const char *kregion_name(__u32 id)
{
	if (id < VMAINSPECT_KR_MAX && vmainspect_kregion_names[id].name)
		return vmainspect_kregion_names[id].name;
	return "unknown";
}

const char *kregion_desc(__u32 id)
{
	if (id < VMAINSPECT_KR_MAX && vmainspect_kregion_names[id].desc)
		return vmainspect_kregion_names[id].desc;
	return "a region this tool does not know (newer module?)";
}

const char *karch_name(__u32 arch)
{
	if (arch < sizeof(vmainspect_arch_names) / sizeof(vmainspect_arch_names[0]) &&
	    vmainspect_arch_names[arch])
		return vmainspect_arch_names[arch];
	return "unknown";
}

__u64 kspace_top(const struct vmi_klayout *k)
{
	if (k->hdr.arch != VMAINSPECT_ARCH_X86_64 && k->hdr.va_bits &&
	    k->hdr.va_bits < 64)
		return 1ULL << k->hdr.va_bits;
	return 0;
}

bool kregion_is_user_side(__u32 id)
{
	return id == VMAINSPECT_KR_USER || id == VMAINSPECT_KR_USER_GUARD ||
	       id == VMAINSPECT_KR_NONCANONICAL;
}

const struct vmainspect_kregion *kregion_by_id(const struct vmi_klayout *k,
					       __u32 id)
{
	unsigned int i;

	for (i = 0; i < k->nr; i++) {
		if (k->regions[i].id == id)
			return &k->regions[i];
	}
	return NULL;
}

bool klayout_halves(const struct vmi_klayout *k, __u64 *user, __u64 *kernel)
{
	const struct vmainspect_kregion *u;

	if (k->hdr.arch == VMAINSPECT_ARCH_X86_64 && k->hdr.va_bits > 1 &&
	    k->hdr.va_bits < 64) {
		*user = *kernel = 1ULL << (k->hdr.va_bits - 1);
		return true;
	}
	u = kregion_by_id(k, VMAINSPECT_KR_USER);
	if (k->hdr.arch == VMAINSPECT_ARCH_I386 && u && kspace_top(k)) {
		/* User space runs from 0 to PAGE_OFFSET. */
		*user = u->size;
		*kernel = kspace_top(k) - u->size;
		return true;
	}
	return false;
}

bool klayout_is_user_addr(const struct vmi_klayout *k, __u64 addr)
{
	__u64 end = 0;
	unsigned int i;

	/* x86_64: the lower half is user space, whatever the table says. */
	if (k->hdr.arch == VMAINSPECT_ARCH_X86_64 && k->hdr.va_bits > 1 &&
	    k->hdr.va_bits < 64)
		return addr < 1ULL << (k->hdr.va_bits - 1);
	/* Else: the table's user space and its guard, from address 0. */
	for (i = 0; i < k->nr; i++) {
		const struct vmainspect_kregion *r = &k->regions[i];

		if (r->id != VMAINSPECT_KR_USER &&
		    r->id != VMAINSPECT_KR_USER_GUARD)
			break;
		end = klayout_hidden(k) ? end + r->size : kregion_end(r);
	}
	return addr < end;
}

/* The reply must make sense before anything is printed from it. */
static int check_klayout(const struct vmi_klayout *k)
{
	const struct vmainspect_klayout *h = &k->hdr;
	bool hidden = klayout_hidden(k);
	__u64 prev_end = 0;
	unsigned int i;

	if (h->nr_regions > VMAINSPECT_KREGIONS_MAX ||
	    h->nr_regions > h->total_regions)
		return -1;
	for (i = 0; i < k->nr; i++) {
		const struct vmainspect_kregion *r = &k->regions[i];

		if (!r->size)
			return -1;
		if (hidden) {
			if (r->start || r->end)
				return -1;
			continue;
		}
		/* end is one past the last byte: 0 only at the very top */
		if (r->end - r->start != r->size)
			return -1;
		if (i && (r->start < prev_end || !prev_end))
			return -1;
		prev_end = kregion_end(r);
	}
	return 0;
}

int vmi_get_klayout(struct vmi_client *c, struct vmi_klayout *k)
{
	int err;

	memset(k, 0, sizeof(*k));
	k->hdr.size = sizeof(k->hdr);
	k->hdr.regions = (__u64)(uintptr_t)k->regions;
	k->hdr.region_size = sizeof(k->regions[0]);
	k->hdr.max_regions = VMAINSPECT_KREGIONS_MAX;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_KLAYOUT, &k->hdr)) {
		err = errno;
		if (err == ENOTTY || err == E2BIG || err == EINVAL)
			p_err_errno(err, "kernel layout: %s (does the loaded module know VMAINSPECT_IOC_KLAYOUT? it needs the module of this tool's version)",
			      strerror(err));
		else
			p_err_errno(err, "kernel layout: %s", strerror(err));
		return -1;
	}
	k->nr = k->hdr.nr_regions;
	if (check_klayout(k)) {
		p_err("kernel layout: the module returned a malformed region table");
		return -1;
	}
	if (k->hdr.total_regions > k->nr)
		p_warn("kernel layout: the module has %u regions, this tool takes %u",
		       k->hdr.total_regions, k->nr);
	return 0;
}

int vmi_get_kaddr(struct vmi_client *c, __u64 addr, struct vmainspect_kaddr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->addr = addr;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_KADDR, a))
		return -1;
	/* NUL-terminate what the kernel should have terminated already. */
	a->symbol[sizeof(a->symbol) - 1] = '\0';
	a->module[sizeof(a->module) - 1] = '\0';
	return 0;
}

/* The reason itself is privilege.c's, shared with pt and pages. */
const char *kaddr_hidden_reason(char *buf, size_t len)
{
	return priv_kaddr_hidden_reason(buf, len);
}

static json_object *json_kregion_new(const struct vmi_klayout *k,
				     const struct vmainspect_kregion *r)
{
	bool hidden = klayout_hidden(k);
	json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	json_object_object_add(obj, "name",
			       json_object_new_string(kregion_name(r->id)));
	json_object_object_add(obj, "description",
			       json_object_new_string(kregion_desc(r->id)));
	json_add_u64(obj, "id", r->id);
	json_add_hex_or_null(obj, "start", !hidden, r->start);
	json_add_hex_or_null(obj, "end", !hidden, r->end);
	json_add_hex(obj, "size", r->size);
	json_add_u64_or_null(obj, "used", r->flags & VMAINSPECT_KRF_USED,
			     r->used);
	json_add_bool(obj, "hole", r->flags & VMAINSPECT_KRF_HOLE);
	json_add_bool(obj, "randomized", r->flags & VMAINSPECT_KRF_RANDOMIZED);
	json_add_bool(obj, "unused", r->flags & VMAINSPECT_KRF_UNUSED);
	return obj;
}

json_object *json_klayout_new(const struct vmi_klayout *k)
{
	const struct vmainspect_klayout *h = &k->hdr;
	bool hidden = klayout_hidden(k);
	json_object *obj, *kaslr, *ptrs, *image = NULL, *regions;
	__u64 user, kernel;
	char reason[512];
	unsigned int i;

	obj = json_object_new_object();
	kaslr = json_object_new_object();
	ptrs = json_object_new_object();
	regions = json_object_new_array();
	if (!obj || !kaslr || !ptrs || !regions) {
		json_object_put(obj);
		json_object_put(kaslr);
		json_object_put(ptrs);
		json_object_put(regions);
		return NULL;
	}
	json_object_object_add(obj, "arch",
			       json_object_new_string(karch_name(h->arch)));
	json_add_u64(obj, "pgtable_levels", h->pgtable_levels);
	json_add_u64(obj, "va_bits", h->va_bits);
	json_add_u64(obj, "page_size", 1ULL << h->page_shift);
	for (i = 0; i < 5; i++)
		json_add_u64(ptrs, json_pt_level_name(i), h->ptrs_per[i]);
	json_object_object_add(obj, "ptrs_per", ptrs);
	json_add_u64(obj, "phys_bits", h->phys_bits);
	json_add_u64(obj, "struct_page_size", h->struct_page_size);
	if (klayout_halves(k, &user, &kernel)) {
		json_add_hex(obj, "user_half", user);
		json_add_hex(obj, "kernel_half", kernel);
	} else {
		json_object_object_add(obj, "user_half", NULL);
		json_object_object_add(obj, "kernel_half", NULL);
	}
	json_add_bool(obj, "hidden", hidden);
	json_object_object_add(obj, "hidden_reason", hidden ?
			       json_object_new_string(kaddr_hidden_reason(reason,
							sizeof(reason))) : NULL);
	json_add_bool(kaslr, "memory", h->out_flags & VMAINSPECT_KL_KASLR_MEMORY);
	json_add_bool(kaslr, "text", h->out_flags & VMAINSPECT_KL_KASLR_TEXT);
	json_object_object_add(obj, "kaslr", kaslr);
	json_add_hex_or_null(obj, "page_offset", !hidden, h->page_offset);
	json_add_hex(obj, "ram_end", h->ram_end);
	json_add_hex(obj, "lowmem_end", h->lowmem_end);
	json_add_u64(obj, "highmem",
		     (h->out_flags & VMAINSPECT_KL_HIGHMEM) &&
		     h->ram_end > h->lowmem_end ? h->ram_end - h->lowmem_end : 0);
	if ((h->out_flags & VMAINSPECT_KL_IMAGE_KNOWN) && !hidden) {
		image = json_object_new_object();
		if (image) {
			json_add_hex(image, "start", h->image_start);
			json_add_hex(image, "end", h->image_end);
			json_add_hex(image, "size", h->image_end - h->image_start);
		}
	}
	json_object_object_add(obj, "image", image);
	json_add_u64(obj, "total_regions", h->total_regions);
	for (i = 0; i < k->nr; i++)
		json_object_array_add(regions,
				      json_kregion_new(k, &k->regions[i]));
	json_object_object_add(obj, "regions", regions);
	return obj;
}
