// SPDX-License-Identifier: GPL-2.0
/*
 * Section, ELF address and nearest symbol of a file offset, with libelf.
 *
 * The file may be anything a process mapped, so every size it states is
 * checked against the file's own size and the limits of elf_file.h before
 * libelf is asked to read it: libelf allocates what a section header
 * claims.  The descriptor is read with ELF_C_READ (pread), never mmap'ed:
 * a file truncated meanwhile must not raise SIGBUS.
 */

#include <stdint.h>
#include <string.h>

#include <gelf.h>
#include <libelf.h>

#include "elf_file.h"

/* Does [off, off + len) lie inside a file of size bytes? */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Copy a NUL-terminated name of at most ELF_FILE_NAME_MAX - 1 bytes. */
static bool copy_name(char *dst, const char *src)
{
	size_t len;

	if (!src)
		return false;
	len = strnlen(src, ELF_FILE_NAME_MAX);
	if (!len || len >= ELF_FILE_NAME_MAX)
		return false;
	memcpy(dst, src, len + 1);
	return true;
}

/* A section whose table libelf may read: inside the file and bounded. */
static bool table_ok(Elf_Scn *scn, GElf_Shdr *sh, uint64_t size)
{
	if (!scn || !gelf_getshdr(scn, sh))
		return false;
	return sh->sh_type != SHT_NOBITS && sh->sh_size <= ELF_FILE_MAX_TABLE &&
	       in_file(sh->sh_offset, sh->sh_size, size);
}

static void find_section(Elf *elf, size_t shnum, uint64_t size,
			 uint64_t offset, struct elf_file_info *info)
{
	size_t shstrndx, i;
	GElf_Shdr sh, strsh;
	Elf_Scn *scn;

	if (elf_getshdrstrndx(elf, &shstrndx) || shstrndx >= shnum ||
	    !table_ok(elf_getscn(elf, shstrndx), &strsh, size) ||
	    strsh.sh_type != SHT_STRTAB)
		return;
	for (i = 1; i < shnum; i++) {
		scn = elf_getscn(elf, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			continue;
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS ||
		    !in_file(sh.sh_offset, sh.sh_size, size) ||
		    offset < sh.sh_offset || offset - sh.sh_offset >= sh.sh_size)
			continue;
		info->shndx = i;
		info->have_section = copy_name(info->section,
					       elf_strptr(elf, shstrndx,
							  sh.sh_name));
		return;
	}
}

static void find_vaddr(Elf *elf, uint64_t offset, struct elf_file_info *info)
{
	size_t phnum, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &phnum) || phnum > ELF_FILE_MAX_PHDRS)
		return;
	for (i = 0; i < phnum; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (offset < ph.p_offset || offset - ph.p_offset >= ph.p_filesz)
			continue;
		info->vaddr = ph.p_vaddr + (offset - ph.p_offset);
		info->have_vaddr = true;
		return;
	}
}

/* Better: at a higher address; at the same one, a stronger binding. */
static int bind_rank(unsigned char bind)
{
	return bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
}

/* Of aliases (printf, _IO_printf), the one with fewest leading '_'. */
static size_t underscores(Elf *elf, size_t strndx, const GElf_Sym *s)
{
	const char *name = elf_strptr(elf, strndx, s->st_name);

	return name ? strspn(name, "_") : SIZE_MAX;
}

struct sym_pick {
	bool found, contains;
	GElf_Sym sym;
};

static void consider(struct sym_pick *p, const GElf_Sym *s, uint64_t vaddr,
		     Elf *elf, size_t strndx)
{
	bool contains = vaddr - s->st_value < s->st_size;

	/* a symbol holding the address beats one merely below it */
	if (p->found && p->contains && !contains)
		return;
	if (p->found && contains == p->contains) {
		if (s->st_value < p->sym.st_value)
			return;
		if (s->st_value == p->sym.st_value &&
		    bind_rank(GELF_ST_BIND(s->st_info)) <
		    bind_rank(GELF_ST_BIND(p->sym.st_info)))
			return;
		if (s->st_value == p->sym.st_value &&
		    bind_rank(GELF_ST_BIND(s->st_info)) ==
		    bind_rank(GELF_ST_BIND(p->sym.st_info)) &&
		    underscores(elf, strndx, s) >=
		    underscores(elf, strndx, &p->sym))
			return;
	}
	p->found = true;
	p->contains = contains;
	p->sym = *s;
}

/* The nearest FUNC/OBJECT symbol at or below vaddr in one symbol table. */
static bool find_symbol_in(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
			   size_t shnum, uint64_t size, uint64_t vaddr,
			   struct elf_file_info *info)
{
	struct sym_pick pick = { 0 };
	GElf_Shdr strsh;
	Elf_Data *data;
	size_t n, i;
	GElf_Sym s;
	int type;

	if (sh->sh_link >= shnum || sh->sh_link == 0 ||
	    !table_ok(elf_getscn(elf, sh->sh_link), &strsh, size) ||
	    strsh.sh_type != SHT_STRTAB)
		return false;
	if (sh->sh_entsize != gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT))
		return false;
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf)
		return false;
	n = data->d_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		if (!gelf_getsym(data, i, &s))
			break;
		type = GELF_ST_TYPE(s.st_info);
		if (type != STT_FUNC && type != STT_OBJECT &&
		    type != STT_GNU_IFUNC)
			continue;
		if (s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS ||
		    s.st_value > vaddr || !s.st_name)
			continue;
		/* nearest below, but not across a section boundary */
		if (vaddr - s.st_value >= s.st_size &&
		    (!info->shndx || s.st_shndx != info->shndx))
			continue;
		consider(&pick, &s, vaddr, elf, sh->sh_link);
	}
	if (!pick.found)
		return false;
	if (!copy_name(info->symbol,
		       elf_strptr(elf, sh->sh_link, pick.sym.st_name)))
		return false;
	info->have_symbol = true;
	info->symbol_offset = vaddr - pick.sym.st_value;
	info->symbol_contains = pick.contains;
	return true;
}

static void find_symbol(Elf *elf, size_t shnum, uint64_t size,
			struct elf_file_info *info)
{
	static const struct { Elf64_Word type; const char *name; } tabs[] = {
		{ SHT_SYMTAB, ".symtab" }, { SHT_DYNSYM, ".dynsym" },
	};
	bool seen = false, too_big = false;
	unsigned int t;
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t i;

	for (t = 0; t < 2; t++) {
		for (i = 1; i < shnum; i++) {
			scn = elf_getscn(elf, i);
			if (!scn || !gelf_getshdr(scn, &sh) ||
			    sh.sh_type != tabs[t].type)
				continue;
			seen = true;
			if (!table_ok(scn, &sh, size)) {
				too_big |= sh.sh_size > ELF_FILE_MAX_TABLE;
				continue;
			}
			if (find_symbol_in(elf, scn, &sh, shnum, size,
					   info->vaddr, info)) {
				info->symtab = tabs[t].name;
				return;
			}
		}
	}
	info->why = too_big ? "symbol table too large to read" :
		    seen ? "no function or data symbol at or below it" :
		    "no symbol table in the file";
}

int elf_file_lookup(int fd, uint64_t size, uint64_t offset,
		    struct elf_file_info *info)
{
	size_t shnum = 0;
	Elf *elf;

	memset(info, 0, sizeof(*info));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	if (size > ELF_FILE_MAX_SIZE) {
		info->why = "file too large to read its symbols";
		return 0;
	}
	if (offset >= size) {
		info->why = "offset beyond the end of the file";
		return 0;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		info->why = "not an ELF file";
		goto out;
	}
	info->is_elf = true;
	if (elf_getshdrnum(elf, &shnum) || shnum > ELF_FILE_MAX_SECTIONS)
		shnum = 0;
	find_section(elf, shnum, size, offset, info);
	find_vaddr(elf, offset, info);
	if (!info->have_vaddr)
		info->why = "the offset is in no PT_LOAD segment";
	else if (!shnum)
		info->why = "no section headers";
	else
		find_symbol(elf, shnum, size, info);
out:
	if (elf)
		elf_end(elf);
	return 0;
}
