/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmi-test.h: the harness the test programs share.
 *
 * Results are reported through vmi-report.h; below are the helpers the
 * programs share: files (read_file, slurp_file, write_file, read_int_file,
 * write_int_file), processes and privileges (kill_wait, drop_to), the
 * device (vmi_open, vmi_open_or_fail, vmi_open_or_exit, vmi_attach,
 * vmi_open_attached), the kernel's version (kernel_at_least).
 */
#ifndef VMI_TEST_H
#define VMI_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * A whole file of any size (a /proc file, whose size stat() does not
 * tell) into a malloc'd buffer, NUL-terminated; its length in *@len if
 * @len.  NULL with errno set if it cannot be opened or read.
 */
static inline char *slurp_file(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf, *nb;
	ssize_t r;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(cap + 1);
	if (!buf)
		goto err;
	for (;;) {
		if (n == cap) {
			nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				goto err;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto err;
		if (!r)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
err:
	e = errno;
	free(buf);
	close(fd);
	errno = e;
	return NULL;
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

/* The number in @path (a sysctl) into *@v: 0 or -errno, errno set. */
static inline int read_int_file(const char *path, int *v)
{
	char buf[32];
	int ret = read_file(path, buf, sizeof(buf));

	if (!ret && sscanf(buf, "%d", v) != 1)
		ret = -EINVAL;
	if (ret)
		errno = -ret;
	return ret;
}

/* Write @v and a newline to @path (a sysctl): 0 or -errno, errno set. */
static inline int write_int_file(const char *path, int v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d\n", v);
	return write_file(path, buf);
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

/* vmi_open(), with a FAIL line if it fails: the fd, or -1 with errno set. */
static inline int vmi_open_or_fail(void)
{
	int fd = vmi_open();

	if (fd < 0) {
		int e = errno;

		fail("open %s: %s", VMAINSPECT_DEVICE, strerror(e));
		errno = e;
	}
	return fd;
}

/*
 * vmi_open_or_fail() for a program that can check nothing without the
 * device: if it fails, the program ends there with its summary.
 */
static inline int vmi_open_or_exit(void)
{
	int fd = vmi_open_or_fail();

	if (fd < 0)
		exit(summary());
	return fd;
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

/*
 * A new fd ATTACHed to @pid with @flags: the fd, or -1 with the errno of
 * the open or of the ATTACH in *@err (and errno); nothing is left open.
 */
static inline int vmi_open_attached(pid_t pid, unsigned int flags, int *err)
{
	int fd = vmi_open();

	*err = fd < 0 ? errno : vmi_attach(fd, pid, flags);
	if (*err) {
		if (fd >= 0)
			close(fd);
		errno = *err;
		return -1;
	}
	return fd;
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
