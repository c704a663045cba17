#!/bin/bash
# setup.sh - on Debian 12, as root: install what vmtop needs, build it, then run vmtop (or, with --check, the
# whole test suite). Safe to run again: it installs only what is missing.
set -eu
cd "$(dirname "$0")/.."

mode=run
case "${1:-}" in
"") ;;
--check) mode=check ;;
--build) mode=build ;;
*) echo "usage: scripts/setup.sh [--check|--build]" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
	echo "setup.sh: run as root (it installs packages; vmtop reads other processes' /proc files)" >&2
	exit 1
fi

# Build tools and libraries (with the Debian package each configure check names), the tests' tools
# (qemu for real KVM guests, tmux to drive the UI, jq and python3 to parse JSON and CSV, iproute2 for
# network namespaces, strace to show a replay reads nothing of the host), debootstrap, cpio and kmod for the
# test host in a box (tests/kvmbox) and socat to read a hung box's monitor, libbpf, bpftool, clang and llvm
# (llvm-strip) for the eBPF thread source, libclang-rt-14-dev for the fuzz targets (libFuzzer), libzstd-dev for
# recordings (-w/-r), libmicrohttpd-dev for --listen, prometheus, prometheus-node-exporter,
# python3-prometheus-client and curl for the tests that scrape it, libvirt-dev for the libvirt source and
# libvirt-daemon-system for its test's libvirtd, and linux-source-6.1 for libperf, which Debian 12 does not package.
packages="build-essential autoconf automake autopoint gettext pkg-config libncurses-dev libproc2-dev
	libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libzstd-dev libbpf-dev bpftool clang llvm libclang-rt-14-dev
	qemu-system-x86 tmux jq python3 socat strace iproute2 procps debootstrap cpio kmod linux-source-6.1 xz-utils
	flex bison libmicrohttpd-dev prometheus prometheus-node-exporter python3-prometheus-client curl
	libvirt-dev libvirt-daemon-system"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# prometheus and node_exporter are for the tests, which start their own on a free loopback port: a service
	# started by the package (port 9090, 9100, scraping every 15 s) would take CPU from timing tests
	policy_made=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_made=1
	fi
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null || { [ -z "$policy_made" ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
	[ -z "$policy_made" ] || rm -f /usr/sbin/policy-rc.d
	# where systemd started them anyway (it ignores policy-rc.d), stop those this run installed
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		for svc in prometheus prometheus-node-exporter; do
			case " $missing " in *" $svc "*) systemctl disable --now "$svc" >/dev/null 2>&1 || true ;; esac
		done
	fi
fi

pkg-config --exists libperf || bash scripts/install-libperf.sh

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
[ -f Makefile ] || ./configure --quiet
make -j"$(nproc)" >/dev/null

case $mode in
build) echo "setup.sh: built ./vmtop" ;;
run)
	if [ -t 0 ] && [ -t 1 ]; then
		exec ./vmtop
	fi
	exec ./vmtop -b -n 1 -d 1
	;;
check) exec bash scripts/check.sh ;;
esac
