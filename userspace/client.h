/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client side of /dev/vmainspect: open, attach to a process, and the
 * LAYOUT, LIST_VMAS, FIND_VMA, PT_PATH and PT_RUNS queries.  Every function reports its own
 * errors on stderr and returns 0 or -1.
 */
#ifndef VMAINSPECT_CLIENT_H
#define VMAINSPECT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <uapi/vmainspect.h>

struct vmi_client {
	int fd;
	pid_t pid;		/* as the user named it */
	__u32 tgid;		/* as the module resolved it */
	__u32 abi_version;	/* the module's */
};

/* One VMA with a private copy of its name. */
struct vmi_vma {
	struct vmainspect_vma v;
	char *name;		/* NUL-terminated copy, NULL if none */
	size_t name_len;	/* bytes in name, without the NUL */
};

/* All VMAs of the target, in address order. */
struct vmi_vma_set {
	struct vmi_vma *vmas;
	size_t nr;
	size_t cap;
	__u64 generation;
	bool consistent;	/* false: kept changing, last try used */
};

struct vmi_find_result {
	bool found;		/* vma is valid */
	bool contains;		/* vma contains the address */
	struct vmi_vma vma;
	__u64 generation;
};

/*
 * Page-table runs, in address order, from one or more vmi_pt_runs() calls
 * (each one a range walked with as many PT_RUNS calls as it takes).
 */
struct vmi_run_set {
	struct vmainspect_pt_run *runs;
	size_t nr;
	size_t cap;
	__u64 tables[VMAINSPECT_LVL_NR]; /* summed over the PT_RUNS calls */
	__u64 calls;		/* PT_RUNS calls made */
	__u64 generation;	/* of the first call */
	bool pfn_hidden;	/* frames and swap slots read as zero */
	__u32 req_flags;	/* in: VMAINSPECT_PT_RUNS_* of every call */
	bool changed;		/* a later call saw another generation */
	struct vmainspect_pt_run *batch; /* one call's records */
};

/* Open /dev/vmainspect without attaching (frame queries by PFN). */
int vmi_xioctl(int fd, unsigned long cmd, void *arg);
int vmi_open_device(struct vmi_client *c);
/* Open /dev/vmainspect and attach to pid. */
int vmi_open(struct vmi_client *c, pid_t pid);
/* The same with VMAINSPECT_ATTACH_* flags. */
int vmi_open_flags(struct vmi_client *c, pid_t pid, __u32 attach_flags);
void vmi_close(struct vmi_client *c);

int vmi_get_layout(struct vmi_client *c, struct vmainspect_layout *layout);

/* Free with vmi_vma_set_free(). */
int vmi_list_vmas(struct vmi_client *c, struct vmi_vma_set *set);
void vmi_vma_set_free(struct vmi_vma_set *set);

/* Free with vmi_find_result_free(). */
int vmi_find_vma(struct vmi_client *c, __u64 addr, struct vmi_find_result *r);
void vmi_find_result_free(struct vmi_find_result *r);

/*
 * The translation path of addr.  The reply is checked: levels[i] is level
 * i for every i < nr_levels.
 */
int vmi_pt_path(struct vmi_client *c, __u64 addr, struct vmainspect_pt_path *p);

/*
 * Append the runs of [start, end) (page aligned) to set.  Runs the module
 * split only because a call ended are joined again.  Once a call sees a
 * generation other than the set's first, set->changed is set and, with
 * stop_on_change, the walk stops there (without error).  Start a set
 * zeroed; empty it with vmi_run_set_reset(), free it with
 * vmi_run_set_free().
 */
int vmi_pt_runs(struct vmi_client *c, __u64 start, __u64 end,
		struct vmi_run_set *set, bool stop_on_change);
void vmi_run_set_reset(struct vmi_run_set *set);
void vmi_run_set_free(struct vmi_run_set *set);

/*
 * Frames (frame_client.c).  by_addr: the frame mapped at addr of the
 * attached process, else frame pfn.  vmi_page() fills path (path_size
 * bytes, may be 0) with the file's path.
 */
int vmi_page(struct vmi_client *c, bool by_addr, __u64 pfn, __u64 addr,
	     struct vmainspect_page *p, char *path, size_t path_size);

/* PAGE with VMAINSPECT_PAGE_DEBUGFS: publish frames/<pfn>/ in debugfs. */
int vmi_page_publish(struct vmi_client *c, __u64 pfn,
		     struct vmainspect_page *p);

/* Every owner of a frame, from as many RMAP calls as it takes. */
struct vmi_owner_set {
	struct vmainspect_owner *owners;
	size_t nr;
	size_t cap;
	__u64 pfn;
	__s32 mapcount;		/* of the page, as /proc/kpagecount */
	__u32 mapping_kind;
	__u32 out_flags;	/* VMAINSPECT_RMAP_* of the last call */
	__u64 calls;
};

/* quiet: report no error (the caller explains); errno is set. */
int vmi_rmap(struct vmi_client *c, bool by_addr, __u64 pfn, __u64 addr,
	     struct vmi_owner_set *set, bool quiet);
void vmi_owner_set_free(struct vmi_owner_set *set);
/* A one-line reason for a failed frame query with errno err. */
const char *vmi_frame_errstr(int err);
/* What /proc/PID/stat says of a process: its comm, state and flags. */
struct vmi_proc_stat {
	char comm[64];
	char state;		/* R, S, ..., Z (zombie), X (dead) */
	unsigned long flags;	/* PF_* */
};

/* Read /proc/PID/stat; 0, or -errno (-ENOENT: no such process). */
int vmi_proc_stat(pid_t pid, struct vmi_proc_stat *st);
/* Has it exited (state Z or X)?  Its memory is gone. */
bool vmi_proc_stat_zombie(const struct vmi_proc_stat *st);
/* Is it a kernel thread (PF_KTHREAD)?  It has no user memory. */
bool vmi_proc_stat_kthread(const struct vmi_proc_stat *st);

#endif /* VMAINSPECT_CLIENT_H */
