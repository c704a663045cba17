/* tui_term.c - the terminal: curses on and off, and given back on q, stop signals, exit() and fatal signals. */
#include "config.h"

#include <curses.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "nls.h"
#include "tui_state.h"

static volatile sig_atomic_t stop_signal, writing;
static bool curses_on;
/* For fatal signals, where endwin is not safe: the tty modes from before curses and the terminal's own
 * strings to leave the alternate screen and show the cursor, written with write(2). */
static struct termios saved_tio;
static bool have_tio;
static char reset_seq[256];
static size_t reset_len;

/* Our undelivered output dropped and output restarted: a terminal stopped by ^S takes no byte at all, and only
 * turning IXON off restarts it (TCOON undoes TCOOFF only). Async-signal-safe. */
static void restart_output(void)
{
	struct termios tio;
	tcflush(STDOUT_FILENO, TCOFLUSH);
	tcflow(STDOUT_FILENO, TCOON);
	if (tcgetattr(STDOUT_FILENO, &tio) == 0 && (tio.c_iflag & IXON)) {
		tio.c_iflag &= ~(tcflag_t)IXON;
		tcsetattr(STDOUT_FILENO, TCSANOW, &tio);
		tio.c_iflag |= IXON;
		tcsetattr(STDOUT_FILENO, TCSANOW, &tio);
	}
}

/* Async-signal-safe: output restarted, the reset written without blocking, the tty modes back, and out. */
static void restore_and_exit(int sig)
{
	restart_output();
	int fl = fcntl(STDOUT_FILENO, F_GETFL);
	if (fl >= 0 && reset_len) {
		/* O_NONBLOCK is on the terminal's open file, which the shell shares: cleared again at once */
		fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK);
		(void)!write(STDOUT_FILENO, reset_seq, reset_len);
		fcntl(STDOUT_FILENO, F_SETFL, fl);
	}
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	_exit(128 + sig);
}

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	if (writing)
		restore_and_exit(sig);
}

void tui_term_writing(bool on)
{
	writing = on;
	if (on && stop_signal)
		restore_and_exit(stop_signal);	/* it came just before: the update might never end either */
}

static void on_fatal_signal(int sig)
{
	if (curses_on) {
		if (reset_len)
			(void)!write(STDOUT_FILENO, reset_seq, reset_len);
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Also run by exit() from anywhere, so a fatal error never leaves the terminal raw. */
void tui_term_restore(void)
{
	if (curses_on) {
		curses_on = false;
		/* after a stop signal the terminal may be stopped (^S) with our output queued: drop it and restart
		 * output, so that endwin's few hundred bytes cannot block */
		if (stop_signal)
			restart_output();
		endwin();
	}
}

int tui_term_stop_signal(void)
{
	return stop_signal;
}

static void add_reset(const char *capname)
{
	const char *s = tigetstr((char *)capname);
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

/* No SA_RESTART for stop signals: the signal interrupts wgetch and the loop sees the flag at once. */
static void catch_signals(void)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	static const int fatals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(fatals) / sizeof(fatals[0]); i++)
		sigaction(fatals[i], &sa, NULL);
}

bool tui_term_start(struct tui *t)
{
	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	catch_signals();
	atexit(tui_term_restore);
	/* newterm, not initscr: initscr exits on an unknown TERM without a word we control. */
	if (!newterm(NULL, stdout, stdin)) {
		const char *term = getenv("TERM");
		fprintf(stderr, "vmtop: %s '%s'\n", _("cannot use this terminal type:"), term ? term : "");
		return false;
	}
	curses_on = true;
	add_reset("sgr0");
	add_reset("cnorm");
	add_reset("rmkx");
	add_reset("rmcup");
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);	/* Esc must feel instant; terminals send sequences far faster */
	tui_theme_init(t);
	return true;
}
