## bench/refresh_cost.sh: vmtop's CPU per refresh beside top's, with the host simulator (run by hand).
EXTRA_DIST += bench/refresh_cost.sh
