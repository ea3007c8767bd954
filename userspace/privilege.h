/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why the module hides something from this caller: the one place that
 * reads lockdown, the caller's capabilities and kptr_restrict, so that
 * every command gives the same, real reason (and only that one).
 */
#ifndef VMAINSPECT_PRIVILEGE_H
#define VMAINSPECT_PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>

/* Is lockdown in its confidentiality mode?  (/sys/kernel/security/lockdown) */
bool priv_lockdown_confidential(void);

/*
 * Does this process have capability bit cap in its effective set?
 * (/proc/self/status CapEff.)  -1 when that cannot be read.
 */
int priv_has_cap(unsigned int cap);

/*
 * Why frames and swap slots (page tables, pagemap's rule) read as hidden:
 * a phrase without parentheses, e.g. "lockdown=confidentiality hides them
 * from everyone, root included" or "they need CAP_SYS_ADMIN".
 */
const char *priv_frames_hidden_reason(void);

/*
 * One line: "kernel addresses hidden: CAUSE", the first cause that applies
 * to this caller (lockdown, CAP_SYS_ADMIN, kptr_restrict, CAP_SYSLOG).
 */
const char *priv_kaddr_hidden_reason(char *buf, size_t len);

#endif /* VMAINSPECT_PRIVILEGE_H */
