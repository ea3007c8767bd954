/* SPDX-License-Identifier: GPL-2.0 */
/* Formatting helpers: permissions, flag names, kinds, sizes, names. */
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

/* log2 of the page size of the running kernel. */
unsigned int page_shift(void);

#endif /* VMAINSPECT_FORMAT_H */
