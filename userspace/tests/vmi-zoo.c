// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-zoo: a test target with one of every kind of VMA we know how to make.
 *
 * It builds the zoo, prints "BRK 0x<sbrk(0)>" and "READY <pid>" (plus one
 * "REGION <name> 0x<start> 0x<len>" line per exhibit, before BRK), then waits
 * until stdin reaches EOF or SIGTERM/SIGINT arrives (with --sigwait it
 * ignores stdin, for running in the background with stdin = /dev/null).
 * Its files in /tmp are removed on exit.
 *
 * With --churn (implies --sigwait) it keeps changing its address space
 * after READY: mmap, mprotect-split, mremap, munmap in a loop, for checking
 * that readers of a live target stay consistent and the kernel stays quiet.
 *
 * With --brk-grow (implies --sigwait) it moves its brk up one page at a
 * time after READY (no page touched), up to 1 GiB more, then waits: a
 * heap that only grows, for checking that `vmainspect layout` reads brk
 * and the [heap] VMA at one moment.
 *
 * Usage: vmi-zoo [--sigwait] [--churn | --brk-grow] [--nvmas N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC		0x0001U
#endif

static volatile sig_atomic_t stop;
static char file_a[256], file_nl[256], file_del[256];
static long pg;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "vmi-zoo: %s: %s\n", what, strerror(errno));
	if (file_a[0])
		unlink(file_a);
	if (file_nl[0])
		unlink(file_nl);
	exit(1);
}

static void region(const char *name, void *p, size_t len)
{
	printf("REGION %s %#lx %#zx\n", name, (unsigned long)p, len);
}

static void *xmmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* A file of @len bytes (pattern-filled) at @path, returns an open fd. */
static int make_file(const char *path, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *buf;
	size_t i;

	if (fd < 0)
		die(path);
	buf = malloc(len);
	if (!buf)
		die("malloc");
	for (i = 0; i < len; i++)
		buf[i] = (char)i;
	if (write(fd, buf, len) != (ssize_t)len)
		die("write");
	free(buf);
	return fd;
}

/*
 * The exhibits, each with its REGION line, in the order main() makes
 * them: the heap first, so that nothing lands between it and the break.
 */

/* brk-grown heap: a few MiB, touched. */
static void make_heap(void)
{
	void *brk0 = sbrk(0);

	if (sbrk(3 << 20) == (void *)-1)
		die("sbrk");
	memset(brk0, 1, 3 << 20);
	/* an unaligned break, to check that brk is reported exactly */
	if (sbrk(123) == (void *)-1)
		die("sbrk");
	region("heap", brk0, (3 << 20) + 123);
}

/* anonymous private and shared */
static void make_anon(void)
{
	char *p = xmmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	memset(p, 2, 16 * pg);
	region("anon_private", p, 16 * pg);
	p = xmmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(p, 3, 8 * pg);
	region("anon_shared", p, 8 * pg);
}

/* file private (at a non-zero offset), shared and executable */
static void make_files(void)
{
	int fd;
	char *p;

	snprintf(file_a, sizeof(file_a), "/tmp/vmi-zoo-file.%d", (int)getpid());
	fd = make_file(file_a, 16 * pg);
	p = xmmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4 * pg);
	p[0] = 4;	/* COW one page: gets an anon_vma */
	region("file_private", p, 8 * pg);
	p = xmmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	p[0] = 5;
	region("file_shared", p, 16 * pg);
	p = xmmap(NULL, 4 * pg, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 12 * pg);
	region("file_exec", p, 4 * pg);
	close(fd);
}

/* file names maps must quote: a space and a newline; " (deleted)" */
static void make_odd_files(void)
{
	int fd;
	char *p;

	snprintf(file_nl, sizeof(file_nl), "/tmp/vmi zoo\nnewline.%d", (int)getpid());
	fd = make_file(file_nl, 4 * pg);
	p = xmmap(NULL, 4 * pg, PROT_READ, MAP_SHARED, fd, 0);
	region("file_newline", p, 4 * pg);
	close(fd);

	/* a mapped file that is then deleted */
	snprintf(file_del, sizeof(file_del), "/tmp/vmi-zoo-deleted.%d", (int)getpid());
	fd = make_file(file_del, 2 * pg);
	p = xmmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE, fd, 0);
	region("file_deleted", p, 2 * pg);
	close(fd);
	unlink(file_del);
}

static void make_memfd(void)
{
	int fd = (int)syscall(SYS_memfd_create, "vmi-zoo-memfd", MFD_CLOEXEC);
	char *p;

	if (fd < 0)
		die("memfd_create");
	if (ftruncate(fd, 8 * pg))
		die("ftruncate");
	p = xmmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	p[0] = 6;
	region("memfd", p, 8 * pg);
	close(fd);
}

/* PROT_NONE guard between two RW areas; MAP_GROWSDOWN */
static void make_guard_growsdown(void)
{
	char *p = xmmap(NULL, 6 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mprotect(p + 2 * pg, 2 * pg, PROT_NONE))
		die("mprotect");
	region("guard", p + 2 * pg, 2 * pg);

	p = xmmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	p[4 * pg - 1] = 7;
	region("growsdown", p, 4 * pg);
}

/* mremap-moved region: map 4 pages, move them somewhere else */
static void make_mremap(void)
{
	char *p = xmmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q;

	memset(p, 8, 4 * pg);
	q = xmmap(NULL, 64 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(q, 64 * pg);
	q = mremap(p, 4 * pg, 6 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, q + 29 * pg);
	if (q == MAP_FAILED)
		die("mremap");
	region("mremap", q, 6 * pg);
}

/* mprotect split: one mapping, three VMAs */
static void make_split(void)
{
	char *p = xmmap(NULL, 9 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mprotect(p + 3 * pg, 3 * pg, PROT_READ))
		die("mprotect");
	region("split", p, 9 * pg);
}

/* PR_SET_VMA anon names (5.17+; anon shmem names 6.2+): EINVAL before */
static void make_named(void)
{
	char *p = xmmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, 4 * pg,
		  (unsigned long)"vmi-zoo named") == 0)
		region("anon_named", p, 4 * pg);
	else if (errno != EINVAL)
		die("prctl(PR_SET_VMA)");
	p = xmmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, 4 * pg,
		  (unsigned long)"vmi-zoo-shmem") == 0)
		region("shmem_named", p, 4 * pg);
	else if (errno != EINVAL)
		die("prctl(PR_SET_VMA)");
}

/* many VMAs: one mapping of @nvmas pages, every other page read-only */
static void make_many(int nvmas)
{
	char *p = xmmap(NULL, (size_t)nvmas * pg, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	for (i = 1; i < nvmas; i += 2)
		if (mprotect(p + (size_t)i * pg, pg, PROT_READ))
			die("mprotect");
	region("many", p, (size_t)nvmas * pg);
}

/* --churn: one round of mmap, mprotect-split, mremap, munmap */
static void churn_once(void)
{
	char *c = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *d;

	if (c == MAP_FAILED)
		return;
	c[0] = 1;
	mprotect(c + 2 * pg, 2 * pg, PROT_READ);
	d = mremap(c + 4 * pg, 4 * pg, 16 * pg, MREMAP_MAYMOVE);
	munmap(c, 4 * pg);
	if (d != MAP_FAILED)
		munmap(d, 16 * pg);
}

/*
 * After READY: churn, grow the heap, or wait for a signal (--sigwait) or for
 * EOF on stdin
 */
static void wait_for_end(int sigwait, int churn, int brk_grow)
{
	long grown = 0;
	char buf[256];
	ssize_t n;

	while (!stop) {
		if (churn) {
			churn_once();
			continue;
		}
		if (brk_grow && grown < (1L << 30) && sbrk(pg) != (void *)-1) {
			grown += pg;
			continue;
		}
		if (sigwait) {
			pause();
			continue;
		}
		n = read(0, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
}

int main(int argc, char **argv)
{
	int sigwait = 0, churn = 0, brk_grow = 0, nvmas = 1200, i;
	struct sigaction sa;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sigwait"))
			sigwait = 1;
		else if (!strcmp(argv[i], "--churn"))
			churn = sigwait = 1;
		else if (!strcmp(argv[i], "--brk-grow"))
			brk_grow = sigwait = 1;
		else if (!strcmp(argv[i], "--nvmas") && i + 1 < argc)
			nvmas = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: vmi-zoo [--sigwait] [--churn | --brk-grow] [--nvmas N]\n");
			return 2;
		}
	}
	pg = sysconf(_SC_PAGESIZE);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	make_heap();
	make_anon();
	make_files();
	make_odd_files();
	make_memfd();
	make_guard_growsdown();
	make_mremap();
	make_split();
	make_named();
	make_many(nvmas);

	printf("BRK %#lx\n", (unsigned long)sbrk(0));
	printf("READY %d\n", (int)getpid());
	fflush(stdout);
	wait_for_end(sigwait, churn, brk_grow);
	unlink(file_a);
	unlink(file_nl);
	return 0;
}
