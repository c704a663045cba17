## tui.mk fragment
