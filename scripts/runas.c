// SPDX-License-Identifier: GPL-2.0
/*
 * runas UID COMMAND [ARGS...]: drop from root to UID (also used as the GID,
 * no supplementary groups) and exec COMMAND, searching PATH.
 * Run by the VM's /init as root; it is not setuid. Built static by
 * scripts/mkinitramfs.sh so the initramfs needs no libc for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	unsigned long id;

	if (argc < 3) {
		fprintf(stderr, "usage: runas UID COMMAND [ARGS...]\n");
		return 125;
	}
	errno = 0;
	id = strtoul(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || id > UINT_MAX - 1) {
		fprintf(stderr, "runas: bad uid '%s'\n", argv[1]);
		return 125;
	}
	if (setgroups(0, NULL) || setgid((gid_t)id) || setuid((uid_t)id)) {
		perror("runas: dropping privileges");
		return 125;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "runas: %s: %s\n", argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
