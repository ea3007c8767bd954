/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a file offset lies in an ELF file: its section, the ELF virtual
 * address the program headers give it, and the nearest symbol (as %pS).
 * Read with libelf from an open descriptor; a malformed or hostile file
 * gives "no symbol" and a reason, never more work than the limits below.
 * No dependency on the rest of the tool (tests/elf-fuzz links it alone
 * with file_addr.c).
 */
#ifndef VMAINSPECT_ELF_FILE_H
#define VMAINSPECT_ELF_FILE_H

#include <stdbool.h>
#include <stdint.h>

/* Limits against a hostile file. */
#define ELF_FILE_MAX_SIZE	(4ULL << 30)	/* bytes of the whole file */
#define ELF_FILE_MAX_TABLE	(64ULL << 20)	/* bytes of a symbol or string table */
#define ELF_FILE_MAX_READ	(256ULL << 20)	/* bytes of all tables one lookup reads */
#define ELF_FILE_MAX_SECTIONS	65536
#define ELF_FILE_MAX_PHDRS	4096
#define ELF_FILE_NAME_MAX	1024		/* longer names are not used */

struct elf_file_info {
	bool is_elf;
	bool have_section;
	unsigned long shndx;			/* its index, 0 if none */
	char section[ELF_FILE_NAME_MAX];	/* raw bytes, NUL-terminated */
	bool have_vaddr;
	uint64_t vaddr;				/* ELF virtual address of the offset */
	bool have_symbol;
	char symbol[ELF_FILE_NAME_MAX];
	uint64_t symbol_offset;			/* vaddr - the symbol's value */
	bool symbol_contains;			/* vaddr inside [value, value + size) */
	const char *symtab;			/* ".symtab" or ".dynsym" */
	const char *why;			/* when no symbol: why not, else NULL */
};

/*
 * Look offset up in the file open on fd (size bytes, from fstat).  Returns
 * 0 and fills *info (info->why says what is missing), -1 only when libelf
 * cannot be initialised.
 */
int elf_file_lookup(int fd, uint64_t size, uint64_t offset,
		    struct elf_file_info *info);

#endif /* VMAINSPECT_ELF_FILE_H */
