/* nls.h - gettext macros, compiled away when NLS is disabled. */
#ifndef VMTOP_NLS_H
#define VMTOP_NLS_H

#include "config.h"

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#define textdomain(d) ((void)0)
#define bindtextdomain(p, d) ((void)0)
#endif
#define N_(s) (s)

#endif
