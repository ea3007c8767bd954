/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmainspect: names of the stable ABI values, shared by the module's debugfs
 * views and the tool so the two never disagree.
 *
 * vmainspect_vm_flag_names[] gives, for each VMAINSPECT_VM_* bit, a long name
 * and the two-letter mnemonic /proc/PID/smaps prints in "VmFlags:" ("" where
 * smaps prints none), ending with a { 0, NULL, NULL } entry.
 */
#ifndef _UAPI_LINUX_VMAINSPECT_NAMES_H
#define _UAPI_LINUX_VMAINSPECT_NAMES_H

#include "vmainspect.h"

struct vmainspect_flag_name {
	__u64 bit;
	const char *name;
	const char *smaps;
};

static const struct vmainspect_flag_name vmainspect_vm_flag_names[] = {
	{ VMAINSPECT_VM_READ,		"read",		"rd" },
	{ VMAINSPECT_VM_WRITE,		"write",	"wr" },
	{ VMAINSPECT_VM_EXEC,		"exec",		"ex" },
	{ VMAINSPECT_VM_SHARED,		"shared",	"sh" },
	{ VMAINSPECT_VM_MAYREAD,	"mayread",	"mr" },
	{ VMAINSPECT_VM_MAYWRITE,	"maywrite",	"mw" },
	{ VMAINSPECT_VM_MAYEXEC,	"mayexec",	"me" },
	{ VMAINSPECT_VM_MAYSHARE,	"mayshare",	"ms" },
	{ VMAINSPECT_VM_GROWSDOWN,	"growsdown",	"gd" },
	{ VMAINSPECT_VM_GROWSUP,	"growsup",	"" },
	{ VMAINSPECT_VM_PFNMAP,		"pfnmap",	"pf" },
	{ VMAINSPECT_VM_DENYWRITE,	"denywrite",	"dw" },
	{ VMAINSPECT_VM_LOCKED,		"locked",	"lo" },
	{ VMAINSPECT_VM_IO,		"io",		"io" },
	{ VMAINSPECT_VM_SEQ_READ,	"seq_read",	"sr" },
	{ VMAINSPECT_VM_RAND_READ,	"rand_read",	"rr" },
	{ VMAINSPECT_VM_DONTCOPY,	"dontcopy",	"dc" },
	{ VMAINSPECT_VM_DONTEXPAND,	"dontexpand",	"de" },
	{ VMAINSPECT_VM_LOCKONFAULT,	"lockonfault",	"lf" },
	{ VMAINSPECT_VM_ACCOUNT,	"account",	"ac" },
	{ VMAINSPECT_VM_NORESERVE,	"noreserve",	"nr" },
	{ VMAINSPECT_VM_HUGETLB,	"hugetlb",	"ht" },
	{ VMAINSPECT_VM_SYNC,		"sync",		"sf" },
	{ VMAINSPECT_VM_ARCH_1,		"arch_1",	"ar" },
	{ VMAINSPECT_VM_WIPEONFORK,	"wipeonfork",	"wf" },
	{ VMAINSPECT_VM_DONTDUMP,	"dontdump",	"dd" },
	{ VMAINSPECT_VM_SOFTDIRTY,	"softdirty",	"sd" },
	{ VMAINSPECT_VM_MIXEDMAP,	"mixedmap",	"mm" },
	{ VMAINSPECT_VM_HUGEPAGE,	"hugepage",	"hg" },
	{ VMAINSPECT_VM_NOHUGEPAGE,	"nohugepage",	"nh" },
	{ VMAINSPECT_VM_MERGEABLE,	"mergeable",	"mg" },
	{ VMAINSPECT_VM_UFFD_MISSING,	"uffd_missing",	"um" },
	{ VMAINSPECT_VM_UFFD_WP,	"uffd_wp",	"uw" },
	{ VMAINSPECT_VM_UFFD_MINOR,	"uffd_minor",	"ui" },
	{ VMAINSPECT_VM_SHADOW_STACK,	"shadow_stack",	"ss" },
	{ VMAINSPECT_VM_SEALED,		"sealed",	"sl" },
	{ VMAINSPECT_VM_DROPPABLE,	"droppable",	"dp" },
	{ VMAINSPECT_VM_MTE,		"mte",		"mt" },
	{ VMAINSPECT_VM_MTE_ALLOWED,	"mte_allowed",	"" },
	{ VMAINSPECT_VM_BTI,		"bti",		"bt" },
	{ VMAINSPECT_VM_PKEY_BIT0,	"pkey_bit0",	"" },
	{ VMAINSPECT_VM_PKEY_BIT1,	"pkey_bit1",	"" },
	{ VMAINSPECT_VM_PKEY_BIT2,	"pkey_bit2",	"" },
	{ VMAINSPECT_VM_PKEY_BIT3,	"pkey_bit3",	"" },
	{ VMAINSPECT_VM_PKEY_BIT4,	"pkey_bit4",	"" },
	{ VMAINSPECT_VM_MAYBE_GUARD,	"maybe_guard",	"gu" },
	{ VMAINSPECT_VM_UFFD_RWP,	"uffd_rwp",	"ur" },
	{ 0, NULL, NULL }	/* end */
};

/* One entry per bit, in bit order, before the end marker. */
#define VMAINSPECT_NR_VM_FLAG_NAMES	VMAINSPECT_VM_NR_BITS

static const char * const vmainspect_kind_names[VMAINSPECT_KIND_MAX] = {
	[VMAINSPECT_KIND_ANON]		= "anon",
	[VMAINSPECT_KIND_FILE]		= "file",
	[VMAINSPECT_KIND_HEAP]		= "heap",
	[VMAINSPECT_KIND_STACK]		= "stack",
	[VMAINSPECT_KIND_SPECIAL]	= "special",
	[VMAINSPECT_KIND_ANON_NAMED]	= "anon_named",
	[VMAINSPECT_KIND_SHMEM_NAMED]	= "shmem_named",
	[VMAINSPECT_KIND_HUGETLB]	= "hugetlb",
};

#endif /* _UAPI_LINUX_VMAINSPECT_NAMES_H */
