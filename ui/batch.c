/* batch.c - batch mode: the refresh loop that prints each refresh as text, CSV or JSON lines. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "export.h"
#include "nls.h"
#include "util.h"
#include "vm_sort.h"

/* The stop signal that arrived (0: none); while writing, the handler ends the run itself: a write to a pipe
 * nobody reads blocks for good, and stdio retries what an interrupted write left behind. */
static volatile sig_atomic_t stop_requested, writing;

static void on_stop(int sig)
{
	stop_requested = sig;
	if (writing)
		_exit(128 + sig);
}

/* Output is about to be written: a stop signal from now on ends the run at once, one that came already too. */
static void writing_begins(void)
{
	writing = 1;
	if (stop_requested)
		_exit(128 + stop_requested);
}

/* Sleeps until the monotonic deadline; an interrupted sleep resumes unless asked to stop. */
static void sleep_until(double deadline)
{
	struct timespec ts;
	ts.tv_sec = (time_t)deadline;
	ts.tv_nsec = (long)((deadline - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop_requested)
		;
}

/* Sleeps until the deadline, keeping perf's samples on the way when the delay is longer than its rings hold. */
static void wait_until(struct session *s, double deadline)
{
	for (;;) {
		double next = clock_mono() + SESSION_DRAIN_SECONDS;
		if (stop_requested)
			return;
		if (next >= deadline) {
			sleep_until(deadline);
			return;
		}
		sleep_until(next);
		session_drain(s);
	}
}

/* Prints the refresh just made (the n-th); -1 when written, else the exit status (the output went away). */
static int print_refresh(struct session *s, long n, int key, const char *hostname)
{
	const struct model *m = &s->model;
	size_t *order = xcalloc(m->nvms, sizeof(size_t));
	vm_sort(m, key < 0 ? SORT_TOTAL : (enum sort_key)key, false, NULL, NULL, order);
	/* a recorder writes nothing here: a stop ends its loop, and the session's close writes what -w still holds */
	if (s->opt->format != OUT_NONE)
		writing_begins();
	switch (s->opt->format) {
	case OUT_TEXT:
		batch_text_print(stdout, m, order, hostname);
		break;
	case OUT_CSV:
		batch_csv_print(stdout, m, order, n == 0);
		break;
	case OUT_JSON:
		batch_json_print(stdout, m, order, hostname);
		break;
	case OUT_NONE:
		break;	/* a recorder: -w is the output */
	}
	free(order);
	/* flushed every refresh so that `vmtop -b | tee log` shows each one as it happens */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		/* the reader went away (`vmtop -b | head -1` with SIGPIPE ignored): quietly, as SIGPIPE would */
		if (errno == EPIPE)
			return 128 + SIGPIPE;
		fprintf(stderr, "vmtop: %s: %s\n", _("cannot write output"), strerror(errno));
		return 1;
	}
	writing = 0;
	return -1;
}

int batch_run(struct session *s)
{
	const struct options *opt = s->opt;
	struct sigaction sa = { .sa_handler = on_stop };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	int key = sort_key_from_name(opt->sort);
	struct exporter *ex = NULL;
	if (opt->listen || opt->textfile) {
		char why[512];
		if (!(ex = export_open(opt, why, sizeof(why)))) {
			fprintf(stderr, "vmtop: %s\n", why);
			return 1;
		}
		export_publish(ex, &s->model);	/* a scrape before the first refresh has the first sample's figures */
	}
	double deadline = clock_mono();
	for (long n = 0; (opt->count < 0 || n < opt->count) && !stop_requested; n++) {
		deadline += opt->delay;
		if (!s->recording)
			wait_until(s, deadline);	/* a replay prints its records as fast as it reads them */
		if (stop_requested || !session_refresh(s))
			break;
		if (ex)
			export_publish(ex, &s->model);
		if (opt->batch) {
			int status = print_refresh(s, n, key, s->hostname);
			if (status >= 0) {
				export_close(ex);
				return status;
			}
		}
		if (deadline < clock_mono() - opt->delay)
			deadline = clock_mono();	/* fell far behind (suspended): don't burst to catch up */
	}
	export_close(ex);
	return stop_requested ? 128 + stop_requested : 0;
}
