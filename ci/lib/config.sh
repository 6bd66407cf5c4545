# shellcheck shell=bash disable=SC2034 # sourced: the scripts use these
# Shared settings for every ci/ script: the one place that names versions,
# checksums, paths and the project's identity.  Sourced by lib.sh, not
# executed.

# The project's identity: authors and signs off every patch.
CMA_IDENTITY_NAME="CMA contexts project"
CMA_IDENTITY_EMAIL="cma-contexts@lists.invalid"

# Cross toolchain and machine.
ARCH=arm
CROSS_COMPILE=arm-linux-gnueabihf-
export ARCH CROSS_COMPILE
KDEFCONFIG=vexpress_defconfig

# Every cache lives here, outside the clone.  Override with CMA_CACHE.
CMA_CACHE=${CMA_CACHE:-$HOME/.cache/cma-contexts}
export CMA_CACHE
CCACHE_DIR=$CMA_CACHE/ccache
export CCACHE_DIR

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CI_STAGES=$TOP/ci/stages                # what a stage of ci/test runs
CI_LIB=$TOP/ci/lib                      # this file, lib.sh, the Python filters

# The kernel base the series goes on: CMA_BASE (default 6.1; ci/worktree
# and ci/export-patches take -b BASE), one block below each.  A block
# pins the kernel (KVER; BASE_TAG, the base tree's tag; BASE_DESC, its
# name for people), how ci/stages/fetch gets it (KFETCH: 'source', the
# .orig.tar.xz of Debian's source package KDEB_PACKAGE, checked against
# KTARBALL_SHA256; 'binary', Debian's binary package KDEB_PACKAGE, a .deb
# checked against KDEB_SHA256 that holds the tarball KDEB_TARBALL), the
# base tree's commit message (BASE_MESSAGE), the series (PATCH_DIR,
# SERIES_FILE) and where the base's trees, builds, stamps, logs and
# results live (BASE_CACHE; LOG_DIR).  A bump is a change of its pins.
CMA_BASES="6.1 6.12"
CMA_BASE=${CMA_BASE:-6.1}
export CMA_BASE
case "$CMA_BASE" in
6.1)
	# Vanilla upstream, as shipped in Debian's linux source package.
	KVER=6.1.176
	BASE_TAG=v$KVER
	BASE_DESC="Linux $KVER"
	BASE_MESSAGE="Linux $KVER"
	KFETCH=source
	KDEB_PACKAGE=linux
	KDEB_VERSION=6.1.176-1
	KTARBALL_SHA256=9aad4025973feea3f0d978e82ab7db97d8d5ce3f59fcc6b1f316153d66e3a504
	PATCH_DIR=$TOP/patches
	SERIES_FILE=$TOP/series
	DTB_DIR=arch/arm/boot/dts
	# ci/test's do_boot runs every boot of board/boots on this base
	BASE_BOOTS=
	BASE_CACHE=$CMA_CACHE
	LOG_DIR=${CMA_LOG_DIR:-$CMA_CACHE/logs}
	;;
6.12)
	# Debian's kernel: upstream with Debian's patches, as its binary
	# package linux-source-6.12 ships it (not upstream's v6.12.117).
	KVER=6.12.117
	BASE_TAG=debian/6.12.117-1_deb12u1
	BASE_DESC="Linux $KVER with Debian's patches (linux-source-6.12 6.12.117-1~deb12u1)"
	BASE_MESSAGE="Linux $KVER with Debian's patches

Debian's binary package linux-source-6.12, version 6.12.117-1~deb12u1."
	KFETCH=binary
	KDEB_PACKAGE=linux-source-6.12
	KDEB_VERSION=6.12.117-1~deb12u1
	KDEB_SHA256=e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703
	KDEB_TARBALL=usr/src/linux-source-6.12.tar.xz
	PATCH_DIR=$TOP/patches/6.12
	SERIES_FILE=$PATCH_DIR/series
	# ARM's device trees are in vendor directories since 6.5
	DTB_DIR=arch/arm/boot/dts/arm
	# The boots of board/boots that ci/test runs on this base: the
	# default board on vexpress-a9 and vexpress-a15 (not the LPAE kernel)
	BASE_BOOTS="default a15"
	BASE_CACHE=$CMA_CACHE/6.12
	# apart from 6.1's logs, also in one CMA_LOG_DIR (ci/test runs both)
	LOG_DIR=${CMA_LOG_DIR:+$CMA_LOG_DIR/6.12}
	LOG_DIR=${LOG_DIR:-$BASE_CACHE/logs}
	;;
*)
	printf '%s: error: unknown kernel base "%s" (CMA_BASE or -b); use one of: %s (ci/lib/config.sh)\n' \
		"${0##*/}" "$CMA_BASE" "$CMA_BASES" >&2
	exit 1
	;;
esac

# Paths of the base's (6.1: the cache's top, as before there were two).
SRC_DIR=$BASE_CACHE/src                 # tarball or package, pristine git tree
BASE_TREE=$SRC_DIR/linux-$KVER          # git: one commit, tag $BASE_TAG
AM_TREE=$BASE_CACHE/tree-am             # series applied with git am
QUILT_TREE=$BASE_CACHE/tree-quilt       # series applied with quilt
BUILD_DIR=$BASE_CACHE/build             # out-of-tree builds, one per config
OUT_DIR=$BASE_CACHE/out                 # console logs, results, LAVA jobs
WORK_DIR=$BASE_CACHE/work               # ci/worktree's default work tree
# The guest's initramfs and disk are the same for every base: 6.1's out/.
SHARED_OUT_DIR=$CMA_CACHE/out

# The QEMU machines (device tree, CPU, memory, CPUs; the first is the
# default) and the base kernel command line of every boot: lib.sh's
# machines(), machine_field(), qemu_argv() and boot_cmdline() read them.
MACHINES_FILE=$TOP/qemu/machines
CMDLINE_FILE=$TOP/board/cmdline

# Artifacts, each named here only: a build's kernel and device trees, the
# initramfs, and each boot's console log and KTAP (PART: kernel or init).
INITRAMFS=$SHARED_OUT_DIR/initramfs.cpio.gz
# The guest's disk (/dev/vda, ext4, DISK_SIZE) and QEMU's options for it
# but file= (ci/lib/lib.sh's qemu_argv() says why).  Its writes are
# throttled to DISK_THROTTLE bytes a second; ci/bench sets it empty (no
# throttle), since its file workloads write and measure no writeback, and
# makes the disk larger (DISK_SIZE), so that dirty file pages can fill
# CMA before the file system is full.
DISK_IMAGE=$SHARED_OUT_DIR/disk.img
DISK_SIZE=${DISK_SIZE:-256M}
DISK_THROTTLE=${DISK_THROTTLE-4194304}
DISK_OPTIONS=if=none,format=raw,id=disk,snapshot=on${DISK_THROTTLE:+,throttling.bps-write=$DISK_THROTTLE}
kernel_image() { echo "$BUILD_DIR/$1/arch/arm/boot/zImage"; }
kernel_dtb() { echo "$BUILD_DIR/$1/$DTB_DIR/$2"; }
console_log() { echo "$OUT_DIR/console-$1.log"; }
ktap_json() { echo "$OUT_DIR/ktap-$1-$2.json"; }
# A boot's results, written once by ci/lib/boot_results.py and read by
# every later step (ci/test, ci/demo, ci/bench, ci/stages/lava-run).
boot_results() { echo "$OUT_DIR/results-$1.json"; }

# init's (qemu/guest/init.c) first and last console lines begin so: its
# KTAP document lies between; the last says how many checks it ran.
GUEST_START='cma-init: start'
GUEST_DONE='cma-init: done'
export GUEST_START GUEST_DONE

# The kernel configurations: the board's fragments (merged into
# $KDEFCONFIG for every ARM build), the debug and LPAE kernels' on top of
# them, and the kunit.py configuration of the other architectures.
BOARD_FRAGMENTS=$TOP/kernel-config/vexpress
DEBUG_FRAGMENT=$TOP/kernel-config/debug/debug.config
LPAE_FRAGMENT=$TOP/kernel-config/lpae/lpae.config
KUNIT_ARCH_CONFIG=$TOP/kernel-config/kunit-arch
board_fragments() { printf '%s\n' "$BOARD_FRAGMENTS"/*.config; }

# The QEMU side: the guest's programs, the LAVA job and device, and the
# benchmark's committed results.
GUEST_SRC=$TOP/qemu/guest
LAVA_SRC=$TOP/qemu/lava
# ci/bench's results: 6.1's at the top, another base's in a folder of its own
BENCH_RESULTS=$TOP/qemu/bench-results
[ "$CMA_BASE" = 6.1 ] || BENCH_RESULTS=$BENCH_RESULTS/$CMA_BASE

JOBS=$(nproc)

# Stamps that let stages skip work already done on identical input.
STAMP_DIR=$BASE_CACHE/stamps

# Debian's python3 first: the kernel's scripts need its python3-ply and
# python3-git, which another python3 earlier in PATH would not see.
PATH=/usr/bin:/bin:$PATH
export PATH

# Debian armhf packages unpacked for the guest (ci/stages/armhf-tools).
ARMHF_TOOLS="v4l-utils:armhf"
ARMHF_ROOT=$CMA_CACHE/armhf/root
LAVA_DIR=$CMA_CACHE/lava                # lava-server device-type templates
