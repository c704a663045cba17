/* main.c - vmtop's entry point: options, then the batch or the interactive view over one session. */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "batch.h"
#include "nls.h"
#include "options.h"
#include "session.h"
#include "tui.h"

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
	struct session s;
	if (session_open(&s, &opt, !opt.batch) < 0) {
		options_free(&opt);
		return 1;
	}
	status = opt.batch ? batch_run(&s) : tui_run(&s);
	session_close(&s);
	options_free(&opt);
	return status;
}
