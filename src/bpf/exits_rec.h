/* exits_rec.h - the key, value and slot of the exits counts, shared by bpf/exits.bpf.c and its loader. */
#ifndef VMTOP_EXITS_REC_H
#define VMTOP_EXITS_REC_H

struct exits_key {
	__u32 tid;
	__u32 ev;		/* enum exits_event */
	__u64 arg;		/* what exits_events.h says for ev */
};

struct exits_val {
	__u64 count;
	__u64 ns;		/* EXIT: summed time from exit to next entry */
};

/* One element of the slot array: a key's counts, with the key (tid 0: a free slot). */
struct exits_slot {
	struct exits_key key;
	struct exits_val val;
};

#endif
