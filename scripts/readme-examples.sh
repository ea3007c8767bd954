#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# readme-examples.sh: regenerate the example outputs in README.md from a
# real run of the tool, so that they show what the tool prints today.
#
#   scripts/readme-examples.sh [--kernel SHORT] [--check] [README]
#
# Each generated example in README (default: the repo's README.md) is a
# fenced block preceded by a marker line
#
#   <!-- readme-example: COMMAND -->
#
# COMMAND is a shell command run inside one VM of scripts/vm-run.sh
# (--kernel, default 6.12, with the module and the tool), as root, with
# these variables set:
#
#   SLEEP   the pid of a busybox `sleep 3600` started for the examples
#   SH      the pid of the shell running the examples (it maps
#           /bin/busybox too)
#   TEXT    the start of SLEEP's first VMA (0x...: busybox's first page)
#   MOD     the base address of the vmainspect module (from /proc/modules)
#
# The block becomes "$ COMMAND" (the variables replaced by their values)
# and the command's output (stdout and stderr).  Nothing else in README
# changes; run it after changing what the tool prints, and review the diff.
#
# --check reads README only (no VM): every marker is followed by a fenced
# block and names a command of the tool (`vmainspect CMD ...`, checked
# against `vmainspect --help`).  Exit status 1 if it is not so.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kernel=6.12 check=0
readme=$VMI_ROOT/README.md
while (($#)); do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--check) check=1; shift ;;
	-h | --help) sed -n '3,/^set -e/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
	-*) echo "readme-examples.sh: unknown option $1" >&2; exit 2 ;;
	*) readme=$1; shift ;;
	esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The markers: one COMMAND per line, in README order.
sed -n 's/^<!-- readme-example: \(.*\) -->$/\1/p' "$readme" >"$tmp/cmds"
if [[ ! -s $tmp/cmds ]]; then
	echo "readme-examples.sh: no '<!-- readme-example: ... -->' marker in $readme" >&2
	exit 1
fi

if ((check)); then
	tool=$VMI_ROOT/userspace/vmainspect
	commands=$("$tool" --help | awk '/^Commands:/ { on = 1; next }
		on && /^$/ { exit }
		on && /^  [a-z]/ { print $1 }')
	bad=0
	# A marker line followed by anything but a fence is an error.
	if awk '/^<!-- readme-example: / { want = NR + 1; next }
		want && NR == want && !/^```/ { print "line " NR ": no fenced block after the marker"; bad = 1 }
		END { exit bad }' "$readme"; then :; else bad=1; fi
	while IFS= read -r cmd; do
		# the tool's first non-option word after "vmainspect"
		sub=$(sed -n 's/^vmainspect\( -[^ ]*\)* \([a-z]*\).*/\2/p' <<<"$cmd")
		if [[ -z $sub ]] || ! grep -qxF -e "$sub" <<<"$commands"; then
			echo "marker '$cmd': not a command of the tool ($(tr '\n' ' ' <<<"$commands"))"
			bad=1
		fi
	done <"$tmp/cmds"
	exit "$bad"
fi

# The guest's script: the variables, then each command after a separator.
{
	cat <<'EOF'
sleep 3600 &
SLEEP=$!
SH=$$
sleep 1
TEXT=0x$(head -n 1 /proc/$SLEEP/maps | cut -d- -f1)
MOD=$(awk '$1 == "vmainspect" { print $6 }' /proc/modules)
echo "@@vmi-var SLEEP=$SLEEP"
echo "@@vmi-var SH=$SH"
echo "@@vmi-var TEXT=$TEXT"
echo "@@vmi-var MOD=$MOD"
EOF
	n=0
	while IFS= read -r cmd; do
		echo "echo '@@vmi-example $n'"
		printf '%s 2>&1\n' "$cmd"
		n=$((n + 1))
	done <"$tmp/cmds"
	echo "echo '@@vmi-end'"
} >"$tmp/readme-examples"

"$VMI_ROOT/scripts/vm-run.sh" --kernel "$kernel" --add "$tmp/readme-examples" -- \
	sh /root/readme-examples >"$tmp/out"
grep -q '^@@vmi-end$' "$tmp/out" || {
	echo "readme-examples.sh: the VM run did not finish:" >&2
	tail -n 20 "$tmp/out" >&2
	exit 1
}

# Replace each marked block with "$ COMMAND" and its output.
/usr/bin/python3 - "$readme" "$tmp/cmds" "$tmp/out" <<'EOF'
import re
import sys

readme, cmds_file, out_file = sys.argv[1:4]
cmds = open(cmds_file).read().splitlines()
env, outs, cur = {}, {}, None
for line in open(out_file, errors="replace").read().splitlines():
    m = re.match(r"@@vmi-var (\w+)=(.*)$", line)
    if m:
        env[m.group(1)] = m.group(2)
        continue
    m = re.match(r"@@vmi-(example (\d+)|end)$", line)
    if m:
        cur = int(m.group(2)) if m.group(2) else None
        if cur is not None:
            outs[cur] = []
        continue
    if cur is not None:
        outs[cur].append(line)

def shown(cmd):
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), m.group(0)), cmd)

lines = open(readme).read().split("\n")
res, i, n = [], 0, 0
while i < len(lines):
    line = lines[i]
    res.append(line)
    i += 1
    if not line.startswith("<!-- readme-example: "):
        continue
    # the fenced block that follows: replaced whole
    assert lines[i].startswith("```"), "no fence after " + line
    end = i + 1
    while not lines[end].startswith("```"):
        end += 1
    res.append("```")
    res.append("$ " + shown(cmds[n]))
    res.extend(l.rstrip() for l in outs.get(n, ["(no output)"]))
    res.append("```")
    i = end + 1
    n += 1
open(readme, "w").write("\n".join(res))
print("readme-examples.sh: %d examples regenerated in %s" % (n, readme))
EOF
