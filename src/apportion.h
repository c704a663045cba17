/* apportion.h - splitting an amount across VMs in proportion to weights (their network bytes). Pure. */
#ifndef VMTOP_APPORTION_H
#define VMTOP_APPORTION_H

#include <stddef.h>

/*
 * out[i] = amount * weights[i] / sum(weights), for n shares. Weights that are negative or NAN count as 0.
 * Returns what stays unattributed: all of amount when the weights sum to 0 (no traffic: nothing is
 * given to any VM, every out[i] is 0), else 0; the shares then add up to amount. A NAN amount gives NAN
 * shares and returns NAN.
 */
double apportion(double amount, const double *weights, size_t n, double *out);

/* The same for whole counts (e.g. samples), by largest remainder: the shares add up to amount exactly. */
unsigned long apportion_counts(unsigned long amount, const unsigned long long *weights, size_t n,
			       unsigned long *out);

#endif
