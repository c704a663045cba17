# t_potfiles.sh - every source file with translatable strings is in po/POTFILES.in, and every listed file exists.
. "$top_srcdir/tests/lib.sh"
cd "$top_srcdir" || fail "no source dir"
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
using=$(grep -l -E '\b_\("|N_\("' src/*.c ui/*.c 2>/dev/null | sort)
missing=$(comm -13 <(echo "$listed") <(echo "$using"))
[ -z "$missing" ] || fail "files with _() missing from po/POTFILES.in: $missing"
for f in $listed; do
	[ -f "$f" ] || fail "po/POTFILES.in lists $f, which does not exist"
done
exit 0
