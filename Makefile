# SPDX-License-Identifier: GPL-2.0
#
# vmainspect top-level targets.
#
#   make                 module for the running kernel + the tool
#   make KDIR=/path      module against another kernel build/headers tree
#   make demo            boot stock Debian 6.12 in QEMU, run the learner's demo
#   make check           every test; ends with "N passed, N failed"
#   make kunit | vm-tests | style   sub-steps of check
#   make bench           page-table walk vs pagemap/PAGEMAP_SCAN in the 6.12 VM
#   make torture         the adversarial suites on the debug kernel with a
#                        10-minute torture (make check runs 2 minutes)
#
# When invoked by kbuild (M=...), only the Kbuild file matters.

KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all module tool clean demo check kunit vm-tests style deps bench torture

all: module tool

module:
	@test -d "$(KDIR)" || { echo "no kernel build tree at $(KDIR):" \
		"install linux-headers-$$(uname -r) or pass KDIR=/path/to/build" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tool:
	$(MAKE) -C userspace

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean

deps:
	scripts/deps.sh

demo: deps
	$(MAKE) tool
	scripts/vm-run.sh --kernel 6.12 --add userspace/demo/vmi-demo -- vmi-demo

check:
	scripts/check.sh

kunit:
	scripts/kunit.sh

vm-tests: tool
	scripts/vm-tests.sh

style:
	scripts/style.sh

bench: deps
	scripts/bench.sh

torture: deps
	$(MAKE) tool
	scripts/debug-kernel.sh check 600
