// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-check-multi: one command for several processes (`maps P1 P2`,
 * `--pid P1,P2`, `--comm NAME`), against the kernel's own answers.
 *
 *   vmi-check-multi
 *
 * Forks KIDS children named KID_COMM (PR_SET_NAME), each with a different
 * number of extra anonymous mappings, plus one child of the same name
 * left a zombie.  Then, with the tool (VMAINSPECT or "vmainspect" on
 * PATH):
 *  - `--json maps P1 P2 P3`: an array of one document per PID in that
 *    order, each with the VMAs (start, end, perms) of /proc/Pi/maps;
 *  - `--json maps --pid P3,P1`: the same for the order given;
 *  - `--json maps --comm KID_COMM`: exactly the live children (the
 *    zombie and this process, of another name, are not selected), in pid
 *    order;
 *  - text `maps P1 P2`: a "==> pid Pi: KID_COMM <==" line before each
 *    process, followed by every line of /proc/Pi/maps;
 *  - one missing pid among them: exit 1, the others' documents still
 *    there and {"pid", "error", "errno": ESRCH} in its place;
 *  - `--json layout --pid ...`: start_code/end_code/start_brk of each
 *    equal fields 26, 27 and 47 of /proc/Pi/stat;
 *  - pages --comm, rmap --all P1 P2, debugfs P1 P2: one document per pid
 *    (debugfs: the directory exists afterwards);
 *  - usage errors (exit 2): operands and --pid together, --pid for a
 *    command of one address (find, pt), rmap --pid without --all, a bad
 *    PID in a list, an empty --comm.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>

#include "vmi-test.h"

#define KIDS		3
#define KID_COMM	"vmi-multi-kid"
#define MISSING_PID	"999999"

static const char *tool = "vmainspect";
static pid_t kids[KIDS], zombie;

/* Run the tool with args; its stdout (malloc'd) and exit status. */
static char *run_tool(const char *const *args, int *status)
{
	const char *argv[16];
	int fd[2], n = 0, st;
	size_t len = 0, cap = 65536;
	char *out = malloc(cap);
	ssize_t r;
	pid_t pid;

	argv[n++] = tool;
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	*status = -1;
	if (!out || pipe(fd))
		return out;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(fd[1], 1);
		if (devnull >= 0)
			dup2(devnull, 2);
		close(fd[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	while (pid > 0 && (r = read(fd[0], out + len, cap - len - 1)) > 0) {
		len += r;
		if (len + 1 == cap) {
			char *nb = realloc(out, cap * 2);

			if (!nb)
				break;
			out = nb;
			cap *= 2;
		}
	}
	close(fd[0]);
	out[len] = '\0';
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		*status = WEXITSTATUS(st);
	return out;
}

/* The tool's JSON for args, which must be an array of n values. */
static json_object *tool_array(const char *name, const char *const *args,
			       int want_status, size_t n)
{
	int status;
	char *out = run_tool(args, &status);
	json_object *j = out ? json_tokener_parse(out) : NULL;

	if (status != want_status || !json_object_is_type(j, json_type_array) ||
	    json_object_array_length(j) != n) {
		fail_reason(name, "exit %d (want %d), want an array of %zu: %.200s",
			    status, want_status, n, out ? out : "");
		json_object_put(j);
		j = NULL;
	}
	free(out);
	return j;
}

static int64_t jint(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

static uint64_t jhex(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return UINT64_MAX;
	return strtoull(json_object_get_string(v), NULL, 16);
}

/*
 * A maps document's VMAs against /proc/pid/maps: the same start, end
 * and perms in the same order ([vsyscall] is not a VMA, the tool omits
 * it).  NULL if equal, else a static reason.
 */
static const char *cmp_maps(json_object *doc, pid_t pid)
{
	static char why[256];
	char path[64], *maps, *line, *save = NULL;
	json_object *vmas;
	size_t i = 0, n;

	if (jint(doc, "pid") != pid)
		return "wrong or missing pid";
	if (!json_object_object_get_ex(doc, "vmas", &vmas) ||
	    !json_object_is_type(vmas, json_type_array))
		return "no vmas list";
	n = json_object_array_length(vmas);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	maps = slurp_file(path, NULL);
	if (!maps)
		return "cannot read /proc/PID/maps";
	for (line = strtok_r(maps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e;
		char perms[8];
		json_object *v;
		const char *jp;

		if (strstr(line, "[vsyscall]"))
			continue;
		if (sscanf(line, "%llx-%llx %7s", &s, &e, perms) != 3)
			continue;
		if (i >= n) {
			snprintf(why, sizeof(why), "maps has more than the tool's %zu VMAs", n);
			free(maps);
			return why;
		}
		v = json_object_array_get_idx(vmas, i++);
		jp = json_object_get_string(json_object_object_get(v, "perms"));
		if (jhex(v, "start") != s || jhex(v, "end") != e || !jp || strcmp(jp, perms)) {
			snprintf(why, sizeof(why), "VMA %zu: maps has %llx-%llx %s", i - 1, s, e,
				 perms);
			free(maps);
			return why;
		}
	}
	free(maps);
	if (i != n) {
		snprintf(why, sizeof(why), "maps has %zu VMAs, the tool %zu", i, n);
		return why;
	}
	return NULL;
}

/* Field nr (from 3, after the comm) of /proc/pid/stat; 0 if missing. */
static unsigned long long stat_field(const char *pid, int nr)
{
	char path[64], stat[1024], *q, *tok, *save = NULL;
	int i = 3;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	read_file(path, stat, sizeof(stat));
	q = strrchr(stat, ')');
	if (!q)
		return 0;
	for (tok = strtok_r(q + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		if (i == nr)
			return strtoull(tok, NULL, 10);
	}
	return 0;
}

static void check_maps_array(const char *name, json_object *arr, const pid_t *pids)
{
	const char *why = NULL;
	size_t i;

	if (!arr)
		return;
	for (i = 0; i < json_object_array_length(arr) && !why; i++)
		why = cmp_maps(json_object_array_get_idx(arr, i), pids[i]);
	check(!why, name, "document %zu (pid %d): %s", i - 1, (int)pids[i - 1], why);
	json_object_put(arr);
}

static void spawn_kids(void)
{
	int i, j;

	for (i = 0; i <= KIDS; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			exit(2);
		}
		if (pid == 0) {
			prctl(PR_SET_NAME, KID_COMM);
			if (i == KIDS)
				_exit(0);	/* the zombie */
			/* i + 1 extra VMAs, apart from each other */
			for (j = 0; j <= i; j++) {
				char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

				if (p != MAP_FAILED) {
					p[0] = 1;
					munmap(p + 4096, 4096);
				}
			}
			pause();
			_exit(0);
		}
		if (i == KIDS)
			zombie = pid;
		else
			kids[i] = pid;
	}
	/* wait until the zombie is one and the kids have renamed themselves */
	for (i = 0; i < 500; i++) {
		siginfo_t si = { 0 };
		char path[64], comm[32];
		int named = 0;

		for (j = 0; j < KIDS; j++) {
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)kids[j]);
			read_file(path, comm, sizeof(comm));
			named += !strcmp(comm, KID_COMM "\n");
		}
		if (named == KIDS &&
		    !waitid(P_PID, zombie, &si, WEXITED | WNOHANG | WNOWAIT) && si.si_pid)
			break;
		usleep(10000);
	}
	usleep(100000);	/* let the kids finish their mmaps and pause() */
}

static void check_usage(const char *name, const char *const *args)
{
	int status;
	char *out = run_tool(args, &status);

	check(status == 2, name, "exit %d, want 2 (usage error)", status);
	free(out);
}

int main(void)
{
	char p[KIDS][16], list[64], zpid[16], path[96];
	pid_t order[KIDS];
	json_object *arr;
	struct stat st;
	int i, status;
	char *out;

	signal(SIGPIPE, SIG_IGN);
	if (getenv("VMAINSPECT"))
		tool = getenv("VMAINSPECT");
	vmi_report_start();
	spawn_kids();
	for (i = 0; i < KIDS; i++)
		snprintf(p[i], sizeof(p[i]), "%d", (int)kids[i]);
	snprintf(zpid, sizeof(zpid), "%d", (int)zombie);

	/* PID operands, in order */
	arr = tool_array("maps P1 P2 P3 (json)", (const char *[]){ "--json", "maps",
			 p[0], p[1], p[2], NULL }, 0, KIDS);
	check_maps_array("maps P1 P2 P3 (json) = /proc/Pi/maps", arr, kids);

	/* --pid in the order given */
	snprintf(list, sizeof(list), "%s,%s", p[2], p[0]);
	order[0] = kids[2];
	order[1] = kids[0];
	arr = tool_array("maps --pid P3,P1 (json)", (const char *[]){ "--json", "maps",
			 "--pid", list, NULL }, 0, 2);
	check_maps_array("maps --pid P3,P1 (json) = /proc/Pi/maps, in that order", arr, order);

	/* --comm: the live kids only, in pid order */
	memcpy(order, kids, sizeof(order));
	for (i = 1; i < KIDS; i++) {
		int j;

		for (j = i; j > 0 && order[j - 1] > order[j]; j--) {
			pid_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	}
	arr = tool_array("maps --comm " KID_COMM " (json)", (const char *[]){ "--json", "maps",
			 "--comm", KID_COMM, NULL }, 0, KIDS);
	check_maps_array("maps --comm: the live processes of that name, not the zombie", arr,
			 order);

	/* text: a header per process, then all of its maps lines */
	out = run_tool((const char *[]){ "maps", p[0], p[1], NULL }, &status);
	for (i = 0; i < 2 && out; i++) {
		char head[96], *sect, *next, *maps, *line, *save = NULL;
		int missing = 0;

		snprintf(head, sizeof(head), "==> pid %s: " KID_COMM " <==\n", p[i]);
		sect = strstr(out, head);
		if (!sect) {
			fail_reason("maps P1 P2 (text): header", "no line '%.*s' (exit %d)",
				    (int)strlen(head) - 1, head, status);
			continue;
		}
		next = strstr(sect + 1, "==> pid ");
		if (next)
			*next = '\0';
		snprintf(path, sizeof(path), "/proc/%s/maps", p[i]);
		maps = slurp_file(path, NULL);
		for (line = maps ? strtok_r(maps, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (!strstr(line, "[vsyscall]") && !strstr(sect, line))
				missing++;
		}
		check(maps && !missing && status == 0, i ? "maps P1 P2 (text): P2's section" :
		      "maps P1 P2 (text): P1's section", "%d lines of /proc/%s/maps missing, exit %d",
		      missing, p[i], status);
		free(maps);
		if (next)
			*next = '=';
	}
	free(out);

	/* a missing pid in the middle: exit 1, the others still shown */
	arr = tool_array("maps P1 MISSING P2 (json)", (const char *[]){ "--json", "maps",
			 p[0], MISSING_PID, p[1], NULL }, 1, 3);
	if (arr) {
		json_object *e = json_object_array_get_idx(arr, 1), *msg;
		const char *why = cmp_maps(json_object_array_get_idx(arr, 0), kids[0]);

		if (!why)
			why = cmp_maps(json_object_array_get_idx(arr, 2), kids[1]);
		check(!why, "maps P1 MISSING P2: the others' documents", "%s", why);
		check(jint(e, "pid") == atoi(MISSING_PID) && jint(e, "errno") == ESRCH &&
		      json_object_object_get_ex(e, "error", &msg) &&
		      json_object_is_type(msg, json_type_string),
		      "maps P1 MISSING P2: {pid, error, errno: ESRCH} in its place", "got %.200s",
		      json_object_to_json_string(e));
		json_object_put(arr);
	}

	/* layout: each document's code and brk from /proc/Pi/stat */
	snprintf(list, sizeof(list), "%s,%s,%s", p[0], p[1], p[2]);
	arr = tool_array("layout --pid P1,P2,P3 (json)", (const char *[]){ "--json", "layout",
			 "--pid", list, NULL }, 0, KIDS);
	for (i = 0; arr && i < KIDS; i++) {
		json_object *d = json_object_array_get_idx(arr, i);
		unsigned long long f26 = stat_field(p[i], 26), f27 = stat_field(p[i], 27);
		unsigned long long f47 = stat_field(p[i], 47);

		check(jint(d, "pid") == kids[i] && jhex(d, "start_code") == f26 &&
		      jhex(d, "end_code") == f27 && jhex(d, "start_brk") == f47,
		      i == 0 ? "layout --pid: P1 = /proc/P1/stat" : i == 1 ?
		      "layout --pid: P2 = /proc/P2/stat" : "layout --pid: P3 = /proc/P3/stat",
		      "code %#llx-%#llx brk %#llx in stat, pid %" PRId64 " code %#" PRIx64
		      "-%#" PRIx64 " brk %#" PRIx64 " in the tool", f26, f27, f47, jint(d, "pid"),
		      jhex(d, "start_code"), jhex(d, "end_code"), jhex(d, "start_brk"));
	}
	json_object_put(arr);

	/* pages, rmap --all, debugfs: one document per process */
	arr = tool_array("pages --comm (json)", (const char *[]){ "--json", "pages", "--comm",
			 KID_COMM, NULL }, 0, KIDS);
	for (i = 0; arr && i < KIDS; i++)
		check(jint(json_object_array_get_idx(arr, i), "pid") == order[i],
		      i == 0 ? "pages --comm: document 1 in pid order" : i == 1 ?
		      "pages --comm: document 2 in pid order" : "pages --comm: document 3 in pid order",
		      "document %d is not pid %d", i, (int)order[i]);
	json_object_put(arr);
	arr = tool_array("rmap --all P1 P2 (json)", (const char *[]){ "--json", "rmap", "--all",
			 p[0], p[1], NULL }, 0, 2);
	for (i = 0; arr && i < 2; i++)
		check(jint(json_object_array_get_idx(arr, i), "pid") == kids[i] &&
		      jint(json_object_array_get_idx(arr, i), "resident_pages") > 0,
		      i ? "rmap --all P1 P2: P2's document" : "rmap --all P1 P2: P1's document",
		      "document %d", i);
	json_object_put(arr);
	arr = tool_array("debugfs P1 P2 (json)", (const char *[]){ "--json", "debugfs", p[0],
			 p[1], NULL }, 0, 2);
	for (i = 0; arr && i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/vmainspect/%s/maps", p[i]);
		check(jint(json_object_array_get_idx(arr, i), "pid") == kids[i] &&
		      !stat(path, &st), i ? "debugfs P1 P2: P2 published" : "debugfs P1 P2: P1 published", "%s: %s",
		      path, strerror(errno));
	}
	json_object_put(arr);

	/* the zombie by --pid: an error of its own, exit 1 */
	arr = tool_array("maps --pid ZOMBIE (json)", (const char *[]){ "--json", "maps", "--pid",
			 zpid, NULL }, 1, 1);
	if (arr)
		check(jint(json_object_array_get_idx(arr, 0), "pid") == zombie &&
		      json_object_object_get(json_object_array_get_idx(arr, 0), "error"),
		      "maps --pid ZOMBIE: an error object for it", "got %.200s",
		      json_object_to_json_string(arr));
	json_object_put(arr);

	check_usage("usage: operands and --pid", (const char *[]){ "maps", "--pid", p[0], p[1],
		    NULL });
	check_usage("usage: find --pid", (const char *[]){ "find", "--pid", p[0], "0x1000",
		    NULL });
	check_usage("usage: pt --comm", (const char *[]){ "pt", "--comm", KID_COMM, "0x1000",
		    NULL });
	check_usage("usage: rmap --pid without --all", (const char *[]){ "rmap", "--pid", p[0],
		    "0x1000", NULL });
	check_usage("usage: a bad PID in --pid", (const char *[]){ "maps", "--pid", "1,x,2",
		    NULL });
	check_usage("usage: empty --comm", (const char *[]){ "maps", "--comm", "", NULL });
	check_usage("usage: a bad PID among operands", (const char *[]){ "maps", p[0], "-1x",
		    NULL });
	out = run_tool((const char *[]){ "--json", "maps", "--comm", "vmi-no-such", NULL },
		       &status);
	check(status == 1 && strstr(out, "\"errno\":3}"), "maps --comm with no match: ESRCH, exit 1",
	      "exit %d: %.200s", status, out);
	free(out);

	for (i = 0; i < KIDS; i++)
		kill_wait(kids[i]);
	waitpid(zombie, &status, 0);
	return summary();
}
