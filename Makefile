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
#   make install         module under /lib/modules/KVER/updates (+ depmod),
#                        tool, man page, bash completion (PREFIX=/usr/local,
#                        DESTDIR= to stage); make uninstall removes them
#   make dkms-install    register the sources with DKMS (/usr/src/vmainspect-
#                        VERSION), build and install for KVER; dkms-uninstall
#   make deb             vmainspect and vmainspect-dkms .debs
#                        (dpkg-buildpackage -us -uc in a copy, into ../)
#
# When invoked by kbuild (M=...), only the Kbuild file matters.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' src/main.c)
MODDIR := $(DESTDIR)/lib/modules/$(KVER)/updates
BINDIR := $(DESTDIR)$(PREFIX)/bin
MANDIR := $(DESTDIR)$(PREFIX)/share/man/man1
COMPDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions

.PHONY: all module tool clean demo check kunit vm-tests style deps bench torture \
	install install-check uninstall dkms-install dkms-sources dkms-uninstall deb

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

# One copy of the module per kernel: make install (updates/) and DKMS
# (updates/dkms/) would leave depmod two to choose from.
install-check:
	@test -n "$(DESTDIR)" || ! ls /lib/modules/$(KVER)/updates/dkms/vmainspect.ko* >/dev/null 2>&1 || \
		{ echo "vmainspect is installed by DKMS for $(KVER): make dkms-uninstall" \
			"(or remove the vmainspect-dkms package) first" >&2; exit 1; }

install: install-check all
	install -D -m 0644 src/vmainspect.ko $(MODDIR)/vmainspect.ko
	install -D -m 0755 userspace/vmainspect $(BINDIR)/vmainspect
	install -D -m 0644 userspace/vmainspect.1 $(MANDIR)/vmainspect.1
	install -D -m 0644 userspace/vmainspect.bash-completion $(COMPDIR)/vmainspect
	$(if $(DESTDIR),,depmod -a $(KVER))

uninstall:
	rm -f $(MODDIR)/vmainspect.ko $(BINDIR)/vmainspect $(MANDIR)/vmainspect.1 \
		$(COMPDIR)/vmainspect
	$(if $(DESTDIR),,depmod -a $(KVER))

# DKMS copies the sources it needs from /usr/src/vmainspect-$(VERSION)
# (again: the earlier registration of this version goes first)
dkms-install:
	@! dpkg-query -W -f '$${db:Status-Abbrev}' vmainspect-dkms 2>/dev/null | grep -q '^ii' || \
		{ echo "the vmainspect-dkms package is installed: remove it first" >&2; exit 1; }
	@test ! -e $(DESTDIR)/lib/modules/$(KVER)/updates/vmainspect.ko || \
		{ echo "vmainspect is installed by make install for $(KVER): make uninstall first" >&2; exit 1; }
	if dkms status -m vmainspect -v $(VERSION) | grep -q .; then \
		dkms remove -m vmainspect -v $(VERSION) --all; fi
	rm -rf $(DESTDIR)/usr/src/vmainspect-$(VERSION)
	$(MAKE) dkms-sources SRCDEST=$(DESTDIR)/usr/src/vmainspect-$(VERSION)
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DESTDIR)/usr/src/vmainspect-$(VERSION)/dkms.conf
	dkms add -m vmainspect -v $(VERSION)
	dkms build -m vmainspect -v $(VERSION) -k $(KVER)
	dkms install -m vmainspect -v $(VERSION) -k $(KVER)

# The module's sources as DKMS builds them (dkms.conf aside: its version is
# filled in by dkms-install and by dh_dkms), without what a build in this
# tree left behind.  debian/rules uses it too.
dkms-sources:
	install -d $(SRCDEST)
	cp -a Kbuild Makefile src include $(SRCDEST)/
	find $(SRCDEST) \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name modules.order -o -name Module.symvers \) -delete

dkms-uninstall:
	if dkms status -m vmainspect -v $(VERSION) | grep -q .; then \
		dkms remove -m vmainspect -v $(VERSION) --all; fi
	rm -rf $(DESTDIR)/usr/src/vmainspect-$(VERSION)

deb:
	scripts/package.sh build
