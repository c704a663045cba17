/* main.c - vmtop's entry point: options, then the batch or the interactive view over one session. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>

#include "batch.h"
#include "nls.h"
#include "options.h"
#include "session.h"
#include "tui.h"

/* vmtop holds a perf descriptor per CPU and a netlink socket per network namespace with VMs: on a big host
 * that can pass the usual soft limit of 1024, so use what the hard limit allows (vmtop's own limit only). */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	struct options opt;
	int status = options_parse(&opt, argc, argv);
	if (status >= 0) {
		options_free(&opt);
		return status;
	}
	raise_fd_limit();
	struct session s;
	if (session_open(&s, &opt, !opt.batch && !opt.listen && !opt.textfile) < 0) {
		options_free(&opt);
		return 1;
	}
	status = opt.batch || opt.listen || opt.textfile ? batch_run(&s) : tui_run(&s);
	session_close(&s);
	options_free(&opt);
	return status;
}
