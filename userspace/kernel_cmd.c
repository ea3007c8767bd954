// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect kernel: the kernel-space regions of the running kernel.
 * vmainspect kernel ADDR: which region a kernel address is in, and what
 * it is there.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "format.h"
#include "json_out.h"
#include "kernel.h"
#include "main.h"

#define REASON_LEN	512

/* Hex digits of an address: 8 on 32-bit kernels, else 16. */
static int addr_digits(const struct vmi_klayout *k)
{
	return k->hdr.va_bits && k->hdr.va_bits <= 32 ? 8 : 16;
}

/*
 * Text goes to out: a wrap_buf's stream, whose lines are then wrapped
 * within the output width (or stdout).
 */
static FILE *out;

/* Continued lines of a table row start under its name column. */
#define ROW_CONT	"                                                 "
/* ... of the ADDR view under the values, of the header indented. */
#define KADDR_CONT	"            "
#define HEADER_CONT	"  "

static void print_header_lines(const struct vmi_klayout *k)
{
	const struct vmainspect_klayout *h = &k->hdr;
	const struct vmainspect_kregion *dm;
	char s1[FMT_SIZE_LEN], s2[FMT_SIZE_LEN];
	bool hidden = klayout_hidden(k);
	__u64 user, kernel;
	unsigned int i;

	fprintf(out, "arch %s: %u-level paging, %u-bit virtual addresses",
		karch_name(h->arch), h->pgtable_levels, h->va_bits);
	if (klayout_halves(k, &user, &kernel))
		fprintf(out, ": user half %s, kernel half %s", fmt_size(user, s1),
			fmt_size(kernel, s2));
	fprintf(out, "\npage size %s; entries per table:",
		fmt_size(1ULL << h->page_shift, s1));
	for (i = 0; i < VMAINSPECT_LVL_NR; i++) {
		if (h->ptrs_per[i] > 1)
			fprintf(out, " %s %u", fmt_pt_level(i), h->ptrs_per[i]);
		else
			fprintf(out, " %s 1 (folded)", fmt_pt_level(i));
	}
	fprintf(out, "\nMAX_PHYSMEM_BITS %u (%s of physical address space), struct page %u bytes\n",
		h->phys_bits,
		h->phys_bits && h->phys_bits < 64 ?
		fmt_size(1ULL << h->phys_bits, s1) : "?",
		h->struct_page_size);
	fprintf(out, "KASLR: memory bases randomized: %s; kernel image randomized: %s\n",
		h->out_flags & VMAINSPECT_KL_KASLR_MEMORY ? "yes" : "no",
		!(h->out_flags & VMAINSPECT_KL_IMAGE_KNOWN) ? "unknown" :
		h->out_flags & VMAINSPECT_KL_KASLR_TEXT ? "yes" : "no");
	fprintf(out, "RAM ends at physical 0x%llx (%s)",
		(unsigned long long)h->ram_end, fmt_size(h->ram_end, s1));
	dm = kregion_by_id(k, VMAINSPECT_KR_DIRECT_MAP);
	if (dm) {
		double pct = 100.0 * (double)h->lowmem_end / (double)dm->size;

		fprintf(out, "\ndirect map: %s of virtual space, mapping physical 0x0-0x%llx: %s backed by RAM",
			fmt_size(dm->size, s1),
			(unsigned long long)h->lowmem_end,
			fmt_size(h->lowmem_end, s2));
		if (pct < 0.01)
			fprintf(out, " (less than 0.01%%)");
		else
			fprintf(out, " (%.2f%%)", pct);
	}
	fputc('\n', out);
	if (h->out_flags & VMAINSPECT_KL_HIGHMEM && h->ram_end > h->lowmem_end)
		fprintf(out, "HIGHMEM: %s of RAM above physical 0x%llx, not in the direct map\n",
			fmt_size(h->ram_end - h->lowmem_end, s1),
			(unsigned long long)h->lowmem_end);
	if (!hidden)
		fprintf(out, "direct map base (page_offset): 0x%0*llx\n",
			addr_digits(k), (unsigned long long)h->page_offset);
	if (!(h->out_flags & VMAINSPECT_KL_IMAGE_KNOWN))
		fprintf(out, "kernel image: not known\n");
	else if (!hidden)
		fprintf(out, "kernel image: 0x%0*llx-0x%0*llx (%s, as mapped, 2 MiB granularity)\n",
			addr_digits(k), (unsigned long long)h->image_start,
			addr_digits(k), (unsigned long long)h->image_end - 1,
			fmt_size(h->image_end - h->image_start, s1));
}

static void print_header(const struct vmi_klayout *k)
{
	struct wrap_buf w;

	out = wrap_begin(&w, stdout);
	print_header_lines(k);
	wrap_end(&w, HEADER_CONT);
	out = stdout;	/* the stream is closed */
}

#define LAST_HEAD	"last (inclusive)"

/* Columns of the "last" column: its heading may be wider than addresses. */
static int last_cols(const struct vmi_klayout *k)
{
	int w = addr_digits(k), h = (int)strlen(LAST_HEAD);

	return w > h ? w : h;
}

/* A row of the table; r == NULL: an unused hole. */
static void print_row(const struct vmi_klayout *k, __u64 start, __u64 size,
		      const struct vmainspect_kregion *r)
{
	int w = addr_digits(k), lw = last_cols(k);
	char s[FMT_SIZE_LEN];
	struct wrap_buf wb;

	out = wrap_begin(&wb, stdout);
	if (klayout_hidden(k))
		fprintf(out, "%-*s   %-*s", w, "-", lw, "-");
	else
		fprintf(out, "%0*llx   %0*llx%*s", w, (unsigned long long)start, w,
			(unsigned long long)(start + size - 1), lw - w, "");
	fprintf(out, "  %10s  %-16s %s", fmt_size(size, s),
		kregion_name(r ? r->id : VMAINSPECT_KR_NONE),
		kregion_desc(r ? r->id : VMAINSPECT_KR_NONE));
	if (r && (r->flags & VMAINSPECT_KRF_USED))
		fprintf(out, ", used %s", fmt_size(r->used, s));
	if (r && (r->flags & VMAINSPECT_KRF_HOLE))
		fprintf(out, " [hole]");
	if (r && (r->flags & VMAINSPECT_KRF_RANDOMIZED))
		fprintf(out, " [randomized]");
	if (r && (r->flags & VMAINSPECT_KRF_UNUSED))
		fprintf(out, " [not in use]");
	wrap_end(&wb, ROW_CONT);
	out = stdout;
}

static int print_klayout_text(const struct vmi_klayout *k)
{
	bool hidden = klayout_hidden(k);
	__u64 top = kspace_top(k), end;
	char reason[REASON_LEN];
	int w = addr_digits(k);
	unsigned int i;

	print_header(k);
	out = stdout;
	if (hidden)
		fprint_wrapped(out, kaddr_hidden_reason(reason, sizeof(reason)), "");
	fprintf(out, "\n%-*s   %-*s  %10s  %-16s %s\n", w, "start", last_cols(k), LAST_HEAD,
		"size", "name", "description");
	for (i = 0; i < k->nr; i++) {
		const struct vmainspect_kregion *r = &k->regions[i];

		/* The gap below r (not below the first: nothing is there). */
		if (!hidden && i && kregion_end(&k->regions[i - 1]) < r->start) {
			end = kregion_end(&k->regions[i - 1]);
			print_row(k, end, r->start - end, NULL);
		}
		print_row(k, r->start, r->size, r);
	}
	/* Above the last region, up to the top of the address space. */
	if (!hidden && k->nr) {
		end = kregion_end(&k->regions[k->nr - 1]);
		if (end && (!top || end < top))
			print_row(k, end, top - end, NULL);
	}
	if (hidden)
		fprint_wrapped(stdout, "(unused holes between the regions are not shown: placing them needs the addresses)", "");
	return finish_output();
}

static int do_klayout(void)
{
	struct vmi_klayout k;
	struct vmi_client c;

	if (vmi_open_device(&c))
		return EXIT_ERROR;
	if (vmi_get_klayout(&c, &k)) {
		vmi_close(&c);
		return EXIT_ERROR;
	}
	vmi_close(&c);
	if (json_output)
		return json_print_put(json_klayout_new(&k));
	return print_klayout_text(&k);
}

/*
 * What module memory is: the ELF section from /sys/module/NAME/sections/
 * where it can be read (*from_sysfs), else inferred from the protections
 * of its page.  @buf: MODULE_SECTION_LEN bytes.
 */
#define MODULE_SECTION_LEN	64

static const char *module_section(const struct vmainspect_kaddr *a, char *buf,
				  bool *from_sysfs)
{
	*from_sysfs = false;
	if ((a->out_flags & VMAINSPECT_KA_MODULE) &&
	    module_section_of(a->module, a->addr, buf, MODULE_SECTION_LEN)) {
		*from_sysfs = true;
		return buf;
	}
	if (!(a->out_flags & VMAINSPECT_KA_MAPPED))
		return NULL;
	if (a->out_flags & VMAINSPECT_KA_EXEC)
		return "text";
	if (a->out_flags & VMAINSPECT_KA_WRITE)
		return "data";
	return "rodata";
}

/* The bounds of the gap holding addr (from the region table). */
static void gap_bounds(const struct vmi_klayout *k, __u64 addr, __u64 *lo,
		       __u64 *hi)
{
	unsigned int i;

	*lo = 0;
	*hi = kspace_top(k);
	for (i = 0; i < k->nr; i++) {
		const struct vmainspect_kregion *r = &k->regions[i];

		if (kregion_end(r) && kregion_end(r) <= addr)
			*lo = kregion_end(r);
		else if (r->start > addr) {
			*hi = r->start;
			break;
		}
	}
}

struct kaddr_info {
	__u64 addr;
	bool user;		/* user space (or its guard) */
	bool have;		/* a is valid */
	struct vmainspect_kaddr a;
	const struct vmainspect_kregion *r; /* its region in the table */
	__u64 lo, hi;		/* bounds of the region or gap; hi 0: 2^64 */
	__u64 sp_pfn;		/* KA_STRUCT_PAGE: whose struct page it is */
};

static const struct vmainspect_kregion *
region_of(const struct vmi_klayout *k, const struct vmainspect_kaddr *a)
{
	unsigned int i;

	for (i = 0; i < k->nr; i++) {
		if (k->regions[i].id == a->region_id &&
		    k->regions[i].start == a->region_start)
			return &k->regions[i];
	}
	return NULL;
}

static int print_kaddr_json(const struct kaddr_info *ki)
{
	const struct vmainspect_kaddr *a = &ki->a;
	json_object *obj = json_object_new_object(), *sp = NULL, *vma = NULL;
	char secbuf[MODULE_SECTION_LEN];
	struct vm_area_info vm;
	bool sysfs;
	__u32 f = ki->have ? a->out_flags : 0;
	__u32 id = ki->have ? a->region_id : VMAINSPECT_KR_USER;
	const char *sec;

	if (!obj)
		return json_print_put(NULL);
	json_add_hex(obj, "addr", ki->addr);
	json_add_bool(obj, "user_address", ki->user);
	json_object_object_add(obj, "region",
			       json_object_new_string(kregion_name(id)));
	json_object_object_add(obj, "description",
			       json_object_new_string(kregion_desc(id)));
	json_add_hex_or_null(obj, "region_start", ki->have, ki->lo);
	json_add_hex_or_null(obj, "region_end", ki->have, ki->hi);
	json_add_bool(obj, "hole", ki->r && (ki->r->flags & VMAINSPECT_KRF_HOLE));
	json_add_bool(obj, "mapped", f & VMAINSPECT_KA_MAPPED);
	json_add_u64_or_null(obj, "page_size", f & VMAINSPECT_KA_MAPPED,
			     a->page_size);
	json_add_bool(obj, "writable", f & VMAINSPECT_KA_WRITE);
	json_add_bool(obj, "executable", f & VMAINSPECT_KA_EXEC);
	json_add_u64_or_null(obj, "pfn", f & VMAINSPECT_KA_PFN, a->pfn);
	json_add_hex_or_null(obj, "phys_addr", f & VMAINSPECT_KA_PFN, a->phys);
	json_add_bool(obj, "ram", f & VMAINSPECT_KA_RAM);
	json_add_bool(obj, "in_image", f & VMAINSPECT_KA_IN_IMAGE);
	json_add_u64_or_null(obj, "image_offset", f & VMAINSPECT_KA_IN_IMAGE,
			     a->offset);
	if (f & VMAINSPECT_KA_STRUCT_PAGE) {
		sp = json_object_new_object();
		if (sp) {
			json_add_u64(sp, "pfn", ki->sp_pfn);
			json_add_u64(sp, "offset", a->offset);
		}
	}
	json_object_object_add(obj, "struct_page", sp);
	json_add_u64_or_null(obj, "fixmap_index", f & VMAINSPECT_KA_FIXMAP_INDEX,
			     a->index);
	json_add_name(obj, "symbol", ki->have && a->symbol[0] ? a->symbol : NULL,
		      strnlen(a->symbol, sizeof(a->symbol)));
	json_add_name(obj, "module", f & VMAINSPECT_KA_MODULE ? a->module : NULL,
		      strnlen(a->module, sizeof(a->module)));
	sec = id == VMAINSPECT_KR_MODULES ? module_section(a, secbuf, &sysfs) : NULL;
	json_add_name(obj, "module_section", sec, sec ? strlen(sec) : 0);
	json_object_object_add(obj, "module_section_from",
			       sec ? json_object_new_string(sysfs ? "sysfs" : "protections") :
			       NULL);
	if ((id == VMAINSPECT_KR_VMALLOC || id == VMAINSPECT_KR_MODULES) &&
	    vmalloc_area_of(a->addr, &vm)) {
		vma = json_object_new_object();
		if (vma) {
			json_add_hex(vma, "start", vm.start);
			json_add_hex(vma, "end", vm.end);
			json_add_hex(vma, "size", vm.size);
			json_add_name(vma, "info", vm.info, strlen(vm.info));
		}
	}
	json_object_object_add(obj, "vm_area", vma);
	return json_print_put(obj);
}

static void print_kaddr_region(const struct vmi_klayout *k,
			       const struct kaddr_info *ki)
{
	const struct vmainspect_kaddr *a = &ki->a;
	int w = addr_digits(k);
	char s[FMT_SIZE_LEN];

	fprintf(out, "region:     %s: %s\n", kregion_name(a->region_id),
		kregion_desc(a->region_id));
	fprintf(out, "            0x%0*llx-0x%0*llx (%s), offset 0x%llx in it",
		w, (unsigned long long)ki->lo, w,
		(unsigned long long)(ki->hi - 1),
		fmt_size(ki->hi - ki->lo, s),
		(unsigned long long)(ki->addr - ki->lo));
	if (ki->r && (ki->r->flags & VMAINSPECT_KRF_RANDOMIZED))
		fprintf(out, " [randomized]");
	if (ki->r && (ki->r->flags & VMAINSPECT_KRF_UNUSED))
		fprintf(out, " [not in use]");
	fputc('\n', out);
}

static int print_kaddr_lines(const struct vmi_klayout *k,
			     const struct kaddr_info *ki)
{
	const struct vmainspect_kaddr *a = &ki->a;
	char s[FMT_SIZE_LEN], secbuf[MODULE_SECTION_LEN];
	__u32 f = a->out_flags;
	struct vm_area_info vm;
	const char *sec;
	bool sysfs;

	fprintf(out, "address:    0x%0*llx\n", addr_digits(k),
		(unsigned long long)ki->addr);
	if (!ki->have) {
		fprintf(out, "region:     user: %s\n", kregion_desc(VMAINSPECT_KR_USER));
		fprintf(out, "            a user-space address: each process maps it its own way; try `vmainspect pt PID 0x%llx`\n",
			(unsigned long long)ki->addr);
		return EXIT_OK;
	}
	print_kaddr_region(k, ki);
	if (ki->user) {
		fprintf(out, "            a user-space address: each process maps it its own way; try `vmainspect pt PID 0x%llx`\n",
			(unsigned long long)ki->addr);
		return EXIT_OK;
	}
	if (ki->r && (ki->r->flags & VMAINSPECT_KRF_HOLE)) {
		fprintf(out, "            a hole: no address here is usable\n");
		return EXIT_OK;
	}
	if (a->region_id == VMAINSPECT_KR_NONE) {
		fprintf(out, "            in no region: an unused hole between two regions\n");
		return EXIT_OK;
	}
	if (f & VMAINSPECT_KA_MAPPED)
		fprintf(out, "mapping:    mapped by a %s page, %s, %s\n",
			fmt_size(a->page_size, s),
			f & VMAINSPECT_KA_WRITE ? "writable" : "read-only",
			f & VMAINSPECT_KA_EXEC ? "executable" : "not executable");
	else
		fprintf(out, "mapping:    not mapped by the kernel page table\n");
	if (f & VMAINSPECT_KA_PFN)
		fprintf(out, "frame:      PFN 0x%llx, physical address 0x%llx, %s\n",
			(unsigned long long)a->pfn, (unsigned long long)a->phys,
			f & VMAINSPECT_KA_RAM ? "RAM" : "not online RAM");
	if (f & VMAINSPECT_KA_IN_IMAGE)
		fprintf(out, "image:      in the kernel image, offset 0x%llx\n",
			(unsigned long long)a->offset);
	if (f & VMAINSPECT_KA_STRUCT_PAGE)
		fprintf(out, "vmemmap:    struct page of PFN 0x%llx, byte %llu of its %u\n",
			(unsigned long long)ki->sp_pfn,
			(unsigned long long)a->offset,
			k->hdr.struct_page_size);
	if (f & VMAINSPECT_KA_FIXMAP_INDEX)
		fprintf(out, "fixmap:     index %llu (counted down from FIXADDR_TOP)\n",
			(unsigned long long)a->index);
	if (a->symbol[0])
		fprintf(out, "symbol:     %s\n", a->symbol);
	if (f & VMAINSPECT_KA_MODULE)
		fprintf(out, "module:     %s\n", a->module);
	sec = a->region_id == VMAINSPECT_KR_MODULES ? module_section(a, secbuf, &sysfs) : NULL;
	if (sec && sysfs)
		fprintf(out, "section:    %s (from /sys/module/%s/sections)\n", sec, a->module);
	else if (sec)
		fprintf(out, "section:    %s (inferred from the page protections)\n", sec);
	if (a->region_id == VMAINSPECT_KR_VMALLOC || a->region_id == VMAINSPECT_KR_MODULES) {
		if (vmalloc_area_of(a->addr, &vm))
			fprintf(out, "vm area:    0x%llx-0x%llx, %llu bytes: %s (from /proc/vmallocinfo)\n",
				(unsigned long long)vm.start, (unsigned long long)vm.end,
				(unsigned long long)vm.size, vm.info);
		else if (a->region_id == VMAINSPECT_KR_VMALLOC)
			fprintf(out, "vm area:    not in /proc/vmallocinfo (free, or its addresses hashed: kptr_restrict 1 shows them to root)\n");
	}
	return EXIT_OK;
}

static int print_kaddr_text(const struct vmi_klayout *k,
			    const struct kaddr_info *ki)
{
	struct wrap_buf w;

	out = wrap_begin(&w, stdout);
	print_kaddr_lines(k, ki);
	wrap_end(&w, KADDR_CONT);
	out = stdout;
	return finish_output();
}

static int do_kaddr(const char *cmd, const char *arg)
{
	char reason[REASON_LEN];
	struct kaddr_info ki;
	struct vmi_klayout k;
	struct vmi_client c;
	int err;

	memset(&ki, 0, sizeof(ki));
	if (parse_addr(cmd, arg, &ki.addr))
		return EXIT_USAGE;
	if (vmi_open_device(&c))
		return EXIT_ERROR;
	if (vmi_get_klayout(&c, &k)) {
		vmi_close(&c);
		return EXIT_ERROR;
	}
	ki.user = klayout_is_user_addr(&k, ki.addr);
	if (vmi_get_kaddr(&c, ki.addr, &ki.a)) {
		err = errno;
		vmi_close(&c);
		/* A user address is no secret: say what it is anyway. */
		if (err == EPERM && ki.user)
			goto print;
		if (err == EPERM)
			p_err_errno(err, "kernel address 0x%llx: %s", (unsigned long long)ki.addr,
			      kaddr_hidden_reason(reason, sizeof(reason)));
		else if (err == ENOTTY || err == E2BIG || err == EINVAL)
			p_err("kernel address 0x%llx: %s (does the loaded module match this tool?)",
			      (unsigned long long)ki.addr, strerror(err));
		else
			p_err_errno(err, "kernel address 0x%llx: %s",
			      (unsigned long long)ki.addr, strerror(err));
		return EXIT_ERROR;
	}
	vmi_close(&c);
	ki.have = true;
	if (ki.a.region_id == VMAINSPECT_KR_NONE) {
		gap_bounds(&k, ki.addr, &ki.lo, &ki.hi);
	} else {
		ki.r = region_of(&k, &ki.a);
		ki.lo = ki.a.region_start;
		ki.hi = ki.a.region_end;
	}
	/*
	 * The struct page's PFN by the vmemmap arithmetic (vmemmap_base +
	 * pfn * sizeof(struct page)): the module's pfn field is the frame
	 * behind the vmemmap page as soon as that page is mapped.
	 */
	if ((ki.a.out_flags & VMAINSPECT_KA_STRUCT_PAGE) &&
	    k.hdr.struct_page_size)
		ki.sp_pfn = (ki.addr - ki.lo) / k.hdr.struct_page_size;
	if (ki.a.region_id == VMAINSPECT_KR_USER ||
	    ki.a.region_id == VMAINSPECT_KR_USER_GUARD)
		ki.user = true;
print:
	if (json_output)
		return print_kaddr_json(&ki);
	return print_kaddr_text(&k, &ki);
}

int do_kernel(int argc, char **argv)
{
	if (argc == 1)
		return do_klayout();
	if (argc == 2)
		return do_kaddr(argv[0], argv[1]);
	return usage_err(argv[0], "%s [ADDR]: expected at most 1 argument, got %d",
			 argv[0], argc - 1);
}
