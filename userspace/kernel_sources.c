// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel's own files say about a kernel address, for `vmainspect
 * kernel ADDR`: the vmalloc area holding it (/proc/vmallocinfo: the module
 * cannot ask, find_vm_area() is not exported) and the ELF section of a
 * module (/sys/module/NAME/sections/). Both show raw addresses only to
 * root with a kptr_restrict that allows them; otherwise nothing matches.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

int vmalloc_area_of(__u64 addr, struct vm_area_info *vm)
{
	char line[512];
	FILE *f = fopen("/proc/vmallocinfo", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long s, e, size;
		int n = 0;

		if (sscanf(line, "0x%llx-0x%llx %llu %n", &s, &e, &size, &n) < 3 || !n)
			continue;
		if (addr < s || addr >= e)
			continue;
		vm->start = s;
		vm->end = e;
		vm->size = size;
		line[strcspn(line, "\n")] = '\0';
		snprintf(vm->info, sizeof(vm->info), "%s", line + n);
		found = 1;
	}
	fclose(f);
	return found;
}

int module_section_of(const char *module, __u64 addr, char *name, size_t len)
{
	char path[512], buf[64];
	unsigned long long start, best = 0;
	struct dirent *d;
	DIR *dir;
	FILE *f;
	int found = 0;

	if (!module[0] || strchr(module, '/'))
		return 0;
	snprintf(path, sizeof(path), "/sys/module/%s/sections", module);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' && (!d->d_name[1] ||
					    (d->d_name[1] == '.' && !d->d_name[2])))
			continue;
		snprintf(path, sizeof(path), "/sys/module/%s/sections/%s", module,
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && sscanf(buf, "0x%llx", &start) == 1 &&
		    start && start <= addr && (!found || start > best)) {
			best = start;
			snprintf(name, len, "%s", d->d_name);
			found = 1;
		}
		fclose(f);
	}
	closedir(dir);
	return found;
}
