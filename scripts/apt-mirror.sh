#!/bin/sh
# apt-mirror.sh - prints the Debian mirror this machine's apt sources name (deb822 .sources or sources.list), so
# debootstrap uses the same one and no mirror's name is written into the project.
for f in /etc/apt/sources.list.d/*.sources; do
	[ -r "$f" ] || continue
	awk '/^URIs:/ && !/security/ { print $2; found = 1; exit } END { exit !found }' "$f" && exit 0
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -r "$f" ] || continue
	awk '$1 == "deb" && !/security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; found = 1; exit } }
		END { exit !found }' "$f" && exit 0
done
echo "apt-mirror.sh: no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d" >&2
exit 1
