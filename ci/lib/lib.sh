# shellcheck shell=bash
# Helpers shared by the ci/ scripts, and the settings of config.sh: the
# one file a script sources.
# shellcheck source=ci/lib/config.sh
. "$(dirname "${BASH_SOURCE[0]}")/config.sh"

# use_base BASE: switch to kernel base BASE: CMA_BASE set and config.sh
# read again, so that every path is the base's (ci/test's on_base()).
use_base() {
	CMA_BASE=$1
	# shellcheck source=ci/lib/config.sh
	. "$CI_LIB/config.sh"
}

# die MESSAGE...: say what failed and stop.
die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# note MESSAGE...: a progress line on stderr.
note() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# lock_cache: hold $CMA_CACHE for this run (ci/test, ci/bench, ci/demo),
# or stop at once if another run holds it: two runs on one cache overwrite
# each other's trees, builds and logs.  The commands they call inherit the
# lock.  A single stage run by hand does not take it.
lock_cache() {
	[ -z "${CMA_CACHE_LOCKED:-}" ] || return 0
	mkdir -p "$CMA_CACHE"
	exec 9>>"$CMA_CACHE/lock"
	flock -n 9 ||
		die "another run holds $CMA_CACHE ($(cat "$CMA_CACHE/lock.owner" 2>/dev/null || echo "owner unknown")); wait for it to end, or give this run a cache of its own: CMA_CACHE=DIR $0"
	echo "pid $$, ${0##*/}, since $(date -u +%H:%M:%SZ)" >"$CMA_CACHE/lock.owner"
	export CMA_CACHE_LOCKED=1
}

# as_root: run a command as root (the scripts install packages).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo "$@"
	fi
}

# apt_update LOG: 'apt-get update', its output added to LOG, retried: a
# mirror in the middle of a sync fails one index now and then, and that
# alone must not fail the run.  Partial indexes are still usable if what
# the caller needs is in them: the caller finds out.
apt_update() {
	local try rc out=$1.try
	for try in 1 2 3; do
		rc=0
		as_root apt-get update -q >"$out" 2>&1 || rc=$?
		grep -q '^[WE]: Failed to fetch' "$out" && rc=1
		cat "$out" >>"$1" && rm -f "$out"
		[ "$rc" -ne 0 ] || return 0
		note "apt-get update failed (try $try), retrying; see $1"
		sleep $((try * 5))
	done
	note "apt-get update still reports errors; continuing with the indexes it has"
}

# kmake TREE BUILD ARGS...: make in an out-of-tree kernel build, through ccache.
kmake() {
	local tree=$1 build=$2
	shift 2
	make -C "$tree" O="$build" ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE" \
		CC="ccache ${CROSS_COMPILE}gcc" -j"$JOBS" "$@"
}

# series_patches: the base's patch files in series order, one path a
# line; none if it has no series (yet).
series_patches() {
	[ -f "$SERIES_FILE" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]].*//' -e '/^$/d' "$SERIES_FILE" |
		while read -r p; do echo "$PATCH_DIR/$p"; done
}

# require_base_tag DIR: stop unless the git tree DIR has the base's tag
# (a work tree of another base has not).
require_base_tag() {
	git -C "$1" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
		die "$1 has no tag $BASE_TAG: it is not a work tree of base $CMA_BASE; give another DIR, or pick its base with -b"
}

# step NAME COMMAND...: run one step of a command a person typed (ci/demo,
# ci/bench): its output to $LOG_DIR/SCRIPT-NAME.log, one summary line, and
# stop with the log's name if it fails.
step() {
	local start=$SECONDS log=$LOG_DIR/${0##*/}-$1.log
	"${@:2}" >"$log" 2>&1 || die "$1 failed; see $log"
	stage_line PASS "$1" $((SECONDS - start)) "$log"
}

# stage_line STATUS NAME SECONDS LOG: the one line a person reads per stage.
stage_line() {
	printf '%-4s %-11s %dm%02ds  (%s)\n' "$1" "$2" $(($3 / 60)) $(($3 % 60)) "$4"
}

# table FILE: FILE's lines without comments and blank lines.
table() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1"
}

# boots: the boots of board/boots, "LABEL MACHINE [BOOTARGS]" a line.
boots() {
	table "$TOP/board/boots"
}

# machines: the QEMU machines of $MACHINES_FILE, the default first.
machines() {
	table "$MACHINES_FILE" | awk '{ print $1 }'
}

# machine_field MACHINE FIELD: MACHINE's model (QEMU's -M), dtb, cpu,
# memory, cpus or kernel (the build that boots it); fails for a machine
# that is not in the table.
machine_field() {
	local col
	case $2 in
	model) col=2 ;;
	dtb) col=3 ;;
	cpu) col=4 ;;
	memory) col=5 ;;
	cpus) col=6 ;;
	kernel) col=7 ;;
	*) die "machine_field: no field '$2'" ;;
	esac
	table "$MACHINES_FILE" |
		awk -v m="$1" -v c="$col" '$1 == m { print $c; found = 1 } END { exit !found }'
}

# require_machine MACHINE: stop, naming the known machines, unless
# MACHINE is one of them.
require_machine() {
	machine_field "$1" dtb >/dev/null ||
		die "unknown machine '$1': use one of $(machines | paste -sd ' ') ($MACHINES_FILE)"
}

# boot_cmdline: the kernel command line every boot starts from.
boot_cmdline() {
	table "$CMDLINE_FILE" | paste -sd ' '
}

# qemu_argv MACHINE KERNEL DTB INITRD DISK: QEMU's arguments for booting
# MACHINE, in the array QEMU_ARGV, all but -append: what ci/stages/boot runs
# and what board/README shows (ci/stages/check docs compares the two).
# DISK, an ext4 image (ci/stages/initramfs), is the guest's /dev/vda on
# virtio-mmio.  snapshot=on keeps the image as made: the guest's writes go
# to a temporary overlay.  Writes are throttled (DISK_THROTTLE) so that
# pages the guest writes back stay under writeback long enough for init's
# disk checks to allocate over them.
qemu_argv() {
	# shellcheck disable=SC2034 # the caller's
	QEMU_ARGV=(-M "$(machine_field "$1" model)" -m "$(machine_field "$1" memory)"
		-smp "$(machine_field "$1" cpus)" -nographic -monitor none
		-no-reboot -kernel "$2" -dtb "$3" -initrd "$4"
		-drive "file=$5,$DISK_OPTIONS" -device "virtio-blk-device,drive=disk")
}
