// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-elfsym: `vmainspect --json find` and `pt` on file-backed addresses
 * of this process: the "file" member (offset, section, symbol) against
 * independent oracles:
 *  - the file offset: the offset field of /proc/self/maps + (addr - start);
 *  - the symbol: the dynamic linker's dladdr1() (dli_sname, dli_saddr; an
 *    alias dlsym() gives the same address is the same symbol), so this
 *    program is linked with -rdynamic to put its own symbols in .dynsym;
 *  - the section: known from what the object is (a function is in .text,
 *    an initialised global in .data, a const one in .rodata);
 *  - a non-ELF file mapped at a page offset: offset only, "elf" false;
 *    anonymous memory: "file" null.
 * Run as root (map_files) and as uid 1000 (the /proc/PID/root path).
 *
 *   vmi-elfsym [TOOL]        (TOOL: default vmainspect on PATH)
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <json.h>

#include "vmi-report.h"

/* The objects looked up: exported (-rdynamic), so dladdr names them. */
__attribute__((noinline)) int vmi_elfsym_func_a(int x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) int vmi_elfsym_func_b(int x)
{
	return x * 5 + vmi_elfsym_func_a(x);
}

int vmi_elfsym_data[256] = { 1, 2, 3 };
const int vmi_elfsym_rodata[256] = { 4, 5, 6 };

static const char *tool = "vmainspect";

/* The maps line holding addr: start, offset and path. */
static int maps_of(uintptr_t addr, uintptr_t *start, uint64_t *off,
		   char *path, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	uintptr_t s, e;
	uint64_t o;
	int n;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n = 0;
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %*s %" SCNx64 " %*s %*s %n",
			   &s, &e, &o, &n) < 3 || addr < s || addr >= e)
			continue;
		*start = s;
		*off = o;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, len, "%s", n ? line + n : "");
		fclose(f);
		return 0;
	}
	fclose(f);
	return -1;
}

/* `TOOL --json CMD PID ADDR` parsed, or NULL. */
static json_object *run_tool(const char *cmd, uintptr_t addr)
{
	char argv[512], *buf = NULL;
	size_t cap = 0, len = 0, n;
	json_object *j;
	FILE *p;

	snprintf(argv, sizeof(argv), "%s --json %s %d 0x%" PRIxPTR " 2>&1", tool,
		 cmd, (int)getpid(), addr);
	p = popen(argv, "r");
	if (!p)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = cap * 2 + 8192;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
		n = fread(buf + len, 1, 4096, p);
		len += n;
	} while (n);
	pclose(p);
	buf[len] = '\0';
	j = json_tokener_parse(buf);
	if (!j)
		info("%s: not JSON: %.300s", argv, buf);
	free(buf);
	return j;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool jhex(json_object *o, const char *key, uint64_t *val)
{
	const char *s = jstr(o, key);
	char *end;

	if (!s || strncmp(s, "0x", 2))
		return false;
	*val = strtoull(s, &end, 16);
	return !*end;
}

/* "file" of a find or pt document; *present: the key is there at all. */
static json_object *jfile(json_object *doc, bool *present)
{
	json_object *f = NULL;

	*present = doc && json_object_object_get_ex(doc, "file", &f);
	return f;
}

/* One address of an ELF file: offset, section, symbol, both commands. */
static void check_elf_addr(const char *what, const void *ptr,
			   const char *section)
{
	uintptr_t addr = (uintptr_t)ptr, start;
	static const char *const cmds[] = { "find", "pt" };
	const char *sym, *sec;
	const ElfW(Sym) *es;
	char path[4096];
	uint64_t moff, v;
	unsigned int c;
	Dl_info dl;
	bool has;

	if (!dladdr1(ptr, &dl, (void **)&es, RTLD_DL_SYMENT) || !dl.dli_sname ||
	    maps_of(addr, &start, &moff, path, sizeof(path))) {
		fail("%s: no dladdr1 symbol or maps line for 0x%" PRIxPTR " (test setup)",
		     what, addr);
		return;
	}
	info("%s at 0x%" PRIxPTR ": dladdr %s+0x%" PRIxPTR " in %s, maps offset 0x%" PRIx64 " of %s",
	     what, addr, dl.dli_sname, addr - (uintptr_t)dl.dli_saddr,
	     dl.dli_fname, moff + (addr - start), path);
	for (c = 0; c < 2; c++) {
		json_object *doc = run_tool(cmds[c], addr);
		json_object *f = jfile(doc, &has);
		json_object *vb;

		if (!f) {
			fail_reason("%s: %s file", what, has ? "\"file\" is null" :
				    "no \"file\" member", cmds[c]);
			json_object_put(doc);
			continue;
		}
		check(jhex(f, "offset", &v) && v == moff + (addr - start),
		      "elf offset", "%s %s: file offset %s, maps says 0x%" PRIx64,
		      cmds[c], what, jstr(f, "offset") ?: "none",
		      moff + (addr - start));
		check(json_object_object_get_ex(f, "verified", &vb) &&
		      json_object_get_boolean(vb), "elf verified",
		      "%s %s: the file was not verified: %s", cmds[c], what,
		      jstr(f, "no_symbol_reason") ?: "");
		sec = jstr(f, "section");
		check(sec && !strcmp(sec, section), "elf section",
		      "%s %s: section %s, expected %s", cmds[c], what,
		      sec ?: "null", section);
		sym = jstr(f, "symbol");
		/* the same symbol, or an alias at its address */
		check(sym && (!strcmp(sym, dl.dli_sname) ||
			      dlsym(RTLD_DEFAULT, sym) == dl.dli_saddr),
		      "elf symbol", "%s %s: symbol %s, dladdr says %s", cmds[c],
		      what, sym ?: "null", dl.dli_sname);
		check(jhex(f, "symbol_offset", &v) &&
		      v == addr - (uintptr_t)dl.dli_saddr, "elf symbol offset",
		      "%s %s: symbol_offset %s, dladdr says 0x%" PRIxPTR,
		      cmds[c], what, jstr(f, "symbol_offset") ?: "null",
		      addr - (uintptr_t)dl.dli_saddr);
		json_object_put(doc);
	}
}

/* A file that is no ELF, mapped from its second page: the offset only. */
static void check_plain_file(void)
{
	char name[] = "/tmp/vmi-elfsym.XXXXXX", buf[3 * 4096];
	uintptr_t start;
	uint64_t moff, v;
	json_object *doc, *f, *e;
	char path[4096];
	char *p;
	bool has;
	int fd;

	memset(buf, 'x', sizeof(buf));
	fd = mkstemp(name);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		fail("plain file: cannot write %s (test setup)", name);
		return;
	}
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 4096);
	close(fd);
	if (p == MAP_FAILED || maps_of((uintptr_t)p + 4096 + 100, &start, &moff,
				       path, sizeof(path))) {
		fail("plain file: cannot map %s (test setup)", name);
		unlink(name);
		return;
	}
	doc = run_tool("find", (uintptr_t)p + 4096 + 100);
	f = jfile(doc, &has);
	check(f && jhex(f, "offset", &v) &&
	      v == moff + ((uintptr_t)p + 4096 + 100 - start), "plain file offset",
	      "file offset %s, maps says 0x%" PRIx64, jstr(f, "offset") ?: "null",
	      moff + ((uintptr_t)p + 4096 + 100 - start));
	check(f && json_object_object_get_ex(f, "elf", &e) &&
	      !json_object_get_boolean(e) && !jstr(f, "symbol") &&
	      !jstr(f, "section"), "plain file no symbol",
	      "a non-ELF file has a section or symbol or is called ELF");
	json_object_put(doc);
	munmap(p, 2 * 4096);
	unlink(name);
}

static void check_anon(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	json_object *doc;
	unsigned int c;
	bool has;

	if (p == MAP_FAILED) {
		fail("anon: mmap (test setup)");
		return;
	}
	p[0] = 1;
	for (c = 0; c < 2; c++) {
		doc = run_tool(c ? "pt" : "find", (uintptr_t)p);
		check(!jfile(doc, &has) && has, "anon file null",
		      "%s: \"file\" of anonymous memory is %s", c ? "pt" : "find",
		      has ? "not null" : "missing");
		json_object_put(doc);
	}
	munmap(p, 4096);
}

int main(int argc, char **argv)
{
	/* through volatile: the addresses libc's own code has */
	void *volatile libc_fn[] = {
		(void *)(uintptr_t)qsort, (void *)(uintptr_t)getenv,
		(void *)(uintptr_t)fputs,
	};
	static const char *const libc_names[] = { "qsort", "getenv", "fputs" };
	unsigned int i;
	char what[64];

	if (argc > 1)
		tool = argv[1];
	vmi_report_start();
	info("uid %d", (int)getuid());
	/* keep them referenced and mapped in */
	if (vmi_elfsym_func_b(vmi_elfsym_rodata[1]) + vmi_elfsym_data[2] == 0)
		return 2;
	check_elf_addr("own function", (void *)vmi_elfsym_func_a, ".text");
	check_elf_addr("own function + 5", (char *)vmi_elfsym_func_b + 5, ".text");
	check_elf_addr("own data", &vmi_elfsym_data[0], ".data");
	check_elf_addr("own data + 40", &vmi_elfsym_data[10], ".data");
	check_elf_addr("own const", &vmi_elfsym_rodata[0], ".rodata");
	check_elf_addr("own const + 20", &vmi_elfsym_rodata[5], ".rodata");
	for (i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "libc %s", libc_names[i]);
		check_elf_addr(what, libc_fn[i], ".text");
		snprintf(what, sizeof(what), "libc %s + 3", libc_names[i]);
		check_elf_addr(what, (char *)libc_fn[i] + 3, ".text");
	}
	check_plain_file();
	check_anon();
	return summary();
}
