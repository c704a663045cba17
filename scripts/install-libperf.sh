#!/bin/sh
# Build and install libperf (the kernel's tools/lib/perf) into /usr/local.
# Debian 12 packages no libperf, so we build it from linux-source-6.1.
# Usage (as root): scripts/install-libperf.sh [--force]
# Idempotent: does nothing when pkg-config finds a libperf that links.
# Installs libperf.{a,so*} and libperf.pc into /usr/local/lib (on Debian's
# default pkg-config path and ld.so path) and headers into /usr/local/include/perf.
set -eu

prefix=/usr/local
libdir=$prefix/lib
srcpkg=linux-source-6.1
tarball=/usr/src/$srcpkg.tar.xz
force=${1:-}

say() { echo "install-libperf: $*" >&2; }

# Links a tiny program against libperf, shared and static, to prove the .pc is right.
links_ok() {
	d=$(mktemp -d)
	cat >"$d/t.c" <<'EOF'
#include <perf/core.h>
#include <perf/evlist.h>
int main(void)
{
	struct perf_evlist *e = perf_evlist__new();
	perf_evlist__delete(e);
	return e == 0;
}
EOF
	ok=0
	if cc -o "$d/t" "$d/t.c" $(pkg-config --cflags --libs libperf) 2>"$d/err" &&
	   "$d/t" &&
	   cc -o "$d/ts" "$d/t.c" $(pkg-config --cflags libperf) \
	      -Wl,-Bstatic $(pkg-config --static --libs libperf) -Wl,-Bdynamic 2>>"$d/err" &&
	   "$d/ts"; then
		ok=1
	else
		cat "$d/err" >&2
	fi
	rm -rf "$d"
	[ "$ok" = 1 ]
}

if [ "$force" != --force ] && pkg-config --exists libperf 2>/dev/null && links_ok 2>/dev/null; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	say "must run as root (installs into $prefix)"
	exit 1
fi

need=""
[ -f "$tarball" ] || need="$need $srcpkg"
command -v make >/dev/null || need="$need make"
command -v cc >/dev/null || need="$need gcc"
command -v xz >/dev/null || need="$need xz-utils"
command -v pkg-config >/dev/null || need="$need pkg-config"
if [ -n "$need" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq $need >/dev/null ||
		{ apt-get update -qq >/dev/null && apt-get install -y -qq $need >/dev/null; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Only what tools/lib/perf's build reads (found by removing each in turn):
# the library, libapi it links in, tools' own uapi/linux headers, the
# kbuild-lite rules and fixdep, and the arch headers.
tar -xJf "$tarball" -C "$work" --wildcards \
	"$srcpkg/tools/lib/perf/*" "$srcpkg/tools/lib/api/*" \
	"$srcpkg/tools/lib/*.c" "$srcpkg/tools/lib/*.h" \
	"$srcpkg/tools/include/*" "$srcpkg/tools/build/*" "$srcpkg/tools/scripts/*" \
	"$srcpkg/tools/arch/x86/include/*"

src=$work/$srcpkg/tools/lib/perf
stage=$work/stage
if ! make -C "$src" prefix=$prefix libdir=$libdir DESTDIR="$stage" \
	install_lib install_headers install_pkgconfig >"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	say "build failed"
	exit 1
fi

# The shared library links libapi in, but the upstream static archive does
# not, and libapi is not installed: add its objects so -lperf works statically.
ar rs "$stage$libdir/libperf.a" "$work/$srcpkg/tools/lib/api/libapi-in.o"

cp -a "$stage$prefix/." "$prefix/"
ldconfig

if ! pkg-config --exists libperf || ! links_ok; then
	say "installed, but a test program does not link with \$(pkg-config --libs libperf)"
	exit 1
fi
