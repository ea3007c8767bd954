/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmainspect tool: one command for several processes (`maps 1 154`,
 * `--pid 1,154`, `--comm NAME`).
 */
#ifndef VMAINSPECT_MULTI_H
#define VMAINSPECT_MULTI_H

#include <stdbool.h>
#include <sys/types.h>

/* A command function of main.h: argv[0] is the command, argv[1] the PID. */
typedef int (*pid_cmd_fn)(int argc, char **argv);

/* --pid LIST: add the PIDs of LIST ("1,154,self"); 0 or EXIT_USAGE. */
int select_add_pids(const char *list);
/* --comm NAME: select the processes named NAME; 0 or EXIT_USAGE. */
int select_set_comm(const char *name);
/* Was --pid or --comm given? */
bool select_given(void);

/*
 * Run fn for each selected process.  With --pid/--comm, argv (the
 * command and its other operands) gets each PID inserted after argv[0];
 * else, when pid_operands and argc > 2, argv[1...] are the PIDs and fn
 * gets { argv[0], PID }.  Otherwise fn runs once, unchanged.
 *
 * For several processes each text view is preceded by a "==> pid N:
 * COMM <==" line, and the JSON documents form one array in which a
 * process that failed is {"pid", "error", "errno"}.  The exit status is
 * the worst of the runs; a usage error stops the loop.
 */
int run_for_pids(pid_cmd_fn fn, bool pid_operands, int argc, char **argv);

#endif /* VMAINSPECT_MULTI_H */
