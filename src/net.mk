## net.mk fragment: tap counters with libnl-route-3, network rates and bandwidth apportioning in the model.
libvmtop_a_SOURCES += src/collect_net.h src/collect_net.c src/apportion.h src/apportion.c src/model_net.c
