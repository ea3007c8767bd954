// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect debugfs PID: publish /sys/kernel/debug/vmainspect/PID/.
 * vmainspect debugfs --pfn PFN: publish .../vmainspect/frames/PFN/ (a frame
 * is named with --pfn, as for page and rmap).
 * vmainspect debugfs kernel: where .../vmainspect/kernel_layout is.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "client.h"
#include "json_out.h"
#include "main.h"

#define DEBUGFS_DIR	"/sys/kernel/debug/vmainspect"

static int print_published(const char *dir, const char *files, __u64 id,
			   const char *id_key)
{
	json_object *obj;

	if (!json_output) {
		const char *f = files;

		while (*f) {
			size_t n = strcspn(f, " ");

			printf("%s/%.*s\n", dir, (int)n, f);
			f += n + (f[n] == ' ');
		}
		return finish_output();
	}
	obj = json_object_new_object();
	if (!obj)
		return json_print_put(NULL);
	json_add_u64(obj, id_key, id);
	json_object_object_add(obj, "dir", json_object_new_string(dir));
	return json_print_put(obj);
}

static int publish_frame(int argc, char **argv)
{
	struct vmainspect_page p;
	struct vmi_client c;
	char dir[64];
	__u64 pfn;
	int ret;

	if (argc != 1)
		return usage_err(argv[0], "%s --pfn PFN takes no other argument, got %d",
				 argv[0], argc - 1);
	if (parse_pfn(argv[0], pfn_arg, &pfn))
		return EXIT_USAGE;
	if (vmi_open_device(&c))
		return EXIT_ERROR;
	ret = vmi_page_publish(&c, pfn, &p);
	vmi_close(&c);
	if (ret)
		return EXIT_ERROR;
	snprintf(dir, sizeof(dir), DEBUGFS_DIR "/frames/0x%llx",
		 (unsigned long long)pfn);
	return print_published(dir, "page rmap", pfn, "pfn");
}

/* kernel_layout always exists while the module is loaded. */
static int kernel_layout(int argc, char **argv)
{
	const char *path = DEBUGFS_DIR "/kernel_layout";
	json_object *obj;
	struct stat st;

	if (argc != 2)
		return usage_err(argv[0], "%s kernel: expected no more arguments, got %d",
				 argv[0], argc - 2);
	if (stat(path, &st)) {
		int err = errno;

		if (err == EACCES)
			p_err_errno(err, "cannot see %s: %s (reading debugfs usually needs root)",
			      path, strerror(err));
		else
			p_err_errno(err, "cannot find %s: %s (is debugfs mounted on /sys/kernel/debug, and the module loaded and new enough?)",
			      path, strerror(err));
		return EXIT_ERROR;
	}
	if (!json_output) {
		printf("%s\n", path);
		return finish_output();
	}
	obj = json_object_new_object();
	if (!obj)
		return json_print_put(NULL);
	json_object_object_add(obj, "dir", json_object_new_string(DEBUGFS_DIR));
	json_object_object_add(obj, "file", json_object_new_string(path));
	return json_print_put(obj);
}

int do_debugfs(int argc, char **argv)
{
	struct vmi_client c;
	char dir[64];
	pid_t pid;

	if (pfn_arg)
		return publish_frame(argc, argv);
	/* the form before --pfn: say the new one rather than "invalid PID" */
	if (argc >= 2 && !strcmp(argv[1], "page"))
		return usage_err(argv[0], "a frame number needs --pfn: vmainspect %s --pfn %s",
				 argv[0], argc > 2 ? argv[2] : "PFN");
	if (argc >= 2 && !strcmp(argv[1], "kernel"))
		return kernel_layout(argc, argv);
	if (argc != 2)
		return usage_err(argv[0], "%s PID: expected 1 argument, got %d",
				 argv[0], argc - 1);
	if (parse_pid(argv[0], argv[1], &pid))
		return EXIT_USAGE;
	if (vmi_open_flags(&c, pid, VMAINSPECT_ATTACH_DEBUGFS))
		return EXIT_ERROR;
	vmi_close(&c);

	snprintf(dir, sizeof(dir), DEBUGFS_DIR "/%d", (int)pid);
	return print_published(dir, "layout maps pagetables", pid, "pid");
}
