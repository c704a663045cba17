/* apportion.c - proportional split of host-side time across VMs by their share of network bytes. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "apportion.h"
#include "util.h"

static double weight_of(double w)
{
	return (isnan(w) || w < 0) ? 0 : w;
}

double apportion(double amount, const double *weights, size_t n, double *out)
{
	double sum = 0;
	size_t last = n;
	for (size_t i = 0; i < n; i++) {
		out[i] = isnan(amount) ? NAN : 0;
		if (weight_of(weights[i]) > 0) {
			sum += weight_of(weights[i]);
			last = i;
		}
	}
	if (isnan(amount))
		return NAN;
	if (!(sum > 0))
		return amount;
	/* The last share takes what the others leave, so the shares add up to amount despite rounding. */
	double given = 0;
	for (size_t i = 0; i < last; i++) {
		out[i] = amount * (weight_of(weights[i]) / sum);
		given += out[i];
	}
	out[last] = amount - given;
	if ((amount >= 0 && out[last] < 0) || (amount < 0 && out[last] > 0))
		out[last] = 0;
	return 0;
}

unsigned long apportion_counts(unsigned long amount, const unsigned long long *weights, size_t n,
			       unsigned long *out)
{
	unsigned __int128 sum = 0;
	for (size_t i = 0; i < n; i++) {
		out[i] = 0;
		sum += weights[i];
	}
	if (!sum)
		return amount;
	unsigned long long *rem = xcalloc(n ? n : 1, sizeof(*rem));
	unsigned long given = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned __int128 p = (unsigned __int128)amount * weights[i];
		out[i] = (unsigned long)(p / sum);
		rem[i] = (unsigned long long)(p % sum);
		given += out[i];
	}
	/* Fewer than n units are left; each goes to the largest remainder not yet served (lowest index on ties). */
	bool *served = xcalloc(n, sizeof(*served));
	for (unsigned long left = amount - given; left > 0; left--) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!served[i] && weights[i] && (best == n || rem[i] > rem[best]))
				best = i;
		if (best == n)
			break;
		out[best]++;
		served[best] = true;
	}
	free(served);
	free(rem);
	return 0;
}
