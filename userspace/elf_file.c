// SPDX-License-Identifier: GPL-2.0
/*
 * Section, ELF address and nearest symbol of a file offset, with libelf.
 *
 * The file may be anything a process mapped, so every size it states is
 * checked against the file's own size and the limits of elf_file.h before
 * libelf is asked to read it: libelf allocates what a section header
 * claims, and keeps it until elf_end(), so one lookup reads at most the
 * first .symtab and the first .dynsym, their string tables and the section
 * names, ELF_FILE_MAX_READ bytes in all.  Names are read from string
 * tables that end in a NUL, never with elf_strptr() (see get_strtab()).
 * The descriptor is read with ELF_C_READ (pread), never mmap'ed: a file
 * truncated meanwhile must not raise SIGBUS.
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

/*
 * One lookup's file and what it has read: libelf keeps every section's
 * data until elf_end(), so the tables read are counted against
 * ELF_FILE_MAX_READ (a section read twice is libelf's cached copy).
 */
struct reader {
	Elf *elf;
	size_t shnum;
	uint64_t size;			/* of the file */
	uint64_t read;			/* bytes of tables read */
	size_t loaded[8];		/* their section indices */
	unsigned int nloaded;
};

/* A section whose table libelf may read: inside the file and bounded. */
static bool table_ok(Elf_Scn *scn, GElf_Shdr *sh, uint64_t size)
{
	if (!scn || !gelf_getshdr(scn, sh))
		return false;
	return sh->sh_type != SHT_NOBITS && sh->sh_size <= ELF_FILE_MAX_TABLE &&
	       in_file(sh->sh_offset, sh->sh_size, size);
}

/* The data of section ndx (checked by table_ok()), within the budget. */
static Elf_Data *read_table(struct reader *r, size_t ndx, Elf_Scn *scn,
			    const GElf_Shdr *sh, const char **why)
{
	static const unsigned char host_data =
		__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
		ELFDATA2LSB : ELFDATA2MSB;
	const char *ident = elf_getident(r->elf, NULL);
	uint64_t cost = sh->sh_size;
	Elf_Data *data;
	unsigned int i;

	for (i = 0; i < r->nloaded; i++)
		if (r->loaded[i] == ndx)
			break;
	if (i == r->nloaded) {
		/* a symbol table of the other byte order: raw and converted */
		if (sh->sh_type != SHT_STRTAB &&
		    (!ident || (unsigned char)ident[EI_DATA] != host_data))
			cost *= 2;
		if (r->nloaded == sizeof(r->loaded) / sizeof(r->loaded[0]) ||
		    cost > ELF_FILE_MAX_READ - r->read) {
			*why = "the symbol tables are too large to read together";
			return NULL;
		}
		r->loaded[r->nloaded++] = ndx;
		r->read += cost;
	}
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf || !data->d_size) {
		*why = "a symbol or string table cannot be read";
		return NULL;
	}
	return data;
}

/*
 * A string table, read once: its last byte must be NUL, so that every
 * name in it ends inside it and costs its own length to read (libelf's
 * elf_strptr() searches the whole table for a NUL on each call when it
 * does not end in one).
 */
struct strtab {
	const char *buf;
	size_t size;
};

static const char *get_strtab(struct reader *r, size_t ndx, struct strtab *st)
{
	GElf_Shdr sh = { 0 };
	const char *why = NULL;
	Elf_Data *data;
	Elf_Scn *scn;

	if (!ndx || ndx >= r->shnum)
		return "no string table for the symbols";
	scn = elf_getscn(r->elf, ndx);
	if (!table_ok(scn, &sh, r->size) || sh.sh_type != SHT_STRTAB)
		return sh.sh_size > ELF_FILE_MAX_TABLE ?
		       "string table too large to read" :
		       "the string table is malformed";
	data = read_table(r, ndx, scn, &sh, &why);
	if (!data)
		return why;
	if (((const char *)data->d_buf)[data->d_size - 1])
		return "the string table does not end in a NUL byte";
	st->buf = data->d_buf;
	st->size = data->d_size;
	return NULL;
}

/* The name at off, NUL-terminated inside the table, or NULL. */
static const char *str_at(const struct strtab *st, uint64_t off)
{
	return off < st->size ? st->buf + off : NULL;
}

static void find_section(struct reader *r, uint64_t offset,
			 struct elf_file_info *info)
{
	struct strtab names;
	size_t shstrndx, i;
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (elf_getshdrstrndx(r->elf, &shstrndx) ||
	    get_strtab(r, shstrndx, &names))
		return;
	for (i = 1; i < r->shnum; i++) {
		scn = elf_getscn(r->elf, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			continue;
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS ||
		    !in_file(sh.sh_offset, sh.sh_size, r->size) ||
		    offset < sh.sh_offset || offset - sh.sh_offset >= sh.sh_size)
			continue;
		info->shndx = i;
		info->have_section = copy_name(info->section,
					       str_at(&names, sh.sh_name));
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

/*
 * Of aliases (printf, _IO_printf), the one with fewest leading '_',
 * counted up to UNDERSCORES_MAX: a bounded cost per symbol whatever the
 * names (st_name is inside the table, which ends in a NUL).
 */
#define UNDERSCORES_MAX 32

static unsigned int underscores(const struct strtab *st, const GElf_Sym *s)
{
	const char *name = st->buf + s->st_name;
	unsigned int n = 0;

	while (n < UNDERSCORES_MAX && name[n] == '_')
		n++;
	return n;
}

struct sym_pick {
	bool found, contains;
	bool have_under;		/* under counted */
	unsigned int under;
	GElf_Sym sym;
};

static void consider(struct sym_pick *p, const GElf_Sym *s, uint64_t vaddr,
		     const struct strtab *st)
{
	bool contains = vaddr - s->st_value < s->st_size;
	bool have_under = false;
	unsigned int under = 0;

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
		    bind_rank(GELF_ST_BIND(p->sym.st_info))) {
			if (!p->have_under) {
				p->under = underscores(st, &p->sym);
				p->have_under = true;
			}
			under = underscores(st, s);
			have_under = true;
			if (under >= p->under)
				return;
		}
	}
	p->found = true;
	p->contains = contains;
	p->have_under = have_under;
	p->under = under;
	p->sym = *s;
}

static const char no_symbol[] = "no function or data symbol at or below it";

/*
 * The nearest FUNC/OBJECT symbol at or below vaddr in one symbol table
 * (section ndx): NULL, or why none.
 */
static const char *find_symbol_in(struct reader *r, size_t ndx, Elf_Scn *scn,
				  const GElf_Shdr *sh, uint64_t vaddr,
				  struct elf_file_info *info)
{
	struct sym_pick pick = { 0 };
	const char *why = NULL;
	struct strtab names;
	Elf_Data *data;
	size_t n, i;
	GElf_Sym s;
	int type;

	if (sh->sh_size > ELF_FILE_MAX_TABLE)
		return "symbol table too large to read";
	if (!in_file(sh->sh_offset, sh->sh_size, r->size) ||
	    sh->sh_entsize != gelf_fsize(r->elf, ELF_T_SYM, 1, EV_CURRENT))
		return "the symbol table is malformed";
	why = get_strtab(r, sh->sh_link, &names);
	if (why)
		return why;
	data = read_table(r, ndx, scn, sh, &why);
	if (!data)
		return why;
	n = data->d_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		if (!gelf_getsym(data, i, &s))
			break;
		type = GELF_ST_TYPE(s.st_info);
		if (type != STT_FUNC && type != STT_OBJECT &&
		    type != STT_GNU_IFUNC)
			continue;
		if (s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS ||
		    s.st_value > vaddr || !s.st_name || s.st_name >= names.size)
			continue;
		/* nearest below, but not across a section boundary */
		if (vaddr - s.st_value >= s.st_size &&
		    (!info->shndx || s.st_shndx != info->shndx))
			continue;
		consider(&pick, &s, vaddr, &names);
	}
	if (!pick.found)
		return no_symbol;
	if (!copy_name(info->symbol, str_at(&names, pick.sym.st_name)))
		return "the symbol's name is too long";
	info->have_symbol = true;
	info->symbol_offset = vaddr - pick.sym.st_value;
	info->symbol_contains = pick.contains;
	return NULL;
}

/*
 * The first SHT_SYMTAB, else the first SHT_DYNSYM (the gABI allows one of
 * each): never every header of a file that repeats them over one table.
 */
static void find_symbol(struct reader *r, struct elf_file_info *info)
{
	static const struct { Elf64_Word type; const char *name; } tabs[] = {
		{ SHT_SYMTAB, ".symtab" }, { SHT_DYNSYM, ".dynsym" },
	};
	const char *why = NULL, *w;
	unsigned int t;
	GElf_Shdr sh;
	Elf_Scn *scn = NULL;
	size_t i;

	for (t = 0; t < 2; t++) {
		for (i = 1; i < r->shnum; i++) {
			scn = elf_getscn(r->elf, i);
			if (scn && gelf_getshdr(scn, &sh) &&
			    sh.sh_type == tabs[t].type)
				break;
		}
		if (i == r->shnum)
			continue;
		w = find_symbol_in(r, i, scn, &sh, info->vaddr, info);
		if (!w) {
			info->symtab = tabs[t].name;
			return;
		}
		/* a table's trouble says more than the other's no symbol */
		if (!why || why == no_symbol)
			why = w;
	}
	info->why = why ? why : "no symbol table in the file";
}

int elf_file_lookup(int fd, uint64_t size, uint64_t offset,
		    struct elf_file_info *info)
{
	struct reader r = { .size = size };
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
	r.elf = elf;
	if (elf_getshdrnum(elf, &r.shnum) || r.shnum > ELF_FILE_MAX_SECTIONS)
		r.shnum = 0;
	find_section(&r, offset, info);
	find_vaddr(elf, offset, info);
	if (!info->have_vaddr)
		info->why = "the offset is in no PT_LOAD segment";
	else if (!r.shnum)
		info->why = "no section headers";
	else
		find_symbol(&r, info);
out:
	if (elf)
		elf_end(elf);
	return 0;
}
