# t_exits_many.sh - 20 VMs with different exit profiles at once, each VM's rows its own: 12 minivmm pio VMs each on
# its own port (0x80 + i; 1 or 2 vCPUs), 4 MMIO VMs (stores to 0x20000), 4 halting ones. Every refresh: a pio VM's
# ports are its port alone and an MMIO VM's pages its page (0x20000) with no port; a halting VM has no I/O and no
# MMIO. Over the run each VM's exits to the VMM (IO, MMIO) match its own VMM's count within 5%.
. "$top_srcdir/tests/lib.sh"
need jq awk
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
grep -q '^#define HAVE_BPF 1' "$top_builddir/config.h" || skip "built without eBPF: exit keys need the bpf source"
pids=""
for i in $(seq 0 19); do
	if [ "$i" -lt 12 ]; then
		args="--vcpus $((i % 2 + 1)) --port $((128 + i)) pio"
	elif [ "$i" -lt 16 ]; then
		args="mmio"
	else
		args="--vcpus 2 halt"
	fi
	# shellcheck disable=SC2086 # args is a word list
	"$RIG_MINIVMM" --report 20 $args >"$TEST_TMP/mini.$i" 2>"$TEST_TMP/mini.$i.err" &
	rig_track $!
	pids="$pids${pids:+,}$!"
	echo "$! $i $args" >>"$TEST_TMP/vms"
done
for i in $(seq 0 19); do
	rig_minivmm_ready "$TEST_TMP/mini.$i" "minivmm $i"
done
timeout 120 "$VMTOP" -b -n 4 -d 1 --sample-hz 0 -o json -p "$pids" >"$TEST_TMP/json" || fail "vmtop exit $?"
src=$(jq -r 'select(.interval > 0) | .host.exits.source' "$TEST_TMP/json" | head -1)
[ "$src" = bpf ] || skip "exits source is not bpf here: $(jq -c .host.exits "$TEST_TMP/json" | head -1)"
[ "$(jq -r 'select(.interval > 0) | .vms | length' "$TEST_TMP/json" | sort -u)" = 20 ] ||
	fail "not 20 VMs in every refresh: $(jq -r '.vms | length' "$TEST_TMP/json" | tr '\n' ' ')"
bad=0
while read -r pid i mode_args; do
	# per refresh: time, interval, IO/s, MMIO/s, the ports (port/dir), the MMIO pages
	jq -r --argjson p "$pid" 'select(.interval > 0) | .host.exits as $h | .vms[] | select(.pid == $p) |
		[$h.time, $h.interval, (.exits.userspace.IO // 0), (.exits.userspace.MMIO // 0),
		 ([.exits.pio[]? | "\(.port)/\(.dir)"] | join(",") | if . == "" then "-" else . end),
		 ([.exits.mmio[]? | .gpa] | map(tostring) | join(",") | if . == "" then "-" else . end)] | @tsv' \
		"$TEST_TMP/json" >"$TEST_TMP/rows.$i"
	[ "$(wc -l <"$TEST_TMP/rows.$i")" -ge 3 ] || { echo "VM $i: fewer than 3 refreshes"; bad=1; continue; }
	case $mode_args in *pio) kind=io port=$((128 + i)) ;; mmio) kind=mmio port=- ;; *) kind=halt port=- ;; esac
	grep "^$kind " "$TEST_TMP/mini.$i" >"$TEST_TMP/truth.$i"
	awk -v F="$TEST_TMP/truth.$i" -v kind="$kind" -v port="$port" -v vm="$i" "$RIG_MINIVMM_AT"'
	{
		printf "VM %s (%s): IO %.0f/s, MMIO %.0f/s, ports %s, pages %s", vm, kind, $3, $4, $5, $6
		if (kind == "halt") {
			printf "\n"
			if ($3 > 0 || $4 > 0 || $5 != "-" || $6 != "-") { print "  a halting VM with I/O or MMIO"; bad = 1 }
			next
		}
		want = (at($1) - at($1 - $2)) / $2
		got = kind == "io" ? $3 : $4
		printf ", its VMM %.0f/s\n", want
		if (at($1) < 0 || at($1 - $2) < 0) { print "  no VMM count around this refresh"; bad = 1; next }
		sum_got += got * $2
		sum_want += want * $2
		if (kind == "io" && got > 0 && $5 != port "/out") { print "  ports are not its own port " port; bad = 1 }
		if (kind == "io" && $6 != "-") { print "  a pio VM with MMIO pages"; bad = 1 }
		if (kind == "mmio" && ($5 != "-" || (got > 0 && $6 != "131072"))) { print "  an MMIO VM with ports or another page"; bad = 1 }
	}
	# 20 busy VMs on a few CPUs starve the VMMs report threads now and then: their counts agree over the run
	END {
		if (kind != "halt" && sum_want < 100) { print "VM " vm ": its VMM made too few exits to compare"; bad = 1 }
		else if (kind != "halt" && (sum_got < 0.95 * sum_want || sum_got > 1.05 * sum_want)) {
			printf "VM %s: %.0f exits over the run, its VMM %.0f: not within 5%%\n", vm, sum_got, sum_want; bad = 1
		}
		exit bad
	}' "$TEST_TMP/rows.$i" || bad=1
done <"$TEST_TMP/vms"
[ $bad = 0 ] || fail "a VM's rows are not its own"
exit 0
