// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-check-maps: check `vmainspect` against the kernel's own oracles.
 *
 *   vmi-check-maps [--brk HEX] [--find] [--tries N] PID...
 *   vmi-check-maps [--find] --all
 *   vmi-check-maps --debugfs [--debugfs-pid PID]
 *   vmi-check-maps --consistency ROUNDS PID
 *
 * For each PID:
 *  - `vmainspect --json maps PID` vs /proc/PID/maps: start, end, perms,
 *    offset, dev, inode and name of every VMA (the tool's name is escaped
 *    the way maps escapes it, '\n' -> "\012"; the [vsyscall] gate area is not
 *    a VMA and is skipped);
 *  - its "smaps_flags" vs the VmFlags line of /proc/PID/smaps (as sets,
 *    "??" ignored);
 *  - `vmainspect --json layout PID` vs /proc/PID/stat fields 26-28 and
 *    45-51, its map_count vs the number of VMAs in maps, its counters
 *    (total_vm, rss_*, data_vm, exec_vm, VmPTE...) vs /proc/PID/status,
 *    and with --brk its brk vs the given value;
 *  - with --find, `vmainspect --json find PID ADDR` at the first and last
 *    byte of sampled VMAs, in the gaps between them and above the last one.
 * A live target may change while we look: every check is retried (re-reading
 * the oracle) a few times before it fails.  A process that exits mid-check is
 * skipped with a NOTE line.  Kernel threads (no mm) are counted in one line.
 *
 * --debugfs compares /sys/kernel/debug/vmainspect/self/maps, read by this
 * process, with /proc/self/maps, and with --debugfs-pid PID publishes PID
 * (an attach with VMAINSPECT_ATTACH_DEBUGFS) and compares <PID>/maps with /proc/PID/maps
 * (skipped when /sys/kernel/debug/vmainspect does not exist).
 *
 * Output: KTAP, one result per check (vmi-report.h); exit status 1 if
 * anything failed.  The tool is `vmainspect` on PATH, or
 * $VMAINSPECT.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>

#include "uapi/vmainspect.h"
#include "vmi-json-rule.h"
#include "vmi-test.h"

#define VSYSCALL_ADDR	0xffffffffff600000ULL
#define PF_KTHREAD	0x00200000UL
#define MAX_REASONS	8

static int tries = 6, do_find;
static const char *tool = "vmainspect";

/* ---- small helpers ---- */

struct strbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct strbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2 + 4096;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			perror("realloc");
			exit(2);
		}
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = 0;
}

static char *pid_file(int pid, const char *what)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", what);
	return slurp_file(path, NULL);
}

static int pid_alive(int pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", pid);
	return access(path, F_OK) == 0 && !(kill(pid, 0) && errno == ESRCH);
}

/*
 * Run the tool with @args (NULL-terminated); capture stdout and stderr.
 * Returns the exit status (or 128+signal, or -1 if it could not run).
 */
static int run_tool(const char *const *args, char **out, char **err)
{
	int po[2], pe[2], status, n = 0;
	const char *argv[16];
	struct strbuf bo = { 0 }, be = { 0 };
	struct pollfd pfd[2];
	pid_t child;

	argv[n++] = tool;
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	sb_add(&bo, "", 0);
	sb_add(&be, "", 0);
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
		perror("pipe");
		exit(2);
	}
	child = fork();
	if (child < 0) {
		perror("fork");
		exit(2);
	}
	if (child == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		char buf[65536];
		int i;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			exit(2);
		}
		for (i = 0; i < 2; i++) {
			ssize_t r;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			r = read(pfd[i].fd, buf, sizeof(buf));
			if (r > 0) {
				sb_add(i ? &be : &bo, buf, r);
			} else if (r == 0 || errno != EINTR) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			}
		}
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			exit(2);
		}
	*out = bo.s;
	*err = be.s;
	/* one line of stderr for messages */
	if (be.len && be.s[be.len - 1] == '\n')
		be.s[be.len - 1] = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* ---- /proc/PID/maps and smaps ---- */

struct mline {
	uint64_t start, end, off, inode;
	char perms[8];
	char dev[24];
	char *name;		/* raw maps text, "" if none */
	char *vmflags;		/* smaps VmFlags text, NULL if none */
};

struct maps {
	struct mline *v;
	int n;
};

static void free_maps(struct maps *m)
{
	int i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].vmflags);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* Parse one maps header line (without '\n'); 0 if it is one. */
static int parse_header(const char *line, struct mline *ml)
{
	unsigned long long s, e, off, ino;
	char perms[8], dev[24];
	int pos = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %23s %llu%n",
		   &s, &e, perms, &off, dev, &ino, &pos) != 6)
		return -1;
	if (!strchr(dev, ':') || strlen(perms) != 4)
		return -1;
	memset(ml, 0, sizeof(*ml));
	ml->start = s;
	ml->end = e;
	ml->off = off;
	ml->inode = ino;
	strcpy(ml->perms, perms);
	strcpy(ml->dev, dev);
	line += pos;
	while (*line == ' ')
		line++;
	ml->name = strdup(line);
	return 0;
}

/*
 * Parse maps (or smaps, with VmFlags) text.  [vsyscall] is dropped.
 * Returns 0, or -1 if the text does not parse.
 */
static int parse_maps(const char *text, struct maps *m)
{
	const char *p = text;
	int cap = 0, skipping = 0;

	m->v = NULL;
	m->n = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);
		struct mline ml;

		p += len + (nl ? 1 : 0);
		if (line[0] == ' ' || line[0] == '\t' || !line[0]) {
			/* debugfs detail line */
			free(line);
			continue;
		}
		if (!strncmp(line, "VmFlags:", 8)) {
			if (m->n && !skipping)
				m->v[m->n - 1].vmflags = strdup(line + 8);
			free(line);
			continue;
		}
		if (parse_header(line, &ml)) {
			/* an smaps "Key: value" line */
			int smaps_line = strchr(line, ':') && !strchr(line, '-');

			free(line);
			if (smaps_line)
				continue;
			free_maps(m);
			return -1;
		}
		free(line);
		skipping = ml.start == VSYSCALL_ADDR;
		if (skipping) {
			free(ml.name);
			continue;
		}
		if (m->n == cap) {
			cap = cap ? cap * 2 : 256;
			m->v = realloc(m->v, cap * sizeof(*m->v));
		}
		m->v[m->n++] = ml;
	}
	return 0;
}

/*
 * Undo maps' escaping of a name: seq_file_path(..., "\n") prints '\n' as
 * "\012" (a literal backslash is not escaped, so this is ambiguous for a name
 * that contains "\012" itself; we make no such file).
 */
static char *maps_unescape(const char *s)
{
	struct strbuf b = { 0 };

	sb_add(&b, "", 0);
	for (; *s; s++) {
		if (!strncmp(s, "\\012", 4)) {
			sb_add(&b, "\n", 1);
			s += 3;
		} else {
			sb_add(&b, s, 1);
		}
	}
	return b.s;
}

/* Printable version of a name for messages. */
static const char *show(const char *s, char *buf, size_t n)
{
	size_t i = 0;

	for (; s && *s && i + 5 < n; s++) {
		if (*s == '\\') {
			buf[i++] = '\\';
			buf[i++] = '\\';
		} else if (isprint((unsigned char)*s))
			buf[i++] = *s;
		else
			i += snprintf(buf + i, n - i, "\\%03o", (unsigned char)*s);
	}
	buf[i] = 0;
	return buf;
}

/* ---- JSON helpers ---- */

/*
 * The tool's number rule (README, "JSON", vmi-json-rule.h): its keys can exceed 2^53 - 1
 * and are "0x..." lower-case hex strings; every other number is a JSON
 * integer.  jget_u64() insists on the type the rule gives the key.
 */
static int jget_u64(json_object *o, const char *key, uint64_t *v)
{
	json_object *f;

	if (!json_object_object_get_ex(o, key, &f))
		return -1;
	if (vmi_is_hex_key(key))
		return json_object_is_type(f, json_type_string) ?
		       vmi_parse_hex(json_object_get_string(f), v) : -1;
	if (!json_object_is_type(f, json_type_int))
		return -1;
	*v = json_object_get_uint64(f);
	return 0;
}

/* String field: *v = string, or NULL for JSON null.  -1 if missing/other. */
static int jget_str(json_object *o, const char *key, const char **v)
{
	json_object *f;

	if (!json_object_object_get_ex(o, key, &f))
		return -1;
	if (!f) {
		*v = NULL;
		return 0;
	}
	if (!json_object_is_type(f, json_type_string))
		return -1;
	*v = json_object_get_string(f);
	return 0;
}

/*
 * A name by the tool's rule (README, "JSON"): KEY_hex, when present, holds
 * the exact bytes in hex (KEY is then the lossy U+FFFD form); else KEY is
 * the bytes.  *v = the name in buf (or KEY's string), NULL for null.
 * -1 if missing, of another type, or a malformed KEY_hex.
 */
static int jget_name(json_object *o, const char *key, char *buf, size_t size,
		     const char **v)
{
	json_object *h;
	char hkey[64];
	const char *hs;
	size_t i, n;

	if (jget_str(o, key, v))
		return -1;
	snprintf(hkey, sizeof(hkey), "%s_hex", key);
	if (!json_object_object_get_ex(o, hkey, &h))
		return 0;
	if (!*v || !json_object_is_type(h, json_type_string))
		return -1;
	hs = json_object_get_string(h);
	n = strlen(hs);
	if (n % 2 || n / 2 >= size || strspn(hs, "0123456789abcdef") != n)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int byte;

		sscanf(hs + 2 * i, "%2x", &byte);
		buf[i] = (char)byte;
	}
	buf[n / 2] = 0;
	if (memchr(buf, 0, n / 2))
		return -1;	/* a name has no NUL */
	*v = buf;
	return 0;
}

/* ---- comparisons ---- */

struct reasons {
	struct strbuf b;
	int n;
};

static void reason(struct reasons *r, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	r->n++;
	if (r->n > MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (r->b.len)
		sb_add(&r->b, "; ", 2);
	sb_add(&r->b, tmp, strlen(tmp));
}

static void reasons_reset(struct reasons *r)
{
	free(r->b.s);
	memset(r, 0, sizeof(*r));
}

static const char *reasons_text(struct reasons *r)
{
	if (r->n > MAX_REASONS) {
		char tmp[64];

		snprintf(tmp, sizeof(tmp), " (+%d more)", r->n - MAX_REASONS);
		sb_add(&r->b, tmp, strlen(tmp));
		r->n = MAX_REASONS;
	}
	return r->b.s ? r->b.s : "";
}

/* Is @word in the space-separated @list? */
static int in_list(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, word, wl) && (p[wl] == ' ' || p[wl] == 0))
			return 1;
		p = strchr(p, ' ');
	}
	return 0;
}

/*
 * Compare one tool VMA with a maps line (and its smaps VmFlags).
 * @fr collects field mismatches, @sr smaps-flag mismatches.
 */
static void cmp_vma(json_object *jv, const struct mline *ml, const char *vmflags,
		    struct reasons *fr, struct reasons *sr)
{
	uint64_t start, end, size, pgoff, inode;
	const char *perms, *dev, *name, *kind;
	char b1[512], b2[512], nbuf[4096];
	json_object *sf;

	if (jget_u64(jv, "start", &start) || jget_u64(jv, "end", &end) ||
	    jget_u64(jv, "size", &size) || jget_u64(jv, "pgoff", &pgoff) ||
	    jget_u64(jv, "inode", &inode) || jget_str(jv, "perms", &perms) || !perms ||
	    jget_str(jv, "dev", &dev) || !dev ||
	    jget_name(jv, "name", nbuf, sizeof(nbuf), &name) ||
	    jget_str(jv, "kind", &kind) || !kind) {
		reason(fr, "%#" PRIx64 ": VMA object lacks a field: %s", ml->start,
		       json_object_to_json_string(jv));
		return;
	}
	if (start != ml->start || end != ml->end)
		reason(fr, "%#" PRIx64 ": range %#" PRIx64 "-%#" PRIx64 " vs maps %#" PRIx64 "-%#" PRIx64,
		       ml->start, start, end, ml->start, ml->end);
	if (size != end - start)
		reason(fr, "%#" PRIx64 ": size %#" PRIx64 " != end-start", ml->start, size);
	if (strcmp(perms, ml->perms))
		reason(fr, "%#" PRIx64 ": perms %s vs maps %s", ml->start, perms, ml->perms);
	if (pgoff != ml->off)
		reason(fr, "%#" PRIx64 ": offset %#" PRIx64 " vs maps %#" PRIx64, ml->start, pgoff, ml->off);
	if (strcmp(dev, ml->dev))
		reason(fr, "%#" PRIx64 ": dev %s vs maps %s", ml->start, dev, ml->dev);
	if (inode != ml->inode)
		reason(fr, "%#" PRIx64 ": inode %" PRIu64 " vs maps %" PRIu64, ml->start, inode, ml->inode);
	if (!name) {
		if (ml->name[0])
			reason(fr, "%#" PRIx64 ": name null vs maps \"%s\"", ml->start,
			       show(ml->name, b2, sizeof(b2)));
	} else {
		char *raw = maps_unescape(ml->name);

		if (strcmp(name, raw))
			reason(fr, "%#" PRIx64 ": name \"%s\" vs maps \"%s\"", ml->start,
			       show(name, b1, sizeof(b1)), show(raw, b2, sizeof(b2)));
		if (!name[0])
			reason(fr, "%#" PRIx64 ": name is \"\" (should be null)", ml->start);
		free(raw);
	}
	/* kind agrees with the name /proc prints */
	if ((!strcmp(kind, "heap") && strcmp(ml->name, "[heap]")) ||
	    (!strcmp(kind, "stack") && strcmp(ml->name, "[stack]")) ||
	    (!strcmp(kind, "anon_named") && strncmp(ml->name, "[anon:", 6)) ||
	    (!strcmp(kind, "shmem_named") && strncmp(ml->name, "[anon_shmem:", 12)) ||
	    (!strcmp(kind, "anon") && ml->name[0]) ||
	    ((!strcmp(kind, "file") || !strcmp(kind, "hugetlb")) && ml->name[0] != '/'))
		reason(fr, "%#" PRIx64 ": kind %s but maps name \"%s\"", ml->start, kind,
		       show(ml->name, b2, sizeof(b2)));

	/* smaps VmFlags as sets, "??" ignored */
	if (!vmflags) {
		reason(sr, "%#" PRIx64 ": no VmFlags line in smaps", ml->start);
		return;
	}
	/* kind hugetlb exactly where smaps says VM_HUGETLB ("ht") */
	if (!!in_list(vmflags, "ht") != !strcmp(kind, "hugetlb"))
		reason(fr, "%#" PRIx64 ": kind %s but VmFlags [%s]", ml->start, kind,
		       vmflags);
	if (!json_object_object_get_ex(jv, "smaps_flags", &sf) ||
	    !json_object_is_type(sf, json_type_array)) {
		reason(sr, "%#" PRIx64 ": no smaps_flags array", ml->start);
		return;
	}
	{
		struct strbuf ours = { 0 };
		size_t i, n = json_object_array_length(sf);
		int bad = 0;
		const char *p;

		sb_add(&ours, "", 0);
		for (i = 0; i < n; i++) {
			const char *f = json_object_get_string(json_object_array_get_idx(sf, i));

			if (!f || !strcmp(f, "??"))
				continue;
			sb_add(&ours, " ", 1);
			sb_add(&ours, f, strlen(f));
			if (!in_list(vmflags, f))
				bad = 1;
		}
		for (p = vmflags; *p; ) {
			char w[8];
			int k = 0;

			while (*p == ' ')
				p++;
			while (*p && *p != ' ' && k < 7)
				w[k++] = *p++;
			while (*p && *p != ' ')
				p++;
			w[k] = 0;
			if (k && strcmp(w, "??") && !in_list(ours.s, w))
				bad = 1;
		}
		if (bad)
			reason(sr, "%#" PRIx64 ": smaps_flags [%s ] vs VmFlags [%s]", ml->start,
			       ours.s, vmflags);
		free(ours.s);
	}
}

static int is_kthread_or_zombie(int pid)
{
	char *stat = pid_file(pid, "stat");
	unsigned long flags = 0;
	char state = 0;
	char *p;
	int r = 0;

	if (!stat)
		return 0;
	p = strrchr(stat, ')');
	if (p && sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) == 2)
		r = (flags & PF_KTHREAD) || state == 'Z' || state == 'X';
	free(stat);
	return r;
}

/* /proc/PID/stat: fields 3..52 into f[3..52]; 0 on success. */
static int read_stat(int pid, uint64_t f[64], char *comm, size_t commlen)
{
	char *stat = pid_file(pid, "stat");
	char *p, *open;
	int i;

	if (!stat)
		return -1;
	open = strchr(stat, '(');
	p = strrchr(stat, ')');
	if (!open || !p) {
		free(stat);
		errno = EINVAL;
		return -1;
	}
	if (comm) {
		size_t n = p - open - 1;

		if (n >= commlen)
			n = commlen - 1;
		memcpy(comm, open + 1, n);
		comm[n] = 0;
	}
	memset(f, 0, 64 * sizeof(f[0]));
	p++;
	for (i = 3; i <= 52 && *p; i++) {
		while (*p == ' ')
			p++;
		if (i == 3) {
			f[i] = (unsigned char)*p;
			p++;
		} else {
			f[i] = strtoull(p, &p, 10);
		}
	}
	free(stat);
	return 0;
}

static const struct {
	int field;
	const char *key;
} stat_fields[] = {
	{ 26, "start_code" }, { 27, "end_code" }, { 28, "start_stack" },
	{ 45, "start_data" }, { 46, "end_data" }, { 47, "start_brk" },
	{ 48, "arg_start" }, { 49, "arg_end" }, { 50, "env_start" },
	{ 51, "env_end" },
};

/* Parse tool stdout as JSON object with "pid" == pid; NULL + reason. */
static json_object *tool_json(int pid, const char *what, const char *arg,
			      struct reasons *r, int *gone)
{
	char pidbuf[16];
	const char *args[5];
	char *out, *err;
	json_object *j;
	uint64_t jpid;
	int rc;

	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	args[0] = "--json";
	args[1] = what;
	args[2] = pidbuf;
	args[3] = arg;
	args[4] = NULL;
	rc = run_tool(args, &out, &err);
	*gone = 0;
	if (rc) {
		if (!pid_alive(pid))
			*gone = 1;
		reason(r, "`vmainspect --json %s %d%s%s` exit %d: %s", what, pid,
		       arg ? " " : "", arg ? arg : "", rc, err);
		free(out);
		free(err);
		return NULL;
	}
	j = json_tokener_parse(out);
	if (!j || !json_object_is_type(j, json_type_object)) {
		reason(r, "`vmainspect --json %s %d`: output is not a JSON object (%.80s)", what,
		       pid, out);
		json_object_put(j);
		j = NULL;
	} else if (jget_u64(j, "pid", &jpid) || jpid != (uint64_t)pid) {
		reason(r, "`vmainspect --json %s %d`: \"pid\" missing or wrong", what, pid);
		json_object_put(j);
		j = NULL;
	}
	free(out);
	free(err);
	return j;
}

/*
 * maps + smaps check with retries.  Returns 1 if the process exited.
 * On success *maps_out holds the maps that matched (for --find).
 */
/*
 * PROCMAP_QUERY (6.11+), the kernel's other VMA oracle: an ioctl on
 * /proc/PID/maps (declared here: Debian 12's headers are 6.1's).
 */
struct vmi_procmap_query {
	uint64_t size, query_flags, query_addr, vma_start, vma_end, vma_flags;
	uint64_t vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};

#define VMI_PROCMAP_QUERY	_IOWR('f', 17, struct vmi_procmap_query)
#define PMQ_READ		0x01
#define PMQ_WRITE		0x02
#define PMQ_EXEC		0x04
#define PMQ_SHARED		0x08
#define PMQ_COVERING_OR_NEXT	0x10

/*
 * Every VMA of the tool's list against PROCMAP_QUERY, walked from 0 with
 * COVERING_OR_NEXT: the same ranges in the same order, permissions,
 * offset, device, inode and name.  0: compared; -1: no PROCMAP_QUERY.
 */
static int cmp_procmap(int pid, json_object *vmas, struct reasons *fr)
{
	char path[64], name[4096], perms[5], dev[16], nbuf[4096];
	struct vmi_procmap_query q;
	int fd, i = 0, n = (int)json_object_array_length(vmas);
	uint64_t addr = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;; i++) {
		uint64_t start, end, pgoff, inode;
		const char *jperms, *jdev, *jname;
		json_object *jv;

		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_flags = PMQ_COVERING_OR_NEXT;
		q.query_addr = addr;
		q.vma_name_addr = (uintptr_t)name;
		q.vma_name_size = sizeof(name);
		if (ioctl(fd, VMI_PROCMAP_QUERY, &q)) {
			if (errno == ENOTTY || errno == EINVAL) {
				close(fd);
				return i ? (reason(fr, "PROCMAP_QUERY: %s", strerror(errno)), 0) : -1;
			}
			if (errno != ENOENT)
				reason(fr, "PROCMAP_QUERY at %#" PRIx64 ": %s", addr, strerror(errno));
			break;
		}
		addr = q.vma_end;
		if (i >= n) {
			reason(fr, "PROCMAP_QUERY: VMA %#" PRIx64 "-%#" PRIx64 " beyond the tool's %d",
			       (uint64_t)q.vma_start, (uint64_t)q.vma_end, n);
			break;
		}
		jv = json_object_array_get_idx(vmas, i);
		if (jget_u64(jv, "start", &start) || jget_u64(jv, "end", &end) ||
		    jget_u64(jv, "pgoff", &pgoff) || jget_u64(jv, "inode", &inode) ||
		    jget_str(jv, "perms", &jperms) || !jperms || jget_str(jv, "dev", &jdev) ||
		    !jdev || jget_name(jv, "name", nbuf, sizeof(nbuf), &jname))
			break;	/* cmp_vma() says what is missing */
		snprintf(perms, sizeof(perms), "%c%c%c%c", q.vma_flags & PMQ_READ ? 'r' : '-',
			 q.vma_flags & PMQ_WRITE ? 'w' : '-', q.vma_flags & PMQ_EXEC ? 'x' : '-',
			 q.vma_flags & PMQ_SHARED ? 's' : 'p');
		snprintf(dev, sizeof(dev), "%02x:%02x", q.dev_major, q.dev_minor);
		if (start != q.vma_start || end != q.vma_end || strcmp(jperms, perms) ||
		    pgoff != q.vma_offset || inode != q.inode || strcmp(jdev, dev) ||
		    strcmp(jname ? jname : "", q.vma_name_size ? name : ""))
			reason(fr, "VMA %d: %#" PRIx64 "-%#" PRIx64 " %s %#" PRIx64 " %s %" PRIu64
			       " \"%s\", PROCMAP_QUERY %#" PRIx64 "-%#" PRIx64 " %s %#" PRIx64
			       " %s %" PRIu64 " \"%s\"", i, start, end, jperms, pgoff, jdev, inode,
			       jname ? jname : "", (uint64_t)q.vma_start, (uint64_t)q.vma_end,
			       perms, (uint64_t)q.vma_offset, dev, (uint64_t)q.inode,
			       q.vma_name_size ? name : "");
		if (fr->n >= MAX_REASONS)
			break;
	}
	/* maps' [vsyscall] is the gate area, not a VMA: PROCMAP_QUERY has none */
	if (i == n - 1) {
		const char *last = NULL;

		jget_str(json_object_array_get_idx(vmas, i), "name", &last);
		if (last && !strcmp(last, "[vsyscall]"))
			i++;
	}
	if (!fr->n && i != n)
		reason(fr, "PROCMAP_QUERY lists %d VMAs, the tool %d", i, n);
	close(fd);
	return 0;
}

static int check_maps(int pid, const char *label, struct maps *maps_out)
{
	struct reasons fr = { 0 }, sr = { 0 };
	int attempt, gone = 0, procmap_seen = 0;

	for (attempt = 0; attempt < tries; attempt++) {
		char *t1, *ts, *t2;
		struct maps m = { 0 }, sm = { 0 };
		json_object *j, *vmas;
		int i, n;

		reasons_reset(&fr);
		reasons_reset(&sr);
		if (attempt)
			usleep(20000 * attempt);
		t1 = pid_file(pid, "maps");
		ts = pid_file(pid, "smaps");
		if (!t1 || !ts) {
			free(t1);
			free(ts);
			if (!pid_alive(pid))
				return 1;
			reason(&fr, "cannot read /proc/%d/maps or smaps: %s", pid, strerror(errno));
			continue;
		}
		j = tool_json(pid, "maps", NULL, &fr, &gone);
		t2 = pid_file(pid, "maps");
		if (!t2 && !pid_alive(pid))
			gone = 1;
		if (gone) {
			free(t1);
			free(ts);
			free(t2);
			json_object_put(j);
			return 1;
		}
		if (parse_maps(t1, &m) || parse_maps(ts, &sm)) {
			reason(&fr, "cannot parse /proc/%d/maps or smaps", pid);
			goto next;
		}
		if (!j)
			goto next;
		if (!json_object_object_get_ex(j, "vmas", &vmas) ||
		    !json_object_is_type(vmas, json_type_array)) {
			reason(&fr, "no \"vmas\" array");
			goto next;
		}
		n = (int)json_object_array_length(vmas);
		if (n != m.n)
			reason(&fr, "%d VMAs vs %d in maps", n, m.n);
		if (sm.n != m.n)
			reason(&sr, "smaps has %d entries, maps %d (changed)", sm.n, m.n);
		for (i = 0; i < n && i < m.n; i++) {
			int same = i < sm.n && sm.v[i].start == m.v[i].start &&
				   sm.v[i].end == m.v[i].end;

			cmp_vma(json_object_array_get_idx(vmas, i), &m.v[i],
				same ? sm.v[i].vmflags : NULL, &fr, &sr);
			if (fr.n >= MAX_REASONS + 1)
				break;
		}
		/* an unmatched extra tool VMA */
		if (n > m.n) {
			uint64_t s = 0;

			jget_u64(json_object_array_get_idx(vmas, m.n), "start", &s);
			reason(&fr, "extra VMA at %#" PRIx64 " not in maps", s);
		}
		/* and the kernel's other VMA interface, where it has one */
		if (!fr.n)
			procmap_seen |= cmp_procmap(pid, vmas, &fr) == 0;
		if (!fr.n && !sr.n) {
			free(t1);
			free(ts);
			free(t2);
			free_maps(&sm);
			json_object_put(j);
			pass("%s maps (%d VMAs%s)", label, m.n,
			     procmap_seen ? ", and PROCMAP_QUERY" : "");
			pass("%s smaps VmFlags", label);
			if (maps_out)
				*maps_out = m;
			else
				free_maps(&m);
			return 0;
		}
next:
		free(t1);
		free(ts);
		free(t2);
		free_maps(&m);
		free_maps(&sm);
		json_object_put(j);
	}
	{
		char name[256];

		snprintf(name, sizeof(name), "%s maps", label);
		if (fr.n)
			fail_reason(name, "%s", reasons_text(&fr));
		else
			pass("%s maps", label);
		snprintf(name, sizeof(name), "%s smaps VmFlags", label);
		if (sr.n || fr.n)
			fail_reason(name, "%s", sr.n ? reasons_text(&sr) : "not compared (maps failed)");
		else
			pass("%s smaps VmFlags", label);
	}
	reasons_reset(&fr);
	reasons_reset(&sr);
	return 0;
}

/* layout vs /proc/PID/stat, map_count vs maps, brk vs --brk. 1 if gone. */
static int check_layout(int pid, const char *label, int have_brk, uint64_t brk)
{
	struct reasons r = { 0 }, rc = { 0 }, rb = { 0 };
	int attempt, gone;

	for (attempt = 0; attempt < tries; attempt++) {
		uint64_t f1[64], f2[64], v, mc;
		char *t1, *t2;
		struct maps m1 = { 0 }, m2 = { 0 };
		json_object *j;
		size_t k;

		reasons_reset(&r);
		reasons_reset(&rc);
		reasons_reset(&rb);
		if (attempt)
			usleep(20000 * attempt);
		t1 = pid_file(pid, "maps");
		if (read_stat(pid, f1, NULL, 0) || !t1) {
			free(t1);
			if (!pid_alive(pid))
				return 1;
			reason(&r, "cannot read /proc/%d/stat: %s", pid, strerror(errno));
			continue;
		}
		j = tool_json(pid, "layout", NULL, &r, &gone);
		t2 = pid_file(pid, "maps");
		if (gone || read_stat(pid, f2, NULL, 0) || !t2) {
			free(t1);
			free(t2);
			json_object_put(j);
			if (!pid_alive(pid))
				return 1;
			continue;
		}
		if (!j) {
			free(t1);
			free(t2);
			rc.n = rb.n = 1;
			continue;
		}
		for (k = 0; k < sizeof(stat_fields) / sizeof(stat_fields[0]); k++) {
			int fno = stat_fields[k].field;

			if (jget_u64(j, stat_fields[k].key, &v))
				reason(&r, "no \"%s\"", stat_fields[k].key);
			else if (v != f1[fno])
				reason(&r, "%s %#" PRIx64 " vs stat field %d %#" PRIx64,
				       stat_fields[k].key, v, fno, f1[fno]);
		}
		if (parse_maps(t1, &m1) == 0 && parse_maps(t2, &m2) == 0) {
			if (jget_u64(j, "map_count", &mc))
				reason(&rc, "no \"map_count\"");
			else if (mc != (uint64_t)m1.n && mc != (uint64_t)m2.n)
				reason(&rc, "map_count %" PRIu64 " vs %d VMAs in maps", mc, m1.n);
		} else {
			reason(&rc, "cannot parse maps");
		}
		free_maps(&m1);
		free_maps(&m2);
		if (have_brk) {
			if (jget_u64(j, "brk", &v))
				reason(&rb, "no \"brk\"");
			else if (v != brk)
				reason(&rb, "brk %#" PRIx64 " vs expected %#" PRIx64, v, brk);
		}
		free(t1);
		free(t2);
		json_object_put(j);
		if (!r.n && !rc.n && !rb.n)
			break;
	}
	{
		char name[256];

		snprintf(name, sizeof(name), "%s layout vs stat", label);
		if (r.n)
			fail_reason(name, "%s", reasons_text(&r));
		else
			pass("%s", name);
		snprintf(name, sizeof(name), "%s map_count", label);
		if (rc.n)
			fail_reason(name, "%s", rc.b.s ? reasons_text(&rc) : "layout failed");
		else
			pass("%s", name);
		if (have_brk) {
			snprintf(name, sizeof(name), "%s brk", label);
			if (rb.n)
				fail_reason(name, "%s", rb.b.s ? reasons_text(&rb) : "layout failed");
			else
				pass("%s", name);
		}
	}
	reasons_reset(&r);
	reasons_reset(&rc);
	reasons_reset(&rb);
	return 0;
}

/*
 * One find: expect containing VMA [es,ee) (contains) or next VMA [es,ee)
 * (!contains), or none (es == ee == 0).  A mismatch is recorded in @r (the
 * caller retries against fresh maps).
 */
static void find_one(int pid, uint64_t addr, int contains, uint64_t es, uint64_t ee,
		     struct reasons *r)
{
	char abuf[32];
	json_object *j, *c, *vma;
	uint64_t a, s, e;
	int gone;

	snprintf(abuf, sizeof(abuf), "%#" PRIx64, addr);
	j = tool_json(pid, "find", abuf, r, &gone);
	if (!j)
		return;
	if (jget_u64(j, "addr", &a) || a != addr)
		reason(r, "find %s: \"addr\" missing or wrong", abuf);
	if (!json_object_object_get_ex(j, "in_vma", &c) ||
	    !json_object_is_type(c, json_type_boolean) ||
	    !json_object_object_get_ex(j, "vma", &vma)) {
		reason(r, "find %s: no \"in_vma\"/\"vma\"", abuf);
	} else if (json_object_get_boolean(c) != contains) {
		reason(r, "find %s: contains=%d, expected %d", abuf,
		       json_object_get_boolean(c), contains);
	} else if (!es && !ee) {
		if (vma)
			reason(r, "find %s: a VMA above the last one?", abuf);
	} else if (!vma || jget_u64(vma, "start", &s) || jget_u64(vma, "end", &e)) {
		reason(r, "find %s: no VMA, expected %#" PRIx64 "-%#" PRIx64, abuf, es, ee);
	} else if (s != es || e != ee) {
		reason(r, "find %s: VMA %#" PRIx64 "-%#" PRIx64 ", expected %#" PRIx64 "-%#" PRIx64,
		       abuf, s, e, es, ee);
	}
	json_object_put(j);
}

static void check_find(int pid, const char *label, struct maps *m0)
{
	struct reasons r = { 0 };
	int attempt, calls = 0;
	struct maps m = *m0;
	char name[256];

	for (attempt = 0; attempt < 3; attempt++) {
		int i, step = m.n > 24 ? m.n / 12 : 1;
		char *t;

		reasons_reset(&r);
		calls = 0;
		for (i = 0; i < m.n; i += (i < 3 || i >= m.n - 3) ? 1 : step) {
			const struct mline *v = &m.v[i];

			find_one(pid, v->start, 1, v->start, v->end, &r);
			find_one(pid, v->end - 1, 1, v->start, v->end, &r);
			calls += 2;
			if (i + 1 < m.n && v->end < m.v[i + 1].start) {
				find_one(pid, v->end, 0, m.v[i + 1].start, m.v[i + 1].end, &r);
				calls++;
			}
		}
		if (m.n && m.v[0].start > 0) {
			find_one(pid, 0, 0, m.v[0].start, m.v[0].end, &r);
			calls++;
		}
		if (m.n) {
			find_one(pid, m.v[m.n - 1].end, 0, 0, 0, &r);
			find_one(pid, VSYSCALL_ADDR, 0, 0, 0, &r);
			calls += 2;
		}
		if (!r.n)
			break;
		/* the target may have changed: compare against fresh maps */
		t = pid_file(pid, "maps");
		if (!t) {
			printf("NOTE %s find: process exited\n", label);
			reasons_reset(&r);
			return;
		}
		if (m.v != m0->v)
			free_maps(&m);
		if (parse_maps(t, &m)) {
			free(t);
			m = *m0;
			break;
		}
		free(t);
	}
	if (m.v != m0->v)
		free_maps(&m);
	snprintf(name, sizeof(name), "%s find", label);
	if (r.n)
		fail_reason(name, "%s", reasons_text(&r));
	else
		pass("%s find (%d lookups)", label, calls);
	reasons_reset(&r);
}

/* A "Key:   N kB" field of /proc/PID/status, in kB; -1 if absent. */
static int64_t status_kb(const char *status, const char *key)
{
	size_t kl = strlen(key);
	const char *p = status;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':')
			return strtoll(p + kl + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/*
 * The layout's counters vs /proc/PID/status (task_mem() in
 * fs/proc/task_mmu.c): Vm* and Rss* lines are the same mm counters in kB.
 */
static int check_counters(int pid, const char *label)
{
	struct reasons r = { 0 };
	char name[256];
	int attempt, gone;

	for (attempt = 0; attempt < tries; attempt++) {
		char *st[2];
		json_object *j;
		int k;

		reasons_reset(&r);
		if (attempt)
			usleep(20000 * attempt);
		st[0] = pid_file(pid, "status");
		j = tool_json(pid, "layout", NULL, &r, &gone);
		st[1] = pid_file(pid, "status");
		if (gone || !st[0] || !st[1]) {
			free(st[0]);
			free(st[1]);
			json_object_put(j);
			if (!pid_alive(pid))
				return 1;
			continue;
		}
		/* agree with either read of status */
		for (k = 0; j && k < 2; k++) {
			static const struct {
				const char *key, *status;
			} simple[] = {
				{ "total_vm", "VmSize" }, { "locked_vm", "VmLck" },
				{ "pinned_vm", "VmPin" }, { "data_vm", "VmData" },
				{ "stack_vm", "VmStk" }, { "rss_anon", "RssAnon" },
				{ "rss_file", "RssFile" }, { "rss_shmem", "RssShmem" },
				{ "swap_ents", "VmSwap" },
			};
			uint64_t v, v2, ps = 4;
			int64_t kb, kb2;
			size_t i;

			reasons_reset(&r);
			if (!jget_u64(j, "page_size", &v) && v >= 1024)
				ps = v / 1024;
			for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
				kb = status_kb(st[k], simple[i].status);
				if (kb < 0)
					continue;	/* not in this kernel's status */
				if (jget_u64(j, simple[i].key, &v))
					reason(&r, "no \"%s\"", simple[i].key);
				else if (v * ps != (uint64_t)kb)
					reason(&r, "%s %" PRIu64 " pages vs %s %" PRId64 " kB", simple[i].key,
					       v, simple[i].status, kb);
			}
			kb = status_kb(st[k], "VmExe");
			kb2 = status_kb(st[k], "VmLib");
			if (jget_u64(j, "exec_vm", &v))
				reason(&r, "no \"exec_vm\"");
			else if (kb >= 0 && kb2 >= 0 && v * ps != (uint64_t)(kb + kb2))
				reason(&r, "exec_vm %" PRIu64 " pages vs VmExe+VmLib %" PRId64 " kB", v,
				       kb + kb2);
			kb = status_kb(st[k], "VmPTE");
			if (jget_u64(j, "pgtables_bytes", &v))
				reason(&r, "no \"pgtables_bytes\"");
			else if (kb >= 0 && v / 1024 != (uint64_t)kb)
				reason(&r, "pgtables_bytes %" PRIu64 " vs VmPTE %" PRId64 " kB", v, kb);
			/* VmPeak = max(hiwater_vm, total_vm) */
			kb = status_kb(st[k], "VmPeak");
			if (!jget_u64(j, "hiwater_vm", &v) && !jget_u64(j, "total_vm", &v2) && kb >= 0 &&
			    (v > v2 ? v : v2) * ps != (uint64_t)kb)
				reason(&r, "max(hiwater_vm %" PRIu64 ", total_vm %" PRIu64 ") pages vs VmPeak %" PRId64 " kB",
				       v, v2, kb);
			if (!r.n)
				break;
		}
		free(st[0]);
		free(st[1]);
		json_object_put(j);
		if (!r.n)
			break;
	}
	snprintf(name, sizeof(name), "%s counters vs status", label);
	if (r.n)
		fail_reason(name, "%s", reasons_text(&r));
	else
		pass("%s", name);
	reasons_reset(&r);
	return 0;
}

/* Everything for one pid.  Returns 1 if it is a kernel thread/zombie. */
static int check_pid(int pid, int have_brk, uint64_t brk)
{
	char comm[32] = "?", label[96];
	uint64_t f[64];
	struct maps m = { 0 };
	char *t;

	if (read_stat(pid, f, comm, sizeof(comm))) {
		printf("NOTE pid %d: gone before the check, skipped\n", pid);
		return 0;
	}
	snprintf(label, sizeof(label), "pid %d (%s)", pid, comm);
	t = pid_file(pid, "maps");
	if (t && !t[0] && is_kthread_or_zombie(pid)) {
		/* no mm: the tool must not invent one */
		char pidbuf[16], *out, *err;
		const char *args[] = { "--json", "maps", pidbuf, NULL };
		int rc;

		free(t);
		snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
		rc = run_tool(args, &out, &err);
		if (rc == 0) {
			json_object *j = json_tokener_parse(out), *v;

			if (!j || !json_object_object_get_ex(j, "vmas", &v) ||
			    json_object_array_length(v) != 0) {
				char n2[256];

				snprintf(n2, sizeof(n2), "%s no-mm", label);
				fail_reason(n2, "tool lists VMAs for a process without an mm");
			}
			json_object_put(j);
		}
		free(out);
		free(err);
		return 1;
	}
	free(t);
	if (check_maps(pid, label, do_find ? &m : NULL)) {
		printf("NOTE %s: exited during the check, skipped\n", label);
		return 0;
	}
	if (check_layout(pid, label, have_brk, brk)) {
		printf("NOTE %s: exited during the layout check, skipped\n", label);
		free_maps(&m);
		return 0;
	}
	if (check_counters(pid, label)) {
		printf("NOTE %s: exited during the counters check, skipped\n", label);
		free_maps(&m);
		return 0;
	}
	if (do_find && m.n)
		check_find(pid, label, &m);
	free_maps(&m);
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void check_all(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int *pids = NULL, n = 0, cap = 0, i, nk = 0;

	if (!d) {
		perror("/proc");
		exit(2);
	}
	while ((de = readdir(d))) {
		char *end;
		long p = strtol(de->d_name, &end, 10);

		if (*end || p <= 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			pids = realloc(pids, cap * sizeof(*pids));
		}
		pids[n++] = (int)p;
	}
	closedir(d);
	qsort(pids, n, sizeof(*pids), cmp_int);
	for (i = 0; i < n; i++)
		nk += check_pid(pids[i], 0, 0);
	pass("no-mm processes (%d kernel threads/zombies): tool lists no VMAs", nk);
	free(pids);
}

/*
 * debugfs <pid>/maps (or self/maps) vs /proc/<pid>/maps, both read by this
 * process.  A pid is published first with `vmainspect debugfs PID`.
 */
static void check_debugfs(int pid)
{
	char path[96], proc[64], name[96];
	struct reasons r = { 0 };
	int i, attempt, dfd = -1;

	if (access("/sys/kernel/debug/vmainspect", F_OK)) {
		printf("NOTE /sys/kernel/debug/vmainspect does not exist, debugfs check skipped\n");
		return;
	}
	if (pid) {
		/* publish <pid>/ with an ATTACH_DEBUGFS, kept open during the check */
		int e;

		dfd = vmi_open_attached(pid, VMAINSPECT_ATTACH_DEBUGFS, &e);
		snprintf(name, sizeof(name), "debugfs: ATTACH_DEBUGFS publishes %d/", pid);
		if (dfd < 0) {
			fail_reason(name, "%s", strerror(e));
		} else {
			snprintf(path, sizeof(path), "/sys/kernel/debug/vmainspect/%d", pid);
			if (access(path, F_OK))
				fail_reason(name, "no such directory after the attach");
			else
				pass("%s", name);
		}
		snprintf(path, sizeof(path), "/sys/kernel/debug/vmainspect/%d/maps", pid);
		snprintf(proc, sizeof(proc), "/proc/%d/maps", pid);
		snprintf(name, sizeof(name), "debugfs: %d/maps matches /proc/%d/maps", pid, pid);
	} else {
		snprintf(path, sizeof(path), "/sys/kernel/debug/vmainspect/self/maps");
		snprintf(proc, sizeof(proc), "/proc/self/maps");
		snprintf(name, sizeof(name), "debugfs: self/maps matches /proc/self/maps");
	}
	for (attempt = 0; attempt < tries; attempt++) {
		char *p1 = slurp_file(proc, NULL), *dbg = slurp_file(path, NULL);
		char *p2 = slurp_file(proc, NULL);
		struct maps md = { 0 }, mp = { 0 };
		int k;

		reasons_reset(&r);
		if (!dbg || !p1 || !p2) {
			reason(&r, "cannot read %s: %s", dbg ? proc : path, strerror(errno));
			free(dbg);
			free(p1);
			free(p2);
			break;
		}
		if (parse_maps(dbg, &md)) {
			reason(&r, "%s does not parse as maps; first line: %.120s", path, dbg);
			free(dbg);
			free(p1);
			free(p2);
			break;
		}
		/* compare with either read of /proc (the reads may move our heap) */
		for (k = 0; k < 2; k++) {
			reasons_reset(&r);
			parse_maps(k ? p2 : p1, &mp);
			if (md.n != mp.n)
				reason(&r, "%d VMAs vs %d in %s", md.n, mp.n, proc);
			for (i = 0; i < md.n && i < mp.n; i++) {
				struct mline *a = &md.v[i], *b = &mp.v[i];

				if (a->start != b->start || a->end != b->end ||
				    strcmp(a->perms, b->perms) || a->off != b->off ||
				    strcmp(a->dev, b->dev) || a->inode != b->inode ||
				    strcmp(a->name, b->name))
					reason(&r, "%#" PRIx64 "-%#" PRIx64 " %s %s vs %#" PRIx64 "-%#" PRIx64 " %s %s",
					       a->start, a->end, a->perms, a->name, b->start, b->end,
					       b->perms, b->name);
			}
			free_maps(&mp);
			if (!r.n)
				break;
		}
		free_maps(&md);
		free(dbg);
		free(p1);
		free(p2);
		if (!r.n)
			break;
		usleep(20000);
	}
	if (r.n)
		fail_reason(name, "%s", reasons_text(&r));
	else
		pass("%s", name);
	reasons_reset(&r);
	if (dfd >= 0)
		close(dfd);
	if (!pid) {
		char *l = slurp_file("/sys/kernel/debug/vmainspect/self/layout", NULL);

		if (l && strstr(l, "map_count"))
			pass("debugfs: self/layout readable");
		else
			fail_reason("debugfs: self/layout readable", "%s", l ? "no map_count line" : strerror(errno));
		free(l);
	}
}

/*
 * --consistency N PID: N rounds of maps + layout + find on a (possibly
 * changing) target; every answer must succeed and be self-consistent:
 * VMAs page-aligned, sorted, not overlapping, size = end - start.
 */
static void check_consistency(int pid, int rounds)
{
	struct reasons r = { 0 };
	char name[96], pidbuf[16];
	int i, total = 0;

	snprintf(name, sizeof(name), "pid %d consistency over %d rounds", pid, rounds);
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	for (i = 0; i < rounds && r.n < MAX_REASONS; i++) {
		json_object *j, *vmas;
		uint64_t prev_end = 0, a = 0, b = 0, sz = 0;
		int gone, k, n;

		j = tool_json(pid, "maps", NULL, &r, &gone);
		if (!j)
			continue;
		if (!json_object_object_get_ex(j, "vmas", &vmas) ||
		    !json_object_is_type(vmas, json_type_array)) {
			reason(&r, "round %d: no vmas array", i);
			json_object_put(j);
			continue;
		}
		n = (int)json_object_array_length(vmas);
		total += n;
		for (k = 0; k < n; k++) {
			json_object *v = json_object_array_get_idx(vmas, k);

			if (jget_u64(v, "start", &a) || jget_u64(v, "end", &b) ||
			    jget_u64(v, "size", &sz) || a >= b || sz != b - a || (a | b) & 0xfff ||
			    a < prev_end) {
				reason(&r, "round %d: VMA %d (%#" PRIx64 "-%#" PRIx64 ") after end %#" PRIx64,
				       i, k, a, b, prev_end);
				break;
			}
			prev_end = b;
		}
		json_object_put(j);
		j = tool_json(pid, "layout", NULL, &r, &gone);
		json_object_put(j);
		if (n) {
			char abuf[32];

			snprintf(abuf, sizeof(abuf), "%#" PRIx64, prev_end - 1);
			j = tool_json(pid, "find", abuf, &r, &gone);
			json_object_put(j);
		}
	}
	if (r.n)
		fail_reason(name, "%s", reasons_text(&r));
	else
		pass("%s (%d VMAs seen)", name, total);
	reasons_reset(&r);
}

/*
 * --names N: names of arbitrary bytes.  This process maps N files whose
 * names are random bytes 0x01-0xff (no '/'), plus fixed hard cases (a
 * newline, '"', '\\', a lone 0xff, overlong forms, a surrogate, a code
 * point above U+10FFFF, valid multi-byte UTF-8, a name ending in
 * " (deleted)", an unlinked file), then checks `vmainspect --json maps`
 * of itself: json-c in strict mode with UTF-8 validation accepts the
 * whole document, and each mapping's "path", decoded by the documented
 * rule, plus " (deleted)" when "deleted" is true, is byte for byte the
 * kernel's own name of that mapping, the link /proc/self/map_files/
 * START-END (d_path(), which appends " (deleted)" to an unlinked file).
 */
#define NAMES_FIXED	11
#define NAMES_CHECK	"names: --json maps is strict UTF-8 and every path decodes to the kernel's name"

static size_t names_fixed(int i, char *name)
{
	static const char *const fixed[NAMES_FIXED] = {
		"nl-\n-x", "quote-\"-x", "bs-\\-x", "ff-\xff-x", "overlong-\xc0\xaf-x",
		"overlong3-\xe0\x80\xaf-x", "surrogate-\xed\xa0\x80-x",
		"above-\xf4\x90\x80\x80-x", "utf8-\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80-x",
		"trunc-\xe2\x82", "live (deleted)",
	};

	strcpy(name, fixed[i]);
	return strlen(name);
}

static size_t names_random(char *name)
{
	size_t len = 1 + (size_t)(rand() % 60), i;

	for (i = 0; i < len; i++) {
		do
			name[i] = (char)(1 + rand() % 255);
		while (name[i] == '/');
	}
	name[len] = 0;
	/* "." and ".." are not file names */
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		name[0] = 'n';
	return len;
}

struct named_map {
	char path[256];
	uint64_t start, end;
	int unlinked;
};

/* Parse the whole text strictly, rejecting invalid UTF-8; NULL + why. */
static json_object *parse_strict(const char *text, char *why, size_t whysz)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *j;
	size_t len = strlen(text);

	if (!tok) {
		snprintf(why, whysz, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	j = json_tokener_parse_ex(tok, text, (int)len);
	if (!j || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(why, whysz, "json-c strict+UTF-8: %s at byte %zu",
			 json_tokener_error_desc(json_tokener_get_error(tok)),
			 json_tokener_get_parse_end(tok));
		json_object_put(j);
		j = NULL;
	} else if (strspn(text + json_tokener_get_parse_end(tok), " \n") !=
		   len - json_tokener_get_parse_end(tok)) {
		snprintf(why, whysz, "text after the document at byte %zu",
			 json_tokener_get_parse_end(tok));
		json_object_put(j);
		j = NULL;
	}
	json_tokener_free(tok);
	return j;
}

static void check_one_name(json_object *vmas, const struct named_map *m, struct reasons *r)
{
	char link[64], kname[4096], nbuf[4096], b1[512], b2[512], full[4200];
	json_object *jv, *del;
	const char *path;
	uint64_t s, e;
	ssize_t kl;
	size_t i, n = json_object_array_length(vmas);

	snprintf(link, sizeof(link), "/proc/self/map_files/%" PRIx64 "-%" PRIx64, m->start,
		 m->end);
	kl = readlink(link, kname, sizeof(kname) - 1);
	if (kl < 0) {
		reason(r, "readlink %s: %s", link, strerror(errno));
		return;
	}
	kname[kl] = 0;
	for (i = 0; i < n; i++) {
		jv = json_object_array_get_idx(vmas, i);
		if (!jget_u64(jv, "start", &s) && !jget_u64(jv, "end", &e) && s == m->start)
			break;
	}
	if (i == n || e != m->end) {
		reason(r, "no VMA %#" PRIx64 "-%#" PRIx64 " in the tool's list", m->start, m->end);
		return;
	}
	if (jget_name(jv, "path", nbuf, sizeof(nbuf), &path) || !path ||
	    !json_object_object_get_ex(jv, "deleted", &del) ||
	    !json_object_is_type(del, json_type_boolean)) {
		reason(r, "%#" PRIx64 ": no path, bad path_hex or no deleted: %s", m->start,
		       json_object_to_json_string(jv));
		return;
	}
	snprintf(full, sizeof(full), "%s%s", path,
		 json_object_get_boolean(del) ? " (deleted)" : "");
	if (strcmp(full, kname))
		reason(r, "%#" PRIx64 ": path \"%s\" vs map_files \"%s\"", m->start,
		       show(full, b1, sizeof(b1)), show(kname, b2, sizeof(b2)));
	if (json_object_get_boolean(del) != m->unlinked)
		reason(r, "%#" PRIx64 ": deleted %d, the file is %s", m->start,
		       json_object_get_boolean(del), m->unlinked ? "unlinked" : "linked");
	if (!m->unlinked && strcmp(path, m->path))
		reason(r, "%#" PRIx64 ": path \"%s\" vs created \"%s\"", m->start,
		       show(path, b1, sizeof(b1)), show(m->path, b2, sizeof(b2)));
}

static void check_names(int count)
{
	char dir[] = "/tmp/vmi-names-XXXXXX", why[256], pidbuf[16], name[256];
	const char *args[] = { "--json", "maps", pidbuf, NULL };
	struct named_map *maps = calloc((size_t)count + NAMES_FIXED, sizeof(*maps));
	struct reasons r = { 0 };
	json_object *j, *vmas;
	char *out = NULL, *err = NULL;
	int i, n = 0, rc, fd;

	srand((unsigned int)getpid());
	if (!maps || !mkdtemp(dir)) {
		fail_reason("names: setup", "%s", strerror(errno));
		free(maps);
		return;
	}
	for (i = 0; i < count + NAMES_FIXED; i++) {
		struct named_map *m = &maps[n];
		void *p;

		if (i < NAMES_FIXED)
			names_fixed(i, name);
		else
			names_random(name);
		snprintf(m->path, sizeof(m->path), "%s/%03d-%s", dir, i, name);
		fd = open(m->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, 4096)) {
			reason(&r, "create file %d: %s", i, strerror(errno));
			if (fd >= 0)
				close(fd);
			continue;
		}
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED) {
			reason(&r, "mmap file %d: %s", i, strerror(errno));
			continue;
		}
		m->start = (uintptr_t)p;
		m->end = m->start + 4096;
		n++;
	}
	/* one file unlinked while mapped: "deleted" */
	if (n && !unlink(maps[0].path))
		maps[0].unlinked = 1;

	snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
	rc = run_tool(args, &out, &err);
	if (rc) {
		reason(&r, "`vmainspect --json maps` exit %d: %s", rc, err);
	} else if (!(j = parse_strict(out, why, sizeof(why)))) {
		reason(&r, "%s", why);
	} else {
		if (!json_object_object_get_ex(j, "vmas", &vmas) ||
		    !json_object_is_type(vmas, json_type_array))
			reason(&r, "no \"vmas\" array");
		else
			for (i = 0; i < n && r.n < MAX_REASONS; i++)
				check_one_name(vmas, &maps[i], &r);
		json_object_put(j);
	}
	if (r.n)
		fail_reason(NAMES_CHECK, "%s", reasons_text(&r));
	else
		pass(NAMES_CHECK " (%d files, names of random bytes)", n);
	for (i = 0; i < n; i++) {
		munmap((void *)(uintptr_t)maps[i].start, 4096);
		if (!maps[i].unlinked)
			unlink(maps[i].path);
	}
	rmdir(dir);
	free(out);
	free(err);
	free(maps);
	reasons_reset(&r);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vmi-check-maps [--brk HEX] [--find] [--tries N] PID...\n"
		"       vmi-check-maps [--find] --all\n"
		"       vmi-check-maps --debugfs [--debugfs-pid PID]\n"
		"       vmi-check-maps --consistency ROUNDS PID\n"
		"       vmi-check-maps --names N\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int i, all = 0, dbg = 0, npids = 0, have_brk = 0, dbg_pid = 0, rounds = 0, names = 0;
	uint64_t brk = 0;
	int pids[64];

	signal(SIGPIPE, SIG_IGN);
	if (getenv("VMAINSPECT"))
		tool = getenv("VMAINSPECT");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = 1;
		} else if (!strcmp(argv[i], "--find")) {
			do_find = 1;
		} else if (!strcmp(argv[i], "--debugfs")) {
			dbg = 1;
		} else if (!strcmp(argv[i], "--names") && i + 1 < argc) {
			names = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--consistency") && i + 1 < argc) {
			rounds = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--debugfs-pid") && i + 1 < argc) {
			dbg = 1;
			dbg_pid = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--brk") && i + 1 < argc) {
			have_brk = 1;
			brk = strtoull(argv[++i], NULL, 16);
		} else if (!strcmp(argv[i], "--tries") && i + 1 < argc) {
			tries = atoi(argv[++i]);
			if (tries < 1)
				tries = 1;
		} else if (argv[i][0] != '-' && npids < 64) {
			char *end;
			long p = strtol(argv[i], &end, 10);

			if (*end || p <= 0)
				usage();
			pids[npids++] = (int)p;
		} else {
			usage();
		}
	}
	if (!all && !dbg && !npids && !names)
		usage();
	if (names > 0)
		check_names(names);
	if (have_brk && npids != 1)
		usage();
	for (i = 0; i < npids; i++) {
		if (!pid_alive(pids[i])) {
			fail_reason("check", "no such process");
			continue;
		}
		if (rounds > 0)
			check_consistency(pids[i], rounds);
		else
			check_pid(pids[i], have_brk, brk);
	}
	if (all)
		check_all();
	if (dbg) {
		check_debugfs(0);
		if (dbg_pid > 0)
			check_debugfs(dbg_pid);
	}
	return summary();
}
