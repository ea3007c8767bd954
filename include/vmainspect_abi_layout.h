/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmainspect: the published layout of every ABI struct, checked at build
 * time wherever include/uapi/vmainspect.h is compiled: by the module
 * (src/abi.c, for each kernel and architecture it is built for) and by
 * the tool (userspace/client.c).  A field that moves, or a struct whose
 * size changes, breaks the build instead of every tool built before.
 *
 * Not installed with the UAPI header: it is the project's own check.
 * Growing a struct (Documentation/abi.md): append the field in the UAPI
 * header, publish VMAINSPECT_<NAME>_SIZE_VER<n+1>, then add the field's
 * offset here and change the struct's size line; never edit an offset.
 * Sizes: argument structs as VMAINSPECT_<NAME>_SIZE_VER0 says (the
 * module's minimum); records as their latest *_SIZE_VER<n>.
 */
#ifndef _VMAINSPECT_ABI_LAYOUT_H
#define _VMAINSPECT_ABI_LAYOUT_H

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/stddef.h>
#else
#include <assert.h>
#include <stddef.h>
#endif
#include "uapi/vmainspect.h"

/* Published sizes never change once released. */
#define VMI_ABI_VER(name, n)						\
	static_assert(VMAINSPECT_##name == (n), "VMAINSPECT_" #name)

VMI_ABI_VER(ATTACH_SIZE_VER0, 40);
VMI_ABI_VER(LAYOUT_SIZE_VER0, 272);
VMI_ABI_VER(VMA_LIST_SIZE_VER0, 88);
VMI_ABI_VER(FIND_SIZE_VER0, 136);
VMI_ABI_VER(PT_PATH_SIZE_VER0, 344);
VMI_ABI_VER(PT_RUNS_SIZE_VER0, 120);
VMI_ABI_VER(PAGE_SIZE_VER0, 184);
VMI_ABI_VER(RMAP_SIZE_VER0, 88);
VMI_ABI_VER(KLAYOUT_SIZE_VER0, 152);
VMI_ABI_VER(KADDR_SIZE_VER0, 296);
VMI_ABI_VER(VMA_SIZE_VER0, 80);
VMI_ABI_VER(PT_RUN_SIZE_VER0, 56);
VMI_ABI_VER(PT_RUN_SIZE_VER1, 64);
VMI_ABI_VER(OWNER_SIZE_VER0, 72);
VMI_ABI_VER(KREGION_SIZE_VER0, 64);

#define VMI_ABI_SIZE(s, n)						\
	static_assert(sizeof(struct vmainspect_##s) == (n),		\
		      "struct vmainspect_" #s ": size")
#define VMI_ABI_OFF(s, f, n)						\
	static_assert(offsetof(struct vmainspect_##s, f) == (n),	\
		      "struct vmainspect_" #s ": offset of " #f)

VMI_ABI_SIZE(attach, 40);
VMI_ABI_OFF(attach, size, 0);
VMI_ABI_OFF(attach, flags, 4);
VMI_ABI_OFF(attach, pid, 8);
VMI_ABI_OFF(attach, reserved0, 12);
VMI_ABI_OFF(attach, abi_version, 16);
VMI_ABI_OFF(attach, tgid, 20);
VMI_ABI_OFF(attach, reserved, 24);

VMI_ABI_SIZE(layout, 272);
VMI_ABI_OFF(layout, size, 0);
VMI_ABI_OFF(layout, flags, 4);
VMI_ABI_OFF(layout, task_size, 8);
VMI_ABI_OFF(layout, mmap_base, 16);
VMI_ABI_OFF(layout, start_code, 24);
VMI_ABI_OFF(layout, end_code, 32);
VMI_ABI_OFF(layout, start_data, 40);
VMI_ABI_OFF(layout, end_data, 48);
VMI_ABI_OFF(layout, start_brk, 56);
VMI_ABI_OFF(layout, brk, 64);
VMI_ABI_OFF(layout, start_stack, 72);
VMI_ABI_OFF(layout, arg_start, 80);
VMI_ABI_OFF(layout, arg_end, 88);
VMI_ABI_OFF(layout, env_start, 96);
VMI_ABI_OFF(layout, env_end, 104);
VMI_ABI_OFF(layout, map_count, 112);
VMI_ABI_OFF(layout, total_vm, 120);
VMI_ABI_OFF(layout, locked_vm, 128);
VMI_ABI_OFF(layout, pinned_vm, 136);
VMI_ABI_OFF(layout, data_vm, 144);
VMI_ABI_OFF(layout, exec_vm, 152);
VMI_ABI_OFF(layout, stack_vm, 160);
VMI_ABI_OFF(layout, rss_file, 168);
VMI_ABI_OFF(layout, rss_anon, 176);
VMI_ABI_OFF(layout, rss_shmem, 184);
VMI_ABI_OFF(layout, swap_ents, 192);
VMI_ABI_OFF(layout, hiwater_rss, 200);
VMI_ABI_OFF(layout, hiwater_vm, 208);
VMI_ABI_OFF(layout, pgtables_bytes, 216);
VMI_ABI_OFF(layout, generation, 224);
VMI_ABI_OFF(layout, pgtable_levels, 232);
VMI_ABI_OFF(layout, page_shift, 236);
VMI_ABI_OFF(layout, reserved, 240);

VMI_ABI_SIZE(vma_list, 88);
VMI_ABI_OFF(vma_list, size, 0);
VMI_ABI_OFF(vma_list, flags, 4);
VMI_ABI_OFF(vma_list, start_addr, 8);
VMI_ABI_OFF(vma_list, vmas, 16);
VMI_ABI_OFF(vma_list, strings, 24);
VMI_ABI_OFF(vma_list, vma_size, 32);
VMI_ABI_OFF(vma_list, max_vmas, 36);
VMI_ABI_OFF(vma_list, strings_size, 40);
VMI_ABI_OFF(vma_list, nr_vmas, 44);
VMI_ABI_OFF(vma_list, strings_used, 48);
VMI_ABI_OFF(vma_list, out_flags, 52);
VMI_ABI_OFF(vma_list, next_addr, 56);
VMI_ABI_OFF(vma_list, generation, 64);
VMI_ABI_OFF(vma_list, reserved, 72);

VMI_ABI_SIZE(find, 136);
VMI_ABI_OFF(find, size, 0);
VMI_ABI_OFF(find, flags, 4);
VMI_ABI_OFF(find, addr, 8);
VMI_ABI_OFF(find, strings, 16);
VMI_ABI_OFF(find, strings_size, 24);
VMI_ABI_OFF(find, out_flags, 28);
VMI_ABI_OFF(find, vma, 32);
VMI_ABI_OFF(find, generation, 112);
VMI_ABI_OFF(find, reserved, 120);

VMI_ABI_SIZE(pt_path, 344);
VMI_ABI_OFF(pt_path, size, 0);
VMI_ABI_OFF(pt_path, flags, 4);
VMI_ABI_OFF(pt_path, addr, 8);
VMI_ABI_OFF(pt_path, nr_levels, 16);
VMI_ABI_OFF(pt_path, out_flags, 20);
VMI_ABI_OFF(pt_path, page_size, 24);
VMI_ABI_OFF(pt_path, phys_addr, 32);
VMI_ABI_OFF(pt_path, pgtable_levels, 40);
VMI_ABI_OFF(pt_path, reserved0, 44);
VMI_ABI_OFF(pt_path, levels, 48);
VMI_ABI_OFF(pt_path, reserved, 328);

VMI_ABI_SIZE(pt_runs, 120);
VMI_ABI_OFF(pt_runs, size, 0);
VMI_ABI_OFF(pt_runs, flags, 4);
VMI_ABI_OFF(pt_runs, start, 8);
VMI_ABI_OFF(pt_runs, end, 16);
VMI_ABI_OFF(pt_runs, runs, 24);
VMI_ABI_OFF(pt_runs, run_size, 32);
VMI_ABI_OFF(pt_runs, max_runs, 36);
VMI_ABI_OFF(pt_runs, nr_runs, 40);
VMI_ABI_OFF(pt_runs, out_flags, 44);
VMI_ABI_OFF(pt_runs, next_addr, 48);
VMI_ABI_OFF(pt_runs, generation, 56);
VMI_ABI_OFF(pt_runs, tables, 64);
VMI_ABI_OFF(pt_runs, reserved, 104);

VMI_ABI_SIZE(page, 184);
VMI_ABI_OFF(page, size, 0);
VMI_ABI_OFF(page, flags, 4);
VMI_ABI_OFF(page, pfn, 8);
VMI_ABI_OFF(page, addr, 16);
VMI_ABI_OFF(page, kpageflags, 24);
VMI_ABI_OFF(page, raw_flags, 32);
VMI_ABI_OFF(page, head_raw_flags, 40);
VMI_ABI_OFF(page, head_pfn, 48);
VMI_ABI_OFF(page, index, 56);
VMI_ABI_OFF(page, anon_vma, 64);
VMI_ABI_OFF(page, ino, 72);
VMI_ABI_OFF(page, memcg_ino, 80);
VMI_ABI_OFF(page, path, 88);
VMI_ABI_OFF(page, path_size, 96);
VMI_ABI_OFF(page, path_len, 100);
VMI_ABI_OFF(page, refcount, 104);
VMI_ABI_OFF(page, mapcount, 108);
VMI_ABI_OFF(page, folio_mapcount, 112);
VMI_ABI_OFF(page, order, 116);
VMI_ABI_OFF(page, mapping_kind, 120);
VMI_ABI_OFF(page, dev, 124);
VMI_ABI_OFF(page, nid, 128);
VMI_ABI_OFF(page, zone, 132);
VMI_ABI_OFF(page, zone_name, 136);
VMI_ABI_OFF(page, reserved, 152);

VMI_ABI_SIZE(rmap, 88);
VMI_ABI_OFF(rmap, size, 0);
VMI_ABI_OFF(rmap, flags, 4);
VMI_ABI_OFF(rmap, pfn, 8);
VMI_ABI_OFF(rmap, addr, 16);
VMI_ABI_OFF(rmap, owners, 24);
VMI_ABI_OFF(rmap, owner_size, 32);
VMI_ABI_OFF(rmap, max_owners, 36);
VMI_ABI_OFF(rmap, cursor, 40);
VMI_ABI_OFF(rmap, nr_owners, 48);
VMI_ABI_OFF(rmap, out_flags, 52);
VMI_ABI_OFF(rmap, mapcount, 56);
VMI_ABI_OFF(rmap, mapping_kind, 60);
VMI_ABI_OFF(rmap, candidates, 64);
VMI_ABI_OFF(rmap, reserved0, 68);
VMI_ABI_OFF(rmap, reserved, 72);

VMI_ABI_SIZE(klayout, 152);
VMI_ABI_OFF(klayout, size, 0);
VMI_ABI_OFF(klayout, flags, 4);
VMI_ABI_OFF(klayout, regions, 8);
VMI_ABI_OFF(klayout, region_size, 16);
VMI_ABI_OFF(klayout, max_regions, 20);
VMI_ABI_OFF(klayout, nr_regions, 24);
VMI_ABI_OFF(klayout, total_regions, 28);
VMI_ABI_OFF(klayout, out_flags, 32);
VMI_ABI_OFF(klayout, arch, 36);
VMI_ABI_OFF(klayout, pgtable_levels, 40);
VMI_ABI_OFF(klayout, page_shift, 44);
VMI_ABI_OFF(klayout, va_bits, 48);
VMI_ABI_OFF(klayout, phys_bits, 52);
VMI_ABI_OFF(klayout, ptrs_per, 56);
VMI_ABI_OFF(klayout, struct_page_size, 76);
VMI_ABI_OFF(klayout, page_offset, 80);
VMI_ABI_OFF(klayout, ram_end, 88);
VMI_ABI_OFF(klayout, lowmem_end, 96);
VMI_ABI_OFF(klayout, image_start, 104);
VMI_ABI_OFF(klayout, image_end, 112);
VMI_ABI_OFF(klayout, reserved, 120);

VMI_ABI_SIZE(kaddr, 296);
VMI_ABI_OFF(kaddr, size, 0);
VMI_ABI_OFF(kaddr, flags, 4);
VMI_ABI_OFF(kaddr, addr, 8);
VMI_ABI_OFF(kaddr, region_start, 16);
VMI_ABI_OFF(kaddr, region_end, 24);
VMI_ABI_OFF(kaddr, pfn, 32);
VMI_ABI_OFF(kaddr, phys, 40);
VMI_ABI_OFF(kaddr, page_size, 48);
VMI_ABI_OFF(kaddr, offset, 56);
VMI_ABI_OFF(kaddr, index, 64);
VMI_ABI_OFF(kaddr, region_id, 72);
VMI_ABI_OFF(kaddr, out_flags, 76);
VMI_ABI_OFF(kaddr, symbol, 80);
VMI_ABI_OFF(kaddr, module, 208);
VMI_ABI_OFF(kaddr, reserved, 264);

VMI_ABI_SIZE(vma, 80);
VMI_ABI_OFF(vma, start, 0);
VMI_ABI_OFF(vma, end, 8);
VMI_ABI_OFF(vma, vm_flags, 16);
VMI_ABI_OFF(vma, uflags, 24);
VMI_ABI_OFF(vma, pgoff, 32);
VMI_ABI_OFF(vma, inode, 40);
VMI_ABI_OFF(vma, dev_major, 48);
VMI_ABI_OFF(vma, dev_minor, 52);
VMI_ABI_OFF(vma, kind, 56);
VMI_ABI_OFF(vma, attrs, 60);
VMI_ABI_OFF(vma, name_off, 64);
VMI_ABI_OFF(vma, name_len, 68);
VMI_ABI_OFF(vma, page_prot, 72);

VMI_ABI_SIZE(pt_entry, 56);
VMI_ABI_OFF(pt_entry, raw, 0);
VMI_ABI_OFF(pt_entry, bits, 8);
VMI_ABI_OFF(pt_entry, pfn, 16);
VMI_ABI_OFF(pt_entry, offset, 24);
VMI_ABI_OFF(pt_entry, level, 32);
VMI_ABI_OFF(pt_entry, kind, 36);
VMI_ABI_OFF(pt_entry, index, 40);
VMI_ABI_OFF(pt_entry, swap_type, 44);
VMI_ABI_OFF(pt_entry, pkey, 48);
VMI_ABI_OFF(pt_entry, folio_shift, 52);

VMI_ABI_SIZE(pt_run, 64);
VMI_ABI_OFF(pt_run, start, 0);
VMI_ABI_OFF(pt_run, end, 8);
VMI_ABI_OFF(pt_run, pfn, 16);
VMI_ABI_OFF(pt_run, offset, 24);
VMI_ABI_OFF(pt_run, bits, 32);
VMI_ABI_OFF(pt_run, level, 40);
VMI_ABI_OFF(pt_run, kind, 44);
VMI_ABI_OFF(pt_run, page_shift, 48);
VMI_ABI_OFF(pt_run, swap_type, 52);
VMI_ABI_OFF(pt_run, folio_shift, 56);
VMI_ABI_OFF(pt_run, reserved, 60);

VMI_ABI_SIZE(owner, 72);
VMI_ABI_OFF(owner, address, 0);
VMI_ABI_OFF(owner, vma_start, 8);
VMI_ABI_OFF(owner, vma_end, 16);
VMI_ABI_OFF(owner, vma_flags, 24);
VMI_ABI_OFF(owner, pgoff, 32);
VMI_ABI_OFF(owner, pid, 40);
VMI_ABI_OFF(owner, nr_processes, 44);
VMI_ABI_OFF(owner, level, 48);
VMI_ABI_OFF(owner, reserved, 52);
VMI_ABI_OFF(owner, comm, 56);

VMI_ABI_SIZE(kregion, 64);
VMI_ABI_OFF(kregion, start, 0);
VMI_ABI_OFF(kregion, end, 8);
VMI_ABI_OFF(kregion, size, 16);
VMI_ABI_OFF(kregion, used, 24);
VMI_ABI_OFF(kregion, id, 32);
VMI_ABI_OFF(kregion, flags, 36);
VMI_ABI_OFF(kregion, reserved, 40);

#endif /* _VMAINSPECT_ABI_LAYOUT_H */
