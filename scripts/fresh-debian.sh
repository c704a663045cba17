#!/bin/bash
# fresh-debian.sh - try the README's quick start on a freshly bootstrapped Debian 12 root (not this
# machine's installed packages): clone the repository into it and run scripts/setup.sh --build, then
# scripts/setup.sh --check, inside a chroot. Needs root, debootstrap and the Debian mirror of this machine's apt
# sources.
# Usage: scripts/fresh-debian.sh [ROOT_DIR]   (default /srv/vmtop-deb12; reused when already bootstrapped)
set -eu
cd "$(dirname "$0")/.."

root=${1:-/srv/vmtop-deb12}
if [ "$(id -u)" != 0 ]; then
	echo "fresh-debian.sh: run as root (debootstrap and chroot need it)" >&2
	exit 1
fi
command -v debootstrap >/dev/null || { echo "fresh-debian.sh: install debootstrap first" >&2; exit 1; }

if [ ! -f "$root/.bootstrapped" ]; then
	rm -rf "$root"
	debootstrap --include=git,ca-certificates bookworm "$root" "$(sh scripts/apt-mirror.sh)"
	touch "$root/.bootstrapped"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
rm -rf "$root/root/vmtop"
git clone -q "$PWD" "$root/root/vmtop"

# The root must be a mount point of its own: `ip netns exec` (used by the tests) remounts / as a slave.
mount --bind "$root" "$root"
trap 'umount -R -l "$root"' EXIT
for m in /proc /sys /dev /dev/pts; do
	mount --bind "$m" "$root$m"
done

start=$(date +%s)
chroot "$root" /bin/bash -c 'cd /root/vmtop && scripts/setup.sh --build'
built=$(date +%s)
chroot "$root" /bin/bash -c 'cd /root/vmtop && scripts/setup.sh --check'
echo "fresh-debian.sh: set-up and build took $((built - start)) s, the test command $(($(date +%s) - built)) s"
