// SPDX-License-Identifier: GPL-2.0
/*
 * The file behind an address: offset, and section and symbol for an ELF
 * file.  The file is opened with the caller's own rights, never more:
 * /proc/PID/map_files/START-END (which needs CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE), else the path the VMA names, under
 * /proc/PID/root so that a chrooted or containerised target's file is the
 * one found.  A path may since name another file, so (device, inode) must
 * equal the VMA's, checked by stat() before the open (no open of a device
 * node, whose open may do something) and by fstat() after it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "file_addr.h"
#include "format.h"
#include "json_out.h"

static bool same_file(const struct stat *st, const struct vmainspect_vma *v)
{
	return S_ISREG(st->st_mode) && st->st_ino == v->inode &&
	       major(st->st_dev) == v->dev_major &&
	       minor(st->st_dev) == v->dev_minor;
}

/* Open path if it is the VMA's file; -1 and *why if it is not or fails. */
static int open_checked(const char *path, const struct vmainspect_vma *v,
			struct stat *st, const char **why)
{
	int fd;

	if (stat(path, st)) {
		*why = errno == EACCES || errno == EPERM ?
		       "the file cannot be opened by this user" :
		       "the file cannot be found to verify it";
		return -1;
	}
	if (!same_file(st, v)) {
		*why = "the file changed since it was mapped (another inode at its path)";
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*why = errno == EACCES || errno == EPERM ?
		       "the file cannot be opened by this user" :
		       "the file cannot be opened";
		return -1;
	}
	if (fstat(fd, st) || !same_file(st, v)) {
		*why = "the file changed since it was mapped (another inode at its path)";
		close(fd);
		return -1;
	}
	return fd;
}

/* The VMA's path without " (deleted)": NULL if it has no usable one. */
static bool vma_path(const struct vmi_vma *vma, char *buf, size_t len)
{
	if (vma->v.kind != VMAINSPECT_KIND_FILE || !vma->name ||
	    vma->name[0] != '/' || strlen(vma->name) != vma->name_len)
		return false;
	return (size_t)snprintf(buf, len, "%s", vma->name) < len;
}

static int open_vma_file(pid_t pid, const struct vmi_vma *vma,
			 struct stat *st, const char **why)
{
	const struct vmainspect_vma *v = &vma->v;
	char path[4096 + 64], name[4096];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", (int)pid,
		 (unsigned long long)v->start, (unsigned long long)v->end);
	fd = open_checked(path, v, st, why);
	if (fd >= 0)
		return fd;
	if (!vma_path(vma, name, sizeof(name))) {
		*why = "the file has no path to open it by";
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/root%s", (int)pid, name);
	return open_checked(path, v, st, why);
}

void file_addr_lookup(pid_t pid, const struct vmi_vma *vma, __u64 addr,
		      struct file_addr *fa)
{
	const struct vmainspect_vma *v = vma ? &vma->v : NULL;
	struct stat st;
	int fd;

	memset(fa, 0, sizeof(*fa));
	if (!v || !(v->attrs & VMAINSPECT_ATTR_FILE) || addr < v->start ||
	    addr >= v->end)
		return;
	fa->file = true;
	fa->offset = (v->pgoff << page_shift()) + (addr - v->start);
	fd = open_vma_file(pid, vma, &st, &fa->why);
	if (fd < 0)
		return;
	fa->verified = true;
	if (elf_file_lookup(fd, st.st_size, fa->offset, &fa->elf))
		fa->why = "libelf cannot be initialised";
	else
		fa->why = fa->elf.why;
	close(fd);
}

/* A name from the file, printable: other bytes as \xNN. */
static void print_name(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s >= 0x20 && *s < 0x7f && *s != '\\')
			fputc(*s, f);
		else
			fprintf(f, "\\x%02x", (unsigned char)*s);
	}
}

void file_addr_print_text(const struct file_addr *fa, const char *indent)
{
	const struct elf_file_info *e = &fa->elf;
	struct wrap_buf w;
	char cont[32];
	FILE *m;

	if (!fa->file)
		return;
	/* each line within the width: a long name goes on the next line */
	snprintf(cont, sizeof(cont), "%s  ", indent);
	m = wrap_begin(&w, stdout);
	fprintf(m, "%sfile offset 0x%llx", indent, (unsigned long long)fa->offset);
	if (e->have_vaddr)
		fprintf(m, ", ELF address 0x%llx", (unsigned long long)e->vaddr);
	if (e->have_section) {
		fprintf(m, ", section ");
		print_name(m, e->section);
	}
	wrap_end(&w, cont);
	if (e->have_symbol) {
		m = wrap_begin(&w, stdout);
		fprintf(m, "%ssymbol ", indent);
		print_name(m, e->symbol);
		fprintf(m, "+0x%llx (%s%s)", (unsigned long long)e->symbol_offset,
			e->symtab, e->symbol_contains ? "" : ", nearest below");
		wrap_end(&w, cont);
	} else if (fa->why) {
		m = wrap_begin(&w, stdout);
		fprintf(m, "%sno symbol: %s", indent, fa->why);
		wrap_end(&w, cont);
	}
}

void file_addr_json_add(json_object *obj, const struct file_addr *fa)
{
	const struct elf_file_info *e = &fa->elf;
	json_object *f;

	if (!fa->file) {
		json_object_object_add(obj, "file", NULL);
		return;
	}
	f = json_object_new_object();
	if (!f) {
		json_object_object_add(obj, "file", NULL);
		return;
	}
	json_add_hex(f, "offset", fa->offset);
	json_add_bool(f, "verified", fa->verified);
	json_add_bool(f, "elf", e->is_elf);
	json_add_hex_or_null(f, "elf_addr", e->have_vaddr, e->vaddr);
	json_add_name(f, "section", e->have_section ? e->section : NULL,
		      strlen(e->section));
	json_add_name(f, "symbol", e->have_symbol ? e->symbol : NULL,
		      strlen(e->symbol));
	json_add_hex_or_null(f, "symbol_offset", e->have_symbol,
			     e->symbol_offset);
	json_object_object_add(f, "symbol_table", e->have_symbol ?
			       json_object_new_string(e->symtab) : NULL);
	json_object_object_add(f, "no_symbol_reason", !e->have_symbol && fa->why ?
			       json_object_new_string(fa->why) : NULL);
	json_object_object_add(obj, "file", f);
}
