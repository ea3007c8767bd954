// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-abi-test: raw ioctls on /dev/vmainspect, one defect at a time, each
 * checked for the exact errno; plus the semantic checks of the ABI that only
 * raw ioctls can see (batch cursor, record tails, name de-duplication,
 * generation, exec/exit of an attached target), and every one of the ten
 * ioctls at its published first size (VMAINSPECT_<NAME>_SIZE_VER0), below
 * it, at this header's size and longer (size_sweep()).
 *
 * The errno each class of defect must give is in expected[] below, in one
 * place.  Output: KTAP, one result per check (vmi-report.h); exit status
 * 1 if anything failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/vmainspect.h"
#include "vmi-test.h"

/* ---- expected errno per class of defect: adjust here ---- */
enum cls {
	OK,		/* must succeed */
	UNKNOWN_CMD,	/* unknown ioctl command */
	BAD_SIZE,	/* size 0 / smaller than the first published struct */
	NONZERO_TAIL,	/* larger struct with bytes the kernel does not know set */
	BAD_FLAGS,	/* unknown flag bits */
	RESERVED,	/* non-zero reserved field */
	LIMITS,		/* max_vmas, vma_size, strings_size out of range */
	FAULT,		/* bad user pointer */
	NOSPACE,	/* string area too small for even one name */
	NO_PROCESS,	/* no such pid */
	MM_GONE,	/* target exec'd or exited after attach */
	NOT_ATTACHED,	/* query before attach */
	HUGE_SIZE,	/* size 0xffffffff: capped (E2BIG) or the tail faults */
	NCLS
};

static const struct {
	const char *name;
	int err, err2;		/* err2: an also accepted alternative, if non-zero */
} expected[NCLS] = {
	[OK]		= { "success", 0 },
	[UNKNOWN_CMD]	= { "unknown command", ENOTTY },
	[BAD_SIZE]	= { "bad size", EINVAL },
	[NONZERO_TAIL]	= { "non-zero tail", E2BIG },
	[BAD_FLAGS]	= { "unknown flags", EINVAL },
	[RESERVED]	= { "reserved field", EINVAL },
	[LIMITS]	= { "limit", EINVAL },
	[FAULT]		= { "bad pointer", EFAULT },
	[NOSPACE]	= { "string area too small", ENOSPC },
	[NO_PROCESS]	= { "no such process", ESRCH },
	[MM_GONE]	= { "mm gone", ESRCH },
	[NOT_ATTACHED]	= { "not attached", ENXIO },
	[HUGE_SIZE]	= { "huge size", E2BIG, EFAULT },
};

static long pg;

static const char *errname(int e)
{
	static char buf[64];

	switch (e) {
	case 0: return "success";
	case ENOTTY: return "ENOTTY";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case ENOSPC: return "ENOSPC";
	case ESRCH: return "ESRCH";
	case ENXIO: return "ENXIO";
	case EBADF: return "EBADF";
	case EBADFD: return "EBADFD";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	}
	snprintf(buf, sizeof(buf), "errno %d (%s)", e, strerror(e));
	return buf;
}

/* ioctl returning 0 or errno */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static int expect(int got, enum cls c, const char *name)
{
	if (got == expected[c].err || (expected[c].err2 && got == expected[c].err2)) {
		pass("%s", name);
		return 1;
	}
	fail_reason(name, "got %s, expected %s (%s)", errname(got), errname(expected[c].err),
		    expected[c].name);
	return 0;
}

static int attached_fd(pid_t pid)
{
	int fd = vmi_open_or_exit(), e = vmi_attach(fd, pid, 0);

	if (e) {
		fail("attach to %d: %s", (int)pid, errname(e));
	}
	return fd;
}

/* ---- shared buffers (static: no heap growth during comparisons) ---- */

#define BIG_VMA_SIZE	128
static unsigned char big[4096 * 2];			/* argument structs */
static struct vmainspect_vma recs[VMAINSPECT_LIST_MAX_VMAS];
static struct vmainspect_vma recs1[VMAINSPECT_LIST_MAX_VMAS];
static unsigned char wide[VMAINSPECT_LIST_MAX_VMAS * BIG_VMA_SIZE];
static char strs[VMAINSPECT_STRINGS_MAX];
static char strs1[VMAINSPECT_STRINGS_MAX];
static char *page_none;		/* a PROT_NONE page */
static char *page_ro;		/* a read-only page */
static char *edge;		/* last 8 bytes of an RW page before page_none */
static void *kaddr = (void *)0xffff888000000000ULL;

/* ---- the malformed-argument table ---- */

enum which { W_ATTACH, W_LAYOUT, W_LIST, W_FIND, W_PATH, W_RUNS };

static const struct {
	unsigned long cmd;
	size_t size;
} cmds[] = {
	[W_ATTACH] = { VMAINSPECT_IOC_ATTACH, sizeof(struct vmainspect_attach) },
	[W_LAYOUT] = { VMAINSPECT_IOC_LAYOUT, sizeof(struct vmainspect_layout) },
	[W_LIST] = { VMAINSPECT_IOC_LIST_VMAS, sizeof(struct vmainspect_vma_list) },
	[W_FIND] = { VMAINSPECT_IOC_FIND_VMA, sizeof(struct vmainspect_find) },
	[W_PATH] = { VMAINSPECT_IOC_PT_PATH, sizeof(struct vmainspect_pt_path) },
	[W_RUNS] = { VMAINSPECT_IOC_PT_RUNS, sizeof(struct vmainspect_pt_runs) },
};

static struct vmainspect_pt_run runs[256];

static uint64_t file_vma_addr;	/* start of a file-backed VMA of ours */
static uint64_t anon_vma_addr;	/* an anonymous, nameless VMA of ours */

/* A valid argument of @w in big[] */
static void base(enum which w)
{
	memset(big, 0, sizeof(big));
	switch (w) {
	case W_ATTACH: {
		struct vmainspect_attach *a = (void *)big;

		a->size = sizeof(*a);
		a->pid = getpid();
		break;
	}
	case W_LAYOUT: {
		struct vmainspect_layout *l = (void *)big;

		l->size = sizeof(*l);
		break;
	}
	case W_LIST: {
		struct vmainspect_vma_list *l = (void *)big;

		l->size = sizeof(*l);
		l->vmas = (uintptr_t)recs;
		l->strings = (uintptr_t)strs;
		l->vma_size = sizeof(struct vmainspect_vma);
		l->max_vmas = VMAINSPECT_LIST_MAX_VMAS;
		l->strings_size = sizeof(strs);
		break;
	}
	case W_FIND: {
		struct vmainspect_find *f = (void *)big;

		f->size = sizeof(*f);
		f->addr = (uintptr_t)&base;
		f->strings = (uintptr_t)strs;
		f->strings_size = sizeof(strs);
		break;
	}
	case W_PATH: {
		struct vmainspect_pt_path *p = (void *)big;

		p->size = sizeof(*p);
		p->addr = (uintptr_t)big;
		break;
	}
	case W_RUNS: {
		struct vmainspect_pt_runs *r = (void *)big;

		r->size = sizeof(*r);
		r->start = (uintptr_t)big & ~(uint64_t)(pg - 1);
		r->end = r->start + 16 * pg;
		r->runs = (uintptr_t)runs;
		r->run_size = sizeof(runs[0]);
		r->max_runs = sizeof(runs) / sizeof(runs[0]);
		break;
	}
	}
}

#define A	((struct vmainspect_attach *)big)
#define L	((struct vmainspect_vma_list *)big)
#define F	((struct vmainspect_find *)big)
#define LY	((struct vmainspect_layout *)big)
#define PP	((struct vmainspect_pt_path *)big)
#define PR	((struct vmainspect_pt_runs *)big)

struct mcase {
	const char *name;
	enum which w;
	enum cls c;
	void (*mut)(void);
	void *argp;		/* NULL: big */
};

static void m_none(void) { }
static void m_size0(void) { *(uint32_t *)big = 0; }
static void m_size4(void) { *(uint32_t *)big = 4; }
static void m_size_m8(void) { *(uint32_t *)big -= 8; }
static void m_size_m4(void) { *(uint32_t *)big -= 4; }
static void m_size_p16(void) { *(uint32_t *)big += 16; }
static void m_size_p16_nz(void)
{
	uint32_t sz = *(uint32_t *)big;

	big[sz + 15] = 1;
	*(uint32_t *)big += 16;
}
static void m_size_p1_nz(void)
{
	uint32_t sz = *(uint32_t *)big;

	big[sz] = 0x80;
	*(uint32_t *)big += 1;
}
static void m_size_page(void) { *(uint32_t *)big = 4096; }
static void m_size_huge(void) { *(uint32_t *)big = 0xffffffff; }
static void m_flags1(void) { ((uint32_t *)big)[1] = 1; }
static void m_flags2(void) { ((uint32_t *)big)[1] = 2; }
static void m_flags31(void) { ((uint32_t *)big)[1] = 1U << 31; }
static void m_a_res0(void) { A->reserved0 = 1; }
static void m_a_res1(void) { A->reserved[0] = 1; }
static void m_a_res2(void) { A->reserved[1] = 1ULL << 63; }
static void m_a_out(void) { A->abi_version = 0xdead; A->tgid = 12345; }
static void m_a_pid0(void) { A->pid = 0; }
static void m_a_pidbig(void) { A->pid = 0x3fffffff; }
static void m_a_pidneg(void) { A->pid = 0xffffffff; }
static void m_a_debugfs(void) { A->flags = VMAINSPECT_ATTACH_DEBUGFS; }
static void m_l_res0(void) { L->reserved[0] = 1; }
static void m_l_res1(void) { L->reserved[1] = 1; }
static void m_l_max0(void) { L->max_vmas = 0; }
static void m_l_maxbig(void) { L->max_vmas = VMAINSPECT_LIST_MAX_VMAS + 1; }
static void m_l_maxneg(void) { L->max_vmas = 0xffffffff; }
static void m_l_vs0(void) { L->vma_size = 0; }
static void m_l_vs79(void) { L->vma_size = VMAINSPECT_VMA_SIZE_VER0 - 1; }
static void m_l_vs8(void) { L->vma_size = 8; }
static void m_l_ss(void) { L->strings_size = VMAINSPECT_STRINGS_MAX + 1; }
static void m_l_ssneg(void) { L->strings_size = 0xffffffff; }
static void m_l_vnull(void) { L->vmas = 0; }
static void m_l_vnone(void) { L->vmas = (uintptr_t)page_none; }
static void m_l_vro(void) { L->vmas = (uintptr_t)page_ro; }
static void m_l_vk(void) { L->vmas = (uintptr_t)kaddr; }
static void m_l_vnc(void) { L->vmas = 0x8000000000000000ULL; }
static void m_l_snull(void) { L->strings = 0; L->start_addr = file_vma_addr; }
static void m_l_snone(void) { L->strings = (uintptr_t)page_none; L->start_addr = file_vma_addr; }
static void m_l_sro(void) { L->strings = (uintptr_t)page_ro; L->start_addr = file_vma_addr; }
static void m_l_sk(void) { L->strings = (uintptr_t)kaddr; L->start_addr = file_vma_addr; }
static void m_l_ssmall(void) { L->strings_size = 4; L->start_addr = file_vma_addr; }
static void m_l_szero(void) { L->strings_size = 0; L->start_addr = file_vma_addr; }
static void m_l_end(void) { L->start_addr = ~0ULL; }
static void m_l_out(void) { L->nr_vmas = 7; L->strings_used = 9; L->out_flags = 0xff; L->next_addr = 1; L->generation = 3; }
static void m_f_res0(void) { F->reserved[0] = 1; }
static void m_f_res1(void) { F->reserved[1] = 1; }
static void m_f_ss(void) { F->strings_size = VMAINSPECT_STRINGS_MAX + 1; }
static void m_f_snull(void) { F->strings = 0; F->addr = file_vma_addr; }
static void m_f_snone(void) { F->strings = (uintptr_t)page_none; F->addr = file_vma_addr; }
static void m_f_sk(void) { F->strings = (uintptr_t)kaddr; F->addr = file_vma_addr; }
static void m_f_ssmall(void) { F->strings_size = 4; F->addr = file_vma_addr; }
static void m_f_anon_nostr(void) { F->strings = 0; F->strings_size = 0; F->addr = anon_vma_addr; }
static void m_f_zero(void) { F->addr = 0; }
static void m_f_max(void) { F->addr = ~0ULL; }
static void m_p_res0(void) { PP->reserved0 = 1; }
static void m_p_res1(void) { PP->reserved[1] = 1; }
static void m_p_out(void) { PP->nr_levels = 9; PP->page_size = 1; PP->levels[0].raw = ~0ULL; }
static void m_p_zero(void) { PP->addr = 0; }
static void m_p_max(void) { PP->addr = ~0ULL; }
static void m_r_res0(void) { PR->reserved[0] = 1; }
static void m_r_unaligned_start(void) { PR->start += 1; }
static void m_r_unaligned_end(void) { PR->end -= 8; }
static void m_r_empty(void) { PR->end = PR->start; }
static void m_r_backwards(void) { PR->end = PR->start - pg; }
static void m_r_max0(void) { PR->max_runs = 0; }
static void m_r_maxbig(void) { PR->max_runs = VMAINSPECT_RUNS_MAX + 1; }
static void m_r_rs0(void) { PR->run_size = 0; }
static void m_r_rssmall(void) { PR->run_size = VMAINSPECT_PT_RUN_SIZE_VER0 - 8; }
static void m_r_rsbig(void) { PR->run_size = 2 * 4096; }
static void m_r_rnull(void) { PR->runs = 0; }
static void m_r_rnone(void) { PR->runs = (uintptr_t)page_none; }
static void m_r_rro(void) { PR->runs = (uintptr_t)page_ro; }
static void m_r_rk(void) { PR->runs = (uintptr_t)kaddr; }
static void m_r_out(void) { PR->nr_runs = 7; PR->next_addr = 1; PR->tables[0] = 3; }
static void m_r_top(void) { PR->start = 0; PR->end = -(uint64_t)pg; }

#define EDGE	((void *)1)	/* argument: the struct straddles into page_none */
#define NONE	((void *)2)	/* argument: page_none */
#define KADDR	((void *)3)
#define NULLP	((void *)4)

static const struct mcase cases[] = {
	/* ATTACH */
	{ "attach: valid", W_ATTACH, OK, m_none, NULL },
	{ "attach: size 0", W_ATTACH, BAD_SIZE, m_size0, NULL },
	{ "attach: size 4", W_ATTACH, BAD_SIZE, m_size4, NULL },
	{ "attach: size -8", W_ATTACH, BAD_SIZE, m_size_m8, NULL },
	{ "attach: size -4", W_ATTACH, BAD_SIZE, m_size_m4, NULL },
	{ "attach: size +16, zero tail", W_ATTACH, OK, m_size_p16, NULL },
	{ "attach: size 4096, zero tail", W_ATTACH, OK, m_size_page, NULL },
	{ "attach: size +16, non-zero tail", W_ATTACH, NONZERO_TAIL, m_size_p16_nz, NULL },
	{ "attach: size +1, non-zero tail", W_ATTACH, NONZERO_TAIL, m_size_p1_nz, NULL },
	{ "attach: size 0xffffffff (tail faults)", W_ATTACH, HUGE_SIZE, m_size_huge, NULL },
	{ "attach: flags bit 1", W_ATTACH, BAD_FLAGS, m_flags2, NULL },
	{ "attach: flags bit 31", W_ATTACH, BAD_FLAGS, m_flags31, NULL },
	{ "attach: reserved0", W_ATTACH, RESERVED, m_a_res0, NULL },
	{ "attach: reserved[0]", W_ATTACH, RESERVED, m_a_res1, NULL },
	{ "attach: reserved[1]", W_ATTACH, RESERVED, m_a_res2, NULL },
	{ "attach: out fields ignored on input", W_ATTACH, OK, m_a_out, NULL },
	{ "attach: pid 0", W_ATTACH, NO_PROCESS, m_a_pid0, NULL },
	{ "attach: pid 0x3fffffff", W_ATTACH, NO_PROCESS, m_a_pidbig, NULL },
	{ "attach: pid 0xffffffff", W_ATTACH, NO_PROCESS, m_a_pidneg, NULL },
	{ "attach: ATTACH_DEBUGFS as root", W_ATTACH, OK, m_a_debugfs, NULL },
	{ "attach: arg NULL", W_ATTACH, FAULT, m_none, NULLP },
	{ "attach: arg PROT_NONE", W_ATTACH, FAULT, m_none, NONE },
	{ "attach: arg kernel address", W_ATTACH, FAULT, m_none, KADDR },
	{ "attach: arg straddles into PROT_NONE", W_ATTACH, FAULT, m_none, EDGE },
	/* LAYOUT */
	{ "layout: valid", W_LAYOUT, OK, m_none, NULL },
	{ "layout: size 0", W_LAYOUT, BAD_SIZE, m_size0, NULL },
	{ "layout: size 4", W_LAYOUT, BAD_SIZE, m_size4, NULL },
	{ "layout: size -8", W_LAYOUT, BAD_SIZE, m_size_m8, NULL },
	{ "layout: size +16, zero tail", W_LAYOUT, OK, m_size_p16, NULL },
	{ "layout: size +16, non-zero tail", W_LAYOUT, NONZERO_TAIL, m_size_p16_nz, NULL },
	{ "layout: flags bit 0", W_LAYOUT, BAD_FLAGS, m_flags1, NULL },
	{ "layout: flags bit 31", W_LAYOUT, BAD_FLAGS, m_flags31, NULL },
	{ "layout: arg NULL", W_LAYOUT, FAULT, m_none, NULLP },
	{ "layout: arg kernel address", W_LAYOUT, FAULT, m_none, KADDR },
	{ "layout: arg straddles into PROT_NONE", W_LAYOUT, FAULT, m_none, EDGE },
	/* LIST */
	{ "list: valid", W_LIST, OK, m_none, NULL },
	{ "list: size 0", W_LIST, BAD_SIZE, m_size0, NULL },
	{ "list: size -8", W_LIST, BAD_SIZE, m_size_m8, NULL },
	{ "list: size +16, zero tail", W_LIST, OK, m_size_p16, NULL },
	{ "list: size +16, non-zero tail", W_LIST, NONZERO_TAIL, m_size_p16_nz, NULL },
	{ "list: flags bit 0", W_LIST, BAD_FLAGS, m_flags1, NULL },
	{ "list: reserved[0]", W_LIST, RESERVED, m_l_res0, NULL },
	{ "list: reserved[1]", W_LIST, RESERVED, m_l_res1, NULL },
	{ "list: out fields ignored on input", W_LIST, OK, m_l_out, NULL },
	{ "list: max_vmas 0", W_LIST, LIMITS, m_l_max0, NULL },
	{ "list: max_vmas LIST_MAX+1", W_LIST, LIMITS, m_l_maxbig, NULL },
	{ "list: max_vmas 0xffffffff", W_LIST, LIMITS, m_l_maxneg, NULL },
	{ "list: vma_size 0", W_LIST, LIMITS, m_l_vs0, NULL },
	{ "list: vma_size 8", W_LIST, LIMITS, m_l_vs8, NULL },
	{ "list: vma_size VER0-1", W_LIST, LIMITS, m_l_vs79, NULL },
	{ "list: strings_size STRINGS_MAX+1", W_LIST, LIMITS, m_l_ss, NULL },
	{ "list: strings_size 0xffffffff", W_LIST, LIMITS, m_l_ssneg, NULL },
	{ "list: vmas NULL", W_LIST, FAULT, m_l_vnull, NULL },
	{ "list: vmas PROT_NONE", W_LIST, FAULT, m_l_vnone, NULL },
	{ "list: vmas read-only", W_LIST, FAULT, m_l_vro, NULL },
	{ "list: vmas kernel address", W_LIST, FAULT, m_l_vk, NULL },
	{ "list: vmas non-canonical", W_LIST, FAULT, m_l_vnc, NULL },
	{ "list: strings NULL", W_LIST, FAULT, m_l_snull, NULL },
	{ "list: strings PROT_NONE", W_LIST, FAULT, m_l_snone, NULL },
	{ "list: strings read-only", W_LIST, FAULT, m_l_sro, NULL },
	{ "list: strings kernel address", W_LIST, FAULT, m_l_sk, NULL },
	{ "list: strings_size 4 at a named VMA", W_LIST, NOSPACE, m_l_ssmall, NULL },
	{ "list: strings_size 0 at a named VMA", W_LIST, NOSPACE, m_l_szero, NULL },
	{ "list: start_addr ~0 (nothing left)", W_LIST, OK, m_l_end, NULL },
	{ "list: arg NULL", W_LIST, FAULT, m_none, NULLP },
	{ "list: arg straddles into PROT_NONE", W_LIST, FAULT, m_none, EDGE },
	/* FIND */
	{ "find: valid", W_FIND, OK, m_none, NULL },
	{ "find: size 0", W_FIND, BAD_SIZE, m_size0, NULL },
	{ "find: size -8", W_FIND, BAD_SIZE, m_size_m8, NULL },
	{ "find: size +16, zero tail", W_FIND, OK, m_size_p16, NULL },
	{ "find: size +16, non-zero tail", W_FIND, NONZERO_TAIL, m_size_p16_nz, NULL },
	{ "find: flags bit 0", W_FIND, BAD_FLAGS, m_flags1, NULL },
	{ "find: reserved[0]", W_FIND, RESERVED, m_f_res0, NULL },
	{ "find: reserved[1]", W_FIND, RESERVED, m_f_res1, NULL },
	{ "find: strings_size STRINGS_MAX+1", W_FIND, LIMITS, m_f_ss, NULL },
	{ "find: strings NULL at a named VMA", W_FIND, FAULT, m_f_snull, NULL },
	{ "find: strings PROT_NONE at a named VMA", W_FIND, FAULT, m_f_snone, NULL },
	{ "find: strings kernel address at a named VMA", W_FIND, FAULT, m_f_sk, NULL },
	{ "find: strings_size 4 at a named VMA", W_FIND, NOSPACE, m_f_ssmall, NULL },
	{ "find: no string area at a nameless VMA", W_FIND, OK, m_f_anon_nostr, NULL },
	{ "find: addr 0", W_FIND, OK, m_f_zero, NULL },
	{ "find: addr ~0", W_FIND, OK, m_f_max, NULL },
	{ "find: arg NULL", W_FIND, FAULT, m_none, NULLP },
	{ "find: arg straddles into PROT_NONE", W_FIND, FAULT, m_none, EDGE },
	/* PT_PATH */
	{ "pt_path: valid", W_PATH, OK, m_none, NULL },
	{ "pt_path: size 0", W_PATH, BAD_SIZE, m_size0, NULL },
	{ "pt_path: size -8", W_PATH, BAD_SIZE, m_size_m8, NULL },
	{ "pt_path: size +16, zero tail", W_PATH, OK, m_size_p16, NULL },
	{ "pt_path: size +16, non-zero tail", W_PATH, NONZERO_TAIL, m_size_p16_nz, NULL },
	{ "pt_path: flags bit 0", W_PATH, BAD_FLAGS, m_flags1, NULL },
	{ "pt_path: flags bit 31", W_PATH, BAD_FLAGS, m_flags31, NULL },
	{ "pt_path: reserved0", W_PATH, RESERVED, m_p_res0, NULL },
	{ "pt_path: reserved[1]", W_PATH, RESERVED, m_p_res1, NULL },
	{ "pt_path: out fields ignored on input", W_PATH, OK, m_p_out, NULL },
	{ "pt_path: addr 0 (no VMA)", W_PATH, OK, m_p_zero, NULL },
	{ "pt_path: addr ~0 (kernel half)", W_PATH, OK, m_p_max, NULL },
	{ "pt_path: arg NULL", W_PATH, FAULT, m_none, NULLP },
	{ "pt_path: arg kernel address", W_PATH, FAULT, m_none, KADDR },
	{ "pt_path: arg straddles into PROT_NONE", W_PATH, FAULT, m_none, EDGE },
	/* PT_RUNS */
	{ "pt_runs: valid", W_RUNS, OK, m_none, NULL },
	{ "pt_runs: size 0", W_RUNS, BAD_SIZE, m_size0, NULL },
	{ "pt_runs: size -8", W_RUNS, BAD_SIZE, m_size_m8, NULL },
	{ "pt_runs: size +16, zero tail", W_RUNS, OK, m_size_p16, NULL },
	{ "pt_runs: size +16, non-zero tail", W_RUNS, NONZERO_TAIL, m_size_p16_nz, NULL },
	{ "pt_runs: flags NO_FRAME_BITS", W_RUNS, OK, m_flags1, NULL },
	{ "pt_runs: flags bit 1", W_RUNS, BAD_FLAGS, m_flags2, NULL },
	{ "pt_runs: reserved[0]", W_RUNS, RESERVED, m_r_res0, NULL },
	{ "pt_runs: out fields ignored on input", W_RUNS, OK, m_r_out, NULL },
	{ "pt_runs: start not page aligned", W_RUNS, LIMITS, m_r_unaligned_start, NULL },
	{ "pt_runs: end not page aligned", W_RUNS, LIMITS, m_r_unaligned_end, NULL },
	{ "pt_runs: empty range", W_RUNS, LIMITS, m_r_empty, NULL },
	{ "pt_runs: end below start", W_RUNS, LIMITS, m_r_backwards, NULL },
	{ "pt_runs: max_runs 0", W_RUNS, LIMITS, m_r_max0, NULL },
	{ "pt_runs: max_runs RUNS_MAX+1", W_RUNS, LIMITS, m_r_maxbig, NULL },
	{ "pt_runs: run_size 0", W_RUNS, LIMITS, m_r_rs0, NULL },
	{ "pt_runs: run_size VER0-8", W_RUNS, LIMITS, m_r_rssmall, NULL },
	{ "pt_runs: run_size 8192", W_RUNS, LIMITS, m_r_rsbig, NULL },
	{ "pt_runs: runs NULL", W_RUNS, FAULT, m_r_rnull, NULL },
	{ "pt_runs: runs PROT_NONE", W_RUNS, FAULT, m_r_rnone, NULL },
	{ "pt_runs: runs read-only", W_RUNS, FAULT, m_r_rro, NULL },
	{ "pt_runs: runs kernel address", W_RUNS, FAULT, m_r_rk, NULL },
	{ "pt_runs: whole user range", W_RUNS, OK, m_r_top, NULL },
	{ "pt_runs: arg NULL", W_RUNS, FAULT, m_none, NULLP },
	{ "pt_runs: arg straddles into PROT_NONE", W_RUNS, FAULT, m_none, EDGE },
};

static void run_table(void)
{
	size_t i;
	int fd = attached_fd(getpid());

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mcase *c = &cases[i];
		void *arg = big;
		int use = fd, e;

		base(c->w);
		c->mut();
		if (c->argp == EDGE) {
			memcpy(edge, big, 8);
			arg = edge;
		} else if (c->argp == NONE) {
			arg = page_none;
		} else if (c->argp == KADDR) {
			arg = kaddr;
		} else if (c->argp == NULLP) {
			arg = NULL;
		}
		if (c->w == W_ATTACH)
			use = vmi_open_or_exit();
		e = xioctl(use, cmds[c->w].cmd, arg);
		expect(e, c->c, c->name);
		if (c->w == W_ATTACH)
			close(use);
	}
	close(fd);
}

/* ---- every ioctl's argument size: VER0, current, longer ---- */

static struct vmainspect_owner sweep_owners[8];
static struct vmainspect_kregion sweep_regions[VMAINSPECT_KREGIONS_MAX];

/* A valid argument of the frame and kernel-layout ioctls in big[]. */
static void base_page(void)
{
	struct vmainspect_page *p = (void *)big;

	memset(big, 0, sizeof(big));
	p->size = sizeof(*p);
	p->flags = VMAINSPECT_PAGE_BY_ADDR;
	p->addr = (uintptr_t)big & ~(uint64_t)(pg - 1);
}

static void base_rmap(void)
{
	struct vmainspect_rmap *r = (void *)big;

	memset(big, 0, sizeof(big));
	r->size = sizeof(*r);
	r->flags = VMAINSPECT_PAGE_BY_ADDR;
	r->addr = (uintptr_t)big & ~(uint64_t)(pg - 1);
	r->owners = (uintptr_t)sweep_owners;
	r->owner_size = sizeof(sweep_owners[0]);
	r->max_owners = sizeof(sweep_owners) / sizeof(sweep_owners[0]);
}

static void base_klayout(void)
{
	struct vmainspect_klayout *k = (void *)big;

	memset(big, 0, sizeof(big));
	k->size = sizeof(*k);
	k->regions = (uintptr_t)sweep_regions;
	k->region_size = sizeof(sweep_regions[0]);
	k->max_regions = sizeof(sweep_regions) / sizeof(sweep_regions[0]);
}

static void base_kaddr(void)
{
	struct vmainspect_kaddr *k = (void *)big;

	memset(big, 0, sizeof(big));
	k->size = sizeof(*k);
	k->addr = (uintptr_t)-1 & ~(uint64_t)(pg - 1);	/* the top page */
}

static void base_attach(void) { base(W_ATTACH); }
static void base_layout(void) { base(W_LAYOUT); }
static void base_list(void) { base(W_LIST); }
static void base_find(void) { base(W_FIND); }
static void base_path(void) { base(W_PATH); }
static void base_runs(void) { base(W_RUNS); }

/*
 * Each ioctl with its argument struct at VMAINSPECT_<NAME>_SIZE_VER0 (the
 * first published size: taken), 4 bytes short of it (-EINVAL), at this
 * header's size, 16 bytes longer with a zero tail (taken) and with a
 * non-zero byte at the end (-E2BIG): a tool built against an older or a
 * newer header keeps working (Documentation/abi.md).
 */
static void size_sweep(void)
{
	static const struct {
		const char *name;
		unsigned long cmd;
		uint32_t ver0, cur;
		void (*fill)(void);
	} io[] = {
#define IO(n, cmd, NAME, st, fill)					\
	{ n, VMAINSPECT_IOC_##cmd, VMAINSPECT_##NAME##_SIZE_VER0,		\
	  sizeof(struct vmainspect_##st), fill }
		IO("attach", ATTACH, ATTACH, attach, base_attach),
		IO("layout", LAYOUT, LAYOUT, layout, base_layout),
		IO("list", LIST_VMAS, VMA_LIST, vma_list, base_list),
		IO("find", FIND_VMA, FIND, find, base_find),
		IO("pt_path", PT_PATH, PT_PATH, pt_path, base_path),
		IO("pt_runs", PT_RUNS, PT_RUNS, pt_runs, base_runs),
		IO("page", PAGE, PAGE, page, base_page),
		IO("rmap", RMAP, RMAP, rmap, base_rmap),
		IO("klayout", KLAYOUT, KLAYOUT, klayout, base_klayout),
		IO("kaddr", KADDR, KADDR, kaddr, base_kaddr),
#undef IO
	};
	int fd = attached_fd(getpid());
	char name[96];
	size_t i;

	for (i = 0; i < sizeof(io) / sizeof(io[0]); i++) {
		io[i].fill();
		*(uint32_t *)big = io[i].ver0;
		snprintf(name, sizeof(name), "%s: size VER0 (%u)", io[i].name, io[i].ver0);
		expect(xioctl(fd, io[i].cmd, big), OK, name);

		io[i].fill();
		*(uint32_t *)big = io[i].ver0 - 4;
		snprintf(name, sizeof(name), "%s: size VER0 - 4", io[i].name);
		expect(xioctl(fd, io[i].cmd, big), BAD_SIZE, name);

		io[i].fill();
		*(uint32_t *)big = io[i].cur;
		snprintf(name, sizeof(name), "%s: size of this header (%u)", io[i].name,
			 io[i].cur);
		expect(xioctl(fd, io[i].cmd, big), OK, name);

		io[i].fill();
		*(uint32_t *)big = io[i].cur + 16;
		snprintf(name, sizeof(name), "%s: header size + 16, zero tail", io[i].name);
		expect(xioctl(fd, io[i].cmd, big), OK, name);

		io[i].fill();
		*(uint32_t *)big = io[i].cur + 16;
		big[io[i].cur + 15] = 1;
		snprintf(name, sizeof(name), "%s: header size + 16, non-zero tail", io[i].name);
		expect(xioctl(fd, io[i].cmd, big), NONZERO_TAIL, name);
	}
	close(fd);
}

/* ---- unknown commands and queries before attach ---- */

static void unknown_cmds(void)
{
	int fd = attached_fd(getpid());

	memset(big, 0, sizeof(big));
	*(uint32_t *)big = 64;
	expect(xioctl(fd, _IOWR(VMAINSPECT_IOC_MAGIC, 0x7f, struct vmainspect_attach), big),
	       UNKNOWN_CMD, "cmd: nr 0x7f");
	expect(xioctl(fd, _IOWR(VMAINSPECT_IOC_MAGIC, 0x00, struct vmainspect_attach), big),
	       UNKNOWN_CMD, "cmd: nr 0x00");
	expect(xioctl(fd, _IOWR(VMAINSPECT_IOC_MAGIC, 0x3F, struct vmainspect_find), big),
	       UNKNOWN_CMD, "cmd: nr 0x3F (unused)");
	expect(xioctl(fd, _IOWR('X', 0x01, struct vmainspect_attach), big),
	       UNKNOWN_CMD, "cmd: wrong magic");
	expect(xioctl(fd, _IOWR(VMAINSPECT_IOC_MAGIC + 1, 0x02, struct vmainspect_layout), big),
	       UNKNOWN_CMD, "cmd: layout nr, next magic");
	/* the module dispatches on type and number only (see the header) */
	expect(xioctl(fd, FIONREAD, big), UNKNOWN_CMD, "cmd: FIONREAD");
	close(fd);

	fd = vmi_open_or_exit();
	base(W_LAYOUT);
	expect(xioctl(fd, VMAINSPECT_IOC_LAYOUT, big), NOT_ATTACHED, "layout before attach");
	base(W_LIST);
	expect(xioctl(fd, VMAINSPECT_IOC_LIST_VMAS, big), NOT_ATTACHED, "list before attach");
	base(W_FIND);
	expect(xioctl(fd, VMAINSPECT_IOC_FIND_VMA, big), NOT_ATTACHED, "find before attach");
	base(W_PATH);
	expect(xioctl(fd, VMAINSPECT_IOC_PT_PATH, big), NOT_ATTACHED, "pt_path before attach");
	base(W_RUNS);
	expect(xioctl(fd, VMAINSPECT_IOC_PT_RUNS, big), NOT_ATTACHED, "pt_runs before attach");
	/* a failed attach leaves the file unattached */
	base(W_ATTACH);
	A->pid = 0x3fffffff;
	xioctl(fd, VMAINSPECT_IOC_ATTACH, big);
	base(W_LAYOUT);
	expect(xioctl(fd, VMAINSPECT_IOC_LAYOUT, big), NOT_ATTACHED,
	       "layout after a failed first attach");
	close(fd);
}

/* ---- attach outputs ---- */

static volatile int thread_stop;

static void *thread_fn(void *arg)
{
	*(volatile pid_t *)arg = (pid_t)syscall(SYS_gettid);
	while (!thread_stop)
		usleep(1000);
	return NULL;
}

static void attach_outputs(void)
{
	struct vmainspect_attach a;
	volatile pid_t tid = 0;
	pthread_t th;
	int fd = vmi_open_or_exit(), e;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.pid = getpid();
	e = xioctl(fd, VMAINSPECT_IOC_ATTACH, &a);
	check(!e && a.abi_version == VMAINSPECT_ABI_VERSION && a.tgid == (uint32_t)getpid(),
	      "attach self: abi_version and tgid", "rc %s abi_version %u tgid %u (pid %d)",
	      errname(e), a.abi_version, a.tgid, (int)getpid());
	if (pthread_create(&th, NULL, thread_fn, (void *)&tid) == 0) {
		while (!tid)
			usleep(1000);
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.pid = tid;
		e = xioctl(fd, VMAINSPECT_IOC_ATTACH, &a);
		check(!e && a.tgid == (uint32_t)getpid(), "attach by thread id: tgid",
		      "rc %s tgid %u, expected %d", errname(e), a.tgid, (int)getpid());
		thread_stop = 1;
		pthread_join(th, NULL);
	}
	close(fd);
}

/* ---- list helpers ---- */

static int list_call(int fd, uint64_t start, struct vmainspect_vma_list *l, void *vmas,
		     uint32_t vma_size, uint32_t max, char *s, uint32_t ssize)
{
	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->start_addr = start;
	l->vmas = (uintptr_t)vmas;
	l->strings = (uintptr_t)s;
	l->vma_size = vma_size;
	l->max_vmas = max;
	l->strings_size = ssize;
	return xioctl(fd, VMAINSPECT_IOC_LIST_VMAS, l);
}

static const char *rec_name(const struct vmainspect_vma *v, const char *s, uint32_t used)
{
	if (v->name_off == VMAINSPECT_NO_NAME)
		return NULL;
	if (v->name_off >= used || v->name_off + v->name_len >= used)
		return "<name_off out of range>";
	return s + v->name_off;
}

/* Find addresses for the table: a file VMA (our text) and a nameless anon VMA. */
static void find_targets(void)
{
	struct vmainspect_vma_list l;
	int fd = attached_fd(getpid()), e;
	uint32_t i;

	e = list_call(fd, 0, &l, recs, sizeof(recs[0]), VMAINSPECT_LIST_MAX_VMAS, strs, sizeof(strs));
	if (e) {
		fail_reason("list self", "%s", errname(e));
		close(fd);
		return;
	}
	for (i = 0; i < l.nr_vmas; i++) {
		if (recs[i].start <= (uintptr_t)&find_targets && (uintptr_t)&find_targets < recs[i].end)
			file_vma_addr = recs[i].start;
		if (recs[i].start <= (uintptr_t)page_ro && (uintptr_t)page_ro < recs[i].end)
			anon_vma_addr = recs[i].start;
	}
	check(file_vma_addr && anon_vma_addr, "list self: finds own text and an anon mapping",
	      "text %#" PRIx64 " anon %#" PRIx64, file_vma_addr, anon_vma_addr);
	close(fd);
}

/* ---- semantic checks of LIST ---- */

static int same_rec(const struct vmainspect_vma *a, const char *as, uint32_t au,
		    const struct vmainspect_vma *b, const char *bs, uint32_t bu)
{
	const char *an = rec_name(a, as, au), *bn = rec_name(b, bs, bu);

	if (a->start != b->start || a->end != b->end || a->vm_flags != b->vm_flags ||
	    a->uflags != b->uflags || a->pgoff != b->pgoff || a->inode != b->inode ||
	    a->dev_major != b->dev_major || a->dev_minor != b->dev_minor || a->kind != b->kind ||
	    a->name_len != b->name_len || a->page_prot != b->page_prot)
		return 0;
	/* attrs: ANON_VMA may appear in between (a fault), ignore that bit */
	if ((a->attrs ^ b->attrs) & ~VMAINSPECT_ATTR_ANON_VMA)
		return 0;
	if (!an != !bn || (an && strcmp(an, bn)))
		return 0;
	return 1;
}

static void batch_cursor(void)
{
	int fd = attached_fd(getpid()), attempt, e;
	struct vmainspect_vma_list l, l1;
	char why[256] = "";

	for (attempt = 0; attempt < 5; attempt++) {
		uint32_t n = 0, i, used1 = 0;
		uint64_t cur = 0, gen;
		int ok = 1, changed = 0;

		e = list_call(fd, 0, &l, recs, sizeof(recs[0]), VMAINSPECT_LIST_MAX_VMAS, strs,
			      sizeof(strs));
		if (e) {
			snprintf(why, sizeof(why), "list: %s", errname(e));
			break;
		}
		gen = l.generation;
		if (!(l.out_flags & VMAINSPECT_LIST_DONE)) {
			snprintf(why, sizeof(why), "%u VMAs in one call without LIST_DONE", l.nr_vmas);
			ok = 0;
		}
		if (l.nr_vmas && l.next_addr != recs[l.nr_vmas - 1].end) {
			snprintf(why, sizeof(why), "next_addr %#llx != end of last %#llx",
				 (unsigned long long)l.next_addr,
				 (unsigned long long)recs[l.nr_vmas - 1].end);
			ok = 0;
		}
		/* one at a time; each record's name is copied to strs1 */
		for (;;) {
			struct vmainspect_vma one;
			char s1[4096];

			e = list_call(fd, cur, &l1, &one, sizeof(one), 1, s1, sizeof(s1));
			if (e) {
				snprintf(why, sizeof(why), "list max_vmas=1 at %#llx: %s",
					 (unsigned long long)cur, errname(e));
				ok = 0;
				break;
			}
			if (l1.generation != gen)
				changed = 1;
			if (l1.nr_vmas > 1) {
				snprintf(why, sizeof(why), "max_vmas=1 returned %u", l1.nr_vmas);
				ok = 0;
				break;
			}
			if (l1.nr_vmas == 0) {
				if (!(l1.out_flags & VMAINSPECT_LIST_DONE)) {
					snprintf(why, sizeof(why), "0 records without DONE at %#llx",
						 (unsigned long long)cur);
					ok = 0;
				}
				break;
			}
			if (n >= VMAINSPECT_LIST_MAX_VMAS)
				break;
			if (one.name_off != VMAINSPECT_NO_NAME) {
				if (one.name_off + one.name_len >= l1.strings_used ||
				    used1 + one.name_len + 1 > sizeof(strs1)) {
					snprintf(why, sizeof(why), "bad name_off/len at %#llx",
						 (unsigned long long)one.start);
					ok = 0;
					break;
				}
				memcpy(strs1 + used1, s1 + one.name_off, one.name_len + 1);
				one.name_off = used1;
				used1 += one.name_len + 1;
			}
			recs1[n++] = one;
			if (l1.next_addr != one.end || one.end <= cur) {
				snprintf(why, sizeof(why), "cursor %#llx after VMA ending %#llx",
					 (unsigned long long)l1.next_addr, (unsigned long long)one.end);
				ok = 0;
				break;
			}
			cur = l1.next_addr;
			if (l1.out_flags & VMAINSPECT_LIST_DONE)
				break;
		}
		if (changed)
			continue;	/* our own mm changed: try again */
		if (ok && n != l.nr_vmas) {
			snprintf(why, sizeof(why), "%u VMAs one by one vs %u in one call", n, l.nr_vmas);
			ok = 0;
		}
		for (i = 0; ok && i < n; i++)
			if (!same_rec(&recs[i], strs, l.strings_used, &recs1[i], strs1, used1)) {
				snprintf(why, sizeof(why), "record %u (%#llx) differs", i,
					 (unsigned long long)recs[i].start);
				ok = 0;
			}
		if (ok) {
			pass("list: max_vmas=1 cursor walk equals one call (%u VMAs)", n);
			close(fd);
			return;
		}
		break;
	}
	fail_reason("list: max_vmas=1 cursor walk equals one call", "%s", why[0] ? why : "target kept changing");
	close(fd);
}

static void wide_records(void)
{
	int fd = attached_fd(getpid()), e, attempt;
	struct vmainspect_vma_list l, l2;
	uint32_t i, j;

	for (attempt = 0; attempt < 5; attempt++) {
		int ok = 1;

		memset(wide, 0xff, sizeof(wide));
		e = list_call(fd, 0, &l, wide, BIG_VMA_SIZE, VMAINSPECT_LIST_MAX_VMAS, strs, sizeof(strs));
		if (e) {
			fail_reason("list: vma_size 128", "%s", errname(e));
			break;
		}
		e = list_call(fd, 0, &l2, recs, sizeof(recs[0]), VMAINSPECT_LIST_MAX_VMAS, strs1,
			      sizeof(strs1));
		if (e || l.generation != l2.generation)
			continue;
		for (i = 0; i < l.nr_vmas && ok; i++) {
			unsigned char *r = wide + (size_t)i * BIG_VMA_SIZE;

			for (j = sizeof(struct vmainspect_vma); j < BIG_VMA_SIZE; j++)
				if (r[j]) {
					fail_reason("list: vma_size 128 tail zero-filled",
						    "record %u byte %u is %#x", i, j, r[j]);
					ok = 0;
					break;
				}
			if (ok && !same_rec((void *)r, strs, l.strings_used, &recs[i], strs1,
					    l2.strings_used)) {
				fail_reason("list: vma_size 128 records equal the 80-byte ones",
					    "record %u differs", i);
				ok = 0;
			}
		}
		/* bytes after the last record untouched */
		if (ok && l.nr_vmas < VMAINSPECT_LIST_MAX_VMAS &&
		    wide[(size_t)l.nr_vmas * BIG_VMA_SIZE] != 0xff) {
			fail_reason("list: vma_size 128", "wrote past nr_vmas records");
			ok = 0;
		}
		if (ok && l.nr_vmas == l2.nr_vmas) {
			pass("list: vma_size 128 tail zero-filled, records equal (%u VMAs)", l.nr_vmas);
			break;
		}
		if (ok) {
			fail_reason("list: vma_size 128", "%u records vs %u", l.nr_vmas, l2.nr_vmas);
			break;
		}
		break;
	}
	close(fd);
}

/* Equal names share one string; every name is in bounds and NUL-terminated. */
static void dedup(void)
{
	int fd = attached_fd(getpid()), e, pairs = 0, bad = 0, dfd;
	struct vmainspect_vma_list l;
	char path[] = "/tmp/vmi-abi-dedup.XXXXXX";
	char *m1 = MAP_FAILED, *m2 = MAP_FAILED;
	uint32_t i, j;

	dfd = mkstemp(path);
	if (dfd >= 0 && ftruncate(dfd, 4 * pg) == 0) {
		m1 = mmap(NULL, pg, PROT_READ, MAP_SHARED, dfd, 0);
		m2 = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 2 * pg);
	}
	e = list_call(fd, 0, &l, recs, sizeof(recs[0]), VMAINSPECT_LIST_MAX_VMAS, strs, sizeof(strs));
	if (e) {
		fail_reason("list: name de-duplication", "%s", errname(e));
		goto out;
	}
	for (i = 0; i < l.nr_vmas; i++) {
		const char *ni = rec_name(&recs[i], strs, l.strings_used);

		if (ni && (strlen(ni) != recs[i].name_len || ni[0] == '<')) {
			fail_reason("list: names NUL-terminated, name_len right", "record %u at %#llx", i,
				    (unsigned long long)recs[i].start);
			bad = 1;
			break;
		}
		for (j = i + 1; ni && j < l.nr_vmas; j++) {
			const char *nj = rec_name(&recs[j], strs, l.strings_used);

			if (nj && !strcmp(ni, nj)) {
				pairs++;
				if (recs[i].name_off != recs[j].name_off) {
					fail_reason("list: name de-duplication",
						    "%s: name_off %u at %#llx vs %u at %#llx", ni,
						    recs[i].name_off, (unsigned long long)recs[i].start,
						    recs[j].name_off, (unsigned long long)recs[j].start);
					bad = 1;
					goto out;
				}
			}
		}
	}
	if (!bad)
		check(pairs > 0 && m1 != MAP_FAILED && m2 != MAP_FAILED,
		      "list: name de-duplication", "no pair of equal names to check");
out:
	if (m1 != MAP_FAILED)
		munmap(m1, pg);
	if (m2 != MAP_FAILED)
		munmap(m2, pg);
	if (dfd >= 0) {
		close(dfd);
		unlink(path);
	}
	close(fd);
}

/* ---- FIND semantics ---- */

static int find_call(int fd, uint64_t addr, struct vmainspect_find *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	f->addr = addr;
	f->strings = (uintptr_t)strs1;
	f->strings_size = 4096;
	return xioctl(fd, VMAINSPECT_IOC_FIND_VMA, f);
}

static void find_sem(void)
{
	int fd = attached_fd(getpid()), e;
	struct vmainspect_find f;
	struct vmainspect_layout ly;
	char *p;
	uint64_t a = (uintptr_t)&find_sem;

	e = find_call(fd, a, &f);
	check(!e && (f.out_flags & VMAINSPECT_FIND_FOUND) && (f.out_flags & VMAINSPECT_FIND_CONTAINS) &&
	      f.vma.start <= a && a < f.vma.end && f.vma.kind == VMAINSPECT_KIND_FILE &&
	      f.vma.name_off != VMAINSPECT_NO_NAME && strlen(strs1 + f.vma.name_off) == f.vma.name_len,
	      "find: address inside own text", "rc %s out_flags %#x vma %#llx-%#llx kind %u",
	      errname(e), f.out_flags, (unsigned long long)f.vma.start,
	      (unsigned long long)f.vma.end, f.vma.kind);

	/* a hole: three pages, the middle one unmapped */
	p = mmap(NULL, 3 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED && munmap(p + pg, pg) == 0) {
		e = find_call(fd, (uintptr_t)(p + pg + 8), &f);
		check(!e && (f.out_flags & VMAINSPECT_FIND_FOUND) &&
		      !(f.out_flags & VMAINSPECT_FIND_CONTAINS) &&
		      f.vma.start == (uintptr_t)(p + 2 * pg),
		      "find: address between VMAs gives the next one",
		      "rc %s out_flags %#x vma start %#llx, expected %p", errname(e), f.out_flags,
		      (unsigned long long)f.vma.start, (void *)(p + 2 * pg));
		munmap(p, pg);
		munmap(p + 2 * pg, pg);
	}
	memset(&ly, 0, sizeof(ly));
	ly.size = sizeof(ly);
	e = xioctl(fd, VMAINSPECT_IOC_LAYOUT, &ly);
	if (!e) {
		e = find_call(fd, ly.task_size - 1, &f);
		check(!e && !(f.out_flags & (VMAINSPECT_FIND_FOUND | VMAINSPECT_FIND_CONTAINS)),
		      "find: above all VMAs (task_size-1)", "rc %s out_flags %#x vma %#llx",
		      errname(e), f.out_flags, (unsigned long long)f.vma.start);
		check(ly.page_shift == 12 && (ly.pgtable_levels == 4 || ly.pgtable_levels == 5) &&
		      ly.start_code < ly.end_code && ly.map_count > 0 &&
		      !ly.reserved[0] && !ly.reserved[1] && !ly.reserved[2] && !ly.reserved[3],
		      "layout: sane values, reserved out fields zero",
		      "page_shift %u levels %u code %#llx-%#llx", ly.page_shift, ly.pgtable_levels,
		      (unsigned long long)ly.start_code, (unsigned long long)ly.end_code);
	} else {
		fail_reason("layout self", "%s", errname(e));
	}
	e = find_call(fd, 0xffffffffff600000ULL, &f);
	check(!e && !(f.out_flags & VMAINSPECT_FIND_FOUND), "find: [vsyscall] is not a VMA",
	      "rc %s out_flags %#x", errname(e), f.out_flags);
	close(fd);
}

/* ---- targets in child processes ---- */

struct child {
	pid_t pid;
	int to, from;		/* command pipe, reply pipe */
};

/* child: obeys one-byte commands: m=mmap, u=munmap, p=mprotect, x=exec, q=exit */
static void child_loop(int in, int out, const char *self)
{
	char c, *p = NULL;

	for (;;) {
		if (read(in, &c, 1) != 1)
			_exit(0);
		switch (c) {
		case 'm':
			p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			break;
		case 'u':
			munmap(p, 4 * pg);
			break;
		case 'p':
			mprotect(p, pg, PROT_READ);
			break;
		case 'g':	/* 6.13+; EINVAL before, harmless */
			madvise(p + pg, pg, 102 /* MADV_GUARD_INSTALL */);
			break;
		case 'x':
			execl(self, self, "--sleep", (char *)NULL);
			_exit(127);
		case 'q':
			_exit(0);
		}
		if (write(out, &c, 1) != 1)
			_exit(1);
	}
}

static struct child spawn(void)
{
	int a[2], b[2];
	struct child c = { -1, -1, -1 };
	static char self[4096];
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		n = 0;
	self[n] = 0;
	if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC))
		return c;
	c.pid = fork();
	if (c.pid == 0) {
		close(a[1]);
		close(b[0]);
		child_loop(a[0], b[1], self);
	}
	close(a[0]);
	close(b[1]);
	c.to = a[1];
	c.from = b[0];
	return c;
}

/* send a command; 1 if it was acknowledged (0 at EOF: exec'd or died) */
static int cmd(struct child *c, char x)
{
	char r;

	if (write(c->to, &x, 1) != 1)
		return 0;
	return read(c->from, &r, 1) == 1;
}

static void reap(struct child *c)
{
	kill_wait(c->pid);
	close(c->to);
	close(c->from);
}

static uint64_t gen_list(int fd, int *e)
{
	struct vmainspect_vma_list l;

	*e = list_call(fd, 0, &l, recs, sizeof(recs[0]), VMAINSPECT_LIST_MAX_VMAS, strs, sizeof(strs));
	return l.generation;
}

/*
 * The generation a file that has asked before gives (the module caches it
 * while the kernel saw no mmap write lock) against a new file's, which
 * hashes every VMA: they must agree.
 */
static void gen_fresh(struct child *c, int fd, const char *step)
{
	int fresh = attached_fd(c->pid), e1, e2;
	uint64_t g = gen_list(fd, &e1), gf = gen_list(fresh, &e2);

	close(fresh);
	check(!e1 && !e2 && g == gf, step, "cached %#llx, fresh %#llx (rc %d/%d)",
	      (unsigned long long)g, (unsigned long long)gf, e1, e2);
}

static void generation(void)
{
	struct child c = spawn();
	struct vmainspect_layout ly;
	struct vmainspect_find f;
	uint64_t g1, g2, g3, g4, g5;
	int fd, e1, e2, e3, e4, e5, ok = 1;

	if (c.pid < 0) {
		fail_reason("generation", "fork failed");
		return;
	}
	cmd(&c, 'n');	/* wait until the child runs its loop */
	fd = attached_fd(c.pid);
	g1 = gen_list(fd, &e1);
	g2 = gen_list(fd, &e2);
	memset(&ly, 0, sizeof(ly));
	ly.size = sizeof(ly);
	e3 = xioctl(fd, VMAINSPECT_IOC_LAYOUT, &ly);
	e4 = find_call(fd, 0, &f);
	check(!e1 && !e2 && !e3 && !e4 && g1 == g2 && ly.generation == g1 && f.generation == g1,
	      "generation: stable while the target is idle (list, list, layout, find)",
	      "rc %d/%d/%d/%d gens %#llx %#llx layout %#llx find %#llx", e1, e2, e3, e4,
	      (unsigned long long)g1, (unsigned long long)g2, (unsigned long long)ly.generation,
	      (unsigned long long)f.generation);
	if (!cmd(&c, 'm'))
		ok = 0;
	g3 = gen_list(fd, &e3);
	gen_fresh(&c, fd, "generation: after mmap, as a new file's");
	if (!cmd(&c, 'p'))
		ok = 0;
	g4 = gen_list(fd, &e4);
	gen_fresh(&c, fd, "generation: after mprotect, as a new file's");
	/* 6.19+ sets VM_MAYBE_GUARD under the read lock: no write-lock count */
	if (!cmd(&c, 'g'))
		ok = 0;
	gen_fresh(&c, fd, "generation: after MADV_GUARD_INSTALL, as a new file's");
	if (!cmd(&c, 'u'))
		ok = 0;
	g5 = gen_list(fd, &e5);
	gen_fresh(&c, fd, "generation: after munmap, as a new file's");
	check(ok && !e3 && !e4 && !e5 && g3 != g2, "generation: changes after mmap",
	      "%#llx -> %#llx", (unsigned long long)g2, (unsigned long long)g3);
	check(ok && g4 != g3, "generation: changes after mprotect", "%#llx -> %#llx",
	      (unsigned long long)g3, (unsigned long long)g4);
	check(ok && g5 != g4, "generation: changes after munmap", "%#llx -> %#llx",
	      (unsigned long long)g4, (unsigned long long)g5);
	close(fd);
	reap(&c);
}

static void exec_exit(void)
{
	struct child c = spawn();
	struct vmainspect_layout ly;
	struct vmainspect_vma_list l;
	struct vmainspect_find f;
	int fd, e, st;
	char r;

	if (c.pid < 0) {
		fail_reason("exec after attach", "fork failed");
		return;
	}
	cmd(&c, 'n');
	fd = attached_fd(c.pid);
	memset(&ly, 0, sizeof(ly));
	ly.size = sizeof(ly);
	e = xioctl(fd, VMAINSPECT_IOC_LAYOUT, &ly);
	check(!e, "exec: layout of the child before exec", "%s", errname(e));
	/* exec: the reply pipe is O_CLOEXEC, so EOF on it means exec happened */
	r = 'x';
	if (write(c.to, &r, 1) != 1 || read(c.from, &r, 1) != 0) {
		fail_reason("exec after attach", "child did not exec");
		close(fd);
		reap(&c);
		return;
	}
	memset(&ly, 0, sizeof(ly));
	ly.size = sizeof(ly);
	expect(xioctl(fd, VMAINSPECT_IOC_LAYOUT, &ly), MM_GONE, "exec: layout after the target exec'd");
	expect(list_call(fd, 0, &l, recs, sizeof(recs[0]), 16, strs, sizeof(strs)), MM_GONE,
	       "exec: list after the target exec'd");
	expect(find_call(fd, 0, &f), MM_GONE, "exec: find after the target exec'd");
	/* attaching again gives the new image */
	e = vmi_attach(fd, c.pid, 0);
	memset(&ly, 0, sizeof(ly));
	ly.size = sizeof(ly);
	if (!e)
		e = xioctl(fd, VMAINSPECT_IOC_LAYOUT, &ly);
	check(!e, "exec: re-attach after exec works", "%s", errname(e));
	/* exit: zombie, then reaped */
	kill(c.pid, SIGKILL);
	while (waitid(P_PID, c.pid, NULL, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	expect(xioctl(fd, VMAINSPECT_IOC_LAYOUT, &ly), MM_GONE, "exit: layout of a zombie");
	expect(list_call(fd, 0, &l, recs, sizeof(recs[0]), 16, strs, sizeof(strs)), MM_GONE,
	       "exit: list of a zombie");
	expect(vmi_attach(vmi_open_or_exit(), c.pid, 0), MM_GONE, "exit: attach to a zombie");
	waitpid(c.pid, &st, 0);
	expect(xioctl(fd, VMAINSPECT_IOC_LAYOUT, &ly), MM_GONE, "exit: layout after reaping");
	expect(vmi_attach(fd, c.pid, 0), NO_PROCESS, "exit: attach after reaping");
	close(fd);
	close(c.to);
	close(c.from);
}

/* re-attach replaces the target; closing with a live target is fine */
static void reattach(void)
{
	struct child c = spawn();
	struct vmainspect_layout a, b;
	int fd, e1, e2, e3;

	if (c.pid < 0)
		return;
	cmd(&c, 'n');
	cmd(&c, 'm');		/* the child now has more VMAs than... */
	cmd(&c, 'p');
	fd = attached_fd(getpid());
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	e1 = xioctl(fd, VMAINSPECT_IOC_LAYOUT, &a);
	e2 = vmi_attach(fd, c.pid, 0);
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	e3 = xioctl(fd, VMAINSPECT_IOC_LAYOUT, &b);
	check(!e1 && !e2 && !e3 && a.map_count != b.map_count,
	      "attach again replaces the target", "rc %d/%d/%d map_count %llu vs %llu", e1, e2, e3,
	      (unsigned long long)a.map_count, (unsigned long long)b.map_count);
	close(fd);
	reap(&c);
}

int main(int argc, char **argv)
{
	char *p;

	if (argc > 1 && !strcmp(argv[1], "--sleep")) {
		sleep(30);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pg = sysconf(_SC_PAGESIZE);
	p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(p, 0, 3 * pg);
	mprotect(p + pg, pg, PROT_NONE);
	mprotect(p + 2 * pg, pg, PROT_READ);
	edge = p + pg - 8;
	page_none = p + pg;
	page_ro = p + 2 * pg;

	find_targets();
	run_table();
	size_sweep();
	unknown_cmds();
	attach_outputs();
	batch_cursor();
	wide_records();
	dedup();
	find_sem();
	generation();
	exec_exit();
	reattach();
	return summary();
}
