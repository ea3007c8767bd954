// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect: the kernel-space regions of the running kernel.
 *
 * The table is klayout.c's, built from a parameter block per
 * architecture; the block of the running kernel is filled by the
 * architecture file src/Kbuild selects (klayout_arch.h): klayout_x86_64.c,
 * klayout_i386.c or klayout_um.c.  Everything comes from exported
 * variables and the architecture's own constants, as the kernel's ptdump
 * uses them (mm/ptdump.c, arch/x86/mm/dump_pagetables.c).
 */
#include "vmainspect.h"
#include "klayout_arch.h"

/* At load: what the architecture finds once (the kernel image on x86_64). */
void vmi_klayout_init(void)
{
	vmi_arch_klayout_init();
}

/* The running kernel's region table. */
void vmi_klayout_live(struct vmi_klayout *kl)
{
	vmi_arch_klayout_live(kl);
}
