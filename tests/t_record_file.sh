# t_record_file.sh - recordings as files, over the host as it is (no VM needed): a strftime name, -o none, -W
# records at its own interval, a second run appends after its own header, a newer format and a file that is no
# recording are one error each, -w never appends to a file that is not a recording, and the options' errors.
# With KVM, 150 fakehost VMs fill --w-max-mb 1: FILE.1 and FILE each replay on their own.
. "$top_srcdir/tests/lib.sh"
need jq python3
T=$TEST_TMP

# strftime in the name, -o none: a recorder that prints nothing
day=$(date +%Y%m%d)
limit 60 "$VMTOP" -b -o none -n 3 -d 0.1 -w "$T/vmtop-%Y%m%d.rec" >"$T/out" 2>"$T/err" || fail "recorder exit $?: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "-o none printed: $(head -c 200 "$T/out")"
f="$T/vmtop-$day.rec"
[ -f "$f" ] || f="$T/vmtop-$(date +%Y%m%d).rec"	# the day changed while it ran
[ -f "$f" ] || fail "no $T/vmtop-$day.rec: $(ls "$T")"
limit 60 "$VMTOP" -r "$f" -o json >"$T/a.json" 2>"$T/err" || fail "replay exit $?: $(cat "$T/err")"
[ "$(wc -l <"$T/a.json")" = 3 ] || fail "replayed $(wc -l <"$T/a.json") refreshes of 3"
jq -s -e --arg h "$(uname -n)" 'length > 0 and all(.[]; .host.hostname == $h)' "$T/a.json" >/dev/null ||
	fail "hostname not the recording's"

# a second run appends: its own header, then its records (the first of which has the previous run's as its prev)
limit 60 "$VMTOP" -b -o none -n 2 -d 0.1 -w "$f" 2>"$T/err" || fail "second recorder exit $?: $(cat "$T/err")"
[ "$(grep -c -a 'vmtop-recording=' "$f")" = 2 ] || fail "not one header per run"
limit 60 "$VMTOP" -r "$f" -o json >"$T/b.json" 2>"$T/err" || fail "replay of two runs exit $?: $(cat "$T/err")"
[ "$(wc -l <"$T/b.json")" = 6 ] || fail "two runs replayed $(wc -l <"$T/b.json") refreshes of 6"
head -n 3 "$T/b.json" | cmp - "$T/a.json" || fail "the first run's refreshes changed after appending"

# a name that changes with the time (%S here, %Y%m%d for a recorder): a new file, with its own header, each second
limit 60 "$VMTOP" -b -o none -n 6 -d 0.4 -w "$T/s-%H%M%S.rec" 2>"$T/err" || fail "%S recorder exit $?: $(cat "$T/err")"
files=$(ls "$T"/s-*.rec | wc -l)
[ "$files" -ge 2 ] || fail "%S over 2.4 s made $files file"
total=0
for r in "$T"/s-*.rec; do
	limit 60 "$VMTOP" -r "$r" -o json >"$T/r.json" 2>"$T/err"
	n=$(wc -l <"$T/r.json")
	[ ! -s "$T/err" ] || fail "$r: $(cat "$T/err")"
	total=$((total + n + 1))
done
[ $total = 7 ] || fail "%S files hold $total samples of 7"

# -W: samples 0.1 s apart recorded at most every 0.5 s (the replay's intervals are the recorded ones)
limit 60 "$VMTOP" -b -o none -n 12 -d 0.1 -W 0.5 -w "$T/w.rec" 2>"$T/err" || fail "-W recorder exit $?: $(cat "$T/err")"
limit 60 "$VMTOP" -r "$T/w.rec" -o json >"$T/w.json" 2>"$T/err" || fail "-W replay exit $?"
n=$(wc -l <"$T/w.json")
# 13 samples taken (session start and 12 refreshes), each recorded only 0.5 s (less 5% for jitter) after the last
[ "$n" -ge 1 ] && [ "$n" -lt 12 ] || fail "-W 0.5 with -d 0.1 recorded $((n + 1)) of 13 samples"
jq -e -s 'all(.[]; .interval >= 0.475)' "$T/w.json" >/dev/null || fail "-W 0.5: intervals $(jq -c .interval "$T/w.json" | tr '\n' ' ')"

# a newer format: one clear error, non-zero
python3 - "$T/new.rec" <<'EOF'
import struct, sys, zlib
text = b"vmtop-recording=raw host samples\nformat=2\nvmtop=9.9\nhost=h\n"
head = b"H\0\0\0" + struct.pack("<Id", len(text), 0.0)
open(sys.argv[1], "wb").write(b"vmtR" + head + struct.pack("<I", zlib.crc32(text, zlib.crc32(head))) + text)
EOF
limit 60 "$VMTOP" -r "$T/new.rec" -o json >"$T/out" 2>"$T/err"
st=$?
[ $st = 1 ] || fail "newer format: exit $st"
[ "$(wc -l <"$T/err")" = 1 ] && grep -q 'format 2 by vmtop 9.9.*newer vmtop' "$T/err" || fail "newer format: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "newer format printed something"

# not a recording: for -r one error; for -w it is left as it was
printf 'hello\n' >"$T/plain"
limit 60 "$VMTOP" -r "$T/plain" -o json >/dev/null 2>"$T/err" && fail "-r of a text file exited 0"
grep -q 'not a vmtop recording' "$T/err" || fail "-r of a text file: $(cat "$T/err")"
limit 60 "$VMTOP" -b -n 1 -d 0.1 -o none -w "$T/plain" 2>"$T/err" && fail "-w onto a text file exited 0"
grep -q 'not a vmtop recording; not appending' "$T/err" || fail "-w onto a text file: $(cat "$T/err")"
[ "$(cat "$T/plain")" = hello ] || fail "-w changed a file that is not a recording"

# options
for args in "-r $f -w $T/x.rec" "-W 1" "--w-max-mb 5" "--begin 10:00" "-o none" "-r $f --begin nonsense -o json" \
	"-w $T/x.rec -W 0" "-w $T/x.rec --w-max-mb 0"; do
	# shellcheck disable=SC2086
	limit 60 "$VMTOP" $args -b -n 1 >/dev/null 2>"$T/err"
	st=$?
	[ $st != 0 ] && [ "$(wc -l <"$T/err")" = 1 ] || fail "'$args': exit $st, $(cat "$T/err")"
done

# rotation: 150 fakehost VMs make samples of 6-10 KB, so 301 of them fill 1 MiB twice or more
if [ -c /dev/kvm ] && ( exec 3<>/dev/kvm ) 2>/dev/null; then
	"$top_builddir/tests/fakehost" --vms 150 --vcpus 1 --duty 0 --seconds 300 >"$T/fake.out" 2>&1 &
	fake=$!
	for _ in $(seq 100); do grep -q ready "$T/fake.out" && break; sleep 0.1; done
	grep -q ready "$T/fake.out" || { kill $fake; fail "fakehost: $(head -n 1 "$T/fake.out")"; }
	limit 300 "$VMTOP" -b -o none -n 300 -d 0.05 --sample-hz 0 --w-max-mb 1 -w "$T/rot.rec" 2>"$T/err"
	st=$?
	kill $fake
	wait $fake 2>/dev/null
	[ $st = 0 ] || fail "rotating recorder exit $st: $(cat "$T/err")"
	[ -f "$T/rot.rec.1" ] || fail "no rotation past 1 MiB: $(ls -l "$T")"
	total=0
	for r in "$T"/rot.rec*; do
		[ "$(wc -c <"$r")" -le 1048576 ] || fail "$r is $(wc -c <"$r") bytes, over 1 MiB"
		limit 60 "$VMTOP" -r "$r" -o json >"$T/r.json" 2>"$T/err"
		n=$(wc -l <"$T/r.json")
		[ ! -s "$T/err" ] || fail "$r: $(cat "$T/err")"
		total=$((total + n + 1))
	done
	files=$(ls "$T"/rot.rec* | wc -l)
	[ "$files" -le 10 ] || fail "$files files: more than FILE and FILE.1 ... FILE.9 kept"
	# every sample is there unless more than 10 MiB were written (other VMs on the host): then the oldest went
	[ $total = 301 ] || { [ "$files" = 10 ] && [ $total -lt 301 ]; } || fail "the rotated files hold $total samples of 301"
	echo "rotated at 1 MiB: $total of 301 samples in $files files, each replaying alone"
else
	echo "rotation not tried: no usable /dev/kvm for fakehost's VMs"
fi
exit 0
