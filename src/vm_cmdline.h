/* vm_cmdline.h - what a VMM's command line says about its VM: name, UUID, configured memory. */
#ifndef VMTOP_VM_CMDLINE_H
#define VMTOP_VM_CMDLINE_H

#include <stddef.h>

struct vm_cmdline {
	char name[128];		/* "" when the command line names no VM */
	char uuid[40];		/* "" when none */
	long long mem_kib;	/* -1 when unknown */
	char qmp[108];		/* qemu's QMP unix socket (-qmp unix:PATH,server... or -chardev socket + -mon
				 * mode=control), "" when none */
};

/* Parses a NUL-separated argv block (as in /proc/PID/cmdline) of qemu, kvmtool, crosvm, cloud-hypervisor or
 * firecracker. */
void vm_cmdline_parse(const char *args, size_t len, struct vm_cmdline *out);
/* qemu's "-name" value: "guest=X,debug-threads=on", "X,process=Y" or "X"; ",," is an escaped comma. */
void vm_cmdline_qemu_name(const char *value, char *name, size_t len);
/* The path of a "unix:PATH,server=on,..." QMP value, or of a "socket,id=ID,path=PATH,server=on" chardev whose
 * id is want_id (NULL: any); "" when it is no listening unix socket. */
void vm_cmdline_qmp_socket(const char *value, const char *want_id, char *path, size_t len);
/* A size with an optional k/M/G/T suffix; bare numbers are in default_unit_kib units. -1 if malformed or
 * too large for a long long. */
long long vm_cmdline_size_kib(const char *s, long long default_unit_kib);

#endif
