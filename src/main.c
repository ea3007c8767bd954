// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: look inside a live process's virtual memory.
 *
 * Module entry: what the architecture finds once at load (klayout_live.c;
 * the kernel image on x86_64), then the read-only debugfs views
 * (debugfs.c, debugfs_frames.c, debugfs_klayout.c) and the misc device
 * /dev/vmainspect (dev.c): two front ends of the same query core (layout,
 * VMAs, page tables, frames and their owners, kernel-space regions).  See
 * README.md and Documentation/architecture.md.
 */
#include <linux/module.h>
#include "vmainspect.h"

static int __init vmi_init(void)
{
	int ret;

	vmi_klayout_init();
	ret = vmi_debugfs_init();
	if (ret)
		return ret;
	ret = vmi_dev_init();
	if (ret)
		vmi_debugfs_exit();
	return ret;
}

static void __exit vmi_exit(void)
{
	vmi_dev_exit();
	vmi_debugfs_exit();
}

module_init(vmi_init);
module_exit(vmi_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Inspect live process memory: VMAs, page tables, frames, kernel regions");
MODULE_VERSION("0.1");
