// SPDX-License-Identifier: GPL-2.0
/*
 * vmainspect KUnit: a user address space built by the test itself.
 *
 * The same steps as lib/kunit/user_alloc.c (6.11+) and exec: mm_alloc(),
 * task_size, arch_pick_mmap_layout(), then kthread_use_mm() so that
 * vm_mmap() works on it from the test's kthread.  Every region is mapped
 * with MAP_FIXED at a planned address, so the tests know what to expect
 * without asking the code under test.
 *
 * The mm is only attached to the kthread between vmi_fx_enter() and
 * vmi_fx_leave(), which hold a user reference of their own: if the test
 * thread dies in between, exit_mm() drops that one and the fixture's own
 * reference is still there for vmi_fx_exit(), which may run in another
 * thread.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "vmainspect_kunit.h"
#include "compat.h"

enum vmi_fx_backing {
	VMI_FX_ANON,
	VMI_FX_FILE_A,
	VMI_FX_FILE_B,
	VMI_FX_SHARED_ANON,
	VMI_FX_SPECIAL,
};

struct vmi_fx_plan {
	unsigned int off;		/* pages from fx->base */
	unsigned int pages;
	unsigned long prot;
	unsigned long flags;		/* MAP_* */
	enum vmi_fx_backing backing;
	unsigned long pgoff;		/* pages into the file */
	const char *perms;		/* what /proc/PID/maps prints */
};

#define VMI_FX_PRIV	(MAP_PRIVATE | MAP_ANONYMOUS)
#define VMI_FX_RW	(PROT_READ | PROT_WRITE)

static const struct vmi_fx_plan vmi_fx_plan[VMI_FX_NR] = {
	[VMI_FX_A0] = {  0, 2, PROT_READ, VMI_FX_PRIV, VMI_FX_ANON, 0, "r--p" },
	[VMI_FX_A1] = {  2, 3, VMI_FX_RW, VMI_FX_PRIV, VMI_FX_ANON, 0, "rw-p" },
	[VMI_FX_A2] = {  5, 1, PROT_READ, VMI_FX_PRIV, VMI_FX_ANON, 0, "r--p" },
	[VMI_FX_A3] = {  6, 2, PROT_NONE, VMI_FX_PRIV, VMI_FX_ANON, 0, "---p" },
	[VMI_FX_A4] = { 12, 2, VMI_FX_RW, VMI_FX_PRIV, VMI_FX_ANON, 0, "rw-p" },
	[VMI_FX_S0] = { 16, 2, PROT_READ, MAP_SHARED, VMI_FX_FILE_A, 0, "r--s" },
	[VMI_FX_S1] = { 19, 1, VMI_FX_RW, MAP_SHARED, VMI_FX_FILE_A, 1, "rw-s" },
	[VMI_FX_S2] = { 20, 1, PROT_READ, MAP_PRIVATE, VMI_FX_FILE_A, 2, "r--p" },
	[VMI_FX_T0] = { 22, 2, PROT_READ, MAP_SHARED, VMI_FX_FILE_B, 0, "r--s" },
	[VMI_FX_Z0] = { 25, 2, VMI_FX_RW, MAP_SHARED | MAP_ANONYMOUS,
			VMI_FX_SHARED_ANON, 0, "rw-s" },
	[VMI_FX_X0] = { 28, 1, PROT_READ, 0, VMI_FX_SPECIAL, 0, "r--p" },
};

#define VMI_FX_FILE_PAGES	3
/* shmem_file_setup() takes a vma_flags_t (read off the tree: Makefile.tree) */
#ifdef VMI_SHMEM_SETUP_VMA_FLAGS
#define VMI_FX_SHM_FLAGS	mk_vma_flags(VMA_NORESERVE_BIT)
#else
#define VMI_FX_SHM_FLAGS	VM_NORESERVE
#endif
#define VMI_FX_ANON_NAME	"vmi-kunit-anon"
#define VMI_FX_SHM_NAME		"vmi-kunit-shm"
#define VMI_FX_SPECIAL_NAME	"[vmi-kunit]"

static struct page *vmi_fx_special_pages[] = { NULL };

static const struct vm_special_mapping vmi_fx_special = {
	.name = VMI_FX_SPECIAL_NAME,
	.pages = vmi_fx_special_pages,	/* empty: a fault gets SIGBUS */
};

void vmi_fx_enter(struct mm_struct *mm)
{
	mmget(mm);
	kthread_use_mm(mm);
}

void vmi_fx_leave(struct mm_struct *mm)
{
	kthread_unuse_mm(mm);
	mmput(mm);
}

/* A fresh user address space, as exec (bprm_mm_init) would set it up. */
static struct mm_struct *vmi_fx_mm_alloc(void)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	mm->task_size = TASK_SIZE;
	arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);
	return mm;
}

static const char *vmi_fx_dup_path(struct kunit *test, const struct path *path)
{
	char *buf = kunit_kmalloc(test, PATH_MAX, GFP_KERNEL);
	char *p;

	if (!buf)
		return NULL;
	p = d_path(path, buf, PATH_MAX);
	return IS_ERR(p) ? NULL : p;
}

/* Map the plan; called with the mm attached to this kthread. */
static int vmi_fx_map(struct kunit *test, struct vmi_fx *fx)
{
	int i;

	for (i = 0; i < VMI_FX_NR; i++) {
		const struct vmi_fx_plan *p = &vmi_fx_plan[i];
		unsigned long addr = fx->base + p->off * PAGE_SIZE;
		unsigned long len = p->pages * PAGE_SIZE;
		struct file *file = NULL;
		unsigned long ret;

		fx->start[i] = addr;
		fx->end[i] = addr + len;
		fx->perms[i] = p->perms;
		if (p->backing == VMI_FX_SPECIAL)
			continue;
		if (p->backing == VMI_FX_FILE_A)
			file = fx->shm[0];
		else if (p->backing == VMI_FX_FILE_B)
			file = fx->shm[1];
		ret = vm_mmap(file, addr, len, p->prot, p->flags | MAP_FIXED,
			      p->pgoff * PAGE_SIZE);
		if (ret != addr) {
			kunit_err(test, "vm_mmap(region %d at 0x%lx) = 0x%lx\n",
				  i, addr, ret);
			return IS_ERR_VALUE(ret) ? (int)ret : -EINVAL;
		}
	}
	return 0;
}

/* Give region @r the anon name @name, as prctl(PR_SET_VMA) would. */
#if defined(CONFIG_ANON_VMA_NAME) && defined(VMI_NO_MADVISE_SET_ANON_NAME)
/*
 * madvise_set_anon_name() went static (7.3; kunit/Makefile.tree looks for
 * its declaration): the one entry left is prctl's set_anon_vma_name(), on
 * current->mm with a name in user memory.  The name goes into a scratch
 * page mapped for the call and unmapped after it, so the address space is
 * what it was, but for the name.
 */
int vmi_fx_set_anon_name(struct vmi_fx *fx, int r, const char *name)
{
	bool attach = current->mm != fx->mm;
	size_t len = strlen(name) + 1;
	unsigned long scratch;
	int ret;

	if (attach) {
		if (current->mm)
			return -EBUSY;
		vmi_fx_enter(fx->mm);
	}
	scratch = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(scratch)) {
		ret = (int)scratch;
	} else {
		if (len > PAGE_SIZE ||
		    copy_to_user((char __user *)scratch, name, len))
			ret = -EFAULT;
		else
			ret = set_anon_vma_name(fx->start[r],
						fx->end[r] - fx->start[r],
						(const char __user *)scratch);
		vm_munmap(scratch, PAGE_SIZE);
	}
	if (attach)
		vmi_fx_leave(fx->mm);
	return ret;
}
#elif defined(CONFIG_ANON_VMA_NAME)
int vmi_fx_set_anon_name(struct vmi_fx *fx, int r, const char *name)
{
	struct anon_vma_name *an = anon_vma_name_alloc(name);
	int ret;

	if (!an)
		return -ENOMEM;
	mmap_write_lock(fx->mm);
	ret = madvise_set_anon_name(fx->mm, fx->start[r],
				    fx->end[r] - fx->start[r], an);
	mmap_write_unlock(fx->mm);
	anon_vma_name_put(an);
	return ret;
}
#else
int vmi_fx_set_anon_name(struct vmi_fx *fx, int r, const char *name)
{
	return -EOPNOTSUPP;
}
#endif

/* The special mapping and the anon names (mmap lock for writing). */
static int vmi_fx_decorate(struct kunit *test, struct vmi_fx *fx)
{
	struct vm_area_struct *vma;
	int ret;

	mmap_write_lock(fx->mm);
	vma = _install_special_mapping(fx->mm, fx->start[VMI_FX_X0],
				       PAGE_SIZE, VM_READ | VM_MAYREAD,
				       &vmi_fx_special);
	mmap_write_unlock(fx->mm);
	if (IS_ERR(vma)) {
		kunit_err(test, "_install_special_mapping: %ld\n",
			  PTR_ERR(vma));
		return PTR_ERR(vma);
	}

	if (!IS_ENABLED(CONFIG_ANON_VMA_NAME))
		return 0;
	ret = vmi_fx_set_anon_name(fx, VMI_FX_A2, VMI_FX_ANON_NAME);
	if (ret) {
		kunit_err(test, "naming anon VMA: %d\n", ret);
		return ret;
	}
	fx->anon_named = true;
	/* 6.1 refuses names on file VMAs (-EBADF), 6.2+ allows shmem. */
	ret = vmi_fx_set_anon_name(fx, VMI_FX_Z0, VMI_FX_SHM_NAME);
	fx->shm_named = !ret;
	if (ret && ret != -EBADF) {
		kunit_err(test, "naming anon shmem VMA: %d\n", ret);
		return ret;
	}
	return 0;
}

/* Expected names and kinds, from the plan and the files we made. */
static int vmi_fx_expect(struct kunit *test, struct vmi_fx *fx)
{
	struct vm_area_struct *vma;
	const char *shm_path[2], *zero_path = NULL;
	int i;

	shm_path[0] = vmi_fx_dup_path(test, &fx->shm[0]->f_path);
	shm_path[1] = vmi_fx_dup_path(test, &fx->shm[1]->f_path);
	mmap_read_lock(fx->mm);
	vma = find_vma(fx->mm, fx->start[VMI_FX_Z0]);
	if (vma && vma->vm_start == fx->start[VMI_FX_Z0] && vma->vm_file)
		zero_path = vmi_fx_dup_path(test, &vma->vm_file->f_path);
	mmap_read_unlock(fx->mm);
	if (!shm_path[0] || !shm_path[1] || !zero_path)
		return -ENOMEM;

	for (i = 0; i < VMI_FX_NR; i++) {
		switch (vmi_fx_plan[i].backing) {
		case VMI_FX_ANON:
			fx->kind[i] = VMAINSPECT_KIND_ANON;
			fx->name[i] = NULL;
			break;
		case VMI_FX_FILE_A:
		case VMI_FX_FILE_B:
			fx->kind[i] = VMAINSPECT_KIND_FILE;
			fx->name[i] = shm_path[vmi_fx_plan[i].backing ==
					       VMI_FX_FILE_B];
			break;
		case VMI_FX_SHARED_ANON:
			fx->kind[i] = fx->shm_named ?
				      VMAINSPECT_KIND_SHMEM_NAMED :
				      VMAINSPECT_KIND_FILE;
			fx->name[i] = fx->shm_named ?
				      "[anon_shmem:" VMI_FX_SHM_NAME "]" :
				      zero_path;
			break;
		case VMI_FX_SPECIAL:
			fx->kind[i] = VMAINSPECT_KIND_SPECIAL;
			fx->name[i] = VMI_FX_SPECIAL_NAME;
			break;
		}
	}
	if (fx->anon_named) {
		fx->kind[VMI_FX_A2] = VMAINSPECT_KIND_ANON_NAMED;
		fx->name[VMI_FX_A2] = "[anon:" VMI_FX_ANON_NAME "]";
	}
	/* Set up by vmi_fx_init(): the heap is A4, the stack is in A3. */
	fx->kind[VMI_FX_A3] = VMAINSPECT_KIND_STACK;
	fx->name[VMI_FX_A3] = "[stack]";
	fx->kind[VMI_FX_A4] = VMAINSPECT_KIND_HEAP;
	fx->name[VMI_FX_A4] = "[heap]";
	return 0;
}

/* Suite .init: build the address space.  test->priv is the fixture. */
int vmi_fx_init(struct kunit *test)
{
	const u64 magic = VMI_FX_MAGIC;
	struct vmi_fx *fx;
	int ret;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	test->priv = fx;

	fx->shm[0] = shmem_file_setup("vmainspect-kunit-a",
				      VMI_FX_FILE_PAGES * PAGE_SIZE,
				      VMI_FX_SHM_FLAGS);
	fx->shm[1] = shmem_file_setup("vmainspect-kunit-b",
				      VMI_FX_FILE_PAGES * PAGE_SIZE,
				      VMI_FX_SHM_FLAGS);
	if (IS_ERR(fx->shm[0]) || IS_ERR(fx->shm[1])) {
		kunit_err(test, "shmem_file_setup failed\n");
		return -ENOMEM;
	}

	fx->mm = vmi_fx_mm_alloc();
	if (!fx->mm) {
		kunit_err(test, "mm_alloc failed\n");
		return -ENOMEM;
	}
	/* Any free range works: the mm is empty.  Stay clear of both ends. */
	fx->base = ALIGN_DOWN(fx->mm->task_size / 2, SZ_2M);

	vmi_fx_enter(fx->mm);
	ret = vmi_fx_map(test, fx);
	/* Fault one page into A1: it gets an anon_vma. */
	if (!ret && copy_to_user((void __user *)fx->start[VMI_FX_A1],
				 &magic, sizeof(magic)))
		ret = -EFAULT;
	vmi_fx_leave(fx->mm);
	if (ret)
		return ret;

	ret = vmi_fx_decorate(test, fx);
	if (ret)
		return ret;

	/* Only /proc (and we) read these: the heap is A4, the stack in A3. */
	fx->mm->start_brk = fx->start[VMI_FX_A4];
	fx->mm->brk = fx->end[VMI_FX_A4];
	fx->mm->start_stack = fx->start[VMI_FX_A3] + PAGE_SIZE;

	return vmi_fx_expect(test, fx);
}

/* Suite .exit: may run in another kthread than .init and the test. */
void vmi_fx_exit(struct kunit *test)
{
	struct vmi_fx *fx = test->priv;
	int i;

	if (!fx)
		return;
	if (fx->mm)
		mmput(fx->mm);
	for (i = 0; i < ARRAY_SIZE(fx->shm); i++)
		if (!IS_ERR_OR_NULL(fx->shm[i]))
			fput(fx->shm[i]);
}

/* The kernel's own view: find_vma() from address 0, one VMA at a time. */
int vmi_fx_oracle(struct kunit *test, struct mm_struct *mm,
		  struct vmi_fx_vma *out, int max)
{
	struct vm_area_struct *vma;
	unsigned long addr = 0;
	int n = 0;

	mmap_read_lock(mm);
	while ((vma = find_vma(mm, addr))) {
		struct vmi_fx_vma *o = &out[n];

		if (n == max) {
			n = -E2BIG;
			break;
		}
		memset(o, 0, sizeof(*o));
		o->start = vma->vm_start;
		o->end = vma->vm_end;
		o->vm_flags = vma->vm_flags;
		o->pgoff = vma->vm_pgoff;
		o->page_prot = pgprot_val(vma->vm_page_prot);
		o->anonymous = !vma->vm_ops;
		o->anon_vma = !!vma->anon_vma;
		if (vma->vm_file) {
			struct inode *inode = file_inode(vma->vm_file);

			o->has_file = true;
			o->ino = inode->i_ino;
			o->dev = inode->i_sb->s_dev;
			o->shmem = shmem_mapping(vma->vm_file->f_mapping);
		}
		n++;
		addr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return n;
}

int vmi_fx_index(const struct vmi_fx *fx, u64 start)
{
	int i;

	for (i = 0; i < VMI_FX_NR; i++)
		if (fx->start[i] == start)
			return i;
	return -1;
}

unsigned long vmi_test_user_map(struct kunit *test, unsigned long len)
{
	unsigned long addr;

#ifdef VMI_HAVE_KUNIT_VM_MMAP
	addr = kunit_vm_mmap(test, NULL, 0, len, VMI_FX_RW, VMI_FX_PRIV, 0);
#else
	/*
	 * What lib/kunit/user_alloc.c (6.11+) does: the mm stays attached
	 * and exit_mm() releases it when the test's kthread exits.
	 */
	if (!current->mm) {
		struct mm_struct *mm = vmi_fx_mm_alloc();

		if (!mm)
			return 0;
		kthread_use_mm(mm);
	}
	addr = vm_mmap(NULL, 0, len, VMI_FX_RW, VMI_FX_PRIV, 0);
#endif
	if (IS_ERR_VALUE(addr) || addr >= TASK_SIZE)
		return 0;
	return addr;
}
