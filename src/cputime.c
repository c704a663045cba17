/* cputime.c - a thread's exact run time split into user, system and guest time as the kernel does it for /proc, with
 * guest time scaled alike (for the eBPF thread source, which reads the raw counters). */
#include "config.h"

#include "cputime.h"

/* The kernel reports gtime as sampled while it scales utime, which holds it, to the exact run time; where the ticks
 * came to more than the thread ran (a loaded host), utime - gtime, the VMM's time, loses that excess of the guest's
 * ticks (the likely cause of a pio guest's 5% VMM reading 0 in CI). The guest ticks since the last call get the
 * scale its user ticks got. */
static void scale_gtime(struct cputime_prev *p, unsigned long long prev_utime, unsigned long long utime,
			unsigned long long gtime)
{
	unsigned long long du = utime - p->raw_utime, dg = gtime - p->raw_gtime;
	if (du)
		p->gtime += (unsigned long long)((unsigned __int128)(dg < du ? dg : du) * (p->utime - prev_utime) / du);
	if (p->gtime > p->utime)
		p->gtime = p->utime;
	p->raw_utime = utime;
	p->raw_gtime = gtime;
}

/* cputime_adjust() (kernel/sched/cputime.c): never below what was reported before. */
void cputime_adjust(struct cputime_prev *p, unsigned long long rt, unsigned long long u, unsigned long long s,
		    unsigned long long gtime)
{
	if (p->utime + p->stime >= rt)
		return;
	unsigned long long prev_utime = p->utime;
	if (s && !u)
		s = rt;
	else if (s)	/* s == 0: utime takes it all */
		s = (unsigned long long)((unsigned __int128)s * rt / (u + s));
	if (s > rt)
		s = rt;
	if (s < p->stime)
		s = p->stime;
	unsigned long long raw_u = u;
	u = rt - s;
	if (u < p->utime) {
		u = p->utime;
		s = rt - u;
	}
	p->utime = u;
	p->stime = s;
	scale_gtime(p, prev_utime, raw_u, gtime);
}
