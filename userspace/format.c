// SPDX-License-Identifier: GPL-2.0
/*
 * Formatting helpers: permissions, flag names, kinds, sizes, names, and the
 * names of the page-table values.
 */

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uapi/vmainspect.h>
#include <uapi/vmainspect_names.h>
#include <uapi/vmainspect_pt_names.h>
#include <uapi/vmainspect_rules.h>

#include "format.h"

void fmt_perms(__u64 uflags, char buf[5])
{
	vmainspect_vma_perms(uflags, buf);
}

bool wide_output;

int output_width(void)
{
	struct winsize ws;

	if (wide_output)
		return INT_MAX;
	/*
	 * $COLUMNS is not read: a shell sets it for its terminal, and text
	 * piped to a file or another program should not change with it.
	 */
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) &&
	    ws.ws_col > DEFAULT_WIDTH)
		return ws.ws_col;
	return DEFAULT_WIDTH;
}

/*
 * May a line break at the space text[i]?  Not inside a size: "4 KiB" is
 * one word to a reader.
 */
static bool breakable(const char *text, size_t i, size_t len)
{
	static const char * const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	size_t u, n;

	if (text[i] != ' ')
		return false;
	if (!i || text[i - 1] < '0' || text[i - 1] > '9')
		return true;
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		n = strlen(units[u]);
		if (i + 1 + n <= len && !strncmp(text + i + 1, units[u], n) &&
		    (i + 1 + n == len || !isalnum((unsigned char)text[i + 1 + n])))
			return false;
	}
	return true;
}

/* One line of len bytes (no '\n'), wrapped. */
static void fprint_wrapped_line(FILE *f, const char *text, size_t len,
				const char *cont)
{
	int indent = (int)strlen(cont);
	int width = output_width();
	size_t avail = (size_t)width, cut, n;

	while (len > avail) {
		/* The last space that leaves at most avail columns. */
		for (cut = avail; cut > 0 && !breakable(text, cut, len); cut--)
			;
		/* None (one long word): break after the word instead. */
		if (!cut) {
			for (cut = 0; cut < len && !breakable(text, cut, len);
			     cut++)
				;
			if (cut >= len)
				break;
		}
		/* Column padding before the break goes too. */
		n = cut;
		while (n > 0 && text[n - 1] == ' ')
			n--;
		while (cut < len && text[cut] == ' ')
			cut++;
		if (!n || cut >= len)
			break;
		fprintf(f, "%.*s\n%s", (int)n, text, cont);
		text += cut;
		len -= cut;
		avail = width - indent < 20 ? 20 : (size_t)(width - indent);
	}
	fprintf(f, "%.*s\n", (int)len, text);
}

void fprint_wrapped(FILE *f, const char *text, const char *cont)
{
	const char *nl;

	while (*text) {
		nl = strchr(text, '\n');
		if (!nl) {
			fprint_wrapped_line(f, text, strlen(text), cont);
			return;
		}
		fprint_wrapped_line(f, text, nl - text, cont);
		text = nl + 1;
	}
}

FILE *wrap_begin(struct wrap_buf *w, FILE *out)
{
	w->out = out;
	w->buf = NULL;
	w->len = 0;
	w->m = open_memstream(&w->buf, &w->len);
	return w->m ? w->m : out;
}

void wrap_end(struct wrap_buf *w, const char *cont)
{
	if (!w->m) {
		fputc('\n', w->out);
		return;
	}
	fclose(w->m);
	w->m = NULL;
	if (w->buf && *w->buf)
		fprint_wrapped(w->out, w->buf, cont);
	else
		fputc('\n', w->out);
	free(w->buf);
	w->buf = NULL;
}

const char *plural(unsigned long long n, const char *one, const char *many)
{
	return vmainspect_plural(n, one, many);
}

const char *fmt_size(__u64 bytes, char buf[FMT_SIZE_LEN])
{
	struct vmainspect_size_parts p;

	/* The same split as the module's debugfs text. */
	vmainspect_size_split(bytes, &p);
	if (p.exact)
		snprintf(buf, FMT_SIZE_LEN, VMAINSPECT_SIZE_EXACT_FMT,
			 (unsigned long long)p.whole, p.unit);
	else
		snprintf(buf, FMT_SIZE_LEN, VMAINSPECT_SIZE_CUT_FMT,
			 (unsigned long long)p.whole, p.tenths, p.unit);
	return buf;
}

const char *fmt_kind(__u32 kind)
{
	if (kind >= VMAINSPECT_KIND_MAX || !vmainspect_kind_names[kind])
		return "unknown";
	return vmainspect_kind_names[kind];
}

void for_each_flag_name(__u64 uflags, flag_name_fn fn, void *arg)
{
	char unknown[8];
	unsigned int bit;
	size_t i;

	for (bit = 0; bit < 64; bit++) {
		__u64 mask = 1ULL << bit;

		if (!(uflags & mask))
			continue;
		/* The table ends with a { 0, NULL, NULL } entry. */
		for (i = 0; vmainspect_vm_flag_names[i].name; i++) {
			if (vmainspect_vm_flag_names[i].bit == mask)
				break;
		}
		if (vmainspect_vm_flag_names[i].name) {
			fn(vmainspect_vm_flag_names[i].name,
			   vmainspect_vm_flag_names[i].smaps, arg);
		} else {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			fn(unknown, "", arg);
		}
	}
}

struct fprint_flags_ctx {
	FILE *f;
	const char *sep;
	bool first;
};

static void fprint_one_flag(const char *name, const char *smaps, void *arg)
{
	struct fprint_flags_ctx *ctx = arg;

	(void)smaps;
	fprintf(ctx->f, "%s%s", ctx->first ? "" : ctx->sep, name);
	ctx->first = false;
}

void fprint_flag_names(FILE *f, __u64 uflags, const char *sep)
{
	struct fprint_flags_ctx ctx = { .f = f, .sep = sep, .first = true };

	for_each_flag_name(uflags, fprint_one_flag, &ctx);
	if (ctx.first)
		fputc('-', f);
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none
 * starts there.  The second byte's range excludes overlong forms
 * (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF) and code points
 * above U+10FFFF (F4 90-BF, F5-FF), as RFC 3629's table does.
 */
size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void fprint_escaped(FILE *f, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < len) {
		l = utf8_seq_len(u + i, len - i);
		/* C0, DEL, C1 (U+0080-U+009F: 0xc2 0x80-0x9f), invalid bytes */
		if (!l || u[i] < 0x20 || u[i] == 0x7f ||
		    (l == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)) {
			fprintf(f, "\\x%02x", u[i]);
			i++;
			continue;
		}
		if (u[i] == '\\')
			fputc('\\', f);
		fwrite(u + i, 1, l, f);
		i += l;
	}
}

const char *fmt_escaped(const char *s, char *buf, size_t size)
{
	FILE *m = fmemopen(buf, size, "w");

	if (!m) {
		snprintf(buf, size, "?");
		return buf;
	}
	fprint_escaped(m, s, strlen(s));
	fclose(m);
	buf[size - 1] = '\0';
	return buf;
}

void fprint_maps_name(FILE *f, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (name[i] == '\n')
			fputs("\\012", f);
		else
			fputc(name[i], f);
	}
}

const char *fmt_pt_kind(__u32 kind)
{
	if (kind >= VMAINSPECT_PT_KIND_MAX || !vmainspect_pt_kind_names[kind])
		return "unknown";
	return vmainspect_pt_kind_names[kind];
}

const char *fmt_pt_level(__u32 level)
{
	if (level >= VMAINSPECT_LVL_NR || !vmainspect_pt_level_names[level])
		return "?";
	return vmainspect_pt_level_names[level];
}

bool pt_kind_has_pfn(__u32 kind)
{
	return vmainspect_pt_kind_has_frame(kind);
}

static void for_each_bit_name(const struct vmainspect_bit_name *table,
			      __u64 bits, bit_name_fn fn, void *arg)
{
	char unknown[8];
	unsigned int bit;
	size_t i;

	for (bit = 0; bit < 64; bit++) {
		__u64 mask = 1ULL << bit;

		if (!(bits & mask))
			continue;
		/* The tables end with a { 0, NULL } entry. */
		for (i = 0; table[i].name; i++) {
			if (table[i].bit == mask)
				break;
		}
		if (table[i].name) {
			fn(table[i].name, arg);
		} else {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			fn(unknown, arg);
		}
	}
}

void for_each_pte_bit_name(__u64 bits, bit_name_fn fn, void *arg)
{
	for_each_bit_name(vmainspect_pte_bit_names, bits, fn, arg);
}

void for_each_marker_name(__u64 bits, bit_name_fn fn, void *arg)
{
	for_each_bit_name(vmainspect_marker_names, bits, fn, arg);
}

struct fprint_bits_ctx {
	FILE *f;
	const char *sep;
};

static void fprint_one_bit(const char *name, void *arg)
{
	struct fprint_bits_ctx *ctx = arg;

	fprintf(ctx->f, "%s%s", ctx->sep, name);
}

void fprint_pte_bits(FILE *f, __u64 bits, const char *sep)
{
	struct fprint_bits_ctx ctx = { .f = f, .sep = sep };

	for_each_pte_bit_name(bits, fprint_one_bit, &ctx);
}

void fprint_marker_bits(FILE *f, __u64 bits, const char *sep)
{
	struct fprint_bits_ctx ctx = { .f = f, .sep = sep };

	for_each_marker_name(bits, fprint_one_bit, &ctx);
}

bool vma_has_file(const struct vmainspect_vma *v)
{
	/*
	 * Not the same as kind == FILE: anonymous shared memory has a shmem
	 * file too, named or not.
	 */
	return v->attrs & VMAINSPECT_ATTR_FILE;
}

__u64 vma_maps_offset(const struct vmainspect_vma *v)
{
	return vmainspect_vma_maps_offset(v, page_shift());
}

unsigned int page_shift(void)
{
	static unsigned int shift;
	long size;

	if (!shift) {
		size = sysconf(_SC_PAGESIZE);
		if (size <= 0)
			size = 4096;
		shift = __builtin_ctzl((unsigned long)size);
	}
	return shift;
}
