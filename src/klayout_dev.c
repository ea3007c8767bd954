// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the kernel-space ioctls, VMAINSPECT_IOC_KLAYOUT and
 * VMAINSPECT_IOC_KADDR (who may see kernel addresses: access.c).
 */
#include <linux/capability.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "vmainspect.h"
#include "compat.h"

long vmi_ioctl_klayout(struct vmi_session *s, void __user *uarg)
{
	struct vmainspect_klayout a;
	struct vmi_klayout *kl;
	u64 regions;
	u32 size, region_size, max;
	int ret;

	ret = vmi_copy_args(&a, sizeof(a), VMAINSPECT_KLAYOUT_SIZE_VER0, uarg);
	if (!ret)
		ret = vmi_check_klayout_args(&a);
	if (ret)
		return ret;
	kl = kmalloc(sizeof(*kl), GFP_KERNEL);
	if (!kl)
		return -ENOMEM;
	vmi_klayout_live(kl);
	if (!vmi_session_kaddrs(s))
		vmi_klayout_hide(kl);

	size = a.size;
	regions = a.regions;
	region_size = a.region_size;
	max = a.max_regions;
	a = kl->hdr;
	a.size = size;
	a.flags = 0;
	a.regions = regions;
	a.region_size = region_size;
	a.max_regions = max;
	a.nr_regions = min(max, kl->nr);
	ret = vmi_copy_records(regions, kl->regions, a.nr_regions,
			       sizeof(kl->regions[0]), region_size);
	if (!ret)
		ret = vmi_copy_out(uarg, &a, sizeof(a), a.size);
	kfree(kl);
	return ret;
}

long vmi_ioctl_kaddr(struct vmi_session *s, void __user *uarg)
{
	struct vmainspect_kaddr a;
	struct vmi_klayout *kl;
	char *symbuf;
	u64 addr;
	u32 size;
	int ret;

	ret = vmi_copy_args(&a, sizeof(a), VMAINSPECT_KADDR_SIZE_VER0, uarg);
	if (!ret)
		ret = vmi_check_kaddr_args(&a);
	if (ret)
		return ret;
	if (!vmi_session_kaddrs(s))
		return -EPERM;
	kl = kmalloc(sizeof(*kl), GFP_KERNEL);
	symbuf = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	if (!kl || !symbuf) {
		ret = -ENOMEM;
		goto out;
	}
	vmi_klayout_live(kl);
	size = a.size;
	addr = a.addr;
	memset(&a, 0, sizeof(a));
	a.size = size;
	a.addr = addr;
	vmi_kaddr_fill(kl, &a, symbuf);
	ret = vmi_copy_out(uarg, &a, sizeof(a), a.size);
out:
	kfree(symbuf);
	kfree(kl);
	return ret;
}
