## net.mk fragment
