/* SPDX-License-Identifier: GPL-2.0 */
/* The address-space drawing of `vmainspect layout`. */
#ifndef VMAINSPECT_ADDR_SPACE_H
#define VMAINSPECT_ADDR_SPACE_H

#include <stdio.h>
#include <sys/types.h>

#include "client.h"

struct vmi_klayout;

/*
 * Draw the virtual address space of pid from the top (kernel half) down to
 * address 0, not to scale, using the layout fields and its VMAs.  With k
 * (may be NULL) the kernel half is drawn region by region from the
 * kernel's region table.
 */
void draw_address_space(FILE *f, pid_t pid, const struct vmainspect_layout *l,
			const struct vmi_vma_set *set,
			const struct vmi_klayout *k, int width);

#endif /* VMAINSPECT_ADDR_SPACE_H */
