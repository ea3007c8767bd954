// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: who may see what, in one place (Documentation/access.md).
 *
 *  - attach: a process the caller may read /proc/<pid>/maps of, decided
 *    by the kernel itself (vmi_may_inspect());
 *  - frames (PFNs, swap slots, accessed/dirty bits, folio sizes): as
 *    /proc/PID/pagemap, CAP_SYS_ADMIN at open (vmi_pt_show_pfn());
 *  - struct page data and rmap owners: CAP_SYS_ADMIN at open
 *    (vmi_frames_check());
 *  - kernel addresses: CAP_SYS_ADMIN at open, and what kptr_restrict and
 *    CAP_SYSLOG allow (vmi_kaddrs_visible(), vmi_session_kaddrs());
 *  - none of the last three under lockdown=confidentiality, checked again
 *    at each query (lockdown may come after the open).
 * What an unprivileged caller's entries lose is vmi_pt_hide() (pgtable.c).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/string.h>
#include "vmainspect.h"
#include "compat.h"

/*
 * Is @path the maps file of pid @nr in a procfs of the caller's pid
 * namespace, reached without any mount in between?  That is: the mount is
 * a whole procfs (its root is the superblock's root, not a bind mount of
 * a subdirectory or of a single file), the file is named "maps", its
 * parent is named "<nr>", and that parent hangs directly off the procfs
 * root.  procfs never renames these dentries, and the reference @path
 * holds pins the parent, so d_parent and d_name are stable here.
 *
 * This is what makes the answer of the open below be about pid @nr: in a
 * user+mount namespace an unprivileged caller can bind-mount anything over
 * /proc/<nr> (its own /proc/<self>, say), and a path alone proves nothing.
 */
/* Is @path on a whole procfs mount (no bind of a part) of our pid ns? */
static bool vmi_on_whole_procfs(const struct path *path)
{
	struct super_block *sb = path->dentry->d_sb;

	return sb->s_magic == PROC_SUPER_MAGIC &&
	       proc_sb_info(sb)->pid_ns == task_active_pid_ns(current) &&
	       path->mnt->mnt_root == sb->s_root;
}

static bool vmi_is_proc_maps_of(const struct path *path, pid_t nr)
{
	struct dentry *dentry = path->dentry, *dir = dentry->d_parent;
	char name[16];
	int len;

	if (!vmi_on_whole_procfs(path) || dir->d_parent != dentry->d_sb->s_root)
		return false;
	len = snprintf(name, sizeof(name), "%d", nr);
	return dentry->d_name.len == 4 &&
	       !memcmp(dentry->d_name.name, "maps", 4) &&
	       dir->d_name.len == len && !memcmp(dir->d_name.name, name, len);
}

/*
 * Is @path a whole procfs mount of the caller's pid namespace (its root)?
 * Then the caller has a procfs to ask, and what it says stands.
 */
static bool vmi_is_proc_root(const struct path *path)
{
	return vmi_on_whole_procfs(path) && path->dentry == path->dentry->d_sb->s_root;
}

/*
 * May the caller read /proc/<nr>/maps?  ptrace_may_access() and mm_access()
 * are not exported to modules, and a hand-written uid comparison would
 * bypass the LSMs, Yama and the dumpable rules.  So let the kernel decide,
 * in two steps:
 *  1. look the path up with the caller's credentials (kern_path(): the
 *     lookup of /proc/<nr> applies procfs's hidepid= rules, exactly as for
 *     `cat`), without opening anything, and prove that what was found is
 *     the maps file of pid @nr (vmi_is_proc_maps_of());
 *  2. open that very dentry with the caller's credentials (dentry_open()),
 *     which runs proc_maps_open() -> mm_access(PTRACE_MODE_READ_FSCREDS)
 *     and the LSM file_open hook: the kernel's own decision.
 * Nothing but procfs's maps file is ever opened, so a caller cannot make
 * us open a FIFO, a device or a FUSE file it placed on the path.
 *
 * -ENOENT when /proc is a procfs of ours but the lookup fails: what `cat`
 * would get (hidepid=2 hides the pid; procfs also says -ENOENT when it
 * cannot allocate the inode).  -EXDEV: no such procfs at /proc, or the
 * path leads elsewhere (a mount on top): nobody can ask the kernel.
 */
static int vmi_proc_may_read_maps(pid_t nr)
{
	struct path path;
	struct file *f;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "/proc/%d/maps", nr);
	ret = kern_path(name, 0, &path);
	if (ret == -ENOENT) {
		/* is there a procfs of ours at /proc to have said so? */
		ret = kern_path("/proc", LOOKUP_FOLLOW, &path);
		if (ret)
			return ret == -ENOMEM ? ret : -EXDEV;
		ret = vmi_is_proc_root(&path) ? -ENOENT : -EXDEV;
		path_put(&path);
		return ret;
	}
	/* hidepid=1 says -EACCES; anything else: not procfs's answer */
	if (ret)
		return ret == -EACCES || ret == -ENOMEM ? ret : -EXDEV;
	if (!vmi_is_proc_maps_of(&path, nr)) {
		path_put(&path);
		return -EXDEV;
	}
	f = dentry_open(&path, O_RDONLY, current_cred());
	path_put(&path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fput(f);
	return 0;
}

/*
 * The attach rule: may the caller inspect @task, pid @nr in its pid
 * namespace?  Exactly when it may read /proc/<nr>/maps.
 */
int vmi_may_inspect(struct task_struct *task, pid_t nr)
{
	int ret;

	/* One's own process, always (as /proc/self/maps). */
	if (task->tgid == current->tgid)
		return 0;

	ret = vmi_proc_may_read_maps(nr);
	/* Without a usable procfs nobody can ask the kernel: need the cap. */
	if (ret == -EXDEV)
		ret = capable(CAP_SYS_PTRACE) ? 0 : -EACCES;
	return ret;
}

/*
 * The opener's privilege, read once at open with the opener's credentials
 * (file->f_cred), as /proc/PID/pagemap and kallsyms decide: a descriptor
 * passed to another process keeps what its opener was granted, no more.
 */
bool vmi_opener_privileged(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

/*
 * Publishing a debugfs directory (ATTACH_DEBUGFS, PAGE_DEBUGFS) adds a
 * system-wide file: the caller's own CAP_SYS_ADMIN, now.
 */
int vmi_may_publish(void)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/* pagemap's rule: CAP_SYS_ADMIN at open; never under lockdown. */
bool vmi_pt_show_pfn(bool privileged)
{
	return privileged && !vmi_locked_down_confidential();
}

/* struct page data and rmap owners: CAP_SYS_ADMIN at open, no lockdown. */
int vmi_frames_check(bool privileged)
{
	if (!privileged || vmi_locked_down_confidential())
		return -EPERM;
	return 0;
}

static const int vmi_kptr_probe;

/*
 * May the caller see raw kernel addresses?  Our own rule (CAP_SYS_ADMIN
 * at open, no lockdown=confidentiality), kptr_restrict's and CAP_SYSLOG,
 * all of them, for the opener (call it at open: like kallsyms_open(), the
 * decision is the opener's).  kptr_restrict is not exported; vsprintf's
 * %pK applies it to current: all zeros means no pointer for this caller (kptr_restrict=2,
 * or 1 without CAP_SYSLOG or with changed credentials); raw or hashed
 * (kptr_restrict=0) means the policy allows one, and then, as
 * /proc/kallsyms asks at 0 and 1, the caller needs CAP_SYSLOG.
 */
bool vmi_kaddrs_visible(bool privileged)
{
	char shown[24];
	const char *c;

	if (!privileged || vmi_locked_down_confidential())
		return false;
	snprintf(shown, sizeof(shown), "%pK", &vmi_kptr_probe);
	for (c = shown; *c == '0'; c++)
		;
	if (!*c)
		return false;
	return ns_capable_noaudit(&init_user_ns, CAP_SYSLOG);
}

/*
 * Kernel addresses for a reader granted them at open (@granted, from
 * vmi_kaddrs_visible(), as kallsyms decides); lockdown may have come since.
 */
bool vmi_kaddrs_still_visible(bool granted)
{
	return granted && !vmi_locked_down_confidential();
}

bool vmi_session_kaddrs(const struct vmi_session *s)
{
	return vmi_kaddrs_still_visible(s->kaddrs);
}
