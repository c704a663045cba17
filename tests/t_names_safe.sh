# t_names_safe.sh - a VM's name is chosen by whoever starts it: fake VMs named with every C0 and C1 control, ESC
# sequences, DEL, ill-formed UTF-8 and wide characters reach text, CSV, JSON and the curses view only as safe
# printable text (the raw bytes are asserted, in the terminal too: tmux pipe-pane), JSON still parses.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
. "$top_srcdir/tests/tui_lib.sh"
need python3 jq
fh="$top_builddir/tests/fakehost"

python3 - "$TEST_TMP" <<'PY'
import sys
d = sys.argv[1]
c0 = bytes(range(1, 32))
c1 = b"".join(bytes([0xc2, c]) for c in range(0x80, 0xa0))
names = [
    b"c0:" + c0 + b"\x1b]0;PWN\x07\x1b[2;5;9m\x7f:end",
    b"c1:" + c1 + b"\xff\xc0\xaf\xed\xa0\x80\x80" + "日本:end".encode(),
    "x日本語-wide-日本語日本".encode(),
]
for i, n in enumerate(names):
    open("%s/name%d" % (d, i), "wb").write(n)
PY
"$fh" --vms 3 --vcpus 1 --duty 0 --name "$(cat "$TEST_TMP/name0")" --name "$(cat "$TEST_TMP/name1")" \
	--name "$(cat "$TEST_TMP/name2")" >"$TEST_TMP/fh.out" 2>"$TEST_TMP/fh.err" &
sim=$!
rig_track $sim
rig_fakehost_ready $sim 3
kids=$(cat "/proc/$sim/task/$sim/children")
pids=$(echo $kids | tr ' ' ',')
echo "$kids" >"$TEST_TMP/pids"

for f in text csv json; do
	limit 20 "$VMTOP" -b -n 1 -d 0.2 -o $f -p "$pids" >"$TEST_TMP/out.$f" 2>"$TEST_TMP/err.$f" ||
		fail "-o $f: exit $?: $(cat "$TEST_TMP/err.$f")"
done
jq -s -e 'length == 1 and (.[0].vms | length == 3)' "$TEST_TMP/out.json" >/dev/null || fail "JSON does not parse or lacks VMs"

# the pane is wide enough for whole names (NAME grows to its widest)
tui_start 250 20
tm pipe-pane -o -t t "cat >'$TEST_TMP/raw'" || fail "cannot record the pane's output"
tui_run "$VMTOP --no-color -d 0.5 -p $pids"
tui_wait 'x日本語' 10
sleep 0.6
tui_screen >"$TEST_TMP/shown"
title=$(tm display-message -p -t t '#{pane_title}')
tui_type q
[ "$(tui_exit_status 5)" = 0 ] || fail "vmtop did not exit 0 on q"
tm pipe-pane -t t


python3 - "$TEST_TMP" "$title" <<'PY' || fail "see above"
import re, sys
d, title = sys.argv[1], sys.argv[2]
q = lambda n: b"?" * n
want = [
    b"c0:" + q(31) + b"?]0;PWN??[2;5;9m?:end",
    b"c1:" + q(32) + q(7) + "日本:end".encode(),
    "x日本語-wide-日本語日本".encode(),
]
json_want = [
    "c0:" + "".join("\\u%04x" % c for c in range(1, 32)) + "\\u001b]0;PWN\\u0007\\u001b[2;5;9m\\u007f:end",
    "c1:" + "".join("\\u%04x" % c for c in range(0x80, 0xa0)) + "\\ufffd" * 7 + "日本:end",
    "x日本語-wide-日本語日本",
]
# text: 20 display columns, padded by width (a wide character that does not fit leaves a space)
text_want = [w[:20] if i < 2 else "x日本語-wide-日本語 ".encode() for i, w in enumerate(want)]
# the list's NAME column is at most 48 columns wide
screen_want = [want[0][:45], want[1][:48], want[2]]
pids = open(d + "/pids").read().split()
bad = []
text, csv, js = (open(d + "/out." + f, "rb").read() for f in ("text", "csv", "json"))
scr = open(d + "/shown", "rb").read()
raw = open(d + "/raw", "rb").read()
for i, pid in enumerate(pids):
    line = re.search(rb"(?m)^ *" + pid.encode() + rb" (.*)$", text)
    if not line or not line.group(1).startswith(text_want[i] + b" "):
        bad.append("text, VM %d: %r, expected %r" % (i, line and line.group(1)[:60], text_want[i]))
    if b"," + pid.encode() + b"," + want[i] + b"," not in csv:
        bad.append("CSV, VM %d: no field %r" % (i, want[i]))
    if b'"name":"' + json_want[i].encode() + b'"' not in js:
        bad.append("JSON, VM %d: no %r" % (i, json_want[i]))
    if screen_want[i] not in scr:
        bad.append("screen, VM %d: %r not shown" % (i, screen_want[i]))
for what, data in (("text", text), ("CSV", csv), ("JSON", js), ("terminal", raw)):
    for pat, why in ((rb"\xc2[\x80-\x9f]", "a C1 control"), (rb"\x1b\]0;PWN", "the OSC title sequence"),
                     (rb"\x1b\[2;5;9m", "the SGR sequence"), (rb"[\x80-\xff]", None)):
        if why is None:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as e:
                bad.append("%s: ill-formed UTF-8 written: %s" % (what, e))
        elif re.search(pat, data):
            bad.append("%s: %s written" % (what, why))
    if what != "terminal" and re.search(rb"[\x00-\x09\x0b-\x1f\x7f]", data):
        bad.append("%s: a C0 control or DEL written" % what)
# the terminal gets the names as contiguous safe text, and its title was not set by a name
for i in range(3):
    if want[i][:20] not in raw:
        bad.append("terminal, VM %d: %r not written" % (i, want[i][:20]))
if "PWN" in title:
    bad.append("a VM name set the terminal's title: %r" % title)
for b in bad:
    print("FAIL: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
exit 0
