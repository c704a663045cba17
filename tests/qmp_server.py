# qmp_server.py - a stand-in for a VMM's QMP socket, for tests: MODE answer (greets, answers qmp_capabilities and
# query-balloon with ACTUAL bytes), silent (accepts and never writes) or die (exits when asked query-balloon).
# Every connection and command is appended to LOG, so a test can count them and see what was sent.
#   usage: python3 qmp_server.py MODE PATH LOG [ACTUAL]
import json, os, socket, sys

mode, path, log = sys.argv[1], sys.argv[2], sys.argv[3]
actual = int(sys.argv[4]) if len(sys.argv) > 4 else 1 << 30
if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(8)
held = []

def note(what):
    with open(log, "a") as f:
        f.write(what + "\n")

while True:
    conn, _ = srv.accept()
    note("connect")
    if mode == "silent":
        held.append(conn)  # kept open, never answered
        continue
    conn.sendall(b'{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": []}}\r\n')
    stream = conn.makefile("r")
    for line in stream:
        cmd = json.loads(line).get("execute", "")
        note(cmd)
        if cmd == "query-balloon" and mode == "die":
            os._exit(0)  # the VMM dies with the query unanswered
        if cmd == "qmp_capabilities":
            conn.sendall(b'{"return": {}}\r\n')
        elif cmd == "query-balloon":
            conn.sendall(b'{"event": "BALLOON_CHANGE", "data": {"actual": 1}}\r\n')
            conn.sendall(('{"return": {"actual": %d}}\r\n' % actual).encode())
        else:
            conn.sendall(b'{"error": {"class": "CommandNotFound", "desc": "not served here"}}\r\n')
    conn.close()
