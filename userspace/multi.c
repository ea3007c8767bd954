// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect tool: one command for several processes.
 *
 * `maps 1 154`, `layout --pid 1,154` and `pages --comm bash` run the
 * command of one process once per process: the command functions stay
 * single-process, this file picks the PIDs, separates the text views and
 * gathers the JSON documents into one array.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "format.h"
#include "json_out.h"
#include "main.h"
#include "multi.h"

/* The kernel keeps TASK_COMM_LEN - 1 = 15 bytes of a command name. */
#define COMM_MAX	15

static pid_t *sel_pids;
static size_t sel_nr;
static const char *sel_comm;

/* A bound on the selection (and on its quadratic duplicate check). */
#define SELECT_MAX	(1U << 16)

static int sel_add(pid_t pid)
{
	pid_t *p;
	size_t i;

	if (sel_nr >= SELECT_MAX) {
		p_err("more than %u processes selected", SELECT_MAX);
		return EXIT_ERROR;
	}
	for (i = 0; i < sel_nr; i++) {
		if (sel_pids[i] == pid)
			return 0;
	}
	p = realloc(sel_pids, (sel_nr + 1) * sizeof(*p));
	if (!p) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	sel_pids = p;
	sel_pids[sel_nr++] = pid;
	return 0;
}

int select_add_pids(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int ret = 0;
	pid_t pid;

	if (!copy) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	if (!*copy || copy[strlen(copy) - 1] == ',') {
		free(copy);
		return usage_err(NULL, "invalid --pid '%s' (PIDs separated by commas)", list);
	}
	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		if (parse_pid(NULL, tok, &pid))
			ret = EXIT_USAGE;
		else
			ret = sel_add(pid);
	}
	free(copy);
	return ret;
}

int select_set_comm(const char *name)
{
	if (sel_comm)
		return usage_err(NULL, "--comm given twice");
	if (!*name || strlen(name) > COMM_MAX)
		return usage_err(NULL, "invalid --comm '%s' (a command name as in /proc/PID/comm, 1 to %d bytes)",
				 name, COMM_MAX);
	sel_comm = name;
	return 0;
}

bool select_given(void)
{
	return sel_nr || sel_comm;
}

/* The command name of pid ("?" if it is gone). */
static void read_comm(pid_t pid, char *buf, size_t size)
{
	struct vmi_proc_stat st;

	snprintf(buf, size, "%s", vmi_proc_stat(pid, &st) ? "?" : st.comm);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Add the processes named sel_comm, in pid order, as pgrep -x does. */
static int select_by_comm(void)
{
	size_t first = sel_nr, n;
	struct vmi_proc_stat st;
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	dir = opendir("/proc");
	if (!dir) {
		p_err_errno(errno, "cannot list /proc: %s", strerror(errno));
		return EXIT_ERROR;
	}
	while (!ret && (de = readdir(dir))) {
		unsigned long val;
		char *end;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		val = strtoul(de->d_name, &end, 10);
		if (*end || !val || val > 0x7fffffff)
			continue;
		/* as pgrep -x, but only processes with user memory */
		if (vmi_proc_stat((pid_t)val, &st) || strcmp(st.comm, sel_comm) ||
		    vmi_proc_stat_zombie(&st) || vmi_proc_stat_kthread(&st))
			continue;
		ret = sel_add((pid_t)val);
	}
	closedir(dir);
	if (ret)
		return ret;
	n = sel_nr - first;
	if (!n) {
		p_err_errno(ESRCH, "no process named '%s' with a user address space (kernel threads and zombies are not selected)",
			    sel_comm);
		return EXIT_ERROR;
	}
	qsort(sel_pids + first, n, sizeof(*sel_pids), cmp_pid);
	return 0;
}

/* Forget the previous process's error: each one reports its own. */
static void reset_error(void)
{
	free(err_message);
	err_message = NULL;
	err_errno = 0;
	json_printed = false;
}

static int run_one(pid_cmd_fn fn, pid_t pid, int argc, char **argv,
		   bool first)
{
	char pidstr[16], comm[64], shown[4 * sizeof(comm) + 1];
	char **args;
	int ret;

	args = calloc(argc + 2, sizeof(*args));
	if (!args) {
		p_err("out of memory");
		return EXIT_ERROR;
	}
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	args[0] = argv[0];
	args[1] = pidstr;
	if (argc > 1)
		memcpy(args + 2, argv + 1, (argc - 1) * sizeof(*args));

	if (!json_output) {
		read_comm(pid, comm, sizeof(comm));
		/* any process may name itself with escape sequences */
		printf("%s==> pid %d: %s <==\n", first ? "" : "\n", (int)pid,
		       fmt_escaped(comm, shown, sizeof(shown)));
	}
	reset_error();
	ret = fn(argc + 1, args);
	if (ret == EXIT_ERROR && json_output && !json_printed)
		json_collect_error(pid);
	free(args);
	return ret;
}

int run_for_pids(pid_cmd_fn fn, bool pid_operands, int argc, char **argv)
{
	int worst = EXIT_OK, ret;
	size_t i;

	if (select_given()) {
		if (sel_comm && (ret = select_by_comm()))
			return ret;
	} else if (pid_operands && argc > 2) {
		/* Every operand a PID: check them all before running any. */
		for (i = 1; i < (size_t)argc; i++) {
			pid_t pid;

			if (parse_pid(argv[0], argv[i], &pid))
				return EXIT_USAGE;
			if ((ret = sel_add(pid)))
				return ret;
		}
		argc = 1;
	} else {
		return fn(argc, argv);
	}

	if (json_output && json_collect_begin())
		return EXIT_ERROR;
	for (i = 0; i < sel_nr; i++) {
		ret = run_one(fn, sel_pids[i], argc, argv, i == 0);
		if (ret == EXIT_USAGE) {
			worst = ret;
			break;
		}
		if (ret > worst)
			worst = ret;
	}
	if (json_output) {
		/* A usage error is reported alone, as for one process. */
		ret = json_collect_end(worst != EXIT_USAGE);
		if (ret > worst)
			worst = ret;
	}
	return worst;
}
