/* options.c - the command line, parsed and checked. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "options.h"
#include "util.h"

/* Sort keys accepted by -s, the same names as the JSON fields and UI columns ("mem": rss's old name). */
static const char *const sort_names[] = {
	"pid", "name", "vcpus", "total", "guest", "vmm", "kernel", "vhost", "ready", "rss", "mem", "swap", "ksm", "balloon",
	"exits",
};

/* msgid is an untranslated format with one %s; its translation is used only when it has the same conversions. */
static int usage_error(const char *msgid, const char *arg)
{
	const char *fmt = _(msgid);
	if (!format_same(msgid, fmt))
		fmt = msgid;
	fprintf(stderr, "vmtop: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (%s)\n", _("see 'vmtop --help'"));
	return 2;
}

static void print_help(void)
{
	printf(_("Usage: vmtop [OPTION]...\n"
		 "Show where the CPU of each KVM virtual machine goes: in the guest, in the VMM's user space,\n"
		 "in the host kernel on its behalf, in vhost workers, and time spent waiting for a CPU.\n"
		 "\n"
		 "  -b, --batch              batch mode: print refreshes to standard output\n"
		 "  -n, --iterations COUNT   stop after COUNT refreshes\n"
		 "  -d, --delay SECONDS      time between refreshes (default 2; fractions allowed)\n"
		 "  -o, --output FORMAT      batch output: text, csv, json or none (implies -b)\n"
		 "  -p, --pid PID[,PID...]   show only these VM processes\n"
		 "  -s, --sort COLUMN        sort by pid, name, vcpus, total, guest, vmm, kernel, vhost,\n"
		 "                           ready, rss, swap, ksm, balloon or exits (default total)\n"
		 "      --sample-hz HZ       perf sampling frequency for the module split (default 99, 0 = off)\n"
		 "      --no-qmp             do not ask VMs' QMP sockets for their balloon\n"
		 "      --no-libvirt         do not ask libvirtd (read-only) for its domains' names and balloons\n"
		 "      --exits=on|off|all   count KVM exits by reason, port, MMIO page, MSR (default on);\n"
		 "                           all: emulated instructions too (costly where they are many)\n"
		 "      --functions          batch JSON: each VM's top kernel functions per component\n"
		 "      --threads-source SRC how VM threads are read: auto (default: eBPF where it loads,\n"
		 "                           else /proc), bpf or proc\n"
		 "      --no-color           no colours in the interactive view (also: NO_COLOR set)\n"
		 "  -w, --write FILE         record each refresh's raw sample to FILE (strftime patterns: %%Y%%m%%d)\n"
		 "  -W, --w-interval SECONDS record at most every SECONDS (default: every refresh)\n"
		 "      --w-max-mb MB        start a new FILE past MB MiB, keeping FILE.1 ... FILE.9\n"
		 "  -r, --read FILE          replay a recording instead of reading the host\n"
		 "      --begin TIME, --end TIME   replay from / to TIME (HH:MM[:SS], YYYY-MM-DD HH:MM[:SS], @EPOCH)\n"
		 "      --listen ADDR:PORT   no view: serve OpenMetrics on http://ADDR:PORT/metrics (ADDR\n"
		 "                           default 127.0.0.1; or a unix socket path)\n"
		 "      --textfile DIR       no view: write DIR/vmtop.prom every refresh (node_exporter)\n"
		 "  -h, --help               show this help and exit\n"
		 "  -V, --version            show the version and exit\n"
		 "\n"
		 "CPU figures are %% of one CPU, like top: a VM with two busy vCPUs shows 200.\n"
		 "See vmtop(1) for the keys of the interactive view and the JSON fields.\n"));
}

static bool parse_count(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1)
		return false;
	*out = v;
	return true;
}

static bool parse_delay(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0.05 || v > 86400)
		return false;
	*out = v;
	return true;
}

static bool parse_pids(const char *s, struct options *opt)
{
	const char *p = s;
	while (*p) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (errno || end == p || v < 1 || v > 4194304 || (*end && *end != ','))
			return false;
		opt->pids = xrealloc(opt->pids, (opt->npids + 1) * sizeof(pid_t));
		opt->pids[opt->npids++] = (pid_t)v;
		p = *end ? end + 1 : end;
		if (*end == ',' && !*p)
			return false;	/* trailing comma */
	}
	return opt->npids > 0;
}

int options_parse(struct options *opt, int argc, char **argv)
{
	enum { OPT_SAMPLE_HZ = 256, OPT_NO_COLOR, OPT_NO_QMP, OPT_NO_LIBVIRT, OPT_EXITS, OPT_FUNCTIONS, OPT_W_MAX_MB,
	       OPT_BEGIN, OPT_END, OPT_THREADS_SOURCE, OPT_LISTEN, OPT_TEXTFILE };
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "sort", required_argument, NULL, 's' },
		{ "sample-hz", required_argument, NULL, OPT_SAMPLE_HZ },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "no-qmp", no_argument, NULL, OPT_NO_QMP },
		{ "no-libvirt", no_argument, NULL, OPT_NO_LIBVIRT },
		{ "exits", required_argument, NULL, OPT_EXITS },
		{ "functions", no_argument, NULL, OPT_FUNCTIONS },
		{ "write", required_argument, NULL, 'w' },
		{ "w-interval", required_argument, NULL, 'W' },
		{ "w-max-mb", required_argument, NULL, OPT_W_MAX_MB },
		{ "read", required_argument, NULL, 'r' },
		{ "begin", required_argument, NULL, OPT_BEGIN },
		{ "end", required_argument, NULL, OPT_END },
		{ "threads-source", required_argument, NULL, OPT_THREADS_SOURCE },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "textfile", required_argument, NULL, OPT_TEXTFILE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	memset(opt, 0, sizeof(*opt));
	opt->count = -1;
	opt->delay = 2.0;
	opt->format = OUT_TEXT;
	str_copy(opt->sort, "total", sizeof(opt->sort));
	opt->sample_hz = 99;
	opt->color = getenv("NO_COLOR") == NULL || !*getenv("NO_COLOR");
	opterr = 0;	/* our own one-line messages */
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":bn:d:o:p:s:w:W:r:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			opt->batch = true;
			break;
		case 'n':
			if (!parse_count(optarg, &opt->count))
				return usage_error(N_("invalid count '%s': expected a whole number of at least 1"), optarg);
			break;
		case 'd':
			if (!parse_delay(optarg, &opt->delay))
				return usage_error(N_("invalid delay '%s': expected seconds from 0.05 to 86400"), optarg);
			break;
		case 'o':
			if (!strcmp(optarg, "text"))
				opt->format = OUT_TEXT;
			else if (!strcmp(optarg, "csv"))
				opt->format = OUT_CSV;
			else if (!strcmp(optarg, "json"))
				opt->format = OUT_JSON;
			else if (!strcmp(optarg, "none"))
				opt->format = OUT_NONE;
			else
				return usage_error(N_("invalid output format '%s': expected text, csv, json or none"), optarg);
			opt->batch = true;
			break;
		case 'p':
			if (!parse_pids(optarg, opt))
				return usage_error(N_("invalid PID list '%s': expected PID[,PID...]"), optarg);
			break;
		case 's': {
			bool known = false;
			for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++)
				known |= !strcmp(optarg, sort_names[i]);
			if (!known)
				return usage_error(N_("invalid sort column '%s': expected pid, name, vcpus, total, guest, "
						     "vmm, kernel, vhost, ready, rss, swap, ksm, balloon or exits"), optarg);
			str_copy(opt->sort, optarg, sizeof(opt->sort));
			break;
		}
		case OPT_SAMPLE_HZ: {
			long hz;
			char *end;
			errno = 0;
			hz = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || hz < 0 || hz > 100000)
				return usage_error(N_("invalid sampling frequency '%s': expected 0 to 100000 Hz"), optarg);
			opt->sample_hz = (unsigned)hz;
			break;
		}
		case OPT_NO_COLOR:
			opt->color = false;
			break;
		case OPT_NO_QMP:
			opt->no_qmp = true;
			break;
		case OPT_NO_LIBVIRT:
			opt->no_libvirt = true;
			break;
		case OPT_EXITS:
			if (strcmp(optarg, "on") && strcmp(optarg, "off") && strcmp(optarg, "all"))
				return usage_error(N_("invalid --exits '%s': expected on, off or all"), optarg);
			opt->exits_off = !strcmp(optarg, "off");
			opt->exits_all = !strcmp(optarg, "all");
			break;
		case OPT_FUNCTIONS:
			opt->functions = true;
			break;
		case 'w':
			if (!*optarg)
				return usage_error(N_("invalid recording file '%s'"), optarg);
			opt->record = optarg;
			break;
		case 'W':
			if (!parse_delay(optarg, &opt->record_interval))
				return usage_error(N_("invalid recording interval '%s': expected seconds from 0.05 to 86400"),
						   optarg);
			break;
		case OPT_W_MAX_MB: {
			char *end;
			errno = 0;
			long mb = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || mb < 1 || mb > 1048576)
				return usage_error(N_("invalid size '%s': expected MiB from 1 to 1048576"), optarg);
			opt->record_max_mb = mb;
			break;
		}
		case 'r':
			if (!*optarg)
				return usage_error(N_("invalid recording file '%s'"), optarg);
			opt->replay = optarg;
			break;
		case OPT_BEGIN:
			opt->begin = optarg;
			break;
		case OPT_END:
			opt->end = optarg;
			break;
		case OPT_THREADS_SOURCE:
			if (!strcmp(optarg, "auto"))
				opt->threads_source = THREADS_AUTO;
			else if (!strcmp(optarg, "bpf"))
				opt->threads_source = THREADS_BPF;
			else if (!strcmp(optarg, "proc"))
				opt->threads_source = THREADS_PROC;
			else
				return usage_error(N_("invalid threads source '%s': expected auto, bpf or proc"), optarg);
			break;
		case OPT_LISTEN:
		case OPT_TEXTFILE:
			if (!*optarg)
				return usage_error(N_("option '%s' needs a value"), argv[optind - 1]);
			*(c == OPT_LISTEN ? &opt->listen : &opt->textfile) = optarg;
			break;
		case 'h':
			print_help();
			return 0;
		case 'V':
			printf("vmtop %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			return usage_error(N_("option '%s' needs a value"), argv[optind - 1]);
		default:
			return usage_error(N_("unknown option '%s'"), argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(N_("unexpected argument '%s'"), argv[optind]);
	if (opt->replay && opt->record)
		return usage_error(N_("%s: record (-w) and replay (-r) cannot go together"), "-w");
	if ((opt->record_interval > 0 || opt->record_max_mb) && !opt->record)
		return usage_error(N_("%s: -W and --w-max-mb go with -w FILE"), opt->record_interval > 0 ? "-W" : "--w-max-mb");
	if ((opt->begin || opt->end) && !opt->replay)
		return usage_error(N_("%s: --begin and --end go with -r FILE"), opt->begin ? "--begin" : "--end");
	if (opt->format == OUT_NONE && !opt->record)
		return usage_error(N_("%s: output none only makes sense while recording (-w FILE)"), "-o none");
	return -1;
}

void options_free(struct options *opt)
{
	free(opt->pids);
	opt->pids = NULL;
	opt->npids = 0;
}

bool options_wants_pid(const struct options *opt, pid_t pid)
{
	if (!opt->npids)
		return true;
	for (size_t i = 0; i < opt->npids; i++)
		if (opt->pids[i] == pid)
			return true;
	return false;
}
