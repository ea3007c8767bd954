/* SPDX-License-Identifier: GPL-2.0 */
/* vmainspect tool: what the page and rmap commands share. */
#ifndef VMAINSPECT_FRAME_H
#define VMAINSPECT_FRAME_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <json.h>

#include "client.h"

/* --pfn PFN, or PID ADDR. */
struct frame_arg {
	bool by_addr;
	__u64 pfn;
	pid_t pid;
	__u64 addr;
};

/* argv = { CMD } with --pfn, or { CMD, PID, ADDR }; 0 or EXIT_USAGE reported. */
int parse_frame_args(int argc, char **argv, struct frame_arg *fa);
/* Open the device, attached to the process when by address. */
int frame_open(struct vmi_client *c, const struct frame_arg *fa);

/* Names of vmainspect_page.kpageflags bits. */
void fprint_kpf_names(FILE *f, __u64 kpf, const char *sep);
json_object *json_kpf_names_new(__u64 kpf);
const char *fmt_mapping_kind(__u32 kind);

#endif /* VMAINSPECT_FRAME_H */
