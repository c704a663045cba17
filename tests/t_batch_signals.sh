# t_batch_signals.sh - batch mode ends within 1 s of SIGTERM, SIGINT or SIGHUP even while its output is blocked
# on a pipe nobody reads, with 128 + the signal; it ends quietly when the reader goes away (head -c 10).
. "$top_srcdir/tests/lib.sh"
need python3
limit 120 python3 - "$VMTOP" <<'PY' || fail "see above"
import fcntl, os, signal, subprocess, sys, time
vmtop = sys.argv[1]
F_SETPIPE_SZ = 1031
bad = []

def blocked_in_write(pid, limit):
    """Until the process sleeps in pipe_write (its output is full), at most limit seconds."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            if open("/proc/%d/wchan" % pid).read().strip().endswith("pipe_write"):
                return True
        except OSError:
            return False
        time.sleep(0.05)
    return False

def stalled(sig, fmt):
    # a one-page pipe: a refresh or two fill it on any host
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    p = subprocess.Popen([vmtop, "-b", "-o", fmt, "-d", "0.05"], stdout=w, stderr=subprocess.PIPE)
    os.close(w)
    if not blocked_in_write(p.pid, 20):
        p.kill(); p.wait(5)
        bad.append("%s: vmtop -o %s never blocked on its full pipe" % (signal.Signals(sig).name, fmt))
        return
    time.sleep(0.2)
    t0 = time.monotonic()
    p.send_signal(sig)
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait(5)
        bad.append("%s with output blocked (-o %s): still running 5 s later" % (signal.Signals(sig).name, fmt))
        os.close(r)
        return
    took = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    os.close(r)
    print("%s, -o %s, output blocked: exit %d after %.3f s" % (signal.Signals(sig).name, fmt, p.returncode, took))
    if took > 1.0:
        bad.append("%s took %.2f s (more than 1 s)" % (signal.Signals(sig).name, took))
    if p.returncode != 128 + sig:
        bad.append("%s with output blocked: exit %d, not %d: %s" % (signal.Signals(sig).name, p.returncode, 128 + sig, err))

# not csv: on a host without VMs it prints its header once and nothing more, so its pipe never fills
for sig, fmt in ((signal.SIGTERM, "json"), (signal.SIGINT, "text"), (signal.SIGHUP, "json")):
    stalled(sig, fmt)

# stopped while it sleeps between refreshes: the same status
p = subprocess.Popen([vmtop, "-b", "-o", "json", "-d", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
p.stdout.readline()
t0 = time.monotonic()
p.terminate()
try:
    p.wait(5)
    if p.returncode != 143:
        bad.append("SIGTERM while sleeping: exit %d, not 143" % p.returncode)
    if time.monotonic() - t0 > 1.0:
        bad.append("SIGTERM while sleeping took %.2f s" % (time.monotonic() - t0))
except subprocess.TimeoutExpired:
    p.kill(); p.wait(5)
    bad.append("SIGTERM while sleeping: still running 5 s later")

# the reader goes away: killed by SIGPIPE or, with SIGPIPE ignored, exit 141; nothing on stderr either way
for ignore in (False, True):
    pre = (lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN)) if ignore else None
    p = subprocess.Popen([vmtop, "-b", "-o", "json", "-d", "0.1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=pre)
    p.stdout.read(10)
    p.stdout.close()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait(5)
        bad.append("reader gone (SIGPIPE %s): still running 10 s later" % ("ignored" if ignore else "default"))
        continue
    err = p.stderr.read().decode(errors="replace")
    want = 141 if ignore else -signal.SIGPIPE
    if p.returncode != want:
        bad.append("reader gone (SIGPIPE %s): exit %d, not %d" % ("ignored" if ignore else "default", p.returncode, want))
    if err:
        bad.append("reader gone: stderr says: %s" % err)

for b in bad:
    print("FAIL: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
exit 0
