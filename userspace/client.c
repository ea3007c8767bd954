// SPDX-License-Identifier: GPL-2.0
/*
 * Client side of /dev/vmainspect.  The ioctl argument structs carry their
 * own size (see include/uapi/vmainspect.h); we always pass the sizes this
 * tool was built with and zero everything we do not set.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"
#include "vmainspect_abi_layout.h"
#include <uapi/vmainspect_rules.h>
#include "format.h"
#include "main.h"

#define LIST_BATCH_VMAS		512
#define LIST_STRINGS_SIZE	(256 * 1024)
#define LIST_MAX_TRIES		8
#define FIND_STRINGS_SIZE	(64 * 1024)
#define RUNS_BATCH		4096

static __u64 ptr_to_u64(const void *ptr)
{
	return (__u64)(uintptr_t)ptr;
}

/* ioctl(), again after a signal that interrupted it */
int vmi_xioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

/* PF_KTHREAD of include/linux/sched.h: the flags field of /proc/PID/stat. */
#define VMI_PF_KTHREAD	0x00200000UL

int vmi_proc_stat(pid_t pid, struct vmi_proc_stat *st)
{
	char path[32], buf[512];
	char *open_p, *close_p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* comm may hold anything, ')' too: it ends at the last ')' */
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p ||
	    sscanf(close_p + 1, " %c %*d %*d %*d %*d %*d %lu", &st->state,
		   &st->flags) != 2)
		return -EPROTO;
	n = close_p - open_p - 1;
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open_p + 1, n);
	st->comm[n] = '\0';
	return 0;
}

bool vmi_proc_stat_zombie(const struct vmi_proc_stat *st)
{
	return st->state == 'Z' || st->state == 'X';
}

bool vmi_proc_stat_kthread(const struct vmi_proc_stat *st)
{
	return st->flags & VMI_PF_KTHREAD;
}

/*
 * The module says ESRCH for a process it cannot find and for one without
 * a user address space alike.  /proc/PID/stat tells them apart, read after
 * the failure (the process may change in between: that only changes the
 * words): state Z or X is a process that has exited, whose memory is
 * gone; PF_KTHREAD a kernel thread, which never had user memory.  Returns
 * a description to follow "pid N", or NULL if there is nothing to add;
 * st->comm is the name ("" if unknown).
 */
static const char *no_mm_reason(pid_t pid, struct vmi_proc_stat *st)
{
	int ret = vmi_proc_stat(pid, st);

	if (ret)
		return ret == -ENOENT ? "no such process" : NULL;
	if (vmi_proc_stat_zombie(st))
		return "is a zombie: it has exited and its memory is gone (only its parent's wait() is missing)";
	if (vmi_proc_stat_kthread(st))
		return "is a kernel thread: it has no user address space";
	return NULL;
}

/* ESRCH of pid: say what it is, if /proc knows; true if said. */
static bool no_mm_err(pid_t pid, const char *what)
{
	struct vmi_proc_stat st = { .comm = "" };
	char shown[4 * sizeof(st.comm) + 1];
	const char *why = no_mm_reason(pid, &st);

	if (!why)
		return false;
	if (st.comm[0])
		p_err_errno(ESRCH, "%s%spid %d (%s) %s", what ? what : "",
			    what ? " of " : "", (int)pid,
			    fmt_escaped(st.comm, shown, sizeof(shown)), why);
	else
		p_err_errno(ESRCH, "%s%spid %d: %s", what ? what : "",
			    what ? " of " : "", (int)pid, why);
	return true;
}

/* Report a failed query on an attached file. */
static void query_err(const struct vmi_client *c, const char *what, int err)
{
	switch (err) {
	case ESRCH:
		if (!no_mm_err(c->pid, what))
			p_err_errno(err, "%s of pid %d: process has exited or exec'd", what, c->pid);
		break;
	case ENOTTY:
	case E2BIG:
		p_err_errno(err, "%s of pid %d: %s (does the loaded module match this tool?)",
			    what, c->pid, strerror(err));
		break;
	case EPROTO:
		p_err_errno(err, "%s of pid %d: the module returned malformed data",
			    what, c->pid);
		break;
	default:
		p_err_errno(err, "%s of pid %d: %s", what, c->pid, strerror(err));
		break;
	}
}

int vmi_open(struct vmi_client *c, pid_t pid)
{
	return vmi_open_flags(c, pid, 0);
}

int vmi_open_device(struct vmi_client *c)
{
	int err;

	c->fd = -1;
	c->pid = 0;
	c->tgid = 0;
	c->abi_version = 0;

	c->fd = open(VMAINSPECT_DEVICE, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0) {
		err = errno;
		if (err == ENOENT || err == ENODEV || err == ENXIO)
			p_err_errno(err, "cannot open %s: %s (is the module loaded? sudo insmod src/vmainspect.ko)",
			      VMAINSPECT_DEVICE, strerror(err));
		else
			p_err_errno(err, "cannot open %s: %s", VMAINSPECT_DEVICE,
			      strerror(err));
		return -1;
	}
	return 0;
}

int vmi_open_flags(struct vmi_client *c, pid_t pid, __u32 attach_flags)
{
	struct vmainspect_attach attach;
	int err;

	if (vmi_open_device(c))
		return -1;
	c->pid = pid;

	memset(&attach, 0, sizeof(attach));
	attach.size = sizeof(attach);
	attach.pid = pid;
	attach.flags = attach_flags;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_ATTACH, &attach)) {
		err = errno;
		if (err != ESRCH || !no_mm_err(pid, NULL))
			p_err_errno(err, "pid %d: %s", pid, strerror(err));
		if (err == EPERM && (attach_flags & VMAINSPECT_ATTACH_DEBUGFS))
			p_err("publishing in debugfs needs CAP_SYS_ADMIN");
		else if (err == EACCES || err == EPERM)
			p_err("not allowed to inspect pid %d (you need the same access as for /proc/%d/maps)",
			      pid, pid);
		else if (err == ENOTTY || err == E2BIG)
			p_err("does the loaded module match this tool (ABI version %d)?",
			      VMAINSPECT_ABI_VERSION);
		vmi_close(c);
		return -1;
	}

	c->tgid = attach.tgid;
	c->abi_version = attach.abi_version;
	if (attach.abi_version != VMAINSPECT_ABI_VERSION)
		p_warn("the module speaks ABI version %u, this tool version %d",
		       attach.abi_version, VMAINSPECT_ABI_VERSION);
	return 0;
}

void vmi_close(struct vmi_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int vmi_get_layout(struct vmi_client *c, struct vmainspect_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	layout->size = sizeof(*layout);
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_LAYOUT, layout)) {
		query_err(c, "layout", errno);
		return -1;
	}
	return 0;
}

void vmi_vma_set_free(struct vmi_vma_set *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		free(set->vmas[i].name);
	free(set->vmas);
	memset(set, 0, sizeof(*set));
}

static void vma_set_clear(struct vmi_vma_set *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		free(set->vmas[i].name);
	set->nr = 0;
}

/*
 * Copy one record and its name out of a reply.  strings_len is the number of
 * valid bytes in the string area; a name outside it is a module bug.
 */
static int copy_vma(struct vmi_vma *dst, const struct vmainspect_vma *src,
		    const char *strings, size_t strings_len)
{
	dst->v = *src;
	dst->name = NULL;
	dst->name_len = 0;

	if (src->name_off == VMAINSPECT_NO_NAME)
		return 0;
	if (src->name_off > strings_len ||
	    src->name_len > strings_len - src->name_off)
		return -EPROTO;

	/* Copy by length: the area need not be NUL-terminated for us. */
	dst->name = malloc((size_t)src->name_len + 1);
	if (!dst->name)
		return -ENOMEM;
	memcpy(dst->name, strings + src->name_off, src->name_len);
	dst->name[src->name_len] = '\0';
	dst->name_len = src->name_len;
	return 0;
}

static int vma_set_append(struct vmi_vma_set *set,
			  const struct vmainspect_vma *rec,
			  const char *strings, size_t strings_len)
{
	struct vmi_vma *vmas;
	size_t cap;
	int err;

	if (set->nr == set->cap) {
		cap = set->cap ? set->cap * 2 : 64;
		vmas = realloc(set->vmas, cap * sizeof(*vmas));
		if (!vmas)
			return -ENOMEM;
		set->vmas = vmas;
		set->cap = cap;
	}
	err = copy_vma(&set->vmas[set->nr], rec, strings, strings_len);
	if (err)
		return err;
	set->nr++;
	return 0;
}

/*
 * One full enumeration, batch by batch.  *changed is set when the generation
 * moved between batches; unless this is the last try we then stop early,
 * since the caller starts over anyway.
 */
static int list_once(struct vmi_client *c, struct vmainspect_vma *recs,
		     char *strings, struct vmi_vma_set *set, bool last_try,
		     bool *changed)
{
	struct vmainspect_vma_list req;
	__u64 cursor = 0;
	bool first = true;
	__u32 i;
	int err;

	*changed = false;
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.start_addr = cursor;
		req.vmas = ptr_to_u64(recs);
		req.strings = ptr_to_u64(strings);
		req.vma_size = sizeof(*recs);
		req.max_vmas = LIST_BATCH_VMAS;
		req.strings_size = LIST_STRINGS_SIZE;

		if (vmi_xioctl(c->fd, VMAINSPECT_IOC_LIST_VMAS, &req))
			return -errno;
		if (req.nr_vmas > LIST_BATCH_VMAS ||
		    req.strings_used > LIST_STRINGS_SIZE)
			return -EPROTO;

		if (first)
			set->generation = req.generation;
		else if (req.generation != set->generation)
			*changed = true;
		first = false;
		if (*changed && !last_try)
			return 0;
		set->generation = req.generation;

		for (i = 0; i < req.nr_vmas; i++) {
			/* Records are req.vma_size apart: the size we passed. */
			const struct vmainspect_vma *rec = (const void *)
				((const char *)recs + (size_t)i * req.vma_size);
			const struct vmi_vma *prev =
				set->nr ? &set->vmas[set->nr - 1] : NULL;

			if (rec->start >= rec->end)
				return -EPROTO;
			/*
			 * Records must come in address order; after a change
			 * between batches an overlap is expected, not a bug.
			 */
			if (prev && rec->start < prev->v.end && !*changed)
				return -EPROTO;
			err = vma_set_append(set, rec, strings,
					     req.strings_used);
			if (err)
				return err;
		}

		if (req.out_flags & VMAINSPECT_LIST_DONE)
			return 0;
		/* Not done: the cursor must move, or we would loop forever. */
		if (!req.nr_vmas || req.next_addr <= cursor)
			return -EPROTO;
		cursor = req.next_addr;
	}
}

int vmi_list_vmas(struct vmi_client *c, struct vmi_vma_set *set)
{
	struct vmainspect_vma *recs;
	char *strings;
	bool changed = false;
	int tries, err = 0;

	memset(set, 0, sizeof(*set));
	recs = calloc(LIST_BATCH_VMAS, sizeof(*recs));
	strings = calloc(1, LIST_STRINGS_SIZE);
	if (!recs || !strings) {
		err = -ENOMEM;
		goto out;
	}

	for (tries = 1; tries <= LIST_MAX_TRIES; tries++) {
		vma_set_clear(set);
		err = list_once(c, recs, strings, set,
				tries == LIST_MAX_TRIES, &changed);
		if (err || !changed)
			break;
	}
	set->consistent = !changed;
	if (!err && changed)
		p_warn("the VMAs of pid %d kept changing during %d tries; the snapshot may be inconsistent",
		       c->pid, LIST_MAX_TRIES);

out:
	free(recs);
	free(strings);
	if (err) {
		vmi_vma_set_free(set);
		query_err(c, "list VMAs", -err);
		return -1;
	}
	return 0;
}

void vmi_find_result_free(struct vmi_find_result *r)
{
	free(r->vma.name);
	memset(r, 0, sizeof(*r));
}

int vmi_find_vma(struct vmi_client *c, __u64 addr, struct vmi_find_result *r)
{
	struct vmainspect_find req;
	char *strings;
	int err = 0;

	memset(r, 0, sizeof(*r));
	strings = calloc(1, FIND_STRINGS_SIZE);
	if (!strings) {
		err = -ENOMEM;
		goto out;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.addr = addr;
	req.strings = ptr_to_u64(strings);
	req.strings_size = FIND_STRINGS_SIZE;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_FIND_VMA, &req)) {
		err = -errno;
		goto out;
	}

	r->generation = req.generation;
	r->found = req.out_flags & VMAINSPECT_FIND_FOUND;
	r->contains = r->found && (req.out_flags & VMAINSPECT_FIND_CONTAINS);
	if (!r->found)
		goto out;

	/* The answer must agree with its own claim. */
	if (req.vma.start >= req.vma.end ||
	    (r->contains && (addr < req.vma.start || addr >= req.vma.end)) ||
	    (!r->contains && req.vma.start <= addr)) {
		err = -EPROTO;
		goto out;
	}
	/* No strings_used in this reply: the name must fit the area. */
	err = copy_vma(&r->vma, &req.vma, strings, FIND_STRINGS_SIZE);

out:
	free(strings);
	if (err) {
		vmi_find_result_free(r);
		query_err(c, "find VMA", -err);
		return -1;
	}
	return 0;
}

int vmi_pt_path(struct vmi_client *c, __u64 addr, struct vmainspect_pt_path *p)
{
	__u32 i;

	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->addr = addr;
	if (vmi_xioctl(c->fd, VMAINSPECT_IOC_PT_PATH, p)) {
		query_err(c, "page-table path", errno);
		return -1;
	}
	/* Levels come in order, each in its own slot. */
	if (p->nr_levels > VMAINSPECT_LVL_NR)
		goto bad;
	for (i = 0; i < p->nr_levels; i++) {
		if (p->levels[i].level != i)
			goto bad;
	}
	return 0;
bad:
	query_err(c, "page-table path", EPROTO);
	return -1;
}

void vmi_run_set_reset(struct vmi_run_set *set)
{
	set->nr = 0;
	memset(set->tables, 0, sizeof(set->tables));
	set->calls = 0;
	set->generation = 0;
	set->pfn_hidden = false;
	set->changed = false;
}

void vmi_run_set_free(struct vmi_run_set *set)
{
	free(set->runs);
	free(set->batch);
	memset(set, 0, sizeof(*set));
}

static int run_set_append(struct vmi_run_set *set,
			  const struct vmainspect_pt_run *run)
{
	struct vmainspect_pt_run *runs;
	size_t cap;

	if (set->nr == set->cap) {
		cap = set->cap ? set->cap * 2 : 256;
		runs = realloc(set->runs, cap * sizeof(*runs));
		if (!runs)
			return -ENOMEM;
		set->runs = runs;
		set->cap = cap;
	}
	set->runs[set->nr++] = *run;
	return 0;
}

/* Check one call's records and add them; first: this range's first run. */
static int run_set_add_batch(struct vmi_run_set *set, size_t first,
			     const struct vmainspect_pt_runs *req)
{
	const struct vmainspect_pt_run *run;
	struct vmainspect_pt_run *prev;
	bool hidden = req->out_flags & VMAINSPECT_PT_PFN_HIDDEN;
	__u32 i;
	int err;

	for (i = 0; i < req->nr_runs; i++) {
		run = &set->batch[i];
		prev = set->nr > first ? &set->runs[set->nr - 1] : NULL;
		/* Inside the request, in order, sane levels and sizes. */
		if (run->start >= run->end || run->start < req->start ||
		    run->end > req->end || (prev && run->start < prev->end) ||
		    run->level >= VMAINSPECT_LVL_NR ||
		    run->page_shift < page_shift() || run->page_shift > 63)
			return -EPROTO;
		/* joined where a call boundary split them, by the module's rule */
		if (i == 0 && prev &&
		    vmainspect_pt_run_joins(prev, run, page_shift(), hidden)) {
			prev->end = run->end;
			continue;
		}
		err = run_set_append(set, run);
		if (err)
			return err;
	}
	return 0;
}

int vmi_pt_runs(struct vmi_client *c, __u64 start, __u64 end,
		struct vmi_run_set *set, bool stop_on_change)
{
	struct vmainspect_pt_runs req;
	size_t first = set->nr;
	__u64 cursor = start;
	unsigned int l;
	int err = 0;

	if (!set->batch) {
		set->batch = calloc(RUNS_BATCH, sizeof(*set->batch));
		if (!set->batch) {
			err = -ENOMEM;
			goto out;
		}
	}

	for (;;) {
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.flags = set->req_flags;
		req.start = cursor;
		req.end = end;
		req.runs = ptr_to_u64(set->batch);
		req.run_size = sizeof(*set->batch);
		req.max_runs = RUNS_BATCH;
		if (vmi_xioctl(c->fd, VMAINSPECT_IOC_PT_RUNS, &req)) {
			err = -errno;
			goto out;
		}
		if (req.nr_runs > RUNS_BATCH) {
			err = -EPROTO;
			goto out;
		}

		if (!set->calls)
			set->generation = req.generation;
		else if (req.generation != set->generation)
			set->changed = true;
		set->calls++;
		for (l = 0; l < VMAINSPECT_LVL_NR; l++)
			set->tables[l] += req.tables[l];
		if (req.out_flags & VMAINSPECT_PT_PFN_HIDDEN)
			set->pfn_hidden = true;
		/* The caller starts over anyway. */
		if (set->changed && stop_on_change)
			goto out;

		err = run_set_add_batch(set, first, &req);
		if (err || (req.out_flags & VMAINSPECT_PT_DONE))
			goto out;
		/* Not done: the cursor must move, or we would loop forever. */
		if (req.next_addr <= cursor || req.next_addr >= end) {
			err = -EPROTO;
			goto out;
		}
		cursor = req.next_addr;
	}

out:
	if (err) {
		query_err(c, "page-table runs", -err);
		return -1;
	}
	return 0;
}
