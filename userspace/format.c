// SPDX-License-Identifier: GPL-2.0
/*
 * Formatting helpers: permissions, flag names, kinds, sizes, names, and the
 * names of the page-table values.
 */

#include <stdio.h>
#include <string.h>
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

const char *fmt_size(__u64 bytes, char buf[FMT_SIZE_LEN])
{
	static const char * const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;
	double v;

	if (bytes < 1024) {
		snprintf(buf, FMT_SIZE_LEN, "%llu B", (unsigned long long)bytes);
		return buf;
	}

	v = (double)bytes / 1024;
	/* Move up while the value would print as 1024.0 or more. */
	while (v >= 1023.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}

	/* Whole multiples without a decimal: "4 KiB", "128 TiB". */
	if (!(bytes & ((1ULL << (10 * (u + 1))) - 1)))
		snprintf(buf, FMT_SIZE_LEN, "%.0f %s", v, units[u]);
	else
		snprintf(buf, FMT_SIZE_LEN, "%.1f %s", v, units[u]);
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

const char *fmt_size_short(__u64 bytes, char buf[FMT_SIZE_LEN])
{
	static const char units[] = "BKMGTPE";
	const char *unit = units;

	/* As note_page() in mm/ptdump.c: divide while it stays whole. */
	while (bytes && !(bytes & 1023) && unit[1]) {
		bytes >>= 10;
		unit++;
	}
	snprintf(buf, FMT_SIZE_LEN, "%llu%c", (unsigned long long)bytes, *unit);
	return buf;
}

const char *fmt_size_mm(__u64 bytes, char buf[FMT_SIZE_LEN])
{
	static const char * const units[] = {
		"B", "kB", "MB", "GB", "TB", "PB", "EB",
	};
	unsigned int u = 0;
	unsigned int tenths;

	while (u + 1 < sizeof(units) / sizeof(units[0]) &&
	       bytes >> (10 * (u + 1)))
		u++;
	if (!u || !(bytes & ((1ULL << (10 * u)) - 1))) {
		snprintf(buf, FMT_SIZE_LEN, "%llu %s",
			 (unsigned long long)(bytes >> (10 * u)), units[u]);
		return buf;
	}
	/* bytes < 1024 units: fewer than 10240 tenths */
	tenths = (unsigned int)(((bytes >> (10 * (u - 1))) * 10) >> 10);
	snprintf(buf, FMT_SIZE_LEN, "~%u.%u %s", tenths / 10 % 10000,
		 tenths % 10, units[u]);
	return buf;
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
