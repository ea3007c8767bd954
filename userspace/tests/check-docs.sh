#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-docs.sh: check the man page and the bash completion of vmainspect
# against the tool's own "--help".  Runs on the host (no module, no root).
#
#   userspace/tests/check-docs.sh [TOOL [MANPAGE [COMPLETION [README]]]]
#
# TOOL defaults to ../vmainspect next to this directory, MANPAGE to
# ../vmainspect.1, COMPLETION to ../vmainspect.bash-completion, README
# to the repo's README.md.  The
# commands and the options are read from "TOOL --help" (the "Commands:"
# and "Options" sections), never listed here, so a command or option added
# to the tool fails this test until both files know it.
#
# Checks:
#   - the man page has the usual sections, an entry (.TP tag) for every
#     command under COMMANDS and for every option under OPTIONS, and no
#     source line longer than 80 characters;
#   - it renders without a warning from man(1) and groff(1) (skipped, with
#     an INFO line, when they are not installed);
#   - the completion script passes bash -n; sourced in "bash --norc" it
#     registers a function for vmainspect, which offers every command for
#     "vmainspect <TAB>" and "vmainspect help <TAB>", every long option
#     for "vmainspect maps --<TAB>", and "self" and running pids for
#     "vmainspect maps <TAB>" (and after a PID), "--pid <TAB>" and
#     "--pid 1,<TAB>", the running commands for "--comm <TAB>", and the
#     commands after "--pid 1";
#   - README: the command summary under "## The tool" lists exactly the
#     tool's commands, and scripts/readme-examples.sh --check accepts its
#     generated examples (a fenced block after each marker, a command of
#     the tool in each);
#   - "--help" and "help CMD" of every command: no line over 80 columns;
#   - JSON without the module (README, "JSON"): a usage error under
#     --json or -p is an error object {error, errno: null} on stdout with
#     exit status 2, one line with --json and indented with -p (which
#     implies --json), even when the bad option comes before --json;
#     "--json --version" and "-p --version" are the same value, on one
#     line and on several.  Parsed by python3's json (strict UTF-8).
#
# Every check prints "PASS name" or "FAIL name: reason"; the last line is
# "N passed, N failed"; exit status 1 on any failure.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tool=${1:-$here/../vmainspect}
manpage=${2:-$here/../vmainspect.1}
completion=${3:-$here/../vmainspect.bash-completion}
readme=${4:-$here/../../README.md}

passes=0
fails=0
ok() { echo "PASS $*"; passes=$((passes + 1)); }
ko() { echo "FAIL $*"; fails=$((fails + 1)); }
info() { echo "INFO $*"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# text FILE: the start of FILE on one line, for a FAIL reason.
text() {
	tr -s '\n' ' ' <"$1" | head -c 300
	return 0
}

finish() {
	echo "$passes passed, $fails failed"
	[[ $fails -eq 0 ]] || exit 1
	exit 0
}

# missing WANTED HAVE: the words of WANTED (one per line) not among the
# lines of HAVE, on one line.
missing() {
	local w out=()

	while IFS= read -r w; do
		[[ -n $w ]] || continue
		grep -qxF -e "$w" <<<"$2" || out+=("$w")
	done <<<"$1"
	echo "${out[*]}"
}

# --- what --help lists -------------------------------------------------

name=help
rc=0
"$tool" --help >"$tmp/help" 2>"$tmp/help.err" || rc=$?
if [[ $rc -ne 0 ]]; then
	ko "$name: '$tool --help' exited with $rc: $(text "$tmp/help.err")"
	finish
fi

# "Commands:" section: a command's line starts with two blanks and its
# name; its continuation lines are indented further.
commands=$(awk '/^Commands:/ { on = 1; next }
	on && /^$/ { exit }
	on && /^  [a-z]/ { print $1 }' "$tmp/help")
# "Options" section: "  -j, --json   text" or "      --all   text".
options=$(awk '/^Options/ { on = 1; next }
	on && /^$/ { exit }
	on {
		sub(/^ +/, "")
		if ($1 ~ /^-[A-Za-z],$/) {
			short = $1; sub(/,$/, "", short); print short
			$1 = ""; sub(/^ +/, "")
		}
		if ($1 ~ /^--[a-z]/) print $1
	}' "$tmp/help")
long_options=$(grep -e '^--' <<<"$options" || true)

if [[ -z $commands || -z $long_options ]]; then
	ko "$name: no commands or no long options found in '$tool --help'"
	finish
fi
ok "$name: --help lists $(wc -l <<<"$commands") commands" \
	"($(tr '\n' ' ' <<<"$commands" | sed 's/ $//')) and" \
	"$(wc -l <<<"$options") options ($(tr '\n' ' ' <<<"$options" |
		sed 's/ $//'))"

# --- the man page: contents --------------------------------------------

if [[ ! -r $manpage ]]; then
	ko "man: cannot read $manpage"
	finish
fi

# The source without font escapes and with "\-" as "-": what a reader
# sees of the words we look for.  Then, for every .TP/.TQ entry, its
# section and its tag line ("COMMANDS<TAB>layout [--full] PID").
sed -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\f\[[^]]*\]//g' \
	-e 's/\\-/-/g' -e 's/\\[&%]//g' -e 's/\\(aq/'"'"'/g' \
	"$manpage" >"$tmp/man.txt"
awk '/^\.SH/ { sec = $0; sub(/^\.SH +/, "", sec); gsub(/"/, "", sec); next }
	/^\.(TP|TQ)/ { tag = 1; next }
	tag {
		tag = 0; line = $0
		sub(/^\.[A-Za-z]+ +/, "", line); gsub(/"/, "", line)
		print sec "\t" line
	}' "$tmp/man.txt" >"$tmp/man.tags"
sections=$(sed -n 's/^\.SH *//p' "$tmp/man.txt" | tr -d '"')

name="man: sections"
want='NAME
SYNOPSIS
DESCRIPTION
COMMANDS
OPTIONS
ACCESS
FILES
EXIT STATUS
EXAMPLES
SEE ALSO'
miss=$(missing "$want" "$sections")
if [[ -z $miss ]]; then
	ok "$name: $(tr '\n' ',' <<<"$want" | sed 's/,$//; s/,/, /g')"
else
	ko "$name: no section $miss"
fi

name="man: commands"
have=$(awk -F '\t' '$1 == "COMMANDS" { split($2, w, " "); print w[1] }' \
	"$tmp/man.tags")
miss=$(missing "$commands" "$have")
if [[ -z $miss ]]; then
	ok "$name: COMMANDS has an entry for each of the $(wc -l <<<"$commands") commands of --help"
else
	ko "$name: no entry under COMMANDS for: $miss"
fi

name="man: options"
have=$(awk -F '\t' '$1 == "OPTIONS" {
		n = split($2, w, /[ ,]+/); for (i = 1; i <= n; i++) print w[i]
	}' "$tmp/man.tags")
miss=$(missing "$options" "$have")
if [[ -z $miss ]]; then
	ok "$name: OPTIONS has an entry for each of the $(wc -l <<<"$options") options of --help"
else
	ko "$name: no entry under OPTIONS for: $miss"
fi

name="man: source line length"
long=$(awk 'length > 80 { printf "%s%d", sep, FNR; sep = "," }' "$manpage")
if [[ -z $long ]]; then
	ok "$name: no line over 80 characters"
else
	ko "$name: lines over 80 characters: $long"
fi

# --- the man page: rendering -------------------------------------------

name="man: man --warnings"
if ! command -v man >/dev/null 2>&1; then
	info "$name: skipped, man is not installed"
elif ! LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
	man --warnings -E UTF-8 -l -Tutf8 -Z "$manpage" \
	>/dev/null 2>"$tmp/man.err"; then
	ko "$name: exit status non-zero: $(text "$tmp/man.err")"
elif [[ -s $tmp/man.err ]]; then
	ko "$name: $(text "$tmp/man.err")"
else
	ok "$name: renders without a warning"
fi

name="man: groff -ww"
if ! command -v groff >/dev/null 2>&1; then
	info "$name: skipped, groff is not installed"
elif ! groff -man -ww -z "$manpage" 2>"$tmp/groff.err"; then
	ko "$name: exit status non-zero: $(text "$tmp/groff.err")"
elif [[ -s $tmp/groff.err ]]; then
	ko "$name: $(text "$tmp/groff.err")"
else
	ok "$name: formats without a warning"
fi

# --- the completion ----------------------------------------------------

if [[ ! -r $completion ]]; then
	ko "completion: cannot read $completion"
	finish
fi

name="completion: syntax"
if bash -n "$completion" 2>"$tmp/bashn.err"; then
	ok "$name: bash -n"
else
	ko "$name: bash -n: $(text "$tmp/bashn.err")"
fi

# complete WORD...: what the completion offers when the last WORD is the
# one being completed, one per line, as a fresh "bash --norc" that sourced
# the script sees it.  Its standard error goes to $tmp/complete.err.
complete_words() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash --norc --noprofile -c '
		source "$1" || exit 1
		shift
		spec=$(complete -p vmainspect) || exit 1
		[[ $spec == *" -F "* ]] || exit 1
		fn=${spec#* -F }
		fn=${fn%% *}
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' check-docs "$completion" "$@" 2>"$tmp/complete.err"
}

# offers NAME WANTED WORD...: check that completing WORD... offers every
# line of WANTED.
offers() {
	local name=$1 want=$2 got miss
	shift 2

	if ! got=$(complete_words "$@"); then
		ko "$name: sourcing it or calling the function of" \
			"'complete -p vmainspect' failed:" \
			"$(text "$tmp/complete.err")"
		return
	fi
	if [[ -s $tmp/complete.err ]]; then
		ko "$name: errors: $(text "$tmp/complete.err")"
		return
	fi
	miss=$(missing "$want" "$got")
	if [[ -z $miss ]]; then
		ok "$name: '$*<TAB>' offers $(tr '\n' ' ' <<<"$want" |
			sed 's/ $//')"
	else
		ko "$name: '$*<TAB>' does not offer: $miss"
	fi
}

name="completion: registered"
if spec=$(bash --norc --noprofile -c 'source "$1" && complete -p vmainspect' \
	check-docs "$completion" 2>"$tmp/complete.err") &&
	[[ $spec == *" -F "* ]]; then
	ok "$name: $spec"
else
	ko "$name: no 'complete -F FUNCTION vmainspect' after sourcing it:" \
		"$(text "$tmp/complete.err")"
fi

offers "completion: commands" "$commands" vmainspect ''
offers "completion: help COMMAND" "$commands" vmainspect help ''
offers "completion: long options" "$long_options" vmainspect maps --
offers "completion: PID" "self" vmainspect maps ''
# This script is a running process: its pid is in /proc.
offers "completion: running pids" "$$" vmainspect maps ''
offers "completion: several PIDs" "$$" vmainspect maps 1 ''
offers "completion: --pid PID" "$$" vmainspect maps --pid ''
offers "completion: --pid LIST,PID" "1,$$" vmainspect maps --pid 1,
# /proc/$$/comm is this script's name, as --comm matches it.
offers "completion: --comm NAME" "$(cat /proc/$$/comm)" vmainspect maps --comm ''
offers "completion: after --pid ARG, the command" "$commands" vmainspect --pid 1 ''

# --- help text width ----------------------------------------------------
# "--help" and "help CMD" for every command fit in 80 columns (README,
# "Text width"), whatever the terminal: the tool's output here is a pipe.

name="help: width"
wide=""
for c in "" $commands help; do
	if [[ -z $c ]]; then
		"$tool" --help >"$tmp/hw" 2>&1 || true
	else
		"$tool" help "$c" >"$tmp/hw" 2>&1 || true
	fi
	n=$(awk 'length > 80 { n++ } END { print n + 0 }' "$tmp/hw")
	if [[ $n -gt 0 ]]; then
		wide+=" ${c:---help}: $n line(s), e.g. '$(awk 'length > 80 { print; exit }' "$tmp/hw" | head -c 120)'"
	fi
done
if [[ -z $wide ]]; then
	ok "$name: --help and help CMD for $(wc -l <<<"$commands") commands fit in 80 columns"
else
	ko "$name: lines over 80 columns:$wide"
fi

# --- JSON errors and layout, without the module ------------------------

# jcheck NAME WANT_RC LINES ARGS...: run TOOL ARGS; exit WANT_RC, stdout of
# LINES lines ("1", or "many"), one JSON value, kept in $tmp/NAME.json
# (python3's repr of it, for comparisons).
jcheck() {
	local name=$1 want=$2 lines=$3 rc=0 n
	shift 3
	"$tool" "$@" >"$tmp/j.out" 2>/dev/null || rc=$?
	n=$(wc -l <"$tmp/j.out")
	if [[ $rc -ne $want ]]; then
		ko "json: $name: exit $rc, expected $want: $(text "$tmp/j.out")"
	elif [[ $lines == 1 && $n -ne 1 ]] || [[ $lines == many && $n -lt 2 ]]; then
		ko "json: $name: $n lines, expected $lines: $(text "$tmp/j.out")"
	elif ! python3 -c 'import json, sys
v = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
if "error" in v and (set(v) != {"error", "errno"} or not isinstance(v["error"], str)
                     or v["errno"] is not None):
    sys.exit("not {error, errno: null}: %r" % v)
print(repr(v))' "$tmp/j.out" >"$tmp/$name.json" 2>"$tmp/j.err"; then
		ko "json: $name: $(text "$tmp/j.err") in: $(text "$tmp/j.out")"
	else
		ok "json: $name: exit $want, $lines line(s): $(text "$tmp/j.out" | head -c 100)"
	fi
}
jcheck usage-missing-pid 2 1 --json maps
jcheck usage-unknown-command 2 1 --json frobnicate
jcheck usage-unknown-command-pretty 2 many -p frobnicate
jcheck usage-option-before-json 2 1 --bogus --json maps 1
jcheck usage-no-command 2 1 -j
jcheck version 0 1 --json --version
jcheck version-pretty 0 many --pretty --version
for pair in usage-unknown-command version; do
	if [[ -s $tmp/$pair.json ]] && cmp -s "$tmp/$pair.json" "$tmp/$pair-pretty.json"; then
		ok "json: $pair: --pretty is the same value as --json"
	else
		ko "json: $pair: --pretty differs from --json:" \
			"$(cat "$tmp/$pair.json" 2>/dev/null) vs" \
			"$(cat "$tmp/$pair-pretty.json" 2>/dev/null)"
	fi
done

# --- README ------------------------------------------------------------

# The first fenced block under "## The tool": "vmainspect [OPTIONS] CMD
# ..." lines, also "CMD ... | CMD ..." alternatives on one line.
name="readme: command summary"
readme_cmds=$(awk '/^## The tool/ { on = 1; next }
	on && /^## / { exit }
	on && /^```/ { if (inblk) exit; inblk = 1; next }
	inblk && /^vmainspect / {
		for (i = 2; i <= NF; i++) {
			w = $i
			if (w ~ /^[a-z][a-z-]*$/ && (i == 2 || $(i - 1) !~ /^--?[a-z]/ ||
			    $(i - 1) ~ /\]$/)) { print w; break }
		}
	}' "$readme" | grep -vx 'help' | sort -u)
tool_cmds=$(grep -vx 'help' <<<"$commands" | sort -u)
if [[ -z $readme_cmds ]]; then
	ko "$name: no 'vmainspect CMD' line in the first block under '## The tool' of $readme"
elif [[ $readme_cmds == "$tool_cmds" ]]; then
	ok "$name: README lists the tool's $(wc -l <<<"$tool_cmds") commands"
else
	ko "$name: README lists '$(tr '\n' ' ' <<<"$readme_cmds")', the tool" \
		"'$(tr '\n' ' ' <<<"$tool_cmds")'"
fi
name="readme: generated examples"
if out=$(VMI_ROOT=$(cd "$here/../.." && pwd) "$here/../../scripts/readme-examples.sh" \
	--check "$readme" 2>&1); then
	ok "$name: $(grep -c '^<!-- readme-example: ' "$readme") markers, each a tool command"
else
	ko "$name: $(tr '\n' ' ' <<<"$out" | head -c 300)"
fi

finish
