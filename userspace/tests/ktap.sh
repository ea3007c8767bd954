# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# ktap.sh: the one reader of the test programs' KTAP output (version 1,
# the kernel's Documentation/dev-tools/ktap.rst), sourced by in-vm.sh in
# the guest (busybox ash) and by scripts/vm-tests.sh and
# scripts/debug-kernel.sh on the host (bash, also under set -eu).
#
#   ktap_read PREFIX MODE <stream
#
# reads a KTAP stream, nested to any depth by 4-space indentation
# ("KTAP version 1" and/or "# Subtest: NAME" open a subtest, its result
# line one level out closes it), and counts the results in the current
# shell (so: a redirect, not a pipe):
#
#   KTAP_PASS KTAP_FAIL KTAP_SKIP  the checks: results without subtests,
#                 and a failed subtest none of whose own results failed
#                 (the counting of kunit_parser.py)
#   KTAP_ERRORS   results whose number is not the one expected (kunit.py
#                 reports those as errors)
#   KTAP_N        top-level results; KTAP_TOTALS: the top-level
#                 "# Totals: ..." line ("" if none: the stream did not end)
#   KTAP_STARTED  1 once a top-level "KTAP version" line was seen
#
# MODE flat: prints one line per check, the subtests' names in front:
#   PASS <PREFIX><suite>: <description>
#   FAIL <PREFIX><suite>: <description>: <reason>
#   SKIP <PREFIX><suite>: <description>: <reason>
# and, with KTAP_DIAG=1, diagnostics and other lines as
# "     <PREFIX><suite>: <text>".  Top-level lines before the "KTAP
# version" line and lines that are not KTAP (kernel console noise on the
# serial line) are never counted.
#
# ktap_clean TEXT is for the writers (in-vm.sh): TEXT as a description.
#
# MODE nest: the stream (a program's output) is printed again, indented
# 4 spaces, as the body of a subtest (in-vm.sh prints its header and
# result): its top-level "KTAP version" line is dropped and every line
# that is not KTAP becomes a "# " diagnostic.  Results count from the
# first line.

# ktap_clean TEXT: TEXT fit for a description or a reason, in ktap_s:
# no newline (a space instead), no '#' ("nr" instead)
ktap_clean() {
	ktap_s=$1
	case $ktap_s in
	*'#'* | *'
'*) ktap_s=$(printf '%s' "$ktap_s" | tr '\n' ' ' | sed 's/#/nr/g') ;;
	esac
}

# ktap_get NAME DEPTH: $NAME_DEPTH (0 or "" if unset) into ktap_v
ktap_get() {
	eval "ktap_v=\${ktap_$1_$2:-}"
}

ktap_set() {
	eval "ktap_$1_$2=\$3"
}

# ktap_path DEPTH: "name1: name2: " of the subtests open down to DEPTH
ktap_path() {
	ktap_p=
	ktap_i=1
	while [ "$ktap_i" -le "$1" ]; do
		ktap_get name "$ktap_i"
		[ -n "$ktap_v" ] && ktap_p="$ktap_p$ktap_v: "
		ktap_i=$((ktap_i + 1))
	done
}

# ktap_open DEPTH: a subtest starts at DEPTH; no name yet
ktap_open() {
	ktap_set name "$1" ""
	ktap_set kids "$1" 0
	ktap_set kfail "$1" 0
	ktap_set num "$1" 0
}

# ktap_count_fail DEPTH: a failed check in the subtests open down to DEPTH
ktap_count_fail() {
	KTAP_FAIL=$((KTAP_FAIL + 1))
	ktap_i=1
	while [ "$ktap_i" -le "$1" ]; do
		ktap_get kfail "$ktap_i"
		ktap_set kfail "$ktap_i" $((${ktap_v:-0} + 1))
		ktap_i=$((ktap_i + 1))
	done
}

# ktap_show WORD DEPTH TEXT: a flat line
ktap_show() {
	[ "$ktap_mode" = flat ] || return 0
	ktap_path "$2"
	echo "$1 $ktap_prefix$ktap_p$3"
}

# ktap_diag DEPTH TEXT: a diagnostic (flat, KTAP_DIAG=1) or a line (nest)
ktap_diag() {
	if [ "$ktap_mode" = nest ]; then
		echo "    $2"
	elif [ "${KTAP_DIAG:-0}" = 1 ]; then
		ktap_path "$1"
		echo "     $ktap_prefix$ktap_p$2"
	fi
	return 0
}

# ktap_result DEPTH LINE: "ok N desc[ # directive]" or "not ok ...";
# 1 if LINE is not one
ktap_result() {
	case $2 in
	"ok "[0-9]*) ktap_ok=1; ktap_r=${2#ok } ;;
	"not ok "[0-9]*) ktap_ok=0; ktap_r=${2#not ok } ;;
	*) return 1 ;;
	esac
	ktap_n=${ktap_r%% *}
	case $ktap_n in
	*[!0-9]*) return 1 ;;
	esac
	ktap_d=${ktap_r#"$ktap_n"}
	ktap_d=${ktap_d# }
	ktap_d=${ktap_d#- }
	ktap_why=
	case $ktap_d in
	*" # "*) ktap_why=${ktap_d#* # }; ktap_d=${ktap_d%% # *} ;;
	esac
	# its number: the one after the last at this depth
	ktap_get num "$1"
	if [ "$ktap_n" -ne $((${ktap_v:-0} + 1)) ]; then
		KTAP_ERRORS=$((KTAP_ERRORS + 1))
		ktap_diag "$1" "# ktap.sh: expected result number $((${ktap_v:-0} + 1)), got $ktap_n"
	fi
	ktap_set num "$1" "$ktap_n"
	[ "$1" -eq 0 ] && KTAP_N=$((KTAP_N + 1))
	[ "$ktap_mode" = nest ] && echo "    $ktap_l"
	ktap_c=$(($1 + 1))
	ktap_get kids "$ktap_c"
	if [ "${ktap_v:-0}" -gt 0 ]; then
		# the result of the subtest at depth + 1: counts only if it
		# failed while none of its checks did
		ktap_get kfail "$ktap_c"
		if [ "$ktap_ok" = 0 ] && [ "${ktap_v:-0}" -eq 0 ]; then
			ktap_count_fail "$1"
			ktap_show FAIL "$1" "$ktap_d${ktap_why:+: $ktap_why}"
		fi
		ktap_open "$ktap_c"
	else
		case $ktap_why in
		SKIP*)
			KTAP_SKIP=$((KTAP_SKIP + 1))
			ktap_why=${ktap_why#SKIP}
			ktap_why=${ktap_why# }
			ktap_show SKIP "$1" "$ktap_d${ktap_why:+: $ktap_why}"
			;;
		*)
			if [ "$ktap_ok" = 1 ]; then
				KTAP_PASS=$((KTAP_PASS + 1))
				ktap_show PASS "$1" "$ktap_d"
			else
				ktap_count_fail "$1"
				ktap_show FAIL "$1" "$ktap_d${ktap_why:+: $ktap_why}"
			fi
			;;
		esac
	fi
	if [ "$1" -gt 0 ]; then
		ktap_get kids "$1"
		ktap_set kids "$1" $((${ktap_v:-0} + 1))
	fi
	return 0
}

# shellcheck disable=SC2034 # KTAP_*: for the caller
ktap_read() {
	ktap_prefix=$1
	ktap_mode=$2
	KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0 KTAP_ERRORS=0 KTAP_N=0
	KTAP_TOTALS='' KTAP_STARTED=0
	ktap_cr=$(printf '\r')
	ktap_open 0
	ktap_open 1
	ktap_started=0
	[ "$ktap_mode" = nest ] && ktap_started=1
	while IFS= read -r ktap_l || [ -n "$ktap_l" ]; do
		ktap_l=${ktap_l%"$ktap_cr"}
		ktap_dep=0
		ktap_c=$ktap_l
		while :; do
			case $ktap_c in
			"    "*) ktap_c=${ktap_c#    }; ktap_dep=$((ktap_dep + 1)) ;;
			*) break ;;
			esac
		done
		# trailing blanks are not part of a line (kunit_parser: rstrip)
		while :; do
			case $ktap_c in
			*" ") ktap_c=${ktap_c% } ;;
			*) break ;;
			esac
		done
		case $ktap_c in
		"KTAP version "[0-9]*)
			if [ "$ktap_dep" -eq 0 ]; then
				[ "$KTAP_STARTED" = 1 ] && ktap_diag 0 "# ktap.sh: a second top-level KTAP version line"
				KTAP_STARTED=1
				ktap_started=1
			else
				ktap_open "$ktap_dep"
				ktap_open $((ktap_dep + 1))
				[ "$ktap_mode" = nest ] && echo "    $ktap_l"
			fi
			continue
			;;
		esac
		if [ "$ktap_started" = 0 ]; then
			ktap_diag 0 "$ktap_l"
			continue
		fi
		case $ktap_c in
		"# Subtest: "*)
			if [ "$ktap_dep" -gt 0 ]; then
				ktap_get kids "$ktap_dep"
				# after its own KTAP version line, or a subtest of its own
				[ "${ktap_v:-0}" -gt 0 ] && ktap_open "$ktap_dep"
				ktap_set name "$ktap_dep" "${ktap_c#\# Subtest: }"
				ktap_open $((ktap_dep + 1))
			fi
			[ "$ktap_mode" = nest ] && echo "    $ktap_l"
			;;
		"# Totals:"*)
			[ "$ktap_dep" -eq 0 ] && KTAP_TOTALS=$ktap_c
			ktap_diag "$ktap_dep" "$ktap_l"
			;;
		"#"*)
			ktap_t=${ktap_c#\#}
			if [ "$ktap_mode" = nest ]; then echo "    $ktap_l"
			else ktap_diag "$ktap_dep" "${ktap_t# }"; fi
			;;
		"1.."[0-9]*)
			[ "$ktap_mode" = nest ] && echo "    $ktap_l"
			;;
		*)
			if ! ktap_result "$ktap_dep" "$ktap_c"; then
				# not KTAP: noise, or a program's own line
				if [ "$ktap_mode" = flat ]; then ktap_diag "$ktap_dep" "$ktap_l"
				elif [ -n "$ktap_c" ]; then echo "    # $ktap_l"; fi
			fi
			;;
		esac
	done
	return 0
}
