// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-access-test: who may attach to whom, checked against the kernel's own
 * rule: open("/proc/PID/maps") by the same caller is the oracle, and the two
 * must agree (attach works exactly when that open works).
 *
 *   vmi-access-test [--other PID]     as a non-root user (e.g. uid 1000);
 *                                     PID: a process of another uid
 *   vmi-access-test --drop UID --other-uid UID2
 *                                     as root: starts a sleeper as UID2, then
 *                                     becomes UID (re-exec, so the process
 *                                     is dumpable again) and runs the above
 *   vmi-access-test --sleeper         sleep until killed
 *
 * Output: KTAP, one result per check (vmi-report.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/vmainspect.h"
#include "vmi-test.h"

static int denied(int e)
{
	return e == EACCES || e == EPERM;
}

/* attach a fresh fd to pid with flags: 0 or errno */
static int try_attach(pid_t pid, unsigned int flags)
{
	int fd = vmi_open(), e;

	if (fd < 0)
		return -errno;
	e = vmi_attach(fd, pid, flags);
	if (!e) {
		/* and a query works */
		struct vmainspect_layout l;

		memset(&l, 0, sizeof(l));
		l.size = sizeof(l);
		if (ioctl(fd, VMAINSPECT_IOC_LAYOUT, &l))
			e = 1000 + errno;
	}
	close(fd);
	return e;
}

static int try_open_maps(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * @want_ok: 1 attach must work, 0 must be denied (EACCES/EPERM), -1 either
 * (only agreement is checked).
 */
static void agree(const char *name, pid_t pid, int want_ok)
{
	int ea = try_attach(pid, 0), eo = try_open_maps(pid);

	if (ea < 0) {
		check(0, name, "cannot open %s: %s", VMAINSPECT_DEVICE, strerror(-ea));
		return;
	}
	if (ea >= 1000) {
		check(0, name, "attach worked but LAYOUT failed: %s", strerror(ea - 1000));
		return;
	}
	if (!ea != !eo) {
		check(0, name, "attach %s but open(/proc/%d/maps) %s", ea ? strerror(ea) : "works",
		      (int)pid, eo ? strerror(eo) : "works");
		return;
	}
	if (ea && !denied(ea)) {
		check(0, name, "attach failed with %s, expected EACCES or EPERM", strerror(ea));
		return;
	}
	if (want_ok >= 0 && (!ea) != want_ok) {
		check(0, name, "attach %s, expected it to %s", ea ? strerror(ea) : "works",
		      want_ok ? "work" : "be denied");
		return;
	}
	check(1, name, NULL);
}

/* a child that sleeps; with @nodump it first makes itself non-dumpable */
static pid_t sleeper_child(int nodump)
{
	int p[2];
	pid_t pid;
	char c = 0;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (nodump)
			prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

/* run `vmainspect layout PID` and check exit 1 + a permission message */
static void tool_denied(pid_t pid)
{
	int p[2], st;
	char buf[512] = "", name[64], pidbuf[16];
	ssize_t n = 0, r;
	pid_t c;

	snprintf(name, sizeof(name), "tool: vmainspect layout %d denied", (int)pid);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	if (pipe(p))
		return;
	c = fork();
	if (c == 0) {
		dup2(p[1], 2);
		dup2(open("/dev/null", O_WRONLY), 1);
		execlp("vmainspect", "vmainspect", "layout", pidbuf, (char *)NULL);
		fprintf(stderr, "exec vmainspect: %s\n", strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (n < (ssize_t)sizeof(buf) - 1 && (r = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	buf[n] = 0;
	close(p[0]);
	waitpid(c, &st, 0);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	check(WIFEXITED(st) && WEXITSTATUS(st) == 1 &&
	      (strstr(buf, "ermission denied") || strstr(buf, "not permitted")),
	      name, "exit status %d, stderr \"%s\"", WIFEXITED(st) ? WEXITSTATUS(st) : -1, buf);
}

static int run_checks(pid_t other)
{
	pid_t child, orphan = -1;
	int e, st;

	printf("NOTE access tests as uid %d gid %d\n", (int)getuid(), (int)getgid());
	if (getuid() == 0 || geteuid() == 0)
		check(0, "access: running unprivileged", "running as root");

	agree("access: attach to self", getpid(), 1);
	agree("access: attach to pid 1 (root) denied", 1, 0);
	tool_denied(1);
	if (other > 0) {
		char name[96];

		snprintf(name, sizeof(name), "access: attach to pid %d of another uid denied",
			 (int)other);
		agree(name, other, 0);
	}

	child = sleeper_child(0);
	agree("access: attach to own child", child, 1);
	kill_wait(child);

	child = sleeper_child(1);
	agree("access: attach to non-dumpable same-uid child denied", child, 0);
	kill_wait(child);

	/* a same-uid process that is not our descendant: agreement only */
	{
		int p[2];

		if (pipe(p) == 0) {
			pid_t mid = fork();

			if (mid == 0) {
				pid_t g = fork();

				if (g == 0) {
					close(p[0]);
					close(p[1]);
					for (;;)
						pause();
				}
				if (write(p[1], &g, sizeof(g)) != sizeof(g))
					_exit(1);
				_exit(0);
			}
			close(p[1]);
			if (read(p[0], &orphan, sizeof(orphan)) != sizeof(orphan))
				orphan = -1;
			close(p[0]);
			waitpid(mid, NULL, 0);
			if (orphan > 0) {
				agree("access: same-uid non-descendant agrees with /proc", orphan, -1);
				kill(orphan, SIGKILL);
			}
		}
	}

	/* a non-dumpable process may still attach to itself */
	child = fork();
	if (child == 0) {
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		e = try_attach(getpid(), 0);
		_exit(e ? 1 : 0);
	}
	waitpid(child, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "access: non-dumpable process attaches to itself",
	      "attach to self failed");

	/* publishing debugfs views needs CAP_SYS_ADMIN */
	e = try_attach(getpid(), VMAINSPECT_ATTACH_DEBUGFS);
	check(denied(e), "access: ATTACH_DEBUGFS without CAP_SYS_ADMIN denied",
	      "got %s", e ? strerror(e % 1000) : "success");

	return summary();
}

/* Become @uid (as root) or say why not. */
static int become(long uid)
{
	if (drop_to(uid)) {
		perror("vmi-access-test: dropping privileges");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long drop = -1, other_uid = -1;
	pid_t other = -1;
	char self[4096];
	ssize_t n;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sleeper")) {
			for (;;)
				pause();
		} else if (!strcmp(argv[i], "--other") && i + 1 < argc) {
			other = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--drop") && i + 1 < argc) {
			drop = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--other-uid") && i + 1 < argc) {
			other_uid = atol(argv[++i]);
		} else {
			fprintf(stderr, "usage: vmi-access-test [--other PID] | --drop UID --other-uid UID2 | --sleeper\n");
			return 2;
		}
	}
	if (drop < 0)
		return run_checks(other);

	/* root: start the foreign sleeper, drop, re-exec */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		perror("readlink");
		return 2;
	}
	self[n] = 0;
	if (other_uid >= 0) {
		other = fork();
		if (other == 0) {
			if (become(other_uid))
				_exit(1);
			execl(self, self, "--sleeper", (char *)NULL);
			_exit(127);
		}
		usleep(100000);
	}
	{
		pid_t c = fork();
		int st;

		if (c == 0) {
			char ob[16];

			snprintf(ob, sizeof(ob), "%d", (int)other);
			if (become(drop))
				_exit(1);
			execl(self, self, "--other", ob, (char *)NULL);
			fprintf(stderr, "exec %s as uid %ld: %s\n", self, drop, strerror(errno));
			_exit(127);
		}
		waitpid(c, &st, 0);
		kill_wait(other);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
}
