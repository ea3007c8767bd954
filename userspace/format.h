/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formatting helpers: permissions, flag names, kinds, sizes, names, and the
 * names of the page-table values.
 */
#ifndef VMAINSPECT_FORMAT_H
#define VMAINSPECT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <uapi/vmainspect.h>

/* Big enough for "~1023.9 KiB" and friends. */
#define FMT_SIZE_LEN	32

/* Text views fit this many columns unless -w or a wider terminal says more. */
#define DEFAULT_WIDTH	80

/* -w/--wide: no width limit for text views. */
extern bool wide_output;

/*
 * Columns text output may use: unlimited (INT_MAX) with -w; else the
 * terminal width of stdout when it is a terminal wider than 80; else 80.
 */
int output_width(void);

/*
 * Print text within output_width() columns, line by line: a longer line
 * is broken at spaces, each further piece on a line of its own after the
 * prefix cont ("      ", or "#     " for a comment line).  A word longer
 * than a line is not cut.  Every line printed ends with '\n' (a last
 * '\n' in text is optional).
 */
void fprint_wrapped(FILE *f, const char *text, const char *cont);

/*
 * A line built with several printf calls, then printed wrapped:
 * FILE *m = wrap_begin(&w, stdout); fprintf(m, ...); wrap_end(&w, "    ");
 * Where memory runs out, the text goes to the output unwrapped.
 */
struct wrap_buf {
	FILE *m;
	FILE *out;
	char *buf;
	size_t len;
};
FILE *wrap_begin(struct wrap_buf *w, FILE *out);
void wrap_end(struct wrap_buf *w, const char *cont);

/* one if n == 1, else many: "1 run", "2 runs", "0 runs". */
const char *plural(unsigned long long n, const char *one, const char *many);

/* "r-xp": read, write, exec, then 's' for a shared mapping, else 'p'. */
void fmt_perms(__u64 uflags, char buf[5]);

/*
 * The one size format of every text view: IEC binary units with a space,
 * the largest unit the size reaches ("512 B", "4 KiB", "2 MiB", "128 TiB").
 * Exact where the unit divides the size; otherwise "~" and the tenths,
 * cut, not rounded ("~103.9 KiB", "~127.9 TiB"): never more than the size.
 */
const char *fmt_size(__u64 bytes, char buf[FMT_SIZE_LEN]);

/* Name of an enum vmainspect_vma_kind value, "unknown" if out of range. */
const char *fmt_kind(__u32 kind);

/*
 * Call fn once per set VMAINSPECT_VM_* bit in uflags, in bit order, with its
 * long name and smaps mnemonic ("" when smaps prints none).  A bit the names
 * table does not know is reported as "bitN" with no mnemonic.
 */
typedef void (*flag_name_fn)(const char *name, const char *smaps, void *arg);
void for_each_flag_name(__u64 uflags, flag_name_fn fn, void *arg);

/* Print uflags as long names joined by sep, "-" when none is set. */
void fprint_flag_names(FILE *f, __u64 uflags, const char *sep);

/*
 * Print a VMA name as /proc/PID/maps does: the bytes as they are, except
 * '\n', which maps escapes as "\012".
 */
void fprint_maps_name(FILE *f, const char *name, size_t len);

/*
 * The length of the valid UTF-8 sequence at s (RFC 3629: no overlong
 * form, no surrogate, nothing above U+10FFFF), 0 if none starts there.
 */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/*
 * A name a process or a user chose (a comm, a path) for a terminal:
 * valid UTF-8 as is, but every control character (C0, DEL, C1) and every
 * byte that is not valid UTF-8 as \xNN, and '\' as "\\", so that no
 * escape sequence reaches the terminal and the bytes can be told apart.
 */
void fprint_escaped(FILE *f, const char *s, size_t len);
/* fprint_escaped() of a string into buf (cut to size); buf. */
const char *fmt_escaped(const char *s, char *buf, size_t size);

/* True if /proc/PID/maps would show this VMA as backed by a file. */
bool vma_has_file(const struct vmainspect_vma *v);

/* The /proc/PID/maps offset column: vm_pgoff in bytes for files, else 0. */
__u64 vma_maps_offset(const struct vmainspect_vma *v);

/* Name of an enum vmainspect_pt_kind value, "unknown" if out of range. */
const char *fmt_pt_kind(__u32 kind);

/* Name of an enum vmainspect_pt_level value ("PGD"...), "?" if out of range. */
const char *fmt_pt_level(__u32 level);

/*
 * Call fn once per set bit, in bit order, with its name: VMAINSPECT_PTE_*
 * bits, or VMAINSPECT_MARKER_* bits.  Bits the tables do not know are
 * reported as "bitN".
 */
typedef void (*bit_name_fn)(const char *name, void *arg);
void for_each_pte_bit_name(__u64 bits, bit_name_fn fn, void *arg);
void for_each_marker_name(__u64 bits, bit_name_fn fn, void *arg);

/* Print the names, each preceded by sep; nothing when no bit is set. */
void fprint_pte_bits(FILE *f, __u64 bits, const char *sep);
void fprint_marker_bits(FILE *f, __u64 bits, const char *sep);

/* Kinds whose entries carry a frame number: page, migration, device... */
bool pt_kind_has_pfn(__u32 kind);

/* log2 of the page size of the running kernel. */
unsigned int page_shift(void);

#endif /* VMAINSPECT_FORMAT_H */
