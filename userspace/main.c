// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: show the virtual memory layout of a process through
 * /dev/vmainspect.  Command dispatch, option parsing and help.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "json_out.h"
#include "main.h"
#include "multi.h"

bool json_output;
bool json_pretty;
bool json_printed;
char *err_message;
int err_errno;
bool show_all;
bool full_output;
bool tables_only;
const char *pfn_arg;

/* struct cmd.opts: the command options a command accepts. */
#define CMD_OPT_ALL	(1U << 0)
#define CMD_OPT_FULL	(1U << 1)
#define CMD_OPT_TABLES	(1U << 2)
/* Several processes: --pid/--comm, and PID... operands (multi.c). */
#define CMD_OPT_PIDS	(1U << 3)
/* Several processes with --pid/--comm only (other operands follow PID). */
#define CMD_OPT_SELECT	(1U << 4)
#define CMD_OPT_PFN	(1U << 5)

struct cmd {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	unsigned int opts;	/* CMD_OPT_* */
	int (*fn)(int argc, char **argv);
};

static const struct cmd cmds[] = {
	{
		.name = "layout",
		.args = "[--full] PID...",
		.summary = "mm_struct layout, counters and a drawing of the address space",
		.help =
"Show where the code, data, heap, mmap area and stack of process PID lie\n"
"(the address-space fields of its mm_struct), its memory counters in pages\n"
"and bytes, and a drawing of the whole virtual address space from the\n"
"kernel half at the top down to address 0.  The drawing is not to scale;\n"
"each band shows its addresses and size, and the VMAs of the process mark\n"
"where the mmap area and the stack actually are.  The fields and the VMAs\n"
"are one snapshot: read at the same generation of the VMA set, again if\n"
"the process changed in between (a few times at most; then a note says\n"
"so).\n"
"\n"
"With --full the kernel half of the drawing is not one band but one band\n"
"per kernel-space region of the running kernel (as `vmainspect kernel`\n"
"lists them), top of the address space first, with the unused holes\n"
"between them and their live addresses.  Without the rights to see kernel\n"
"addresses (see `vmainspect help kernel`) the regions are drawn with\n"
"their names and sizes but no addresses, and a line says why.\n"
"\n"
"With --json: one object with every mm_struct field: addresses and the\n"
"generation as \"0x...\" strings, counters as integers (in pages,\n"
"pgtables_bytes in bytes), plus pgtable_levels and page_size; with\n"
"--full also \"kernel\", the object of `vmainspect --json kernel`.\n",
		.opts = CMD_OPT_FULL | CMD_OPT_PIDS,
		.fn = do_layout,
	},
	{
		.name = "maps",
		.args = "PID...",
		.summary = "every VMA, like /proc/PID/maps, with decoded flags",
		.help =
"List every VMA of process PID in address order.  The first line of each\n"
"VMA has exactly the columns of /proc/PID/maps (start-end perms offset dev\n"
"inode name); an indented second line adds its size, kind, the anon_vma\n"
"and shmem markers, the decoded vm_flags names, and the raw vm_flags and\n"
"page_prot values.  Lines starting with '#' are headers.\n"
"\n"
"Unlike /proc/PID/maps the x86_64 [vsyscall] page is not listed: it is\n"
"not a VMA of the process.\n"
"\n"
"With --json: {\"pid\", \"generation\", \"vmas\": [...]}.\n",
		.opts = CMD_OPT_PIDS,
		.fn = do_maps,
	},
	{
		.name = "find",
		.args = "PID ADDR",
		.summary = "the VMA containing ADDR, or the first one above it",
		.help =
"Look up address ADDR (0x-prefixed hexadecimal, or decimal) in process\n"
"PID: print the VMA that contains it, or, when ADDR is not mapped, the\n"
"first VMA above it if there is one.  Not being mapped is not an error.\n"
"For a VMA with a file: ADDR's offset in the file and, for an ELF file,\n"
"its section, ELF address and nearest symbol as symbol+0xoff (from\n"
".symtab, else .dynsym), read from the file opened with the caller's own\n"
"rights (/proc/PID/map_files, else /proc/PID/root and the path) and only\n"
"if its device and inode are the VMA's.\n"
"\n"
"With --json: {\"pid\", \"addr\", \"in_vma\", \"vma\": VMA or null,\n"
"\"file\": null or {\"offset\", \"verified\", \"elf\", \"elf_addr\",\n"
"\"section\", \"symbol\", \"symbol_offset\", \"symbol_table\",\n"
"\"no_symbol_reason\"}}; \"file\" is null unless ADDR is in a file VMA.\n",
		.fn = do_find,
	},
	{
		.name = "pt",
		.args = "PID ADDR",
		.summary = "the page-table path of ADDR: every level's entry",
		.help =
"Translate address ADDR (0x-prefixed hexadecimal, or decimal) of process\n"
"PID through its page tables: one line per level (PGD, P4D, PUD, PMD,\n"
"PTE) with the index of the entry in its table, the raw entry, its kind\n"
"(table, page, swap, none...) and its decoded bits.  A level the kernel\n"
"folds (P4D with 4-level paging) is shown as \"(folded)\".  The walk ends\n"
"at the leaf: a page (4 KiB, or a 2 MiB or 1 GiB huge page) with its\n"
"frame number and physical address, a swap entry with its swap type and\n"
"offset, a migration or device entry with its frame, a PTE marker, or an\n"
"empty entry.  Page tables are read only inside VMAs, as\n"
"/proc/PID/pagemap does: outside them nothing is walked.  In a VMA with\n"
"a file: ADDR's file offset, section and symbol, as find shows them.\n"
"\n"
"Frame numbers, physical addresses, swap slots and the frame bits of raw\n"
"entries need CAP_SYS_ADMIN (as in /proc/PID/pagemap) and are never shown\n"
"under lockdown=confidentiality; without them they read as hidden, and\n"
"the output says which of the two is the reason.\n"
"\n"
"With --json: {\"pid\", \"addr\", \"in_vma\", \"pgtable_levels\",\n"
"\"page_size\" (null if not mapped), \"pfn\" and \"phys_addr\" (null when not\n"
"mapped or hidden), \"pfn_hidden\", \"hidden_reason\" (null if not\n"
"hidden), \"file\" (as find's), \"levels\": [{\"level\", \"index\",\n"
"\"raw\", \"kind\", \"flags\", \"pfn\", \"swap\": null or {\"type\",\n"
"\"offset\"}, \"marker\", \"pkey\", \"folio_size\"}...]}; \"folio_size\": bytes\n"
"of the folio holding a present leaf (null if unknown or hidden).\n",
		.fn = do_pt,
	},
	{
		.name = "pages",
		.args = "[--all] [--tables-only] PID [START [END]]",
		.summary = "page-table runs of every VMA, or of START-END, like ptdump",
		.help =
"Walk the page tables of process PID and print one line per run of\n"
"consecutive pages in the same state (same kind, level and bits, with\n"
"consecutive frames or swap slots), the way the kernel's ptdump prints\n"
"its own tables:\n"
"\n"
"  start-end  size  level  frames  kind bits...\n"
"\n"
"where frames is the first-last frame number (\"hidden\" without\n"
"CAP_SYS_ADMIN), \"swap:T:first-last\" for swapped-out pages (swap type\n"
"T, slots first-last), \"-\" for empty entries and markers.  Without\n"
"START every VMA is walked in turn,\n"
"each under a '#' line naming it; with START (and END, default the end of\n"
"the user address space) that range, START rounded down and END up to a\n"
"page.  Only memory inside VMAs has runs; VM_PFNMAP VMAs are skipped, as\n"
"/proc/PID/pagemap skips them.  Runs of kind none (no page-table entry)\n"
"are shown only with --all.  A summary ends the output: pages present,\n"
"swapped and without entry, huge mappings per size, and the page-table\n"
"pages the walk read per level.  If the VMAs change during the walk it\n"
"starts over, a few times at most.\n"
"\n"
"The flags \"file\" and \"exclusive\" (pagemap's PM_FILE and\n"
"PM_MMAP_EXCLUSIVE) are about the frame, read from its struct page;\n"
"--tables-only leaves them out and reads nothing but the page tables,\n"
"several times faster on a densely mapped range.\n"
"\n"
"With --json: {\"pid\", \"start\", \"end\", \"pgtable_levels\",\n"
"\"generation\", \"consistent\", \"pfn_hidden\", \"hidden_reason\",\n"
"\"runs\": [{\"start\",\n"
"\"end\", \"present\", \"pfn\", \"page_size\", \"level\", \"kind\", \"swap\",\n"
"\"flags\", \"marker\", \"folio_size\"}...], \"summary\": {...}}; runs of\n"
"kind none only with --all; \"tables_only\" says whether the frame flags\n"
"were left out.  \"folio_size\": bytes of the pages' folio (an mTHP, a\n"
"THP), null if unknown, hidden or --tables-only.\n",
		.opts = CMD_OPT_ALL | CMD_OPT_TABLES | CMD_OPT_SELECT,
		.fn = do_pages,
	},
	{
		.name = "page",
		.args = "--pfn PFN | PID ADDR",
		.summary = "state of a physical frame: flags, refcount, mapcount, mapping",
		.help =
"Show the state of physical frame PFN (0x-prefixed hexadecimal, or\n"
"decimal; always with --pfn, so that an address without its PID is not\n"
"taken for a frame number), or of the frame mapped at ADDR in process\n"
"PID: its page flags decoded by name (bit N of the list is bit N of\n"
"/proc/kpageflags, named as tools/mm/page-types does, plus workingset,\n"
"young and large), the raw page->flags, the refcount (_refcount of the\n"
"folio, which no /proc file shows), the mapcount of the page (as\n"
"/proc/kpagecount) and of the whole folio, the folio's head and order,\n"
"what page->mapping is (anonymous with its anon_vma, KSM, a file with its\n"
"device, inode and path inside its file system, shmem, driver-movable or\n"
"none), the page offset in that mapping, the NUMA node and zone, and the\n"
"memory cgroup's inode (as /proc/kpagecgroup).  It is a snapshot: the\n"
"frame may change right after.\n"
"\n"
"Needs CAP_SYS_ADMIN and is refused under lockdown=confidentiality.  A\n"
"PFN that is not online RAM (a hole, device memory, an offline section)\n"
"is an error.  So is an ADDR with no page in memory; the error says why:\n"
"swapped out (with the swap type and offset, which need the rights of\n"
"the pt command), not in a VMA, or never touched.\n"
"\n"
"With --json: {\"pfn\", \"phys_addr\", \"flags\": [names], \"kpageflags\",\n"
"\"raw_flags\", \"head_raw_flags\", \"head_pfn\", \"refcount\", \"mapcount\",\n"
"\"folio_mapcount\" (null where the kernel cannot tell), \"order\",\n"
"\"folio_size\", \"mapping_kind\", \"anon_vma\", \"file\": null or {\"dev\",\n"
"\"inode\", \"path\"}, \"index\", \"nid\", \"zone\", \"memcg_ino\"}.\n",
		.opts = CMD_OPT_PFN,
		.fn = do_page,
	},
	{
		.name = "rmap",
		.args = "--pfn PFN | PID ADDR | --all PID...",
		.summary = "who maps a frame (reverse map), or how PID's pages are shared",
		.help =
"List every owner of physical frame PFN (given with --pfn), or of the\n"
"frame mapped at ADDR in process PID, found through the kernel's reverse\n"
"map: the VMAs on the anon_vma tree of an anonymous page, or on the\n"
"i_mmap tree of a file or shmem page.  Each candidate is confirmed by\n"
"reading that process's page table: only mappings that are really there\n"
"are listed, with the pid and comm of the process (the lowest pid, if\n"
"several processes share the mm), the address, the VMA and the level of\n"
"the mapping entry (PTE, or PMD for a huge page).  The total is compared\n"
"with the page's mapcount.  KSM pages are reported as such: KSM's stable\n"
"tree is private to mm/ksm.c.  The shared zero page is named so: it has\n"
"no reverse map.\n"
"\n"
"With --all PID: every resident page of PID, grouped by how many processes\n"
"map it (1: private to PID), anonymous and file pages counted apart: what\n"
"fork, shared libraries and shared memory really share.  A huge page\n"
"counts as its pages.\n"
"\n"
"Needs CAP_SYS_ADMIN and is refused under lockdown=confidentiality.\n"
"\n"
"With --json: {\"pfn\", \"mapping_kind\", \"mapcount\", \"nr_owners\",\n"
"\"nr_processes\", \"ksm_not_walked\", \"zero_page\", \"note\",\n"
"\"owners\": [{\"pid\",\n"
"\"comm\", \"nr_processes\", \"addr\", \"vma_start\", \"vma_end\",\n"
"\"perms\", \"uflags\", \"vm_pgoff\", \"level\"}...]}; with --all\n"
"{\"pid\", \"resident_pages\", \"frames\", \"groups\": [{\"processes\",\n"
"\"pages\", \"bytes\", \"anon_pages\", \"file_pages\"}...],\n"
"\"no_rmap_pages\", \"unresolved_pages\"}.\n",
		.opts = CMD_OPT_ALL | CMD_OPT_PIDS | CMD_OPT_PFN,
		.fn = do_rmap,
	},
	{
		.name = "kernel",
		.args = "[ADDR]",
		.summary = "kernel-space regions of the running kernel, or what ADDR is",
		.help =
"Without ADDR: every kernel-space region of the running kernel, read live\n"
"(KASLR included), in address order: start, last address (inclusive, as\n"
"in Documentation/arch/x86/x86_64/mm.rst), size (binary units: 1 TiB =\n"
"2^40 bytes, as mm.rst's \"1 TB\"; \"~\" where the unit does not divide it),\n"
"name and description; \"used\" is how much of the region is in use where\n"
"that is known (the RAM behind the direct map, the struct pages of that\n"
"RAM, the kernel image), and [hole], [randomized] (moved by KASLR) and\n"
"[not in use] mark regions.  The space between two regions, and above the\n"
"last one, is shown as an unused hole.  The header gives the paging mode\n"
"(levels, virtual address bits, the sizes of the user and kernel halves),\n"
"the page size, the entries per page-table level (a folded level has 1),\n"
"MAX_PHYSMEM_BITS, the size of struct page, what KASLR moved, where RAM\n"
"ends and how much of the direct map it backs, the base of the direct map,\n"
"where the kernel image is, and HIGHMEM on 32-bit kernels.\n"
"\n"
"With ADDR (0x-prefixed hexadecimal, or decimal): the region holding it\n"
"and its bounds, then what can be known safely: whether the kernel page\n"
"table maps it, with which page size, writable and executable or not; the\n"
"frame (PFN and physical address) and whether it is RAM; the offset in the\n"
"kernel image; in the vmemmap, whose struct page it is (PFN and byte); a\n"
"fixmap slot; the symbol as %pS prints it; for module memory the module and\n"
"the section (text, rodata or data, inferred from the page protections).\n"
"A vmalloc area's caller and size are not available to a module\n"
"(find_vm_area() is not exported): see /proc/vmallocinfo.  A user-space\n"
"address is said to be one: try `vmainspect pt PID ADDR` for it.\n"
"\n"
"Kernel addresses are shown only when the device was opened with\n"
"CAP_SYS_ADMIN, the kernel is not locked down for confidentiality, and\n"
"kptr_restrict lets the caller see raw pointers (0 or 1 with CAP_SYSLOG;\n"
"2 hides them from everyone).  Otherwise the region list still shows the\n"
"names and sizes, without addresses, and says why; ADDR is refused.\n"
"\n"
"With --json: {\"arch\", \"pgtable_levels\", \"va_bits\", \"page_size\",\n"
"\"ptrs_per\": {\"pgd\"...\"pte\"}, \"phys_bits\", \"struct_page_size\",\n"
"\"user_half\", \"kernel_half\", \"hidden\", \"hidden_reason\", \"kaslr\":\n"
"{\"memory\", \"text\"}, \"page_offset\" (null when hidden), \"ram_end\",\n"
"\"lowmem_end\", \"highmem\", \"image\": null or {\"start\", \"end\",\n"
"\"size\"}, \"total_regions\", \"regions\": [{\"name\", \"description\",\n"
"\"id\", \"start\", \"end\" (exclusive; null when hidden), \"size\", \"used\"\n"
"(null when not known), \"hole\", \"randomized\", \"unused\"}...]}: the\n"
"kernel's regions only, no holes added.  With ADDR: {\"addr\",\n"
"\"user_address\", \"region\", \"description\", \"region_start\",\n"
"\"region_end\", \"hole\", \"mapped\", \"page_size\", \"writable\",\n"
"\"executable\", \"pfn\", \"phys_addr\", \"ram\", \"in_image\",\n"
"\"image_offset\", \"struct_page\": null or {\"pfn\", \"offset\"},\n"
"\"fixmap_index\", \"symbol\", \"module\", \"module_section\"}.\n",
		.fn = do_kernel,
	},
	{
		.name = "debugfs",
		.args = "PID... | --pfn PFN | kernel",
		.summary = "publish debugfs views of PID or PFN; where kernel_layout is",
		.help =
"Ask the module to create the read-only directory\n"
"/sys/kernel/debug/vmainspect/PID/ with the files 'layout', 'maps' and\n"
"'pagetables': the same views as the layout, maps and pages commands, as\n"
"text, for anyone who may read debugfs and /proc/PID/maps (frames in\n"
"pagetables only for a reader with CAP_SYS_ADMIN, as in pagemap).  The\n"
"per-address path of the pt command has no debugfs file: a read-only\n"
"file cannot be given an address.  Publishing needs CAP_SYS_ADMIN.  The\n"
"directory of a process that has exited is removed when another one is\n"
"published; at most 64 exist at once.  /sys/kernel/debug/vmainspect/self/\n"
"always shows the reading process itself.\n"
"\n"
"With --pfn PFN: the directory /sys/kernel/debug/vmainspect/frames/0xPFN/\n"
"with the files 'page' and 'rmap', the views of the page and rmap\n"
"commands for that frame, read live at each read (CAP_SYS_ADMIN of the\n"
"reader, never under lockdown).  The 64 most recent frames are kept.\n"
"\n"
"With kernel: the path of /sys/kernel/debug/vmainspect/kernel_layout,\n"
"the view of the kernel command as text, which the module always\n"
"provides (no publishing needed); the reader's own rights decide whether\n"
"it shows addresses, as for the command.  Reading debugfs usually needs\n"
"root.\n"
"\n"
"With --json: {\"pid\" or \"pfn\", \"dir\"}; with kernel {\"dir\",\n"
"\"file\"}.\n",
		.opts = CMD_OPT_PIDS | CMD_OPT_PFN,
		.fn = do_debugfs,
	},
};

#define NR_CMDS	(sizeof(cmds) / sizeof(cmds[0]))

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++) {
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	}
	return NULL;
}

static void vp_msg(const char *prefix, const char *fmt, va_list ap)
{
	/* Keep stdout and stderr in order when both go to one place. */
	fflush(stdout);
	fprintf(stderr, "vmainspect: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Keep the first error message for the JSON error object. */
static void note_err(const char *fmt, va_list ap)
{
	if (!err_message && vasprintf(&err_message, fmt, ap) < 0)
		err_message = NULL;
}

/* The message on stderr, and kept for the --json error object. */
static void vp_err(const char *fmt, va_list ap)
{
	va_list ap2;

	va_copy(ap2, ap);
	vp_msg("", fmt, ap);
	note_err(fmt, ap2);
	va_end(ap2);
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vp_err(fmt, ap);
	va_end(ap);
}

void p_err_errno(int err, const char *fmt, ...)
{
	va_list ap;

	if (!err_message)
		err_errno = err;
	va_start(ap, fmt);
	vp_err(fmt, ap);
	va_end(ap);
}

void p_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vp_msg("warning: ", fmt, ap);
	va_end(ap);
}

int usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vp_msg("", fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	note_err(fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "Usage: vmainspect [--json] %s %s\n"
			"Try 'vmainspect help %s' for more information.\n",
			cmd, find_cmd(cmd)->args, cmd);
	else
		fprintf(stderr, "Try 'vmainspect --help' for more information.\n");
	return EXIT_USAGE;
}

int parse_pid(const char *cmd, const char *arg, pid_t *pid)
{
	unsigned long val;
	char *end;

	if (!strcmp(arg, "self")) {
		*pid = getpid();
		return 0;
	}

	/* Digits only: no sign, no blanks, no base prefix. */
	if (arg[0] < '0' || arg[0] > '9')
		goto bad;
	errno = 0;
	val = strtoul(arg, &end, 10);
	if (errno || *end || val == 0 || val > INT_MAX)
		goto bad;
	*pid = (pid_t)val;
	return 0;
bad:
	usage_err(cmd, "invalid PID '%s' (a process id or 'self')", arg);
	return -1;
}

/* what: the operand's name in the error (ADDR, PFN). */
static int parse_u64_arg(const char *cmd, const char *what, const char *arg,
			 __u64 *addr)
{
	unsigned long long val;
	const char *digits = arg;
	int base = 10;
	char *end;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		digits = arg + 2;
		base = 16;
	}
	/* strtoull() would accept blanks and a sign: refuse them here. */
	if (!((digits[0] >= '0' && digits[0] <= '9') ||
	      (base == 16 && ((digits[0] >= 'a' && digits[0] <= 'f') ||
			      (digits[0] >= 'A' && digits[0] <= 'F')))))
		goto bad;
	errno = 0;
	val = strtoull(digits, &end, base);
	if (errno || *end)
		goto bad;
	*addr = val;
	return 0;
bad:
	usage_err(cmd, "invalid %s '%s' (hexadecimal with 0x, or decimal, up to 64 bits)",
		  what, arg);
	return -1;
}

int parse_addr(const char *cmd, const char *arg, __u64 *addr)
{
	return parse_u64_arg(cmd, "ADDR", arg, addr);
}

int parse_pfn(const char *cmd, const char *arg, __u64 *pfn)
{
	return parse_u64_arg(cmd, "PFN", arg, pfn);
}

int parse_pid_addr(int argc, char **argv, pid_t *pid, __u64 *addr)
{
	if (argc != 3)
		return usage_err(argv[0], "%s PID ADDR: expected 2 arguments, got %d",
				 argv[0], argc - 1);
	if (parse_pid(argv[0], argv[1], pid) ||
	    parse_addr(argv[0], argv[2], addr))
		return EXIT_USAGE;
	return 0;
}

int finish_output(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		p_err("write error on standard output: %s", strerror(errno));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
"Usage: vmainspect [--json] COMMAND ARGS...\n"
"       vmainspect --help | help [COMMAND] | --version\n"
"\n"
"Show the virtual memory layout of a process, read through %s\n"
"(the vmainspect kernel module).\n"
"\n"
"Commands:\n", VMAINSPECT_DEVICE);
	for (i = 0; i < NR_CMDS; i++) {
		char head[64];

		snprintf(head, sizeof(head), "%s %s", cmds[i].name,
			 cmds[i].args);
		/* A long synopsis gets a line of its own. */
		if (strlen(head) > 16)
			fprintf(f, "  %s\n  %-16s %s\n", head, "",
				cmds[i].summary);
		else
			fprintf(f, "  %-16s %s\n", head, cmds[i].summary);
	}
	fprintf(f,
"  %-16s %s\n"
"\n"
"PID is a process id, or 'self' for the vmainspect process itself.\n"
"ADDR, START and END are hexadecimal with a 0x prefix, or decimal.\n"
"\n"
"Options (anywhere on the command line):\n"
"  -j, --json       print one JSON document on standard output, on one line\n"
"                   (an error too: {\"error\": MESSAGE, \"errno\": N or null})\n"
"  -p, --pretty     print the JSON document indented (implies --json)\n"
"      --all        pages: also the runs without page-table entries\n"
"      --full       layout: the kernel half region by region\n"
"      --tables-only  pages: page tables only, no file/exclusive flags\n"
"      --pfn PFN    page, rmap, debugfs: the physical frame PFN\n"
"      --pid PID[,PID...]  layout, maps, pages, rmap --all, debugfs: these\n"
"                   processes (also as several PID operands, but pages)\n"
"      --comm NAME  the same, for every process named NAME (pgrep -x NAME)\n"
"  -w, --wide       text lines as long as they come (default: 80 columns,\n"
"                   or the terminal's width when wider)\n"
"  -h, --help       show this help, or the help of COMMAND\n"
"  -V, --version    show the tool version and its ABI version\n"
"\n"
"Inspecting another process needs the same access as reading\n"
"/proc/PID/maps.\n"
"\n"
"JSON names are valid UTF-8: a name that is not has its exact bytes in\n"
"NAME_hex too.  Addresses, raw entries, flags words, generations and\n"
"sizes of address ranges are \"0x...\" strings; counts are integers.\n"
"\n"
"Text views fit in 80 columns (the lines copied from /proc/PID/maps\n"
"excepted): longer lines go on, indented, on the next lines.  Sizes are\n"
"in binary units (4 KiB = 4096 bytes), exact, or cut to a tenth and\n"
"marked \"~\" where the unit does not divide them (~1.5 MiB).\n"
"\n"
"Exit status: 0 on success, 1 on an error, 2 on a usage error.\n",
		"help [COMMAND]", "this help, or the help of COMMAND");
}

static void print_cmd_help(const struct cmd *cmd)
{
	printf("Usage: vmainspect [--json] %s %s\n\n%s", cmd->name, cmd->args,
	       cmd->help);
	if (strstr(cmd->args, "PID"))
		printf("\nPID is a process id, or 'self' for the vmainspect process itself.\n");
	if (cmd->opts & CMD_OPT_PIDS)
		printf("\n"
"Several processes: several PID operands, or --pid PID[,PID...], or\n"
"--comm NAME (each process named NAME in /proc/PID/comm, as pgrep -x NAME,\n"
"but no kernel thread or zombie).\n");
	else if (cmd->opts & CMD_OPT_SELECT)
		printf("\n"
"Several processes: --pid PID[,PID...] or --comm NAME (each process named\n"
"NAME in /proc/PID/comm, as pgrep -x NAME, but no kernel thread or\n"
"zombie); the other operands apply to each.\n");
	if (cmd->opts & (CMD_OPT_PIDS | CMD_OPT_SELECT))
		printf(
"Each process's view starts with a line \"==> pid N: COMM <==\"; with\n"
"--json the documents form one array, in which a process that failed is\n"
"{\"pid\", \"error\", \"errno\"}.  A failure does not stop the others; the\n"
"exit status is then 1.\n");
}

/*
 * May cmd, with these operands, run for several processes?  Not with
 * --pfn; rmap only as rmap --all, debugfs not as debugfs kernel.
 */
static bool cmd_takes_pids(const struct cmd *cmd, int argc, char **argv)
{
	if (!(cmd->opts & (CMD_OPT_PIDS | CMD_OPT_SELECT)))
		return false;
	if (pfn_arg)
		return false;
	if (cmd->fn == do_rmap)
		return show_all;
	if (cmd->fn == do_debugfs)
		return argc < 2 || (strcmp(argv[1], "kernel") && strcmp(argv[1], "page"));
	return true;
}

static int do_help(const char *topic)
{
	const struct cmd *cmd;

	if (!topic || !strcmp(topic, "help")) {
		print_usage(stdout);
		return finish_output();
	}
	cmd = find_cmd(topic);
	if (!cmd)
		return usage_err(NULL, "no help for unknown command '%s'", topic);
	print_cmd_help(cmd);
	return finish_output();
}

static int do_version(void)
{
	json_object *obj;

	if (!json_output) {
		printf("vmainspect %s (ABI version %d)\n",
		       VMAINSPECT_TOOL_VERSION, VMAINSPECT_ABI_VERSION);
		return finish_output();
	}

	obj = json_object_new_object();
	if (!obj)
		return json_print_put(NULL);
	json_object_object_add(obj, "version",
			       json_object_new_string(VMAINSPECT_TOOL_VERSION));
	json_object_object_add(obj, "abi_version",
			       json_object_new_int(VMAINSPECT_ABI_VERSION));
	return json_print_put(obj);
}

/*
 * Is --json or --pretty among the options?  Looked for before getopt, so
 * that an invalid option before them is reported in JSON too.
 */
static bool wants_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json") || !strcmp(a, "--pretty"))
			return true;
		if (a[0] == '-' && a[1] && a[1] != '-' &&
		    strspn(a + 1, "hjpVw") == strlen(a + 1) && strpbrk(a + 1, "jp"))
			return true;
	}
	return false;
}

static int run(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json",	no_argument,	NULL,	'j' },
		{ "pretty",	no_argument,	NULL,	'p' },
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ "all",	no_argument,	NULL,	'a' },
		{ "full",	no_argument,	NULL,	'f' },
		{ "tables-only", no_argument,	NULL,	't' },
		{ "pfn",	required_argument, NULL, 'F' },
		{ "pid",	required_argument, NULL, 'P' },
		{ "comm",	required_argument, NULL, 'C' },
		{ "wide",	no_argument,	NULL,	'w' },
		{ NULL,		0,		NULL,	0 }
	};
	const struct cmd *cmd;
	bool help = false, version = false;
	int opt, ret;

	/*
	 * GNU getopt moves the options in front of the operands, so --json
	 * may appear anywhere; "--" ends the options.
	 */
	opterr = 0;
	json_output = wants_json(argc, argv);
	while ((opt = getopt_long(argc, argv, "hjpVw", options, NULL)) >= 0) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			/* As bpftool's -p: pretty JSON is JSON. */
			json_output = true;
			json_pretty = true;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			version = true;
			break;
		case 'a':
			show_all = true;
			break;
		case 'f':
			full_output = true;
			break;
		case 't':
			tables_only = true;
			break;
		case 'F':
			pfn_arg = optarg;
			break;
		case 'P':
			ret = select_add_pids(optarg);
			if (ret)
				return ret;
			break;
		case 'C':
			ret = select_set_comm(optarg);
			if (ret)
				return ret;
			break;
		case 'w':
			wide_output = true;
			break;
		default:
			if (optopt == 'F')
				return usage_err(NULL, "option '--pfn' needs a frame number (--pfn PFN)");
			if (optopt == 'P' || optopt == 'C')
				return usage_err(NULL, "option '%s' needs an argument",
						 argv[optind - 1]);
			/* Long options are reported whole, short ones alone. */
			if (!strncmp(argv[optind - 1], "--", 2) || !optopt)
				return usage_err(NULL, "invalid option '%s'",
						 argv[optind - 1]);
			return usage_err(NULL, "invalid option '-%c'", optopt);
		}
	}
	argc -= optind;
	argv += optind;

	if (help) {
		if (argc && strcmp(argv[0], "help"))
			return do_help(argv[0]);
		return do_help(argc > 1 ? argv[1] : NULL);
	}
	if (version)
		return do_version();

	if (!argc) {
		print_usage(stderr);
		err_message = strdup("no command given");
		return EXIT_USAGE;
	}

	if (!strcmp(argv[0], "help")) {
		if (argc > 2)
			return usage_err(NULL, "help takes at most one COMMAND");
		return do_help(argc > 1 ? argv[1] : NULL);
	}

	cmd = find_cmd(argv[0]);
	if (!cmd)
		return usage_err(NULL, "unknown command '%s'", argv[0]);
	if (show_all && !(cmd->opts & CMD_OPT_ALL))
		return usage_err(cmd->name, "option '--all' is not valid for %s",
				 cmd->name);
	if (full_output && !(cmd->opts & CMD_OPT_FULL))
		return usage_err(cmd->name, "option '--full' is not valid for %s",
				 cmd->name);
	if (tables_only && !(cmd->opts & CMD_OPT_TABLES))
		return usage_err(cmd->name, "option '--tables-only' is not valid for %s",
				 cmd->name);
	if (pfn_arg && !(cmd->opts & CMD_OPT_PFN))
		return usage_err(cmd->name, "option '--pfn' is not valid for %s",
				 cmd->name);
	if (select_given() && !cmd_takes_pids(cmd, argc, argv))
		return usage_err(cmd->name, "options '--pid' and '--comm' are not valid for %s%s",
				 cmd->name, cmd->fn == do_rmap ? " without --all" :
				 cmd->fn == do_debugfs ? " --pfn or kernel" : "");
	if (select_given() && (cmd->opts & CMD_OPT_PIDS) && argc > 1)
		return usage_err(cmd->name, "give the PIDs as operands or with --pid/--comm, not both");
	return run_for_pids(cmd->fn, cmd_takes_pids(cmd, argc, argv) &&
			    (cmd->opts & CMD_OPT_PIDS), argc, argv);
}

int main(int argc, char **argv)
{
	int rc = run(argc, argv);

	if (rc != EXIT_OK)
		json_print_error();
	return rc;
}
