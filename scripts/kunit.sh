#!/usr/bin/env bash
# Run the vmainspect KUnit suites in UML, built from Debian's linux-source.
#
#   scripts/kunit.sh [-v] [SHORT...]      SHORT: 6.1 | 6.12 | 7.3 (default: all)
#   scripts/kunit.sh --unpack-only SHORT  only unpack its linux-source
#
# For each SHORT: unpack linux-source-SHORT once into $VMI_CACHE/src/ (6.1
# and 6.12: the host's /usr/src/linux-source-SHORT.tar.xz, installed by
# scripts/deps.sh; 7.3: trixie-backports' package, fetched into the cache by
# `scripts/kernels.sh source 7.3`, nothing installed), copy src/ include/ kunit/ into drivers/misc/vmainspect/
# of that tree, build a UML kernel in $VMI_CACHE/kunit/SHORT with
# tools/testing/kunit/kunit.py and run the 'vmainspect*' suites.
#
# Output (the project's test convention): one line per test case,
#   PASS [kunit-6.1] suite.case
#   FAIL [kunit-6.1] suite.case: reason
#   SKIP [kunit-6.1] suite.case: reason      (neither passed nor failed)
# then "N passed, N failed".  A build failure, a crash, a missing test or a
# kernel splat (WARNING/BUG/lockdep/...) is a FAIL too.  Exit 1 on any FAIL,
# 2 on usage errors.  The full log of each run is $VMI_CACHE/kunit/SHORT.log;
# -v (or VMI_VERBOSE=1) also prints it as it goes.
set -euo pipefail
shopt -s inherit_errexit
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
top=$VMI_ROOT

# usage [STATUS]: the header above; on stdout for --help, else stderr.
usage() {
	local text
	text=$(sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0")
	if [[ ${1:-2} == 0 ]]; then
		printf '%s\n' "$text"
	else
		printf '%s\n' "$text" >&2
	fi
	exit "${1:-2}"
}

verbose=${VMI_VERBOSE:-0}
shorts=()
unpack_only=0
while (($#)); do
	case $1 in
	-v | --verbose) verbose=1 ;;
	--unpack-only) unpack_only=1 ;;
	-h | --help) usage 0 ;;
	6.1 | 6.12 | 7.3) shorts+=("$1") ;;
	*)
		printf '%s: unknown argument: %s (kernels: 6.1 6.12 7.3)\n' "$VMI_PROG" "$1" >&2
		usage
		;;
	esac
	shift
done
((${#shorts[@]})) || shorts=(6.1 6.12 7.3)
[[ $verbose == 0 ]] || VMI_VERBOSE=1

jobs=$(nproc)
timeout=${VMI_KUNIT_TIMEOUT:-600}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# --- prerequisites ---------------------------------------------------------

need_tools() {
	local c missing=()
	for c in make gcc flex bison bc python3 rsync xz tar awk flock; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	if ((${#missing[@]})) && [[ -x $here/deps.sh ]]; then
		vmi_log "missing ${missing[*]}: running scripts/deps.sh"
		"$here/deps.sh" >&2 || true
		missing=()
		for c in make gcc flex bison bc python3 rsync xz tar awk flock; do
			command -v "$c" >/dev/null 2>&1 || missing+=("$c")
		done
	fi
	((${#missing[@]} == 0)) ||
		vmi_die "missing tools: ${missing[*]} (run scripts/deps.sh, or apt-get install build-essential flex bison bc python3 rsync xz-utils)"
}

# The linux-source tarball for SHORT, installing it through deps.sh if
# that script exists (a kernel the host's apt does not have: fetched into
# the cache by kernels.sh).  Prints the path.
source_tarball() {
	local short=$1 tarball=/usr/src/linux-source-$1.tar.xz
	if [[ $short == 7.3 ]]; then
		"$here/kernels.sh" source "$short"
		return
	fi
	if [[ ! -f $tarball && -x $here/deps.sh ]]; then
		vmi_log "$tarball missing: running scripts/deps.sh"
		"$here/deps.sh" >&2 || true
	fi
	[[ -f $tarball ]] || return 1
	printf '%s\n' "$tarball"
}

# Unpack the tarball once.  The stamp records which tarball (size and
# mtime) the tree came from, so an upgraded linux-source is re-unpacked.
unpack_source() {
	local short=$1 tarball=$2 dir=$VMI_CACHE/src/linux-source-$1
	local stamp=$VMI_CACHE/src/linux-source-$1.stamp want
	want=$(stat -c '%s %Y' "$tarball")
	mkdir -p "$VMI_CACHE/src"
	(
		flock 9
		if [[ -d $dir && -f $stamp && $(<"$stamp") == "$want" ]]; then
			exit 0
		fi
		vmi_log "unpacking $tarball into $VMI_CACHE/src"
		rm -rf "$dir" "$dir.tmp" "$stamp"
		mkdir -p "$dir.tmp"
		tar -xJf "$tarball" -C "$dir.tmp"
		mv "$dir.tmp/linux-source-$short" "$dir"
		rmdir "$dir.tmp"
		printf '%s\n' "$want" >"$stamp"
	) 9>"$VMI_CACHE/src/.lock-$short" || return 1
	printf '%s\n' "$dir"
}

# Copy our sources into drivers/misc/vmainspect/ and hook it into
# drivers/misc/{Kconfig,Makefile}.  Files are compared by content and only
# changed ones are rewritten, with the current time: kbuild rebuilds what
# changed, and nothing else.  (Keeping the source's mtime would not do: a
# file going back to an older version, from another clone or a checkout,
# would look older than its object and not be rebuilt.)  Only sources are
# copied: a stray .o from an out-of-tree build in src/ would be picked up
# by kbuild's VPATH.
install_sources() {
	local tree=$1 d=$1/drivers/misc/vmainspect sub f
	mkdir -p "$d"
	for sub in src include kunit; do
		rsync -rl --checksum --delete --include='*/' --include='*.[ch]' \
			--include='Kbuild' --include='*.tree' --include='.kunitconfig' \
			--exclude='*' "$top/$sub/" "$d/$sub/"
	done
	# Same content: keep the old file (and mtime), else kconfig reruns.
	for f in Kconfig Makefile; do
		cmp -s "$top/kunit/$f.tree" "$d/$f" || cp "$top/kunit/$f.tree" "$d/$f"
	done
	cmp -s "$top/kunit/.kunitconfig" "$d/.kunitconfig" ||
		cp "$top/kunit/.kunitconfig" "$d/.kunitconfig"

	f=$tree/drivers/misc/Kconfig
	if ! grep -qF 'source "drivers/misc/vmainspect/Kconfig"' "$f"; then
		# Inside the "Misc devices" menu: before its last endmenu.
		awk -v src='source "drivers/misc/vmainspect/Kconfig"' '
			{ line[NR] = $0 }
			/^endmenu/ { last = NR }
			END {
				for (i = 1; i <= NR; i++) {
					if (i == last) print src
					print line[i]
				}
				if (!last) print src
			}' "$f" >"$f.vmi" && mv "$f.vmi" "$f"
	fi
	f=$tree/drivers/misc/Makefile
	# shellcheck disable=SC2016 # a make variable, literally
	grep -qF 'obj-$(CONFIG_VMAINSPECT)' "$f" ||
		printf '%s\n' 'obj-$(CONFIG_VMAINSPECT)	+= vmainspect/' >>"$f"
}

# --- results ---------------------------------------------------------------

# parse_ktap TAG LOG: the project's PASS/FAIL/SKIP lines from kunit.py's
# raw output (KTAP, nested: suites, cases, parameters), kernel splats
# charged to the test case that was running.
parse_ktap() {
	python3 - "$1" "$2" <<'PYEOF'
import re
import sys

tag, log = sys.argv[1], sys.argv[2]
with open(log, errors='replace') as f:
    lines = [l.rstrip('\r\n') for l in f]

out = []
def emit(kind, name, reason=None):
    line = f'{kind} [{tag}] {name}'
    if reason:
        line += ': ' + ' '.join(reason.split())[:400]
    out.append(line)

# Kernel output starts after kunit.py's "Starting KUnit Kernel" line.
boot = 0
for i, l in enumerate(lines):
    if 'Starting KUnit Kernel' in l:
        boot = i + 1
start = None
for i in range(boot, len(lines)):
    m = re.search(r'K?TAP version \d+', lines[i])
    if m:
        start, prefix = i, lines[i][:m.start()]
        break
if start is None:
    emit('FAIL', 'kunit', 'no KTAP output from the UML kernel (crash or '
         'boot failure), see the log')
    print('\n'.join(out))
    sys.exit(0)

splat_re = re.compile(r'(WARNING:|BUG:|BUG |Oops|Kernel panic|kernel BUG|'
                      r'general protection|UBSAN:|KASAN:|possible circular|'
                      r'possible recursive|inconsistent lock|'
                      r'suspicious RCU|INFO: task .* blocked|'
                      r'sleeping function called|WARNING: CPU)')
result_re = re.compile(r'^(\s*)(ok|not ok) (\d+)(?: -)? ?([^#]*?)\s*'
                       r'(?:#\s*(SKIP|TODO)\b\s*(.*))?$')
subtest_re = re.compile(r'^(\s*)# Subtest: (\S+)')
plan_re = re.compile(r'^(\s*)1\.\.(\d+)')

suites = {}          # indent level 0 results
suite = None         # current suite name
case_diag = []       # diagnostic lines of the current case
case_splat = []      # splats while the current case ran
param_fail = []      # failed parameters of the current case
cases_seen = 0
cases_planned = None
boot_splats = [l.strip() for l in lines[boot:start] if splat_re.search(l)]
suites_seen = 0
suites_planned = None

def finish_suite():
    global suite
    if suite is not None and cases_planned is not None and \
       cases_seen < cases_planned:
        emit('FAIL', f'{suite}.(missing)',
             f'{cases_planned - cases_seen} of {cases_planned} test cases '
             'never reported (kernel crashed or hung?)')
    suite = None

for raw in lines[start + 1:]:
    l = raw[len(prefix):] if prefix and raw.startswith(prefix) else raw
    if splat_re.search(l) and not result_re.match(l):
        (case_splat if suite else boot_splats).append(l.strip())
        continue
    m = subtest_re.match(l)
    if m:
        # KTAP: a subtest header is indented like its children; suites'
        # children (the test cases) are at depth 1.
        if len(m.group(1)) // 4 == 1:
            finish_suite()
            suite, cases_seen, cases_planned = m.group(2), 0, None
            case_diag, case_splat, param_fail = [], [], []
        continue
    m = plan_re.match(l)
    if m:
        depth = len(m.group(1)) // 4
        if depth == 0:
            suites_planned = int(m.group(2))
        elif depth == 1 and suite and cases_planned is None:
            cases_planned = int(m.group(2))
        continue
    m = result_re.match(l)
    if m:
        depth = len(m.group(1)) // 4
        status, name = m.group(2), m.group(4).strip()
        directive, dreason = m.group(5), (m.group(6) or '').strip()
        if depth >= 2:
            if status == 'not ok':
                param_fail.append(name)
            continue
        if depth == 1 and suite:
            cases_seen += 1
            full = f'{suite}.{name}'
            if status == 'ok' and directive == 'SKIP':
                emit('SKIP', full, dreason or 'skipped')
            elif status == 'ok' and not case_splat:
                emit('PASS', full)
            else:
                why = []
                fails = [d for d in case_diag
                         if re.search(r'(EXPECTATION|ASSERTION) FAILED|'
                                      r'failed to initialize|internal error|'
                                      r'timed out', d)]
                if fails:
                    # The first failure, up to the next one (message too).
                    k = case_diag.index(fails[0])
                    e = k + 1
                    while e < len(case_diag) and e < k + 7 and \
                            case_diag[e] not in fails:
                        e += 1
                    why.append(' '.join(case_diag[k:e]))
                    if len(fails) > 1:
                        why.append(f'(+{len(fails) - 1} more failures)')
                elif case_diag:
                    why.append(' '.join(case_diag[:3]))
                if param_fail:
                    why.append('failed parameters: ' + ', '.join(param_fail))
                if case_splat:
                    why.insert(0, 'kernel splat: ' + case_splat[0])
                emit('FAIL', full, ' '.join(why) or 'not ok')
            case_diag, case_splat, param_fail = [], [], []
            continue
        if depth == 0:
            suites_seen += 1
            if suite and cases_seen == 0 and status == 'not ok':
                emit('FAIL', f'{suite}', 'suite failed without running '
                     'a test case: ' + ' '.join(case_diag[:3]))
            elif suite and cases_seen == 0 and directive == 'SKIP':
                emit('SKIP', f'{suite}', dreason or 'skipped')
            finish_suite()
            continue
    if suite and l.strip():
        d = l.strip()
        d = re.sub(r'^#\s*', '', d)
        case_diag.append(d)

finish_suite()
if suites_seen == 0:
    emit('FAIL', 'kunit', 'no vmainspect suite ran (filter matched nothing?)')
elif suites_planned is not None and suites_seen < suites_planned:
    emit('FAIL', 'kunit', f'only {suites_seen} of {suites_planned} suites '
         'reported (kernel crashed?)')
for s in boot_splats[:1]:
    emit('FAIL', 'kernel-log', 'kernel splat outside any test: ' + s)
print('\n'.join(out))
PYEOF
}

# --- one kernel version ----------------------------------------------------

run_one() {
	local short=$1 tag=kunit-$1 tarball tree build log rc=0 t0 t1
	log=$VMI_CACHE/kunit/$short.log
	build=$VMI_CACHE/kunit/$short
	mkdir -p "$VMI_CACHE/kunit"
	: >"$log"

	if ! tarball=$(source_tarball "$short"); then
		echo "FAIL [$tag] build: no linux-source-$short tarball (the host's from scripts/deps.sh, 7.3 from scripts/kernels.sh source 7.3)" >>"$results"
		return
	fi
	if ! tree=$(unpack_source "$short" "$tarball"); then
		echo "FAIL [$tag] build: could not unpack $tarball into $VMI_CACHE/src" >>"$results"
		return
	fi
	install_sources "$tree"

	t0=$(date +%s)
	local cmd=(python3 tools/testing/kunit/kunit.py run --arch=um
		--jobs "$jobs" --build_dir "$build" --timeout "$timeout"
		--kunitconfig drivers/misc/vmainspect/.kunitconfig
		--raw_output=all 'vmainspect*')
	vmi_log "$short: ${cmd[*]} (in $tree)"
	{
		echo "# $(date -u +%FT%TZ) $tree: ${cmd[*]}" >>"$log"
		if [[ $verbose != 0 ]]; then
			(cd "$tree" && "${cmd[@]}") 2>&1 | tee -a "$log"
		else
			(cd "$tree" && "${cmd[@]}") >>"$log" 2>&1
		fi
	} || rc=$?
	t1=$(date +%s)
	vmi_log "$short: kunit.py finished in $((t1 - t0)) s, exit $rc"
	echo "# kunit.py exit status $rc after $((t1 - t0)) s" >>"$log"

	if ! grep -q 'Starting KUnit Kernel' "$log"; then
		local tail
		# The compiler's first errors, else make's, else kunit.py's last
		# words (config problems).
		tail=$(grep -E ' error:' "$log" | head -n 4 | tr '\n' ' ')
		[[ -n $tail ]] || tail=$(grep -E 'Error [0-9]+|\*\*\*' "$log" |
			head -n 4 | tr '\n' ' ')
		[[ -n $tail ]] || tail=$(grep -v '^#' "$log" | grep -v '^\s*$' |
			tail -n 6 | tr '\n' ' ')
		echo "FAIL [$tag] build: kernel build failed (full log: $log): $tail" >>"$results"
		return
	fi
	parse_ktap "$tag" "$log" >>"$results"
}

# --unpack-only SHORT...: only unpack the sources (debug-kernel.sh needs them)
if ((unpack_only)); then
	for short in "${shorts[@]}"; do
		tarball=$(source_tarball "$short") || vmi_die "no linux-source-$short"
		unpack_source "$short" "$tarball" >/dev/null || vmi_die "cannot unpack $tarball"
	done
	exit 0
fi

need_tools
for short in "${shorts[@]}"; do
	run_one "$short"
done

cat "$results"
passed=$(grep -c '^PASS ' "$results" || true)
failed=$(grep -c '^FAIL ' "$results" || true)
echo "$passed passed, $failed failed"
((failed == 0))
