// SPDX-License-Identifier: GPL-2.0
/* vmainspect page --pfn PFN | page PID ADDR: the state of one physical frame. */

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <uapi/vmainspect_page_names.h>

#include "client.h"
#include "format.h"
#include "frame.h"
#include "json_out.h"
#include "main.h"

void fprint_kpf_names(FILE *f, __u64 kpf, const char *sep)
{
	const char *s = "";
	unsigned int bit;

	for (bit = 0; bit < VMAINSPECT_KPF_NR_BITS; bit++) {
		if (!(kpf & (1ULL << bit)))
			continue;
		if (vmainspect_kpf_names[bit])
			fprintf(f, "%s%s", s, vmainspect_kpf_names[bit]);
		else
			fprintf(f, "%sbit%u", s, bit);
		s = sep;
	}
}

json_object *json_kpf_names_new(__u64 kpf)
{
	json_object *arr = json_object_new_array();
	unsigned int bit;
	char name[16];

	for (bit = 0; arr && bit < VMAINSPECT_KPF_NR_BITS; bit++) {
		if (!(kpf & (1ULL << bit)))
			continue;
		if (!vmainspect_kpf_names[bit])
			snprintf(name, sizeof(name), "bit%u", bit);
		json_object_array_add(arr, json_object_new_string(
				vmainspect_kpf_names[bit] ?
				vmainspect_kpf_names[bit] : name));
	}
	return arr;
}

const char *fmt_mapping_kind(__u32 kind)
{
	if (kind < VMAINSPECT_MAP_KIND_MAX && vmainspect_mapping_kind_names[kind])
		return vmainspect_mapping_kind_names[kind];
	return "unknown";
}

/*
 * argv = { CMD } with --pfn PFN, or { CMD, PID, ADDR }.  A lone number is
 * refused: it used to be a frame number, so an address whose PID was
 * forgotten silently answered about another frame.
 */
int parse_frame_args(int argc, char **argv, struct frame_arg *fa)
{
	memset(fa, 0, sizeof(*fa));
	if (pfn_arg) {
		if (argc != 1)
			return usage_err(argv[0], "%s --pfn PFN takes no other argument, got %d",
					 argv[0], argc - 1);
		return parse_pfn(argv[0], pfn_arg, &fa->pfn) ? EXIT_USAGE : 0;
	}
	if (argc == 2)
		return usage_err(argv[0], "%s %s: a frame number needs --pfn: vmainspect %s --pfn %s; an address needs its PID: vmainspect %s PID %s",
				 argv[0], argv[1], argv[0], argv[1], argv[0],
				 argv[1]);
	if (argc == 3) {
		fa->by_addr = true;
		return parse_pid_addr(argc, argv, &fa->pid, &fa->addr);
	}
	return usage_err(argv[0], "%s --pfn PFN, or %s PID ADDR: expected 2 arguments or --pfn, got %d",
			 argv[0], argv[0], argc - 1);
}

int frame_open(struct vmi_client *c, const struct frame_arg *fa)
{
	if (fa->by_addr)
		return vmi_open(c, fa->pid);
	return vmi_open_device(c);
}

static int print_page_json(const struct vmainspect_page *p, const char *path)
{
	bool file = p->mapping_kind == VMAINSPECT_MAP_FILE ||
		    p->mapping_kind == VMAINSPECT_MAP_SHMEM;
	json_object *obj = json_object_new_object();
	json_object *f = NULL;
	char dev[24];

	if (!obj)
		return json_print_put(NULL);
	if (file && p->ino) {
		f = json_object_new_object();
		snprintf(dev, sizeof(dev), "%02x:%02x", p->dev >> 20,
			 p->dev & 0xfffff);
		json_object_object_add(f, "dev", json_object_new_string(dev));
		json_add_hex(f, "inode", p->ino);
		json_add_name(f, "path", p->path_len ? path : NULL, p->path_len);
	}
	json_add_u64(obj, "pfn", p->pfn);
	json_add_hex(obj, "phys_addr", p->pfn << 12);
	json_object_object_add(obj, "flags", json_kpf_names_new(p->kpageflags));
	json_add_hex(obj, "kpageflags", p->kpageflags);
	json_add_hex(obj, "raw_flags", p->raw_flags);
	json_add_hex(obj, "head_raw_flags", p->head_raw_flags);
	json_add_u64(obj, "head_pfn", p->head_pfn);
	json_object_object_add(obj, "refcount", json_object_new_int(p->refcount));
	json_object_object_add(obj, "mapcount", json_object_new_int(p->mapcount));
	json_object_object_add(obj, "folio_mapcount", p->folio_mapcount < 0 ?
			       NULL : json_object_new_int(p->folio_mapcount));
	json_add_u64(obj, "order", p->order);
	json_add_u64(obj, "folio_size", 4096ULL << p->order);
	json_object_object_add(obj, "mapping_kind",
			       json_object_new_string(fmt_mapping_kind(p->mapping_kind)));
	json_add_hex_or_null(obj, "anon_vma",
			     p->mapping_kind == VMAINSPECT_MAP_ANON, p->anon_vma);
	json_object_object_add(obj, "file", f);
	json_add_u64(obj, "index", p->index);
	json_add_u64(obj, "nid", p->nid);
	json_object_object_add(obj, "zone", json_object_new_string(p->zone_name));
	json_add_hex_or_null(obj, "memcg_ino", p->memcg_ino, p->memcg_ino);
	return json_print_put(obj);
}

/* Continued lines start under the values, after "flags:      ". */
#define PAGE_CONT	"            "

static void print_mapping_text(const struct vmainspect_page *p,
			       const char *path)
{
	struct wrap_buf wb;
	FILE *m = wrap_begin(&wb, stdout);

	fprintf(m, "mapping:    %s", fmt_mapping_kind(p->mapping_kind));
	switch (p->mapping_kind) {
	case VMAINSPECT_MAP_ANON:
		fprintf(m, ", anon_vma 0x%llx", (unsigned long long)p->anon_vma);
		break;
	case VMAINSPECT_MAP_FILE:
	case VMAINSPECT_MAP_SHMEM:
		if (!p->ino) {
			fprintf(m, " (folio locked: file not named)");
			break;
		}
		fprintf(m, ", dev %02x:%02x, inode %llu", p->dev >> 20,
			p->dev & 0xfffff, (unsigned long long)p->ino);
		if (p->path_len) {
			fprintf(m, ", ");
			fprint_escaped(m, path, p->path_len);
		}
		break;
	}
	wrap_end(&wb, PAGE_CONT);
	printf("index:      0x%llx (page offset in its mapping)\n",
	       (unsigned long long)p->index);
}

static int print_page_text(const struct vmainspect_page *p, const char *path)
{
	char size[FMT_SIZE_LEN];
	struct wrap_buf wb;
	FILE *m;

	fprintf(wrap_begin(&wb, stdout),
		"pfn:        0x%llx (physical address 0x%llx), node %u, zone %s",
		(unsigned long long)p->pfn, (unsigned long long)p->pfn << 12,
		p->nid, p->zone_name);
	wrap_end(&wb, PAGE_CONT);
	m = wrap_begin(&wb, stdout);
	fprintf(m, "flags:      ");
	fprint_kpf_names(m, p->kpageflags, " ");
	wrap_end(&wb, PAGE_CONT);
	printf(PAGE_CONT "(kpageflags 0x%llx)\n",
	       (unsigned long long)p->kpageflags);
	printf("raw flags:  page->flags 0x%llx, head's 0x%llx\n",
	       (unsigned long long)p->raw_flags,
	       (unsigned long long)p->head_raw_flags);
	fprintf(wrap_begin(&wb, stdout),
		"folio:      head pfn 0x%llx, order %u (%s), this is page %llu of it",
		(unsigned long long)p->head_pfn, p->order,
		fmt_size(4096ULL << p->order, size),
		(unsigned long long)(p->pfn - p->head_pfn));
	wrap_end(&wb, PAGE_CONT);
	printf("refcount:   %d\n", p->refcount);
	m = wrap_begin(&wb, stdout);
	fprintf(m, "mapcount:   %d (this page, as /proc/kpagecount)", p->mapcount);
	if (p->folio_mapcount >= 0)
		fprintf(m, ", %d for the whole folio", p->folio_mapcount);
	else
		fprintf(m, ", the whole folio's is not known on this kernel");
	wrap_end(&wb, PAGE_CONT);
	print_mapping_text(p, path);
	if (p->memcg_ino)
		printf("memcg:      cgroup inode %llu\n",
		       (unsigned long long)p->memcg_ino);
	return finish_output();
}

int do_page(int argc, char **argv)
{
	struct vmainspect_page p;
	struct frame_arg fa;
	struct vmi_client c;
	char path[PATH_MAX];
	int ret;

	ret = parse_frame_args(argc, argv, &fa);
	if (ret)
		return ret;
	if (frame_open(&c, &fa))
		return EXIT_ERROR;
	ret = vmi_page(&c, fa.by_addr, fa.pfn, fa.addr, &p, path, sizeof(path));
	vmi_close(&c);
	if (ret)
		return EXIT_ERROR;
	if (json_output)
		return print_page_json(&p, path);
	return print_page_text(&p, path);
}
