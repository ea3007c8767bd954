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

/* Big enough for "1023.9 KiB" and friends. */
#define FMT_SIZE_LEN	16

/* "r-xp": read, write, exec, then 's' for a shared mapping, else 'p'. */
void fmt_perms(__u64 uflags, char buf[5]);

/* "4 KiB", "103.9 KiB", "128 TiB", "512 B" (binary units). */
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

/* Size as ptdump prints it: the largest unit that divides it, "2M", "12K". */
const char *fmt_size_short(__u64 bytes, char buf[FMT_SIZE_LEN]);

/*
 * Size in the units of Documentation/arch/x86/x86_64/mm.rst (binary: 1 TB
 * is 2^40 bytes): "64 TB", "4 kB", or "~127.9 TB" (tenths cut, not rounded)
 * where the largest unit does not divide it; as the module's debugfs
 * kernel_layout prints it.
 */
const char *fmt_size_mm(__u64 bytes, char buf[FMT_SIZE_LEN]);

/* log2 of the page size of the running kernel. */
unsigned int page_shift(void);

#endif /* VMAINSPECT_FORMAT_H */
