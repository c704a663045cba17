#!/bin/bash
# build.sh - builds the box image into DIR from Debian's packages only: Debian 12's kernel (with kvm, kvm_amd and
# their modules), a busybox initramfs that mounts the root, and an ext4 root made by debootstrap with ./packages.
# Usage: build.sh DIR CACHE   (CACHE keeps downloads and the debootstrap tree between builds)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1 cache=$2
log() { echo "kvmbox build: $*" >&2; }
ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
t0=$(ms)

need=""
for p in qemu-system-x86 debootstrap kmod e2fsprogs cpio gzip; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
	log "installing$need"
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

mkdir -p "$cache/dl" "$out"
cd "$cache/dl"
# the newest Debian 12 kernel: what the linux-image-amd64 metapackage depends on
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-6\.1\.0-[0-9]+-amd64$/ { print $2; exit }')
if [ -z "$kpkg" ]; then
	apt-get update -qq
	kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6\.1\.0-[0-9]+-amd64$/ { print $2; exit }')
fi
[ -n "$kpkg" ] || { log "no linux-image-6.1.0-*-amd64 package in the apt sources"; exit 1; }
ls "$kpkg"_*.deb >/dev/null 2>&1 || apt-get download -qq -o APT::Sandbox::User=root "$kpkg"
ls busybox-static_*.deb >/dev/null 2>&1 || apt-get download -qq -o APT::Sandbox::User=root busybox-static
log "kernel package $kpkg"

# kvmbox holds the cache's lock while this runs: a work directory left here is a killed build's
rm -rf "$cache"/work.*
work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$cache/dl/$kpkg"_*.deb "$work/k"
dpkg-deb -x "$cache/dl"/busybox-static_*.deb "$work/bb"
kv=$(ls "$work/k/lib/modules")
kmods="$work/k/lib/modules/$kv"
depmod -b "$work/k" "$kv" # the package ships no modules.dep

# modules and what they need, in load order, relative to lib/modules/KV (from modules.dep)
mod_chain() {
	local m dep
	for m in "$@"; do
		dep=$(awk -v m="kernel/$m.ko" '$1 == m":" { $1 = ""; print }' "$kmods/modules.dep")
		# shellcheck disable=SC2086
		[ -z "$dep" ] || mod_chain $(printf '%s\n' $dep | sed 's/\.ko$//; s|^kernel/||' | tac)
		echo "kernel/$m.ko"
	done | awk '!seen[$0]++'
}

# initramfs: busybox, the disk and file system modules, /init
ir="$work/initramfs"
mkdir -p "$ir"/{bin,proc,sys,dev,newroot}
cp "$work/bb/bin/busybox" "$ir/bin/"
cp "$here/initramfs-init" "$ir/init"
mod_chain drivers/virtio/virtio_pci drivers/block/virtio_blk fs/ext4/ext4 crypto/crc32c_generic >"$ir/modules.load"
while read -r m; do
	mkdir -p "$ir/lib/modules/$kv/$(dirname "$m")"
	cp "$kmods/$m" "$ir/lib/modules/$kv/$m"
done <"$ir/modules.load"
sed -i "s|^|$kv/|" "$ir/modules.load"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -6) >"$work/initramfs.cpio.gz"

# root: debootstrap's tree, kept per package list (the slow part: about a minute)
pkgs=$(grep -v '^#' "$here/packages" | tr '\n' ' ')
tree="$cache/tree-$(printf '%s' "$pkgs" | sha256sum | cut -c1-12)"
if [ ! -f "$tree/.complete" ]; then
	rm -rf "$tree"
	mirror=$(sh "$here/../../scripts/apt-mirror.sh")
	log "debootstrap bookworm from $mirror with: $pkgs"
	t1=$(ms)
	debootstrap --variant=minbase --include="$(echo $pkgs | tr ' ' ,)" bookworm "$tree" "$mirror" \
		>"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
	rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/* "$tree"/usr/share/doc/* \
		"$tree"/usr/share/man/* "$tree"/usr/share/locale/*
	touch "$tree/.complete"
	log "debootstrap took $((($(ms) - t1) / 1000)) s"
fi
for old in "$cache"/tree-*; do
	[ "$old" = "$tree" ] || rm -rf "$old"
done
root="$work/root"
cp -a "$tree" "$root"
rm -f "$root/.complete"
# modules for KVM, 9p (the shared directories), tun, bridge, vhost, veth
mkdir -p "$root/lib/modules/$kv/kernel"
cp "$kmods"/modules.order "$kmods"/modules.builtin "$kmods"/modules.builtin.modinfo "$root/lib/modules/$kv/"
mod_chain arch/x86/kvm/kvm-amd fs/9p/9p net/9p/9pnet_virtio drivers/net/tun drivers/net/tap drivers/net/veth \
	net/bridge/bridge drivers/vhost/vhost_net drivers/vhost/vhost_vsock >"$work/root.modules"
while read -r m; do
	mkdir -p "$root/lib/modules/$kv/$(dirname "$m")"
	cp "$kmods/$m" "$root/lib/modules/$kv/$m"
done <"$work/root.modules"
depmod -b "$root" "$kv"
cp "$here/box-init" "$root/sbin/kvmbox-init"
chmod 755 "$root/sbin/kvmbox-init"
echo kvmbox >"$root/etc/hostname"
printf '127.0.0.1 localhost kvmbox\n' >"$root/etc/hosts"
printf '/dev/vda / ext4 rw 0 1\n' >"$root/etc/fstab"
# libvirt's qemus as root: Debian's libvirt runs them as libvirt-qemu, whom only libvirt-daemon-system makes (with
# these directories)
mkdir -p "$root/etc/libvirt" "$root/var/log/libvirt/qemu" "$root/var/lib/libvirt/qemu" "$root/var/cache/libvirt/qemu"
printf 'user = "root"\ngroup = "root"\n' >"$root/etc/libvirt/qemu.conf"
# ... though its qemu driver looks the built-in user up before it reads qemu.conf
echo 'libvirt-qemu:x:64055:64055:libvirt qemu:/var/lib/libvirt:/usr/sbin/nologin' >>"$root/etc/passwd"
echo 'libvirt-qemu:x:64055:' >>"$root/etc/group"
used=$(du -sm "$root" | cut -f1)
# room for what tests write outside /tmp (a tmpfs)
mkfs.ext4 -q -F -L kvmbox -E root_owner=0:0 -d "$root" "$work/root.ext4" "$((used + used / 4 + 128))M" >/dev/null

cp "$work/k/boot/vmlinuz-$kv" "$work/vmlinuz"
mv "$work/vmlinuz" "$work/initramfs.cpio.gz" "$work/root.ext4" "$out/"
echo "$kv" >"$out/kernel"
log "built in $((($(ms) - t0) / 1000)) s: kernel $kv, root $used MiB ($(du -m "$out/root.ext4" | cut -f1) MiB on disk)"
