# shellcheck shell=bash
# Helpers shared by the ci/ scripts.  Sourced after config.sh.

# die MESSAGE...: say what failed and stop.
die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# note MESSAGE...: a progress line on stderr.
note() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# as_root: run a command as root (the scripts install packages).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo "$@"
	fi
}

# kmake TREE BUILD ARGS...: make in an out-of-tree kernel build, through ccache.
kmake() {
	local tree=$1 build=$2
	shift 2
	make -C "$tree" O="$build" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE" \
		CC="ccache ${CROSS_COMPILE}gcc" -j"$JOBS" "$@"
}

# series_patches: the patch files in series order, one path a line.
series_patches() {
	[ -f "$TOP/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]].*//' -e '/^$/d' "$TOP/series" |
		while read -r p; do echo "$TOP/patches/$p"; done
}

# stage_line STATUS NAME SECONDS LOG: the one line a person reads per stage.
stage_line() {
	printf '%-4s %-11s %dm%02ds  (%s)\n' "$1" "$2" $(($3 / 60)) $(($3 % 60)) "$4"
}

# qemu_dtb MACHINE, qemu_cpu MACHINE: the device tree a QEMU vexpress
# machine boots with, and its CPU; both fail for a machine the project
# does not boot.
qemu_dtb() {
	case $1 in
	vexpress-a9) echo vexpress-v2p-ca9.dtb ;;
	vexpress-a15) echo vexpress-v2p-ca15-tc1.dtb ;;
	*) return 1 ;;
	esac
}
qemu_cpu() {
	case $1 in
	vexpress-a9) echo cortex-a9 ;;
	vexpress-a15) echo cortex-a15 ;;
	*) return 1 ;;
	esac
}
