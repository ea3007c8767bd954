// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the kernel-space ioctls, VMAINSPECT_IOC_KLAYOUT and
 * VMAINSPECT_IOC_KADDR, and the rule for showing kernel addresses.
 */
#include <linux/capability.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "vmainspect.h"
#include "compat.h"

static const int vmi_kptr_probe;

/*
 * May the caller see raw kernel addresses?  Our own rule (CAP_SYS_ADMIN
 * at open, no lockdown=confidentiality), kptr_restrict's and CAP_SYSLOG,
 * all of them, for the opener (call it at open: like kallsyms_open(), the
 * decision is the opener's).  kptr_restrict is not exported; vsprintf's
 * %pK applies it to current: all zeros means no pointer for this caller (kptr_restrict=2,
 * or 1 without CAP_SYSLOG or with changed credentials); raw or hashed
 * (kptr_restrict=0) means the policy allows one, and then, as
 * /proc/kallsyms asks at 0 and 1, the caller needs CAP_SYSLOG.
 */
bool vmi_kaddrs_visible(bool privileged)
{
	char shown[24];
	const char *c;

	if (!privileged || vmi_locked_down_confidential())
		return false;
	snprintf(shown, sizeof(shown), "%pK", &vmi_kptr_probe);
	for (c = shown; *c == '0'; c++)
		;
	if (!*c)
		return false;
	return ns_capable_noaudit(&init_user_ns, CAP_SYSLOG);
}

/* Decided at open (as kallsyms does); lockdown may have come since. */
bool vmi_session_kaddrs(const struct vmi_session *s)
{
	return s->kaddrs && !vmi_locked_down_confidential();
}

long vmi_ioctl_klayout(struct vmi_session *s, void __user *uarg)
{
	struct vmainspect_klayout a;
	struct vmi_klayout *kl;
	u64 regions;
	u32 size, region_size, max;
	int ret;

	ret = vmi_copy_args(&a, sizeof(a), sizeof(a), uarg);
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

	ret = vmi_copy_args(&a, sizeof(a), sizeof(a), uarg);
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
