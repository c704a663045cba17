#!/bin/bash
# scrape_cost.sh - what --listen costs at 150 simulated VMs (tests/fakehost, 2 vCPUs each, waking every 200 ms):
# vmtop's CPU per refresh serving /metrics and nobody scraping, beside the same vmtop printing JSON (-b -o json);
# the CPU one scrape adds, as a ratio to a refresh's own; and a scrape's latency beside that of the tiny page at /
# from the same server in the same run. CPU is the sum of vmtop's threads' schedstat run time. Prints figures;
# asserts nothing.   usage: bench/scrape_cost.sh [BUILDDIR]   (as root; VMS=150 SECONDS_EACH=20 DELAY=1 RATE=10)
set -u
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
vmtop=$build/vmtop fakehost=$build/tests/fakehost
vms=${VMS:-150} secs=${SECONDS_EACH:-20} delay=${DELAY:-1} rate=${RATE:-10}
py=/usr/bin/python3
tmp=$(mktemp -d)
cleanup() { kill "${vt:-}" "${fh:-}" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$fakehost" --vms "$vms" --vcpus 2 --duty 0 --wake-ms 200 >"$tmp/fh" 2>&1 &
fh=$!
for _ in $(seq 600); do grep -q ready "$tmp/fh" && break; kill -0 $fh 2>/dev/null || break; sleep 0.1; done
grep -q ready "$tmp/fh" || { echo "fakehost: $(cat "$tmp/fh")"; exit 1; }

cpu_ns() {	# run time of every thread of process $1, ns
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.0f", s}'
}
# run SECONDS PID: CPU ms per second of PID over SECONDS
per_second() {
	local a b
	a=$(cpu_ns "$2")
	sleep "$1"
	b=$(cpu_ns "$2")
	awk -v a="$a" -v b="$b" -v s="$1" 'BEGIN {printf "%.3f", (b - a) / 1e6 / s}'
}

# the peer: the same refresh loop printing JSON
"$vmtop" -b -o json --sample-hz 0 --no-qmp -d "$delay" >/dev/null 2>&1 &
vt=$!
sleep 12	# new VMs' descriptors are rescanned for their first 10 s
json=$(per_second "$secs" $vt)
kill $vt; wait $vt 2>/dev/null

"$vmtop" --listen 127.0.0.1:0 --sample-hz 0 --no-qmp -d "$delay" >/dev/null 2>"$tmp/err" &
vt=$!
for _ in $(seq 100); do grep -q 'serving' "$tmp/err" && break; sleep 0.1; done
addr=$(sed -n 's/^vmtop: serving \/metrics on //p' "$tmp/err")
[ -n "$addr" ] || { echo "vmtop --listen: $(cat "$tmp/err")"; exit 1; }
sleep 12
idle=$(per_second "$secs" $vt)
# scrapes at RATE a second (OpenMetrics, as Prometheus asks), latency of each, and of / between them
a=$(cpu_ns $vt)
"$py" - "$addr" "$secs" "$rate" >"$tmp/lat" <<'PY'
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
secs, rate = float(sys.argv[2]), float(sys.argv[3])
OM = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
def get(path):
    t = time.perf_counter()
    s = socket.create_connection((host, int(port)))
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAccept: %s\r\nConnection: close\r\n\r\n" % (path, OM)).encode())
    n = 0
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        n += len(b)
    s.close()
    return time.perf_counter() - t, n
lat, page, size = [], [], 0
end, next_ = time.time() + secs, time.time()
while time.time() < end:
    l, size = get("/metrics")
    lat.append(l)
    next_ += 1 / rate
    time.sleep(max(0, next_ - time.time()))
for _ in range(50):
    page.append(get("/")[0])
lat.sort(); page.sort()
q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))] * 1000
print(len(lat), size, "%.2f %.2f %.3f" % (q(lat, .5), q(lat, .95), q(page, .5)))
PY
b=$(cpu_ns $vt)
read -r n size p50 p95 page <"$tmp/lat"
kill $vt; wait $vt 2>/dev/null
awk -v vms="$vms" -v d="$delay" -v json="$json" -v idle="$idle" -v a="$a" -v b="$b" -v secs="$secs" -v n="$n" \
	-v size="$size" -v p50="$p50" -v p95="$p95" -v page="$page" 'BEGIN {
	ref_json = json * d; ref_idle = idle * d	# ms per refresh
	scraped = (b - a) / 1e6 / secs * d	# ms per refresh while scraped
	per_scrape = (scraped - ref_idle) * (secs / d) / n
	printf "%d fake VMs (2 vCPUs each), -d %s, %d scrapes of %d bytes (OpenMetrics)\n", vms, d, n, size
	printf "vmtop CPU per refresh: -b -o json %.2f ms; --listen, no scrape %.2f ms (%.2fx)\n", ref_json, ref_idle, ref_idle / ref_json
	printf "vmtop CPU per scrape: %.3f ms = %.3f of a refresh of its own\n", per_scrape, per_scrape / ref_idle
	printf "scrape latency: median %.2f ms, p95 %.2f ms; / (a 250-byte page) median %.3f ms: %.1fx\n", p50, p95, page, p50 / page
}'
