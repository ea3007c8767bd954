/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmi-report.h: how the test programs report their checks, as KTAP
 * version 1 (the kernel's Documentation/dev-tools/ktap.rst):
 *
 *   KTAP version 1                     the first line
 *   ok 1 zoo: maps                     pass("zoo: maps")
 *   not ok 2 cursor # got EINVAL       fail_reason("cursor", "got EINVAL")
 *   not ok 3 maps 12: perms differ     fail("maps 12: perms differ")
 *   # kernel 6.12, 2 cpus              info("kernel 6.12, 2 cpus")
 *   # Totals: pass:1 fail:2            summary(), the last line
 *
 * No plan line ("1..N"): the number of checks is not known up front.  A
 * description has no '#' (each becomes "nr") and no control characters
 * (each becomes a space); a reason has no '#' either and never starts
 * with a KTAP directive (SKIP, TODO).  in-vm.sh nests each program's
 * stream as a subtest; userspace/tests/ktap.sh reads it back.
 *
 * The numbering holds across fork(): the counters live in a MAP_SHARED
 * anonymous page set up before main() (a constructor), and a check takes
 * its number and prints its line under a process-shared (robust) lock, so
 * the checks of children and of the parent's threads are numbered in the
 * order they are printed and count in the parent's summary().  A process
 * that exec()s starts a stream of its own (see ktap_relay()).  Each line
 * is one write(2) (vmi_report_emit()).  The lock is taken with a time limit: a process that stalls
 * while holding it (vmi-torture's watchdog must still report a hang) lets
 * the others print unlocked after VMI_REPORT_LOCK_SECONDS.
 *
 * Each program is one file, so everything here is static.
 */
#ifndef VMI_REPORT_H
#define VMI_REPORT_H

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define VMI_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define VMI_REPORT_LINE_MAX	4096
#define VMI_REPORT_LOCK_SECONDS	10

/* Shared by the process that set it up and its forked children. */
struct vmi_report {
	pthread_mutex_t lock;
	int started;		/* "KTAP version 1" printed */
	int n;			/* the last result's number */
	int npass, nfail;
	pid_t owner;		/* prints the totals */
};

static struct vmi_report *vmi_rep;

/* Before main(): the shared page and its lock. */
static void __attribute__((constructor)) vmi_report_init(void)
{
	static struct vmi_report fallback;	/* no shared page: this process only */
	pthread_mutexattr_t a;
	void *p;

	p = mmap(NULL, sizeof(*vmi_rep), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	vmi_rep = p == MAP_FAILED ? &fallback : p;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&vmi_rep->lock, &a);
	pthread_mutexattr_destroy(&a);
	vmi_rep->owner = getpid();
}

/* 1 if locked (unlock with vmi_report_unlock()), 0 if printing unlocked. */
static inline int vmi_report_lock(void)
{
	struct timespec t;
	int r;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += VMI_REPORT_LOCK_SECONDS;
	r = pthread_mutex_timedlock(&vmi_rep->lock, &t);
	if (r == EOWNERDEAD) {		/* a child died holding it */
		pthread_mutex_consistent(&vmi_rep->lock);
		r = 0;
	}
	return r == 0;
}

static inline void vmi_report_unlock(int locked)
{
	if (locked)
		pthread_mutex_unlock(&vmi_rep->lock);
}

/*
 * Print one line with a single write(2), under the lock: never through
 * stdio's buffer, which a fork() from another thread would copy into the
 * child and print twice.  What the program printed through stdio comes
 * first.
 */
static inline void vmi_report_emit(const char *line)
{
	size_t len = strlen(line), off = 0;
	ssize_t n;

	fflush(stdout);
	while (off < len) {
		n = write(STDOUT_FILENO, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
}

/* The header, once per stream; under the lock. */
static inline void vmi_report_start(void)
{
	if (!vmi_rep->started) {
		vmi_rep->started = 1;
		vmi_report_emit("KTAP version 1\n");
	}
}

/* @s as a description: '#' -> "nr", control characters -> ' ', no
 * leading or trailing blanks, never empty.  @s is modified. */
static inline void vmi_report_clean(char *s, char *out, size_t size)
{
	size_t i = 0, end;
	char *c;

	for (c = s; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			*c = ' ';
	while (*s == ' ')
		s++;
	for (c = s; *c && i + 3 < size; c++) {
		if (*c == '#') {
			out[i++] = 'n';
			out[i++] = 'r';
		} else {
			out[i++] = *c;
		}
	}
	end = i;
	while (end && out[end - 1] == ' ')
		end--;
	out[end] = '\0';
	if (!end)
		snprintf(out, size, "(no description)");
}

/*
 * One result: "ok N desc" (@ok) or "not ok N desc[ # reason]"; @reason
 * NULL for none.  Numbered, counted and printed under the lock.
 */
static inline void vmi_report_result(int ok, const char *desc, const char *reason)
{
	char d[VMI_REPORT_LINE_MAX], r[VMI_REPORT_LINE_MAX], tmp[VMI_REPORT_LINE_MAX];
	char line[2 * VMI_REPORT_LINE_MAX + 32];
	int locked;

	snprintf(tmp, sizeof(tmp), "%s", desc);
	vmi_report_clean(tmp, d, sizeof(d));
	r[0] = '\0';
	if (reason) {
		snprintf(tmp, sizeof(tmp), "%s", reason);
		vmi_report_clean(tmp, r, sizeof(r));
		/* a failure's reason is not a directive */
		if (!ok && (!strncasecmp(r, "skip", 4) || !strncasecmp(r, "todo", 4))) {
			size_t l = strlen(r);

			if (l > sizeof(r) - 9)
				l = sizeof(r) - 9;
			memmove(r + 8, r, l);
			memcpy(r, "failed: ", 8);
			r[l + 8] = '\0';
		}
	}
	locked = vmi_report_lock();
	vmi_report_start();
	if (ok)
		__atomic_fetch_add(&vmi_rep->npass, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&vmi_rep->nfail, 1, __ATOMIC_RELAXED);
	snprintf(line, sizeof(line), "%s %d %s%s%s\n", ok ? "ok" : "not ok",
		 __atomic_add_fetch(&vmi_rep->n, 1, __ATOMIC_RELAXED), d,
		 r[0] ? " # " : "", r);
	vmi_report_emit(line);
	vmi_report_unlock(locked);
}

static inline void vmi_report_vresult(int ok, const char *desc, const char *fmt, va_list ap)
{
	char buf[VMI_REPORT_LINE_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (desc)
		vmi_report_result(ok, desc, buf);
	else
		vmi_report_result(ok, buf, NULL);
}

/* A check that passed: "ok N <fmt>". */
static inline VMI_PRINTF(1, 2) void pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmi_report_vresult(1, NULL, fmt, ap);
	va_end(ap);
}

/* A check that failed: "not ok N <fmt>". */
static inline VMI_PRINTF(1, 2) void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmi_report_vresult(0, NULL, fmt, ap);
	va_end(ap);
}

/*
 * Not a check, only for the log: the diagnostic "# <fmt>".  A text that
 * a KTAP reader would take for a totals or subtest line is "# - <fmt>".
 */
static inline VMI_PRINTF(1, 2) void info(const char *fmt, ...)
{
	char buf[VMI_REPORT_LINE_MAX], line[VMI_REPORT_LINE_MAX + 8];
	va_list ap;
	char *c;
	int locked;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (c = buf; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	snprintf(line, sizeof(line), "# %s%s\n",
		 !strncasecmp(buf, "Totals:", 7) || !strncasecmp(buf, "Subtest:", 8) ?
		 "- " : "", buf);
	locked = vmi_report_lock();
	vmi_report_start();
	vmi_report_emit(line);
	vmi_report_unlock(locked);
}

/* fail_reason() with a va_list. */
static inline void vfail_reason(const char *name, const char *fmt, va_list ap)
{
	vmi_report_vresult(0, name, fmt, ap);
}

/* A failed check @name, with the reason: "not ok N <name> # <fmt>". */
static inline VMI_PRINTF(2, 3) void fail_reason(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_reason(name, fmt, ap);
	va_end(ap);
}

/* "ok N <name>" if @ok, else "not ok N <name> # <fmt>". */
static inline VMI_PRINTF(3, 4) void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		pass("%s", name);
		return;
	}
	va_start(ap, fmt);
	vfail_reason(name, fmt, ap);
	va_end(ap);
}

/* The number of checks that passed and failed so far, children's too. */
static inline int vmi_npass(void)
{
	return __atomic_load_n(&vmi_rep->npass, __ATOMIC_RELAXED);
}

static inline int vmi_nfail(void)
{
	return __atomic_load_n(&vmi_rep->nfail, __ATOMIC_RELAXED);
}

/*
 * The last line, "# Totals: pass:N fail:N"; the exit status: 1 if any
 * failed.  A forked child prints no totals (its parent does).
 */
static inline int summary(void)
{
	char line[64];
	int locked;

	if (getpid() != vmi_rep->owner)
		return vmi_nfail() ? 1 : 0;

	locked = vmi_report_lock();
	vmi_report_start();
	snprintf(line, sizeof(line), "# Totals: pass:%d fail:%d\n", vmi_npass(),
		 vmi_nfail());
	vmi_report_emit(line);
	vmi_report_unlock(locked);
	return vmi_nfail() ? 1 : 0;
}

/*
 * Re-report the KTAP stream of another program (one that exec()s, so
 * its numbering is its own) read from @f as checks of this one: its
 * results with new numbers, its diagnostics as info(), its header and
 * totals dropped, other lines copied.  Whether the stream ended with its
 * totals line (if not, it stopped early: the caller fails).
 */
static inline bool ktap_relay(FILE *f)
{
	char line[VMI_REPORT_LINE_MAX], *p, *hash;
	bool totals = false;
	int ok;

	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		ok = !strncmp(line, "ok ", 3);
		if (ok || !strncmp(line, "not ok ", 7)) {
			p = line + (ok ? 3 : 7);
			p += strspn(p, "0123456789");
			p += strspn(p, " ");
			hash = strstr(p, " # ");
			if (hash) {
				*hash = '\0';
				vmi_report_result(ok, p, hash + 3);
			} else {
				vmi_report_result(ok, p, NULL);
			}
		} else if (!strncmp(line, "KTAP version ", 13)) {
			continue;
		} else if (!strncmp(line, "# Totals:", 9)) {
			totals = true;
		} else if (!strncmp(line, "# ", 2)) {
			info("%s", line + 2);
		} else {
			char out[VMI_REPORT_LINE_MAX + 2];
			int locked = vmi_report_lock();

			snprintf(out, sizeof(out), "%s\n", line);
			vmi_report_emit(out);
			vmi_report_unlock(locked);
		}
	}
	return totals;
}

#endif /* VMI_REPORT_H */
