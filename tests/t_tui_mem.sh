#!/bin/sh
# Memory in the curses view over tests/tui_fake's model: the KSM header line (on and off), SWAP, KSM and BALLOON
# columns on a wide terminal and sortable, 80 columns as before, and the memory tab with every figure, the stacked
# bar and the per-node table with its own sort.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui_lib.sh"

line_of() {
	tui_screen | grep -nE -- "$1" | head -n 1 | cut -d: -f1
}

# tui_again COLS ROWS: the last program has ended; a fresh pane of another size.
tui_again() {
	tui_exit_status >/dev/null
	tm kill-server >/dev/null 2>&1
	# a new server on the socket of one still exiting dies with it: wait until the old one is gone
	for _ in $(seq 50); do tm has-session >/dev/null 2>&1 || break; sleep 0.1; done
	rm -f "$TUI_SOCK"
	tui_start "$1" "$2"
}

# 80 columns: the default columns, the KSM line in the header.
tui_start 80 24
tui_run "$FAKE -d 0.5"
tui_wait 'web-frontend'
tui_wait '^KSM: 1\.2G shared in 300M, 5 full scans'
tui_screen | grep -Eq 'PID NAME +VCPU +TOTAL% +GUEST% +VMM% +KERNEL% +VHOST% +READY% +RSS *$' ||
	fail "80 columns: titles changed: $(tui_screen | grep 'PID NAME')"
tui_screen | grep -Eq 'SWAP|BALLOON' && fail "80 columns: memory columns squeezed in"
tui_check_frame 80 24
tui_type q

# 109 columns: as before (the whole name first); 140: EXITS/s, SWAP, KSM and BALLOON shown, and each sorts (< > move the
# sort column, the status line names it).
tui_again 109 30
tui_run "$FAKE -d 0.5 --no-color"
tui_wait 'web-frontend'
tui_screen | grep -Eq ' KSM | SWAP ' && fail "109 columns: memory columns before the whole name"
tui_screen | grep -Eq 'PID NAME {20,}VCPU' || fail "109 columns: name not at its preferred width"
tui_type q
tui_again 140 30
tui_run "$FAKE -d 0.5 --no-color"
tui_wait 'web-frontend'
tui_screen | grep -Eq 'RSS +SWAP +KSM +BALLOON ' || fail "140 columns: no SWAP KSM BALLOON: $(tui_screen | grep 'PID NAME')"
# web-frontend merged 1G (262144 pages), db-primary swapped 256M, build-runner ballooned 1G away; idle-vm is -
tui_screen | grep -Eq '1001 +web-frontend .* 1\.0G +[0-9.]+[MG] ' || fail "web-frontend KSM 1.0G not shown"
tui_screen | grep -Eq '1004 +idle-vm .* - +- +- ' || fail "idle-vm: unknown memory not shown as -"
tui_type M
tui_wait 'Sort: RSS'
tui_type '>'
tui_wait 'Sort: SWAP'
[ "$(line_of '1002 +db-primary')" -lt "$(line_of '1001 +web-frontend')" ] || fail "SWAP sort: db-primary not first"
[ "$(line_of '1004 +idle-vm')" -gt "$(line_of '1005 ')" ] || fail "SWAP sort: unknown not last"
tui_type '>'
tui_wait 'Sort: KSM'
[ "$(line_of '1001 +web-frontend')" -lt "$(line_of '1002 +db-primary')" ] || fail "KSM sort: web-frontend not first"
tui_type '>'
tui_wait 'Sort: BALLOON'
[ "$(line_of '1002 +db-primary')" -lt "$(line_of '1001 +web-frontend')" ] || fail "BALLOON sort: 32G db first"
tui_check_frame 140 30

# The memory tab of web-frontend: figures, the bar, host KSM and the nodes.
tui_type / w e b Enter Enter
tui_wait '^VM 1001 web-frontend'
tui_type 4
tui_wait 'VM 1001 memory'
tui_wait '^Configured 8\.0G  Resident 4\.0G \(anon 3\.6G, file 205M, shmem 205M\)  Swap 1\.0M  Major faults 2\.5/s'
tui_screen | grep -Eq '^THP 2\.0G  Hugetlb 0K  KSM merged 1\.0G \(262144 pages, 262154 rmap items, 0 zero pages, profit 1024M; offered to KSM: yes\)' ||
	fail "THP/KSM line: $(tui_screen | grep '^THP')"
tui_screen | grep -Eq '^Balloon 8\.0G actual, target - \(qmp\)' || fail "balloon line"
tui_screen | grep -Eq '^Guest says: usable 6\.0G, unused 2\.0G, caches 1\.0G, swapped in -, out 4\.0M, 12 major faults' ||
	fail "guest statistics line: $(tui_screen | grep '^Guest')"
# without colours the bar's cells are letters: 3.0G resident + 1.0G merged + 1M swapped of 8.0G in 30 cells
tui_screen | grep -Eq '^\[R{11}K{4} {15}\] R resident  K merged  B ballooned  S swapped, of 8\.0G' ||
	fail "stacked bar: $(tui_screen | grep 'R resident')"
tui_screen | grep -Eq '^Host KSM: run 1, 0 pages every 0 ms, shared 300M, sharing 1\.2G, unshared 0K, volatile 0K, 5 full' ||
	fail "host KSM line: $(tui_screen | grep '^Host KSM')"
tui_screen | grep -Eq '^THP madvise  Hugepages 2\.0M: 128 of 512 free' || fail "THP/hugepages line"
tui_screen | grep -Eq '^Swap 1\.0G used of 8\.0G  Pressure some 1\.2%? ?%? ?full 0\.5' ||
	tui_screen | grep -Eq '^Swap 1\.0G used of 8\.0G' || fail "swap/PSI line: $(tui_screen | grep '^Swap')"
tui_screen | grep -Eq 'Guest RAM/host RAM 1\.25, after KSM 1\.20' || fail "overcommit after KSM"
tui_screen | grep -Eq '^ *NODE +KIB +SIZE +SHARE% +VCPUS' || fail "node table titles"
# beside each node's pages, the vCPUs that last ran on its CPUs (4 vCPUs: 1 on node 0, 3 on node 1)
tui_screen | grep -Eq '^ +0 +1048576 +1\.0G +25\.0 +1 *$' || fail "node 0 row: $(tui_screen | grep -E '^ +0 ')"
tui_screen | grep -Eq '^ +1 +3145728 +3\.0G +75\.0 +3 *$' || fail "node 1 row: $(tui_screen | grep -E '^ +1 ')"
[ "$(line_of '^ +0 +1048576 ')" -lt "$(line_of '^ +1 +3145728 ')" ] || fail "nodes not in node order"
tui_type '>'
tui_wait 'Sort: KIB'
[ "$(line_of '^ +1 +3145728 ')" -lt "$(line_of '^ +0 +1048576 ')" ] || fail "KIB sort: node 1 not first"
tui_check_frame 140 30
# a VM whose memory is not known: every figure -, none a made-up number
tui_type BSpace
tui_wait 'Filter: web'
tui_type Escape
tui_wait_gone 'Filter: web'
tui_type / i d l e Enter Enter
tui_wait '^VM 1004 idle-vm'
tui_type 4
tui_wait 'VM 1004 memory'
tui_wait 'KSM merged - \(- pages, - rmap items, - zero pages, profit -; offered to KSM: -\)'
tui_screen | grep -q 'Pages per NUMA node not read yet' || fail "idle-vm: NUMA nodes not said unknown"
tui_type q

# KSM stopped: the header says so.
tui_again 80 24
tui_run "env TUI_FAKE_KSM_OFF=1 $FAKE -d 0.5"
tui_wait 'web-frontend'
tui_wait '^KSM off \(1\.2G still shared in 300M\)'
tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"
tui_shell_usable
echo "PASS: $TEST_NAME"
