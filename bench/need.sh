# shellcheck shell=bash
# Sourced by the bench scripts: need CMD... installs bench/packages from
# Debian's archive when one of the commands is missing.
need() {
	for cmd in "$@"; do
		if ! command -v "$cmd" >/dev/null; then
			apt-get update -qq &&
				xargs -a bench/packages apt-get install -y -qq >/dev/null
			return
		fi
	done
}
