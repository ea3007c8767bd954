/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An address of a file VMA as a place in the file: its offset and, for an
 * ELF file, section, ELF address and nearest symbol (find and pt).
 */
#ifndef VMAINSPECT_FILE_ADDR_H
#define VMAINSPECT_FILE_ADDR_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <json.h>

#include "client.h"
#include "elf_file.h"

struct file_addr {
	bool file;		/* addr lies in a VMA with a file */
	__u64 offset;		/* vm_pgoff * page size + (addr - vm_start) */
	bool verified;		/* the file was opened and is the VMA's */
	const char *why;	/* no ELF data: why (static), else NULL */
	struct elf_file_info elf;
};

/*
 * Fill *fa for addr of pid, inside vma (NULL: no VMA holds it).  The file
 * is opened as the caller, through /proc/PID/map_files, else
 * /proc/PID/root + path, and must have the VMA's device and inode.
 */
void file_addr_lookup(pid_t pid, const struct vmi_vma *vma, __u64 addr,
		      struct file_addr *fa);

/* Routes of file_addr_open(). */
#define FILE_ADDR_MAP_FILES	1	/* /proc/PID/map_files/START-END */
#define FILE_ADDR_ROOT_PATH	2	/* the VMA's path in /proc/PID/root */

/*
 * Open vma's file (vma of pid) for reading by the routes given, in that
 * order: only a regular file with the VMA's device and inode is opened
 * (known first from an O_PATH descriptor), so no device node or FIFO is
 * ever opened and no symbolic link followed.  The descriptor, and *st of
 * it; else -1 and *why (static).  file_addr_lookup() uses both routes.
 */
int file_addr_open(pid_t pid, const struct vmi_vma *vma, unsigned int routes,
		   struct stat *st, const char **why);

/* One or two lines (indented by indent) after the VMA or the walk. */
void file_addr_print_text(const struct file_addr *fa, const char *indent);

/* "file": null, or {"offset", "verified", "elf_addr", "section", "symbol",
 * "symbol_offset", "no_symbol_reason"}. */
void file_addr_json_add(json_object *obj, const struct file_addr *fa);

#endif /* VMAINSPECT_FILE_ADDR_H */
