# t_record_stall.sh - a disk that stops taking writes does not stop the refreshes: the recording goes to an ext4
# image of the test's own, frozen (fsfreeze) while vmtop prints JSON; refreshes keep coming while it is frozen, and
# once it is thawed the recording holds every sample and replays what was printed. SKIP unless root can mount.
. "$top_srcdir/tests/lib.sh"
need jq fsfreeze mkfs.ext4
[ "$(id -u)" = 0 ] || skip "needs root (a loop mount)"
T=$TEST_TMP
truncate -s 32M "$T/img" && mkfs.ext4 -q -F "$T/img" && mkdir "$T/mnt" || fail "cannot make an ext4 image"
mount -o loop "$T/img" "$T/mnt" 2>"$T/err" || skip "cannot loop-mount: $(cat "$T/err")"
# thawed and unmounted whatever happens (the loop device goes with the mount)
trap 'fsfreeze -u "$T/mnt" 2>/dev/null; [ -n "${top:-}" ] && kill $top 2>/dev/null; umount "$T/mnt"; rm -rf "$T"' EXIT

"$VMTOP" -b -o json -n 40 -d 0.2 -w "$T/mnt/r.rec" >"$T/live.json" 2>"$T/live.err" &
top=$!
lines() { wc -l <"$T/live.json"; }
for _ in $(seq 300); do [ "$(lines)" -ge 3 ] && break; sleep 0.1; done
[ "$(lines)" -ge 3 ] || fail "vmtop printed no refreshes: $(cat "$T/live.err")"
fsfreeze -f "$T/mnt" || fail "cannot freeze the image"
at=$(lines)
# 5 more refreshes while no write can reach the disk (60 s at most: a loop that waits for the disk never gets there)
for _ in $(seq 600); do [ "$(lines)" -ge $((at + 5)) ] && break; kill -0 $top 2>/dev/null || break; sleep 0.1; done
during=$(( $(lines) - at ))
# what reached the file meanwhile: the header and at most the samples printed before the freeze (and one in flight)
frames=$(grep -a -o 'vmtR' "$T/mnt/r.rec" | wc -l)
fsfreeze -u "$T/mnt"
[ "$during" -ge 5 ] || fail "only $during refreshes while the disk was frozen: the refreshes wait for the disk"
[ "$frames" -le $((at + 3)) ] || fail "$frames frames in the file while frozen after $at refreshes: the freeze did not hold writes"
wait_limit $top 60 || fail "vmtop still running 60 s after the thaw: $(cat "$T/live.err")"
[ "$wait_status" = 0 ] || fail "vmtop exit $wait_status: $(cat "$T/live.err")"
top=
limit 60 "$VMTOP" -r "$T/mnt/r.rec" -o json >"$T/replay.json" 2>"$T/err" || fail "replay exit $?: $(cat "$T/err")"
cmp "$T/live.json" "$T/replay.json" || fail "the recording lost samples while the disk was frozen"
echo "$during refreshes printed while the disk was frozen ($frames frames in the file then); all 41 samples recorded after the thaw"
exit 0
