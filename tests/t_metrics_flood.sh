# t_metrics_flood.sh - a scrape flood does not move the refresh loop: 60 fake VMs, vmtop --listen -d 0.5 printing its
# JSON; 8 s quiet, then 20 s of 24 clients scraping in a loop, one that connects and never sends, one that reads a
# byte a second, and 40 connections at once (vmtop holds at most HTTP_CONNECTIONS_MAX, the rest wait in the backlog). The mean interval
# between vmtop's samples (JSON "interval") moves less than 10% against the quiet part and none reaches 5 s (a loop
# that waited on a client would wait out the 10 s idle timeout; a busy 2-CPU host delays a wake-up by less); vmtop
# closes the silent client and lets the slow reader go (what it handed the kernel may still trickle out); RSS does not grow over the flood's second half.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
. "$top_srcdir/tests/metrics_lib.sh"
need jq "$PYTHON"
rig_lock	# it times vmtop's refreshes: one such test at a time, as the KVM tests
fh="$top_builddir/tests/fakehost"
"$fh" --vms 60 --vcpus 2 --duty 0 --wake-ms 200 >"$TEST_TMP/fh.out" 2>"$TEST_TMP/fh.err" &
sim=$!
rig_track $sim
rig_fakehost_ready $sim 60 300
delay=0.5
start_listen "$TEST_TMP/json" "$TEST_TMP/err" --listen 127.0.0.1:0 -d $delay -b -o json --no-qmp
sleep 12	# vmtop rescans new VMs' descriptors for their first 10 s: a steady state first
limit 120 "$PYTHON" - "$listen_addr" "$listen_pid" >"$TEST_TMP/flood" 2>&1 <<'PY' || fail "flood: $(cat "$TEST_TMP/flood")"
import json, socket, subprocess, sys, threading, time
host, port = sys.argv[1].rsplit(":", 1)
port = int(port)
pid = sys.argv[2]
OM = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
def rss_kib():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
def conn(rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(60)
    s.connect((host, port))
    return s
def request(accept):
    return ("GET /metrics HTTP/1.1\r\nHost: %s\r\nAccept: %s\r\nConnection: close\r\n\r\n" % (host, accept)).encode()
out = {"t_quiet": time.time()}
time.sleep(8)
out["rss_quiet"] = rss_kib()
stop = time.time() + 28
out["t_flood"] = time.time()
stats = {"ok": 0, "refused": 0, "bad": 0}
lock = threading.Lock()
def scraper(i):
    accept = OM if i % 2 else "*/*"
    while time.time() < stop:
        try:
            s = conn()
            s.sendall(request(accept))
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
            s.close()
            good = data.startswith(b"HTTP/1.1 200") and (data.endswith(b"# EOF\n") if i % 2 else b"vmtop_build_info" in data)
            key = "ok" if good else ("refused" if not data else "bad")
        except OSError:
            key = "refused"
        with lock:
            stats[key] += 1
def silent():
    s = conn()
    t0 = time.time()
    try:
        r = s.recv(1)
        out["silent_cut_after"] = round(time.time() - t0, 1) if not r else -1
    except OSError:
        out["silent_cut_after"] = round(time.time() - t0, 1)
def held_by_vmtop(cport):
    """Whether vmtop still holds the server side of the connection from cport (the kernel may keep sending what
    vmtop handed it after vmtop let go: that costs vmtop nothing)."""
    r = subprocess.run(["ss", "-Htnp", "dst", "127.0.0.1:%d" % cport], capture_output=True, text=True).stdout
    return ("pid=%s," % pid) in r
def slow():
    s = conn(rcvbuf=4096)
    s.sendall(request(OM))
    cport = s.getsockname()[1]
    t0, got = time.time(), 0
    out["slow_cut_after"] = -1
    try:
        while time.time() - t0 < 50:
            b = s.recv(1)
            if not b:
                break
            got += 1
            if not held_by_vmtop(cport):
                out["slow_cut_after"] = round(time.time() - t0, 1)
                break
            time.sleep(1)
    except OSError:
        out["slow_cut_after"] = round(time.time() - t0, 1)
    out["slow_bytes"] = got
threads = [threading.Thread(target=scraper, args=(i,)) for i in range(24)]
threads += [threading.Thread(target=silent), threading.Thread(target=slow)]
for t in threads:
    t.start()
rss = []
while time.time() < stop:
    time.sleep(1)
    rss.append(rss_kib())
out["t_flood_end"] = time.time()
for t in threads[:24]:
    t.join()
out.update(stats)
out["rss"] = rss
# 40 connections at once, none sending: the server keeps at most its limit
many = []
for _ in range(40):
    try:
        many.append(conn())
    except OSError:
        pass
time.sleep(1)
r = subprocess.run(["ss", "-Htnp", "state", "established", "( sport = :%d )" % port], capture_output=True, text=True)
out["of_40_held"] = sum(("pid=%s," % pid) in l for l in r.stdout.splitlines())
for s in many:
    s.close()
for t in threads[24:]:
    t.join()
time.sleep(1)
out["rss_after"] = rss_kib()
print(json.dumps(out))
PY
stop_listen
cat "$TEST_TMP/flood"
f=$(tail -n 1 "$TEST_TMP/flood")
jf() { echo "$f" | jq -r "$1"; }
# the intervals of the quiet part and of the flood, from vmtop's own sample times
quiet=$(jq -s --argjson a "$(jf .t_quiet)" --argjson b "$(jf .t_flood)" \
	'[.[] | select(.time > $a and .time <= $b and .interval > 0) | .interval] | {n: length, mean: (add / length), max: max}' "$TEST_TMP/json")
flood=$(jq -s --argjson a "$(jf .t_flood)" --argjson b "$(jf .t_flood_end)" \
	'[.[] | select(.time > $a and .time <= $b and .interval > 0) | .interval] | {n: length, mean: (add / length), max: max}' "$TEST_TMP/json")
echo "refresh interval quiet: $quiet; during the flood: $flood"
echo "scrapes: $(jf .ok) answered, $(jf .refused) refused at the connection limit, $(jf .bad) bad"
echo "RSS (KiB) quiet $(jf .rss_quiet), during the flood $(jf '.rss | map(tostring) | join(" ")')"
[ "$(jf .bad)" = 0 ] || fail "$(jf .bad) scrapes answered wrongly"
[ "$(jf .ok)" -ge 50 ] || fail "only $(jf .ok) scrapes answered in 28 s"
jq -n -e --argjson q "$quiet" --argjson f "$flood" --argjson d $delay \
	'$q.n >= 10 and $f.n >= 40 and (($f.mean - $q.mean) | fabs) <= 0.1 * $q.mean and $f.max < 5' >/dev/null ||
	fail "the flood moved the refresh interval: quiet $quiet, flood $flood"
s=$(jf .silent_cut_after)
jq -n -e --argjson s "$s" '$s >= 0 and $s <= 10 + 5' >/dev/null || fail "the client that never sent was cut after $s s"
s=$(jf .slow_cut_after)
jq -n -e --argjson s "$s" '$s >= 0 and $s <= 30 + 10 + 5' >/dev/null || fail "vmtop still held the slow reader's connection ($s)"
echo "never-sending client cut after $(jf .silent_cut_after) s; vmtop let the slow reader go after $s s ($(jf .slow_bytes) bytes read)"
held=$(jf .of_40_held)
[ "$held" -ge 1 ] && [ "$held" -le 32 ] || fail "of 40 connections at once vmtop held $held (limit 32)"
echo "40 connections at once: vmtop held $held"
# RSS: what answers in flight hold comes and goes (a text of a few hundred KiB each); no growth over the flood's
# second half against its first, and back near the quiet figure once the clients are gone
echo "$f" | jq -e '(.rss | (length / 2 | floor) as $h | (.[$h:] | max) <= (.[:$h] | max) + 2048) and
	.rss_after <= .rss_quiet + 4096' >/dev/null || fail "RSS grew: quiet $(jf .rss_quiet), flood $(jf '.rss'), after $(jf .rss_after)"
echo "RSS after the flood: $(jf .rss_after) KiB"
exit 0
