// SPDX-License-Identifier: GPL-2.0
/* vmainspect debugfs PID: publish /sys/kernel/debug/vmainspect/PID/. */

#include <stdio.h>

#include "client.h"
#include "json_out.h"
#include "main.h"

#define DEBUGFS_DIR	"/sys/kernel/debug/vmainspect"

int do_debugfs(int argc, char **argv)
{
	struct vmi_client c;
	json_object *obj;
	char dir[64];
	pid_t pid;

	if (argc != 2)
		return usage_err(argv[0], "%s PID: expected 1 argument, got %d",
				 argv[0], argc - 1);
	if (parse_pid(argv[0], argv[1], &pid))
		return EXIT_USAGE;
	if (vmi_open_flags(&c, pid, VMAINSPECT_ATTACH_DEBUGFS))
		return EXIT_ERROR;
	vmi_close(&c);

	snprintf(dir, sizeof(dir), DEBUGFS_DIR "/%d", (int)pid);
	if (!json_output) {
		printf("%s/layout\n%s/maps\n%s/pagetables\n", dir, dir, dir);
		return finish_output();
	}
	obj = json_object_new_object();
	if (!obj)
		return json_print_put(NULL);
	json_add_u64(obj, "pid", pid);
	json_object_object_add(obj, "dir", json_object_new_string(dir));
	return json_print_put(obj);
}
