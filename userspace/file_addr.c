// SPDX-License-Identifier: GPL-2.0
/*
 * The file behind an address: offset, and section and symbol for an ELF
 * file.  The file is opened with the caller's own rights, never more:
 * /proc/PID/map_files/START-END (which needs CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE), else the path the VMA names, under
 * /proc/PID/root so that a chrooted or containerised target's file is the
 * one found.  The target may change what a path names at any time, so
 * nothing is opened by name for reading: the name is resolved once to an
 * O_PATH descriptor (whose open opens nothing: no device's open, no FIFO),
 * which must be a regular file with the VMA's (device, inode); only then
 * is that very inode reopened for reading, through /proc/self/fd/N, and
 * checked again.  The path is resolved by openat2() inside the target's
 * root: its absolute symbolic links and ".." stay in it, and no symbolic
 * link is followed at all (the kernel's name of a mapped file has none).
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "file_addr.h"
#include "format.h"
#include "json_out.h"

static const char changed[] =
	"the file changed since it was mapped (another inode at its path)";
static const char not_regular[] = "not a regular file";

/* Is st the VMA's file?  NULL, or why not. */
static const char *not_vma_file(const struct stat *st,
				const struct vmainspect_vma *v)
{
	if (S_ISLNK(st->st_mode))
		return "a symbolic link in the file's path (not followed)";
	if (!S_ISREG(st->st_mode))
		return not_regular;
	if (st->st_ino != v->inode || major(st->st_dev) != v->dev_major ||
	    minor(st->st_dev) != v->dev_minor)
		return changed;
	return NULL;
}

static const char *open_error(int err)
{
	return err == EACCES || err == EPERM ?
	       "the file cannot be opened by this user" :
	       "the file cannot be opened";
}

/*
 * pfd, an O_PATH descriptor (closed here): if it is the VMA's file, the
 * same inode opened for reading, else -1 and *why.
 */
static int reopen_verified(int pfd, const struct vmainspect_vma *v,
			   struct stat *st, const char **why)
{
	char self[64];
	int fd;

	if (fstat(pfd, st)) {
		*why = "the file cannot be found to verify it";
		close(pfd);
		return -1;
	}
	*why = not_vma_file(st, v);
	if (*why) {
		close(pfd);
		return -1;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	close(pfd);
	if (fd < 0) {
		*why = open_error(errno);
		return -1;
	}
	if (fstat(fd, st) || (*why = not_vma_file(st, v))) {
		if (!*why)
			*why = changed;
		close(fd);
		return -1;
	}
	*why = NULL;
	return fd;
}

/* /proc/PID/map_files/START-END, a link to the mapped file itself. */
static int open_map_files(pid_t pid, const struct vmainspect_vma *v,
			  struct stat *st, const char **why)
{
	char path[128];
	int pfd;

	snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", (int)pid,
		 (unsigned long long)v->start, (unsigned long long)v->end);
	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0) {
		*why = errno == ENOENT ? "the file cannot be found to verify it" :
		       open_error(errno);
		return -1;
	}
	return reopen_verified(pfd, v, st, why);
}

/*
 * The VMA's path as the kernel's d_path() gave it: " (deleted)" is not
 * taken off, an unlinked file being found by no name (only map_files
 * reaches it) and a file whose name ends so by its whole name.  false if
 * it has no usable one.
 */
static bool vma_path(const struct vmi_vma *vma, char *buf, size_t len)
{
	if (vma->v.kind != VMAINSPECT_KIND_FILE || !vma->name ||
	    vma->name[0] != '/' || strlen(vma->name) != vma->name_len)
		return false;
	return (size_t)snprintf(buf, len, "%s", vma->name) < len;
}

static bool deleted_name(const char *name)
{
	static const char suffix[] = " (deleted)";
	size_t len = strlen(name), slen = sizeof(suffix) - 1;

	return len > slen && !strcmp(name + len - slen, suffix);
}

/* The VMA's path inside the target's root, /proc/PID/root. */
static int open_in_root(pid_t pid, const struct vmi_vma *vma, struct stat *st,
			const char **why)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_SYMLINKS,
	};
	char root[64], name[4096];
	int rfd, pfd, err;

	if (!vma_path(vma, name, sizeof(name))) {
		*why = "the file has no path to open it by";
		return -1;
	}
	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0) {
		*why = open_error(errno);
		return -1;
	}
	pfd = syscall(SYS_openat2, rfd, name, &how, sizeof(how));
	err = errno;
	close(rfd);
	if (pfd >= 0)
		return reopen_verified(pfd, &vma->v, st, why);
	switch (err) {
	case ENOSYS:
		*why = "no openat2() in this kernel (before 5.6) to open the file's path safely";
		break;
	case ELOOP:
		*why = "a symbolic link in the file's path (not followed)";
		break;
	case ENOENT:
		*why = deleted_name(name) ?
		       "the file was deleted (only /proc/PID/map_files reaches it)" :
		       "the file cannot be found to verify it";
		break;
	default:
		*why = open_error(err);
	}
	return -1;
}

int file_addr_open(pid_t pid, const struct vmi_vma *vma, unsigned int routes,
		   struct stat *st, const char **why)
{
	int fd;

	*why = "the file cannot be opened";
	if (routes & FILE_ADDR_MAP_FILES) {
		fd = open_map_files(pid, &vma->v, st, why);
		/* not a regular file: so it is by any route */
		if (fd >= 0 || *why == not_regular)
			return fd;
	}
	if (routes & FILE_ADDR_ROOT_PATH)
		return open_in_root(pid, vma, st, why);
	return -1;
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
	fd = file_addr_open(pid, vma, FILE_ADDR_MAP_FILES | FILE_ADDR_ROOT_PATH,
			    &st, &fa->why);
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
