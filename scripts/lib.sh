# shellcheck shell=bash
# Shared helpers for the vmainspect scripts. Source it, do not run it:
#   . "$(dirname "$0")/lib.sh"
# Every helper writes only to stderr, so callers' stdout stays clean
# (kernels.sh env and vm-run.sh rely on that).

VMI_CACHE=${VMI_CACHE:-/var/cache/vmainspect}
# absolute: the build root binds it at the same path, VMs copy from it
if [[ $VMI_CACHE != /* ]]; then
	printf '%s: VMI_CACHE must be an absolute path (it is "%s")\n' "$(basename "$0")" "$VMI_CACHE" >&2
	exit 2
fi
export VMI_CACHE
VMI_PROG=${VMI_PROG:-$(basename "$0")}
# Repository root: the parent of the directory holding this file.
# shellcheck disable=SC2034 # used by the scripts that source this file
VMI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive

# Progress messages: shown only when VMI_VERBOSE is set to something but 0.
vmi_log() {
	if [[ ${VMI_VERBOSE:-0} != 0 ]]; then
		printf '%s: %s\n' "$VMI_PROG" "$*" >&2
	fi
}
vmi_warn() { printf '%s: warning: %s\n' "$VMI_PROG" "$*" >&2; }
vmi_die() {
	printf '%s: error: %s\n' "$VMI_PROG" "$*" >&2
	exit 1
}

# vmi_mirror_uri main|security: the first URI of the matching stanza of
# /etc/apt/sources.list.d/debian.sources (deb822), falling back to the
# one-line /etc/apt/sources.list. Never hard-code a mirror host.
vmi_mirror_uri() {
	local want=$1 f=/etc/apt/sources.list.d/debian.sources uri
	if [[ -r $f ]]; then
		uri=$(awk -v want="$want" '
			function flush() {
				if (uris != "" && type ~ /(^| )deb( |$)/) {
					sec = (uris ~ /debian-security/ || suites ~ /-security/)
					if ((want == "security") == sec && found == "") {
						split(uris, u, " "); found = u[1]
					}
				}
				uris = ""; suites = ""; type = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^[ \t]*#/ { next }
			tolower($1) == "uris:"   { $1 = ""; uris = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			tolower($1) == "types:"  { $1 = ""; type = $0 }
			END { flush(); print found }' "$f")
	fi
	if [[ -z ${uri:-} && -r /etc/apt/sources.list ]]; then
		uri=$(awk -v want="$want" '
			$1 == "deb" {
				i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
				sec = ($i ~ /debian-security/ || $(i+1) ~ /-security/)
				if ((want == "security") == sec) { print $i; exit }
			}' /etc/apt/sources.list)
	fi
	[[ -n ${uri:-} ]] || vmi_die "no '$want' Debian mirror URI in the apt sources"
	printf '%s\n' "${uri%/}"
}

# apt's quiet flag: progress lines only when verbose.
vmi_aptq() {
	if [[ ${VMI_VERBOSE:-0} != 0 ]]; then echo -q; else echo -qq; fi
}

vmi_need_root() {
	[[ $(id -u) == 0 ]] || vmi_die "must run as root to $*"
}

VMI_APT_UPDATED=${VMI_APT_UPDATED:-0}
# apt-get update at most once per process tree.
vmi_apt_update() {
	[[ $VMI_APT_UPDATED == 1 ]] && return 0
	vmi_need_root "run apt-get update"
	vmi_log "apt-get update"
	apt-get "$(vmi_aptq)" -o DPkg::Lock::Timeout=300 update >&2
	VMI_APT_UPDATED=1
	export VMI_APT_UPDATED
}

vmi_pkg_installed() {
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

# Print the PKGs that are not installed, one per line (one dpkg-query call).
vmi_pkgs_missing() {
	dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null |
		awk 'BEGIN { for (i = 1; i < ARGC; i++) want[ARGV[i]] = 1; ARGC = 1 }
			$2 ~ /^ii/ { delete want[$1] }
			END { for (p in want) print p }' "$@"
}

# True if apt has an installation candidate for PKG (no update).
vmi_pkg_known() {
	local cand
	cand=$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')
	[[ -n $cand && $cand != "(none)" ]]
}

# vmi_apt_install PKG...: install the ones not installed yet. Runs
# apt-get update only when something is missing and apt does not know it,
# or when the install fails on stale lists (then it retries once).
vmi_apt_install() {
	local p missing=()
	mapfile -t missing < <(vmi_pkgs_missing "$@")
	((${#missing[@]})) || return 0
	vmi_need_root "apt-get install ${missing[*]}"
	for p in "${missing[@]}"; do
		vmi_pkg_known "$p" || { vmi_apt_update; break; }
	done
	local apt_cmd=(apt-get install -y "$(vmi_aptq)" --no-install-recommends -o DPkg::Lock::Timeout=300)
	vmi_log "apt-get install ${missing[*]}"
	if ! "${apt_cmd[@]}" "${missing[@]}" >&2; then
		[[ $VMI_APT_UPDATED == 1 ]] && vmi_die "apt-get install ${missing[*]} failed"
		vmi_apt_update
		"${apt_cmd[@]}" "${missing[@]}" >&2 || vmi_die "apt-get install ${missing[*]} failed"
	fi
}

# vmi_need_cmd CMD PKG: install PKG if CMD is not on PATH.
vmi_need_cmd() {
	command -v "$1" >/dev/null 2>&1 || vmi_apt_install "$2"
}

# vmi_kmake ROOT ARGS...: make on the host (ROOT "host") or inside the
# scripts/buildroot.sh build root ROOT (kernels.list's ROOT column), where
# the cache and the repository have the same paths.
vmi_kmake() {
	local root=$1
	shift
	if [[ $root == host ]]; then
		make "$@"
	else
		"$VMI_ROOT/scripts/buildroot.sh" run "$root" make "$@"
	fi
}
