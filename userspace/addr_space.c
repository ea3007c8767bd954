// SPDX-License-Identifier: GPL-2.0
/*
 * The address-space drawing of `vmainspect layout`, top to bottom as in the
 * textbooks:
 *
 *	kernel half - non-canonical hole - task_size - stack - mmap area -
 *	heap - bss - data - code - 0
 *
 * Every region is a band [lo, hi) between two boundary lines that carry
 * its addresses; what lies between two bands is drawn as a gap that says
 * whether any VMA lies in it.  Bands are not to scale: the numbers are.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr_space.h"
#include "format.h"
#include "kernel.h"

#define ADDR_COLS	18	/* "0x" and 16 hex digits */
#define MARK_COLS	12	/* " start_data" right of a boundary */
#define MIN_WIDTH	60
#define MAX_WIDTH	120
#define MAX_SEGS	32
#define MAX_KSEGS	(2 * VMAINSPECT_KREGIONS_MAX + 2)
#define TEXT_LEN	256

enum arrow { ARROW_NONE, ARROW_UP, ARROW_DOWN };

/* A band, or a gap between bands. */
struct seg {
	__u64 lo;
	__u64 hi;		/* exclusive, unless top */
	bool top;		/* runs to the end of the address space */
	bool gap;
	bool kernel;		/* the kernel half */
	bool hidden;		/* lo and hi unknown: hi - lo is the size */
	char title[TEXT_LEN];
	char detail[2][TEXT_LEN];
	enum arrow arrow;
	const char *lo_mark;	/* layout field equal to lo */
	const char *hi_mark;	/* layout field equal to hi */
};

struct drawing {
	FILE *f;
	const struct vmainspect_layout *l;
	const struct vmi_vma_set *set;
	const struct vmi_klayout *k;	/* NULL: the kernel half as one band */
	int box;		/* columns of the box, borders included */
	int text;		/* columns for text inside the box */
	struct seg segs[MAX_SEGS];
	int nr;
};

static __u64 seg_size(const struct seg *s)
{
	return s->top ? 0 - s->lo : s->hi - s->lo;
}

static struct seg *add_seg(struct drawing *d, __u64 lo, __u64 hi,
			   const char *title)
{
	struct seg *s;

	if (d->nr == MAX_SEGS)
		return NULL;
	s = &d->segs[d->nr++];
	memset(s, 0, sizeof(*s));
	s->lo = lo;
	s->hi = hi;
	snprintf(s->title, sizeof(s->title), "%s", title);
	return s;
}

/* Append printf output to a TEXT_LEN buffer, silently truncating. */
static void __attribute__((format(printf, 2, 3)))
append(char *buf, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len >= TEXT_LEN - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, TEXT_LEN - len, fmt, ap);
	va_end(ap);
}

/* A short printable label for a VMA: the basename of its name. */
static void vma_label(const struct vmi_vma *vma, char *buf, size_t len)
{
	const char *name = vma->name, *slash;
	size_t i, n;

	if (!name) {
		snprintf(buf, len, "anon");
		return;
	}
	n = vma->name_len;
	if (vma->v.kind == VMAINSPECT_KIND_FILE ||
	    vma->v.kind == VMAINSPECT_KIND_HUGETLB) {
		slash = memrchr(name, '/', n);
		if (slash && slash + 1 < name + n) {
			n -= slash + 1 - name;
			name = slash + 1;
		}
	}
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = isprint((unsigned char)name[i]) ? name[i] : '?';
	buf[n] = '\0';
}

/* Rank of a label in a band's name list: shared libraries first. */
static int label_rank(const struct vmi_vma *vma)
{
	if ((vma->v.kind == VMAINSPECT_KIND_FILE ||
	     vma->v.kind == VMAINSPECT_KIND_HUGETLB) &&
	    (vma->v.uflags & VMAINSPECT_VM_EXEC))
		return 0;
	if (vma->v.kind == VMAINSPECT_KIND_SPECIAL)
		return 1;
	return 2;
}

/*
 * Describe the VMAs overlapping [lo, hi): their number and mapped bytes in
 * count_buf, the distinct labels of the named ones in names_buf (code
 * files first, then [vdso] and friends, then the rest).  Returns the number
 * of VMAs; *mapped_out, when not NULL, gets the mapped bytes.
 */
static size_t describe_vmas(const struct drawing *d, __u64 lo, __u64 hi,
			    char *count_buf, char *names_buf,
			    __u64 *mapped_out)
{
	char label[64], size[FMT_SIZE_LEN];
	__u64 bytes = 0, s, e;
	size_t i, n = 0;
	int rank;

	names_buf[0] = '\0';
	for (rank = 0; rank < 3; rank++) {
		for (i = 0; i < d->set->nr; i++) {
			const struct vmi_vma *vma = &d->set->vmas[i];

			if (vma->v.end <= lo || vma->v.start >= hi)
				continue;
			if (rank == 0) {
				s = vma->v.start > lo ? vma->v.start : lo;
				e = vma->v.end < hi ? vma->v.end : hi;
				bytes += e - s;
				n++;
			}
			if (!vma->name || label_rank(vma) != rank)
				continue;
			vma_label(vma, label, sizeof(label));
			/* Distinct labels; the buffer is short, strstr cheap. */
			if (strlen(names_buf) < TEXT_LEN - 1 &&
			    !strstr(names_buf, label))
				append(names_buf, "%s%s",
				       names_buf[0] ? " " : "", label);
		}
	}
	count_buf[0] = '\0';
	if (n)
		append(count_buf, "%zu %s, %s mapped", n, plural(n, "VMA", "VMAs"),
		       fmt_size(bytes, size));
	if (mapped_out)
		*mapped_out = bytes;
	return n;
}

static const struct vmi_vma *find_stack_vma(const struct drawing *d)
{
	size_t i;

	for (i = 0; i < d->set->nr; i++) {
		if (d->set->vmas[i].v.kind == VMAINSPECT_KIND_STACK)
			return &d->set->vmas[i];
	}
	for (i = 0; i < d->set->nr; i++) {
		const struct vmainspect_vma *v = &d->set->vmas[i].v;

		if (v->start <= d->l->start_stack && d->l->start_stack < v->end)
			return &d->set->vmas[i];
	}
	return NULL;
}

static const struct vmi_vma *find_vma_at(const struct drawing *d, __u64 addr)
{
	size_t i;

	for (i = 0; i < d->set->nr; i++) {
		const struct vmainspect_vma *v = &d->set->vmas[i].v;

		if (v->start <= addr && addr < v->end)
			return &d->set->vmas[i];
	}
	return NULL;
}

/* Kernel half, non-canonical hole and the unused top of the lower half. */
static void add_kernel_bands(struct drawing *d)
{
	const struct vmainspect_layout *l = d->l;
	__u64 user_top = l->task_size, kernel_lo = l->task_size;
	struct seg *s;

#if defined(__x86_64__)
	if (l->pgtable_levels == 4 || l->pgtable_levels == 5) {
		unsigned int va_bits = l->pgtable_levels == 5 ? 57 : 48;

		user_top = 1ULL << (va_bits - 1);
		kernel_lo = ~0ULL << (va_bits - 1);
	}
#endif
	s = add_seg(d, kernel_lo, 0, "kernel space");
	if (s) {
		s->top = true;
		s->kernel = true;
		snprintf(s->detail[0], TEXT_LEN,
			 "not accessible from user mode");
#if defined(__x86_64__)
		snprintf(s->detail[1], TEXT_LEN,
			 "[vsyscall] 0xffffffffff600000 if enabled (not a VMA)");
#endif
	}
	if (kernel_lo > user_top) {
		s = add_seg(d, user_top, kernel_lo, "non-canonical hole");
		if (s)
			snprintf(s->detail[0], TEXT_LEN,
				 "not addresses at all: any access faults");
	}
	if (l->task_size < user_top) {
		s = add_seg(d, l->task_size, user_top, "never mapped");
		if (s)
			snprintf(s->detail[0], TEXT_LEN,
				 "guard between task_size and the hole");
	}
	/* Whichever band starts at task_size carries its name. */
	if (s && s->lo == l->task_size)
		s->lo_mark = "task_size";
}

static void add_bands_named(struct drawing *d, __u64 lo, __u64 hi,
			    const char *title, struct seg **out)
{
	char count[TEXT_LEN], names[TEXT_LEN];
	struct seg *s;

	*out = NULL;
	if (lo >= hi)
		return;
	s = add_seg(d, lo, hi, title);
	if (!s)
		return;
	describe_vmas(d, lo, hi, count, names, NULL);
	snprintf(s->detail[0], TEXT_LEN, "%s", count);
	snprintf(s->detail[1], TEXT_LEN, "%s", names);
	*out = s;
}

static void add_user_bands(struct drawing *d)
{
	const struct vmainspect_layout *l = d->l;
	const struct vmi_vma *stack, *v;
	__u64 img_lo, img_hi, bottom, ceiling, lo, hi, bss_hi = 0;
	struct seg *s;
	bool any;
	size_t i;

	/* Stack: the [stack] VMA, or the one holding start_stack. */
	stack = find_stack_vma(d);
	if (stack) {
		s = add_seg(d, stack->v.start, stack->v.end, "stack");
		if (s) {
			if (stack->name)
				append(s->title, " %s", stack->name);
			snprintf(s->detail[0], TEXT_LEN, "start_stack 0x%llx",
				 (unsigned long long)l->start_stack);
			if (l->arg_start && l->env_end > l->arg_start)
				snprintf(s->detail[1], TEXT_LEN,
					 "argv+envp 0x%llx - 0x%llx",
					 (unsigned long long)l->arg_start,
					 (unsigned long long)l->env_end);
			s->arrow = ARROW_DOWN;
		}
		/* Whatever lies above the stack (older kernels: [vdso]). */
		lo = hi = 0;
		any = false;
		for (i = 0; i < d->set->nr; i++) {
			v = &d->set->vmas[i];
			if (v->v.start < stack->v.end)
				continue;
			if (!any)
				lo = v->v.start;
			hi = v->v.end;
			any = true;
		}
		add_bands_named(d, lo, hi, "above the stack", &s);
	}

	/* The program image: code, data and bss. */
	img_lo = l->start_code < l->start_data ? l->start_code : l->start_data;
	img_hi = l->end_code > l->end_data ? l->end_code : l->end_data;

	if (l->end_code > l->start_code) {
		s = add_seg(d, l->start_code, l->end_code, "code (text)");
		if (s) {
			s->lo_mark = "start_code";
			s->hi_mark = "end_code";
		}
	}
	if (l->end_data > l->start_data) {
		s = add_seg(d, l->start_data, l->end_data, "data");
		if (s) {
			s->lo_mark = "start_data";
			s->hi_mark = "end_data";
		}
		/*
		 * bss: the anonymous VMA right after the one holding the end
		 * of the file-backed data, below the heap.
		 */
		v = find_vma_at(d, l->end_data - 1);
		if (v && v + 1 < d->set->vmas + d->set->nr &&
		    v[1].v.start == v->v.end &&
		    v[1].v.kind == VMAINSPECT_KIND_ANON &&
		    v[1].v.end <= l->start_brk) {
			bss_hi = v[1].v.end;
			s = add_seg(d, l->end_data, bss_hi, "bss (zero-filled)");
			if (s)
				snprintf(s->detail[0], TEXT_LEN,
					 "anonymous, after end_data");
		}
	}

	/* Heap: start_brk..brk, possibly empty. */
	if (l->brk >= l->start_brk && l->start_brk) {
		s = add_seg(d, l->start_brk, l->brk,
			    l->brk > l->start_brk ? "heap [heap]" :
			    "heap (empty: brk == start_brk)");
		if (s) {
			s->lo_mark = "start_brk";
			s->hi_mark = "brk";
			if (l->brk > l->start_brk) {
				snprintf(s->detail[0], TEXT_LEN,
					 "moved by brk()/sbrk()");
				s->arrow = ARROW_UP;
			}
		}
	}

	/*
	 * mmap area: every VMA between the program (and its heap) and the
	 * stack.  With the usual top-down layout it ends at mmap_base.
	 */
	bottom = img_hi;
	if (l->brk > bottom)
		bottom = l->brk;
	if (bss_hi > bottom)
		bottom = bss_hi;
	ceiling = stack ? stack->v.start : l->task_size;
	lo = hi = 0;
	any = false;
	for (i = 0; i < d->set->nr; i++) {
		v = &d->set->vmas[i];
		if (v->v.start < bottom || v->v.end > ceiling ||
		    v->v.kind == VMAINSPECT_KIND_HEAP ||
		    v->v.kind == VMAINSPECT_KIND_STACK)
			continue;
		if (!any)
			lo = v->v.start;
		hi = v->v.end;
		any = true;
	}
	if (any && l->mmap_base > hi && l->mmap_base <= ceiling)
		hi = l->mmap_base;
	if (lo < hi) {
		char count[TEXT_LEN], names[TEXT_LEN];

		s = add_seg(d, lo, hi, "mmap area");
		if (s) {
			describe_vmas(d, lo, hi, count, names, NULL);
			if (hi == l->mmap_base)
				s->hi_mark = "mmap_base";
			else
				append(count, "; mmap_base 0x%llx",
				       (unsigned long long)l->mmap_base);
			snprintf(s->detail[0], TEXT_LEN, "%s", count);
			snprintf(s->detail[1], TEXT_LEN, "%s", names);
			s->arrow = ARROW_DOWN;
		}
	}

	/*
	 * Below the program.  With the legacy bottom-up layout (e.g. after
	 * "ulimit -s unlimited") this is where the mmap area is.
	 */
	lo = hi = 0;
	any = false;
	for (i = 0; i < d->set->nr; i++) {
		v = &d->set->vmas[i];
		if (v->v.end > img_lo)
			break;
		if (!any)
			lo = v->v.start;
		hi = v->v.end;
		any = true;
	}
	if (l->mmap_base < img_lo && lo < hi) {
		add_bands_named(d, lo, hi, "mmap area (bottom-up layout)", &s);
		if (s)
			s->arrow = ARROW_UP;
	} else {
		add_bands_named(d, lo, hi, "below the program", &s);
	}
}

static int seg_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	/* Top first: by end, then by start, both descending. */
	if (x->top != y->top)
		return x->top ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi > y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo > y->lo ? -1 : 1;
	return 0;
}

/* Fill the gaps between the sorted bands, down to address 0. */
static void add_gaps(struct drawing *d)
{
	char count[TEXT_LEN], names[TEXT_LEN];
	int i, nr = d->nr;
	__u64 lo, hi, mapped;
	struct seg *s;

	for (i = 0; i < nr; i++) {
		hi = d->segs[i].lo;
		lo = i + 1 < nr ? d->segs[i + 1].hi : 0;
		if (lo >= hi)
			continue;
		if (describe_vmas(d, lo, hi, count, names, &mapped)) {
			s = add_seg(d, lo, hi, mapped == hi - lo ?
				    "other mappings" : "partly mapped");
			if (!s)
				return;
			snprintf(s->detail[0], TEXT_LEN, "%s", count);
			snprintf(s->detail[1], TEXT_LEN, "%s", names);
		} else {
			s = add_seg(d, lo, hi, lo ? "unmapped" :
				    "unmapped (NULL pointers fault here)");
			if (!s)
				return;
		}
		s->gap = true;
	}
	qsort(d->segs, d->nr, sizeof(d->segs[0]), seg_cmp);
}

static void print_boundary_line(const struct drawing *d, const char *addr,
				const char *mark1, const char *mark2)
{
	int i;

	fprintf(d->f, "%-*s +", ADDR_COLS, addr);
	for (i = 0; i < d->box - 2; i++)
		fputc('-', d->f);
	fputc('+', d->f);
	if (mark1 || mark2)
		fprintf(d->f, " %s%s%s", mark1 ? mark1 : "",
			mark1 && mark2 ? "," : "", mark2 ? mark2 : "");
	fputc('\n', d->f);
}

static void print_boundary(const struct drawing *d, __u64 addr, bool top,
			   const char *mark1, const char *mark2)
{
	char text[ADDR_COLS + 1];

	snprintf(text, sizeof(text), "0x%016llx",
		 top ? ~0ULL : (unsigned long long)addr);
	print_boundary_line(d, text, mark1, mark2);
}

/* One line inside the box: left text, right text flush right. */
static void print_row(const struct drawing *d, const char *left, int llen,
		      const char *right)
{
	int rlen = right ? (int)strlen(right) : 0;
	int room = d->text - rlen - (rlen ? 1 : 0);

	fprintf(d->f, "%*s | %.*s%*s", ADDR_COLS, "", llen, left,
		room > llen ? room - llen : 0, "");
	if (rlen)
		fprintf(d->f, " %s", right);
	fputs(" |\n", d->f);
}

/*
 * Text inside the box, word-wrapped to at most max_rows rows; right (may be
 * NULL) goes flush right on the first row.  What does not fit ends in "...".
 */
static void print_text(const struct drawing *d, const char *text,
		       const char *right, int max_rows)
{
	int rlen = right ? (int)strlen(right) + 1 : 0;
	int row, room, len, cut;

	for (row = 0; row < max_rows; row++) {
		room = d->text - (row ? 0 : rlen);
		len = (int)strlen(text);
		if (len <= room) {
			print_row(d, text, len, row ? NULL : right);
			return;
		}
		if (row == max_rows - 1) {
			/* Last row: cut and mark the cut. */
			fprintf(d->f, "%*s | %.*s...", ADDR_COLS, "",
				room - 3, text);
			if (!row && right)
				fprintf(d->f, " %s", right);
			fputs(" |\n", d->f);
			return;
		}
		/* Break at the last blank that fits, else hard. */
		for (cut = room; cut > 0 && text[cut] != ' '; cut--)
			;
		if (cut == 0)
			cut = room;
		print_row(d, text, cut, row ? NULL : right);
		text += cut;
		while (*text == ' ')
			text++;
	}
}

static void print_arrow(const struct drawing *d, enum arrow arrow)
{
	const char *text, *shorter;
	char line[TEXT_LEN];
	int len, pad;

	if (arrow == ARROW_DOWN) {
		text = "v   v   v   grows down   v   v   v";
		shorter = "v grows down v";
	} else {
		text = "^   ^   ^   grows up   ^   ^   ^";
		shorter = "^ grows up ^";
	}
	len = (int)strlen(text);
	if (len > d->text) {
		text = shorter;
		len = (int)strlen(text);
	}
	pad = (d->text - len) / 2;
	snprintf(line, sizeof(line), "%*s%s", pad > 0 ? pad : 0, "", text);
	print_row(d, line, (int)strlen(line), NULL);
}

static void print_seg(const struct drawing *d, const struct seg *s)
{
	char size[FMT_SIZE_LEN];
	int i;

	if (s->arrow == ARROW_UP)
		print_arrow(d, s->arrow);
	print_text(d, s->title, fmt_size(seg_size(s), size), 2);
	for (i = 0; i < 2; i++) {
		if (s->detail[i][0])
			print_text(d, s->detail[i], NULL, 3);
	}
	if (s->arrow == ARROW_DOWN)
		print_arrow(d, s->arrow);
}

static struct seg *add_kseg(struct seg *out, int *n, __u64 lo, __u64 hi,
			    bool top, const char *title)
{
	struct seg *s;

	if (*n == MAX_KSEGS)
		return NULL;
	s = &out[(*n)++];
	memset(s, 0, sizeof(*s));
	s->lo = lo;
	s->hi = hi;
	s->top = top;
	snprintf(s->title, sizeof(s->title), "%s", title);
	return s;
}

static void kseg_details(const struct drawing *d, struct seg *s,
			 const struct vmainspect_kregion *r)
{
	const struct vmainspect_klayout *h = &d->k->hdr;
	char size[FMT_SIZE_LEN];

	snprintf(s->detail[0], TEXT_LEN, "%s", kregion_desc(r->id));
	if (r->flags & VMAINSPECT_KRF_RANDOMIZED)
		append(s->detail[0], " [randomized]");
	if (r->flags & VMAINSPECT_KRF_UNUSED)
		append(s->detail[0], " [not in use]");
	if (r->id == VMAINSPECT_KR_KERNEL_TEXT && !s->hidden &&
	    (h->out_flags & VMAINSPECT_KL_IMAGE_KNOWN))
		append(s->detail[1], "image 0x%llx - 0x%llx, ",
		       (unsigned long long)h->image_start,
		       (unsigned long long)h->image_end);
	if (r->flags & VMAINSPECT_KRF_USED)
		append(s->detail[1], "%s in use", fmt_size(r->used, size));
}

/*
 * The kernel half [ks->lo, top) as one band per region of the kernel's
 * table, top first, with the unused holes between them; without the
 * addresses, the regions alone (their order is known, the holes not).
 */
static int build_kernel_segs(const struct drawing *d, const struct seg *ks,
			     struct seg *out)
{
	const struct vmi_klayout *k = d->k;
	bool hidden = klayout_hidden(k);
	__u64 top = kspace_top(k), cur = top, end;
	bool at_top = !top;	/* cur is 2^64 */
	struct seg *s;
	int i, n = 0;

	if (hidden && k->hdr.arch != VMAINSPECT_ARCH_X86_64 &&
	    k->hdr.arch != VMAINSPECT_ARCH_I386)
		return 0;	/* which regions lie in this half is not known */
	for (i = (int)k->nr - 1; i >= 0; i--) {
		const struct vmainspect_kregion *r = &k->regions[i];

		if (kregion_is_user_side(r->id))
			continue;
		if (hidden) {
			s = add_kseg(out, &n, 0, r->size, false,
				     kregion_name(r->id));
			if (!s)
				break;
			s->hidden = true;
			kseg_details(d, s, r);
			continue;
		}
		if (r->start < ks->lo)
			continue;
		end = kregion_end(r);
		if (at_top ? end != 0 : end < cur) {
			s = add_kseg(out, &n, end, cur, at_top, "unused hole");
			if (!s)
				break;
			s->gap = true;
		}
		s = add_kseg(out, &n, r->start, end, !end, kregion_name(r->id));
		if (!s)
			break;
		kseg_details(d, s, r);
		cur = r->start;
		at_top = false;
	}
	if (n && !hidden && (at_top || cur > ks->lo)) {
		s = add_kseg(out, &n, ks->lo, cur, at_top, "unused hole");
		if (s)
			s->gap = true;
	}
	return n;
}

/*
 * Print the kernel half from its top line down to the last band; the
 * caller prints the line at ks->lo.  False: nothing to draw from the
 * table, draw ks as it is.
 */
static bool print_kernel_segs(const struct drawing *d, const struct seg *ks)
{
	struct seg *segs;
	int i, n;

	segs = calloc(MAX_KSEGS, sizeof(*segs));
	if (!segs)
		return false;
	n = build_kernel_segs(d, ks, segs);
	for (i = 0; i < n; i++) {
		const struct seg *s = &segs[i];

		if (i == 0 && s->hidden)
			print_boundary_line(d, "(hidden)", NULL, NULL);
		else if (i == 0)
			print_boundary(d, s->hi, s->top, NULL, NULL);
		print_seg(d, s);
		if (i + 1 == n)
			break;
		if (s->hidden)
			print_boundary_line(d, "(hidden)", NULL, NULL);
		else
			print_boundary(d, s->lo, false, NULL, NULL);
	}
	free(segs);
	return n > 0;
}

static void print_kernel_intro(const struct drawing *d)
{
	char reason[512];

	if (!d->k)
		return;
	if (klayout_hidden(d->k))
		fprintf(d->f, "The kernel half shows the regions of the running kernel, but\n"
			"no addresses and not the unused holes between them:\n%s.\n\n",
			kaddr_hidden_reason(reason, sizeof(reason)));
	else
		fprintf(d->f, "The kernel half shows the regions of the running kernel\n"
			"(see `vmainspect kernel`), live addresses.\n\n");
}

void draw_address_space(FILE *f, pid_t pid, const struct vmainspect_layout *l,
			const struct vmi_vma_set *set,
			const struct vmi_klayout *k, int width)
{
	struct drawing *d;
	const struct seg *s, *next;
	int i;

	d = calloc(1, sizeof(*d));
	if (!d)
		return;
	/* A box wider than MAX_WIDTH reads no better, even with -w. */
	if (width > MAX_WIDTH)
		width = MAX_WIDTH;
	if (width < MIN_WIDTH)
		width = MIN_WIDTH;
	d->f = f;
	d->l = l;
	d->set = set;
	d->k = k;
	d->box = width - ADDR_COLS - 1 - MARK_COLS;
	d->text = d->box - 4;

	add_kernel_bands(d);
	add_user_bands(d);
	qsort(d->segs, d->nr, sizeof(d->segs[0]), seg_cmp);
	add_gaps(d);

	fprintf(f, "Address space of pid %d, from the top down.\n"
		"Not to scale: band heights mean nothing; addresses are exact,\n"
		"sizes too unless marked \"~\" (cut to a tenth).\n\n", pid);
	print_kernel_intro(d);
	for (i = 0; i < d->nr; i++) {
		s = &d->segs[i];
		next = i + 1 < d->nr ? &d->segs[i + 1] : NULL;
		if (!(s->kernel && d->k && print_kernel_segs(d, s))) {
			if (i == 0)
				print_boundary(d, s->hi, s->top, s->hi_mark,
					       NULL);
			print_seg(d, s);
		}
		if (next && next->hi == s->lo) {
			print_boundary(d, s->lo, false, s->lo_mark,
				       next->hi_mark);
		} else {
			/* Overlapping bands: each keeps its own lines. */
			print_boundary(d, s->lo, false, s->lo_mark, NULL);
			if (next)
				print_boundary(d, next->hi, next->top,
					       next->hi_mark, NULL);
		}
	}
	free(d);
}
