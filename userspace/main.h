/* SPDX-License-Identifier: GPL-2.0 */
/* vmainspect tool: shared declarations of the command files. */
#ifndef VMAINSPECT_MAIN_H
#define VMAINSPECT_MAIN_H

#include <stdbool.h>
#include <sys/types.h>

#include <uapi/vmainspect.h>

#define VMAINSPECT_TOOL_VERSION	"0.1"

#define EXIT_OK		0
#define EXIT_ERROR	1
#define EXIT_USAGE	2

extern bool json_output;
/* --pretty: indent the JSON document (else it is one line). */
extern bool json_pretty;
/* The JSON document has been printed: an error after it adds nothing. */
extern bool json_printed;
/* The first error message and its errno (0: none), for --json errors. */
extern char *err_message;
extern int err_errno;
/* --all: also the runs of kind none (pages). */
extern bool show_all;
/* --full: layout draws the kernel half region by region. */
extern bool full_output;
/* --tables-only: pages reads page tables only, not the frames' struct
 * pages (no file/exclusive flags; much faster on dense ranges). */
extern bool tables_only;
/* --pfn PFN: page, rmap and debugfs name a frame by number (NULL: not given). */
extern const char *pfn_arg;

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* p_err() of a failure with errno err, which --json reports as "errno". */
void p_err_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a usage error of cmd (NULL: the tool) and return EXIT_USAGE. */
int usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "self" or a decimal process id; on error report it and return -1. */
int parse_pid(const char *cmd, const char *arg, pid_t *pid);
/* 0x-prefixed hexadecimal or decimal; on error report it and return -1. */
int parse_addr(const char *cmd, const char *arg, __u64 *addr);
/* The same for a frame number (the error names PFN). */
int parse_pfn(const char *cmd, const char *arg, __u64 *pfn);
/* argv = { CMD, PID, ADDR }: both parsed; 0, or EXIT_USAGE reported. */
int parse_pid_addr(int argc, char **argv, pid_t *pid, __u64 *addr);

/* Flush stdout; report a write error and return EXIT_ERROR if there was one. */
int finish_output(void);

/* Commands: argv[0] is the command name; return an exit status. */
int do_layout(int argc, char **argv);
int do_maps(int argc, char **argv);
int do_find(int argc, char **argv);
int do_debugfs(int argc, char **argv);
int do_pt(int argc, char **argv);
int do_pages(int argc, char **argv);
int do_page(int argc, char **argv);
int do_rmap(int argc, char **argv);
int do_kernel(int argc, char **argv);

#endif /* VMAINSPECT_MAIN_H */
