## Metrics (--listen, --textfile): the exposition's unit test, a real Prometheus and node_exporter scraping vmtop
## with real guests, and a scrape flood that must not move the refresh interval.
check_PROGRAMS += tests/test_openmetrics
tests_test_openmetrics_SOURCES = tests/test_openmetrics.c tests/unit.h
tests_test_openmetrics_LDADD = libvmtop.a $(VMTOP_LIBS)
TESTS += tests/test_openmetrics tests/t_metrics_listen.sh tests/t_metrics_prometheus.sh tests/t_metrics_flood.sh
EXTRA_DIST += tests/t_metrics_listen.sh tests/t_metrics_prometheus.sh tests/t_metrics_flood.sh tests/metrics_lib.sh
