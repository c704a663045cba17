/* tui.h - the interactive ncursesw view of vmtop: what main.c calls when not in batch mode. */
#ifndef VMTOP_TUI_H
#define VMTOP_TUI_H

#include "session.h"

/* Runs the interactive view until q, -n refreshes or a fatal signal; returns the exit status. */
int tui_run(struct session *s);

#endif
