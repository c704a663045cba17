## core.mk fragment
