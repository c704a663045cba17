## bench/refresh_cost.sh, bench/sampling_cost.sh: vmtop's CPU per refresh beside top's, and what perf sampling costs (run by hand).
EXTRA_DIST += bench/refresh_cost.sh bench/sampling_cost.sh bench/kvm_standin.c
