/* SPDX-License-Identifier: GPL-2.0 */
/* One VMA as text, shared by the maps and find commands. */
#ifndef VMAINSPECT_VMA_TEXT_H
#define VMAINSPECT_VMA_TEXT_H

#include <stdio.h>

#include "client.h"

/* Two '#' lines naming the columns of print_vma_text(). */
void print_vma_text_header(FILE *f);

/*
 * Line 1: exactly the /proc/PID/maps line (same columns, padding and name
 * escaping).  Line 2, indented by four spaces: size, kind, markers, raw
 * vm_flags and page_prot; line 3 "    flags: " and the decoded flag names.
 * Lines 2 and 3 wrap within output_width() (continued lines indented).
 */
void print_vma_text(FILE *f, const struct vmi_vma *vma);

#endif /* VMAINSPECT_VMA_TEXT_H */
