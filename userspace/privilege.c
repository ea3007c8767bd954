// SPDX-License-Identifier: GPL-2.0
/*
 * Why the module hides frames or kernel addresses from this caller.  The
 * module's rules (src/access.c): frames need CAP_SYS_ADMIN at open, kernel
 * addresses too and what kptr_restrict and CAP_SYSLOG allow; neither is
 * shown under lockdown=confidentiality, to anyone.  Lockdown is checked
 * first: it is the reason even for root, and naming a capability then
 * would send the reader the wrong way.
 */

#include <stdio.h>
#include <string.h>

#include "privilege.h"

#define CAP_SYS_ADMIN_BIT	21
#define CAP_SYSLOG_BIT		34

bool priv_lockdown_confidential(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[confidentiality]") != NULL;
}

int priv_has_cap(unsigned int cap)
{
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long long caps;
	char line[256];
	int ret = -1;

	if (!f || cap >= 64) {
		if (f)
			fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			ret = !!(caps & (1ULL << cap));
			break;
		}
	}
	fclose(f);
	return ret;
}

static int read_kptr_restrict(void)
{
	FILE *f = fopen("/proc/sys/kernel/kptr_restrict", "r");
	int val = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

const char *priv_frames_hidden_reason(void)
{
	if (priv_lockdown_confidential())
		return "lockdown=confidentiality hides them from everyone, root included";
	if (priv_has_cap(CAP_SYS_ADMIN_BIT) == 0)
		return "they need CAP_SYS_ADMIN, as in /proc/PID/pagemap";
	/* e.g. CAP_SYS_ADMIN gained after the open, or dropped since */
	return "they need CAP_SYS_ADMIN when /dev/vmainspect is opened, as in /proc/PID/pagemap";
}

const char *priv_kaddr_hidden_reason(char *buf, size_t len)
{
	int sys_admin = priv_has_cap(CAP_SYS_ADMIN_BIT);
	int syslog = priv_has_cap(CAP_SYSLOG_BIT);
	int kptr = read_kptr_restrict();

	if (priv_lockdown_confidential())
		snprintf(buf, len, "kernel addresses hidden: lockdown=confidentiality hides them from everyone, root included");
	else if (sys_admin == 0)
		snprintf(buf, len, "kernel addresses hidden: they need CAP_SYS_ADMIN");
	else if (kptr == 2)
		snprintf(buf, len, "kernel addresses hidden: kptr_restrict is 2, which hides them from everyone");
	else if (kptr >= 0 && syslog == 0)
		snprintf(buf, len, "kernel addresses hidden: with kptr_restrict %d they need CAP_SYSLOG", kptr);
	else
		snprintf(buf, len, "kernel addresses hidden: they need CAP_SYS_ADMIN, CAP_SYSLOG and a kptr_restrict below 2 when /dev/vmainspect is opened");
	return buf;
}
