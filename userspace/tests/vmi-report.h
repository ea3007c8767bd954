/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmi-report.h: how the test programs report their checks.
 *
 * Output: one line per check, "PASS <text>" or "FAIL <text>", "INFO <text>"
 * lines beside them, and last "N passed, N failed" (summary()), which
 * in-vm.sh parses.  Each line is flushed, so that it comes out in order
 * with the output of children even when stdout is not line-buffered.
 *
 * Each program is one file, so the counters are static here.
 */
#ifndef VMI_REPORT_H
#define VMI_REPORT_H

#include <stdarg.h>
#include <stdio.h>

#define VMI_PRINTF(f, a)	__attribute__((format(printf, f, a)))

static int npass, nfail;

/* "<tag><fmt>\n", flushed. */
static inline void vmi_vline(const char *tag, const char *fmt, va_list ap)
{
	fputs(tag, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

/* A check that passed: "PASS <fmt>". */
static inline VMI_PRINTF(1, 2) void pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmi_vline("PASS ", fmt, ap);
	va_end(ap);
	npass++;
}

/* A check that failed: "FAIL <fmt>". */
static inline VMI_PRINTF(1, 2) void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmi_vline("FAIL ", fmt, ap);
	va_end(ap);
	nfail++;
}

/* Not a check, only for the log: "INFO <fmt>". */
static inline VMI_PRINTF(1, 2) void info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmi_vline("INFO ", fmt, ap);
	va_end(ap);
}

/* fail_reason() with a va_list. */
static inline void vfail_reason(const char *name, const char *fmt, va_list ap)
{
	printf("FAIL %s: ", name);
	vmi_vline("", fmt, ap);
	nfail++;
}

/* A failed check @name, with the reason: "FAIL <name>: <fmt>". */
static inline VMI_PRINTF(2, 3) void fail_reason(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_reason(name, fmt, ap);
	va_end(ap);
}

/* "PASS <name>" if @ok, else "FAIL <name>: <fmt>". */
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

/* The last line, "N passed, N failed"; the exit status: 1 if any failed. */
static inline int summary(void)
{
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}

#endif /* VMI_REPORT_H */
