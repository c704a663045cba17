## rig.mk fragment
