/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmi-test.h: the harness the test programs share.
 *
 * Results are reported through vmi-report.h; below are the helpers the
 * programs share (files, privileges, the device).
 */
#ifndef VMI_TEST_H
#define VMI_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/vmainspect.h"
#include "vmi-report.h"

/*
 * A small file (one read() of at most @size - 1 bytes) into @buf,
 * NUL-terminated; "" if it cannot be read.  0 or -errno.
 */
static inline int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Write @s to @path (a sysctl, a /proc file): 0 or -errno, errno set. */
static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	size_t len = strlen(s);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		ret = -errno;
	else if (n != (ssize_t)len)
		ret = -EIO;
	close(fd);
	if (ret)
		errno = -ret;
	return ret;
}

/* SIGKILL @pid, a child of ours, and reap it; nothing if @pid <= 0. */
static inline void kill_wait(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/*
 * Become @uid for good (as root): gid the same, no supplementary groups.
 * 0, or -1 with errno set.
 */
static inline int drop_to(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		return -1;
	return 0;
}

/* Open /dev/vmainspect read-only: the fd, or -1 with errno set. */
static inline int vmi_open(void)
{
	return open(VMAINSPECT_DEVICE, O_RDONLY | O_CLOEXEC);
}

/* ATTACH @fd to @pid with @flags: 0 or errno. */
static inline int vmi_attach(int fd, pid_t pid, unsigned int flags)
{
	struct vmainspect_attach a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = flags;
	a.pid = pid;
	return ioctl(fd, VMAINSPECT_IOC_ATTACH, &a) ? errno : 0;
}

/* Is the running kernel MAJ.MIN or newer?  (Unknown: yes.) */
static inline int kernel_at_least(int maj, int min)
{
	struct utsname u;
	int a = 0, b = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return 1;
	return a > maj || (a == maj && b >= min);
}

#endif /* VMI_TEST_H */
