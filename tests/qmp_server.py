# qmp_server.py - a stand-in for a VMM's QMP socket, for tests: MODE answer (greets, answers qmp_capabilities and
# query-balloon with ACTUAL bytes; qom-list shows a balloon device, balloon0, and qom-get its guest-stats, as qemu
# does once a guest with a stats queue reported), silent (accepts and never writes), die (exits when asked query-balloon) or
# flaky (as answer, but each client's second connection is left silent, as when another client held the socket).
# Every connection ("connect PID", the client's process by SO_PEERCRED: other vmtops on the host, such as other
# tests', connect too) and command is appended to LOG, so a test can count them and see what was sent.
#   usage: python3 qmp_server.py MODE PATH LOG [ACTUAL]
import json, os, socket, struct, sys, threading

mode, path, log = sys.argv[1], sys.argv[2], sys.argv[3]
actual = int(sys.argv[4]) if len(sys.argv) > 4 else 1 << 30
# listening before the path appears (bound under another name, then renamed): a client that finds the path is
# never refused, as it could be between bind and listen on a busy host
tmp = path + ".new"
for p in (path, tmp):
    if os.path.exists(p):
        os.unlink(p)
srv = socket.socket(socket.AF_UNIX)
srv.bind(tmp)
srv.listen(8)
os.rename(tmp, path)
held = []
lock = threading.Lock()
connections = {}  # per client PID

def note(what):
    with lock, open(log, "a") as f:
        f.write(what + "\n")

def serve(conn):
    # a client that gave up (vmtop's 50 ms deadline on a busy host) ends its connection, not the VMM: as qemu
    try:
        conn.sendall(b'{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": []}}\r\n')
        stream = conn.makefile("r")
        for line in stream:
            msg = json.loads(line)
            cmd, args = msg.get("execute", ""), msg.get("arguments", {})
            note(cmd)
            if cmd == "query-balloon" and mode == "die":
                os._exit(0)  # the VMM dies with the query unanswered
            if cmd == "qmp_capabilities":
                conn.sendall(b'{"return": {}}\r\n')
            elif cmd == "query-balloon":
                conn.sendall(b'{"event": "BALLOON_CHANGE", "data": {"actual": 1}}\r\n')
                conn.sendall(('{"return": {"actual": %d}}\r\n' % actual).encode())
            elif cmd == "qom-list" and args.get("path") == "/machine/peripheral":
                conn.sendall(b'{"return": [{"name": "type", "type": "string"}, '
                             b'{"name": "balloon0", "type": "child<virtio-balloon-pci>"}]}\r\n')
            elif cmd == "qom-get" and args == {"path": "/machine/peripheral/balloon0", "property": "guest-stats"}:
                conn.sendall(b'{"return": {"stats": {"stat-swap-in": 0, "stat-swap-out": 0, "stat-major-faults": 7, '
                             b'"stat-minor-faults": 1234, "stat-free-memory": 268435456, "stat-total-memory": 1073741824, '
                             b'"stat-available-memory": 536870912, "stat-disk-caches": 104857600, '
                             b'"stat-htlb-pgalloc": 0, "stat-htlb-pgfail": 0}, "last-update": 1796640000}}\r\n')
            else:
                conn.sendall(b'{"error": {"class": "CommandNotFound", "desc": "not served here"}}\r\n')
    except (BrokenPipeError, ConnectionResetError, ValueError):
        pass
    conn.close()

while True:
    conn, _ = srv.accept()
    pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[0]
    note("connect %d" % pid)
    connections[pid] = connections.get(pid, 0) + 1
    if mode == "silent" or (mode == "flaky" and connections[pid] == 2):
        held.append(conn)  # kept open, never answered
        continue
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
