// SPDX-License-Identifier: GPL-2.0
/*
 * vmi-demo: watch your own address space change, one step at a time.
 *
 * Each step explains what it is about to do, does it, and shows the result
 * with the `vmainspect` tool (found on PATH, or $VMAINSPECT) run on this very
 * process.  Run it with no arguments; add --quiet-layout to skip the layout
 * dumps before and after each step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *tool = "vmainspect";
static int show_layout = 1;
static char pidstr[16];

static void rule(void)
{
	puts("------------------------------------------------------------------------");
}

/* run: vmainspect ARGS... (NULL-terminated), output straight to our stdout */
static void vmi(const char *a1, const char *a2, const char *a3)
{
	pid_t c;
	int st;

	printf("$ %s %s%s%s%s%s\n", tool, a1, a2 ? " " : "", a2 ? a2 : "", a3 ? " " : "",
	       a3 ? a3 : "");
	fflush(stdout);
	c = fork();
	if (c < 0) {
		perror("fork");
		exit(1);
	}
	if (c == 0) {
		execlp(tool, tool, a1, a2, a3, (char *)NULL);
		fprintf(stderr, "vmi-demo: cannot run %s: %s (is it on PATH?)\n", tool,
			strerror(errno));
		_exit(127);
	}
	waitpid(c, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("(vmainspect failed with status %d)\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	fflush(stdout);
}

static void layout(const char *when)
{
	if (!show_layout)
		return;
	printf("\n[%s] the address space layout of this process (pid %s):\n", when, pidstr);
	vmi("layout", pidstr, NULL);
}

static void find(const void *addr)
{
	char a[32];

	snprintf(a, sizeof(a), "%p", addr);
	vmi("find", pidstr, a);
}

static void step(int n, const char *title, const char *text)
{
	putchar('\n');
	rule();
	printf("Step %d: %s\n", n, title);
	rule();
	puts(text);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char path[64], *small[8], *big, *priv, *shared, *anon;
	long pg = sysconf(_SC_PAGESIZE);
	void *brk_before;
	int fd, i, p[2];
	pid_t child;

	if (getenv("VMAINSPECT"))
		tool = getenv("VMAINSPECT");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quiet-layout")) {
			show_layout = 0;
		} else {
			fprintf(stderr, "usage: vmi-demo [--quiet-layout]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)getpid());

	printf("vmi-demo: a tour of the address space of process %s.\n"
	       "Every process has a list of VMAs (virtual memory areas): ranges of\n"
	       "addresses with the same permissions and the same backing (a file or\n"
	       "anonymous memory).  /proc/%s/maps lists them; vmainspect asks the\n"
	       "kernel module for the same list, plus the mm_struct's layout fields.\n",
	       pidstr, pidstr);

	/* (a) small mallocs */
	step(1, "small mallocs grow the heap (brk)",
	     "malloc() serves small requests from the heap, one region right after the\n"
	     "program's data whose end is the \"program break\" (brk).  When it runs out it\n"
	     "asks the kernel to move the break up (the brk system call); the [heap]\n"
	     "VMA grows with it.  sbrk(0) tells us where the break is now.");
	layout("before");
	brk_before = sbrk(0);
	for (i = 0; i < 8; i++) {
		small[i] = malloc(32 * 1024);
		memset(small[i], i, 32 * 1024);
	}
	printf("\n8 x malloc(32 KiB): the break moved from %p to %p (+%ld KiB).\n",
	       brk_before, sbrk(0), (long)((char *)sbrk(0) - (char *)brk_before) / 1024);
	printf("The first block is at %p, inside [heap]:\n", (void *)small[0]);
	find(small[0]);
	layout("after: compare start_brk and brk");

	/* (b) a large malloc */
	step(2, "a large malloc gets its own mapping",
	     "Requests above glibc's mmap threshold (128 KiB by default) are not carved\n"
	     "from the heap: malloc() calls mmap() for them, so each gets a new anonymous\n"
	     "VMA of its own (and free() gives it straight back with munmap()).");
	layout("before");
	big = malloc(1 << 20);
	memset(big, 1, 1 << 20);
	printf("\nmalloc(1 MiB) returned %p; the break did not move (still %p).\n",
	       (void *)big, sbrk(0));
	puts("The VMA that contains it (1 MiB plus a page for malloc's header):");
	find(big);
	layout("after: total_vm and map_count went up");

	/* (c) file mappings */
	step(3, "mapping a file, privately and shared",
	     "mmap() of a file makes a VMA backed by that file: the path, device and\n"
	     "inode appear in the listing, and \"offset\" says which part of the file.\n"
	     "MAP_PRIVATE (perms ...p) gives copy-on-write: our writes stay ours.\n"
	     "MAP_SHARED (perms ...s) writes go to the file, seen by everyone.");
	snprintf(path, sizeof(path), "/tmp/vmi-demo.%d", (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4 * pg)) {
		perror(path);
		return 1;
	}
	layout("before");
	priv = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	shared = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * pg);
	if (priv == MAP_FAILED || shared == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	strcpy(priv, "private copy");
	strcpy(shared, "in the file");
	printf("\n%s mapped MAP_PRIVATE at %p (offset 0) and MAP_SHARED at %p (offset %ld):\n",
	       path, (void *)priv, (void *)shared, 2 * pg);
	find(priv);
	find(shared);
	layout("after");

	/* (d) shared anonymous memory across fork */
	step(4, "anonymous shared memory across fork()",
	     "mmap(MAP_SHARED | MAP_ANONYMOUS) makes memory that a forked child shares\n"
	     "with its parent (fork copies private memory copy-on-write, but shared\n"
	     "memory stays one and the same).  The child writes a number; the parent\n"
	     "reads it.  Both processes have a VMA at the same address.");
	layout("before");
	anon = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED || pipe(p)) {
		perror("mmap/pipe");
		return 1;
	}
	child = fork();
	if (child == 0) {
		char c;

		close(p[1]);
		*(int *)anon = 4242;
		/* wait until the parent has looked at us */
		if (read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	while (*(volatile int *)anon != 4242)
		usleep(1000);
	printf("\nThe child (pid %d) wrote %d at %p; the parent reads %d there.\n",
	       (int)child, 4242, (void *)anon, *(volatile int *)anon);
	{
		char cpid[16], a[32];

		snprintf(cpid, sizeof(cpid), "%d", (int)child);
		snprintf(a, sizeof(a), "%p", (void *)anon);
		puts("The parent's VMA:");
		find(anon);
		puts("The child's VMA, same address, same shared memory (note the 's'):");
		vmi("find", cpid, a);
		puts("\nThe child's whole map (a copy of the parent's at fork time):");
		vmi("maps", cpid, NULL);
	}
	close(p[1]);
	waitpid(child, NULL, 0);
	layout("after");

	step(5, "the whole map",
	     "Finally every VMA of this process.  Find the program itself (its text,\n"
	     "read-only data and data), [heap], the 1 MiB block, the two file mappings,\n"
	     "the shared page, the libraries, [stack], [vvar] and [vdso].");
	vmi("maps", pidstr, NULL);

	munmap(priv, 2 * pg);
	munmap(shared, 2 * pg);
	munmap(anon, pg);
	close(fd);
	unlink(path);
	free(big);
	for (i = 0; i < 8; i++)
		free(small[i]);
	puts("\nDone.  Try `vmainspect --json maps self` for the machine-readable form.");
	return 0;
}
