/* vm_cmdline.c - what a VMM's command line says about its VM: name, UUID, configured memory. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vm_cmdline.h"

long long vm_cmdline_size_kib(const char *s, long long default_unit_kib)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	double v = strtod(s, &end);
	long long unit = default_unit_kib;
	switch (*end) {
	case '\0': case ',': break;
	case 'b': case 'B': unit = 0; break;	/* bytes: handled below */
	case 'k': case 'K': unit = 1; break;
	case 'm': case 'M': unit = 1024; break;
	case 'g': case 'G': unit = 1024LL * 1024; break;
	case 't': case 'T': unit = 1024LL * 1024 * 1024; break;
	default: return -1;
	}
	double kib = unit == 0 ? v / 1024 : v * (double)unit;
	/* a converted double out of long long's range is undefined (-m 1e30T gave INT64_MIN): unknown instead */
	if (!(kib >= 0 && kib < 0x1p63))
		return -1;
	return (long long)kib;
}

/* Copies one qemu option element (up to an unescaped comma) from *p, undoubling ",,"; advances *p. */
static void qemu_opt_element(const char **p, char *out, size_t len)
{
	size_t n = 0;
	const char *s = *p;
	while (*s) {
		if (*s == ',') {
			if (s[1] != ',')
				break;
			s++;	/* ",," stands for one comma */
		}
		if (n + 1 < len)
			out[n++] = *s;
		s++;
	}
	out[n] = '\0';
	*p = *s == ',' ? s + 1 : s;
}

void vm_cmdline_qemu_name(const char *value, char *name, size_t len)
{
	char elem[256];
	const char *p = value;
	bool first = true;
	name[0] = '\0';
	while (*p) {
		qemu_opt_element(&p, elem, sizeof(elem));
		if (!strncmp(elem, "guest=", 6)) {
			str_copy(name, elem + 6, len);
			return;
		}
		/* qemu takes a first element without "key=" as the guest name */
		if (first && !strchr(elem, '='))
			str_copy(name, elem, len);
		first = false;
	}
}

void vm_cmdline_qmp_socket(const char *value, const char *want_id, char *path, size_t len)
{
	char elem[256], found[256] = "", id[64] = "";
	const char *p = value;
	bool server = false, chardev = !want_id ? false : true;
	path[0] = '\0';
	if (!strncmp(p, "unix:", 5)) {
		p += 5;
		qemu_opt_element(&p, found, sizeof(found));	/* the path is the first element */
		chardev = false;
	} else if (!strncmp(p, "socket,", 7)) {
		p += 7;
	} else {
		return;
	}
	while (*p) {
		qemu_opt_element(&p, elem, sizeof(elem));
		if (!strcmp(elem, "server") || !strcmp(elem, "server=on") || !strcmp(elem, "server=yes"))
			server = true;
		else if (!strncmp(elem, "path=", 5))
			str_copy(found, elem + 5, sizeof(found));
		else if (!strncmp(elem, "id=", 3))
			str_copy(id, elem + 3, sizeof(id));
	}
	if (chardev && strcmp(id, want_id))
		return;
	if (server && found[0])
		str_copy(path, found, len);
}

/* -mon "chardev=ID,mode=control": the id of a QMP monitor's chardev, "" for a human monitor. */
static void qmp_mon_chardev(const char *value, char *id, size_t len)
{
	char elem[128], chardev[64] = "";
	const char *p = value;
	bool control = false;
	id[0] = '\0';
	while (*p) {
		qemu_opt_element(&p, elem, sizeof(elem));
		if (!strncmp(elem, "chardev=", 8))
			str_copy(chardev, elem + 8, sizeof(chardev));
		else if (!strcmp(elem, "mode=control"))
			control = true;
	}
	if (control)
		str_copy(id, chardev, len);
}

/* qemu -m: "512", "2G", "size=4194304k,slots=4,maxmem=8G". */
static long long qemu_mem_kib(const char *value)
{
	char elem[128];
	const char *p = value;
	bool first = true;
	while (*p) {
		qemu_opt_element(&p, elem, sizeof(elem));
		if (!strncmp(elem, "size=", 5))
			return vm_cmdline_size_kib(elem + 5, 1024);
		if (first && !strchr(elem, '='))
			return vm_cmdline_size_kib(elem, 1024);
		first = false;
	}
	return -1;
}

/* cloud-hypervisor --memory "size=1G,shared=on". */
static long long keyed_size_kib(const char *value)
{
	const char *s = strstr(value, "size=");
	return s ? vm_cmdline_size_kib(s + 5, 1) : -1;
}

static bool is_opt(const char *arg, const char *name)
{
	/* qemu accepts both -opt and --opt */
	if (arg[0] != '-')
		return false;
	if (arg[1] == '-')
		arg++;
	return !strcmp(arg + 1, name);
}

void vm_cmdline_parse(const char *args, size_t len, struct vm_cmdline *out)
{
	const char *argv[512];
	size_t argc = 0;
	out->name[0] = out->uuid[0] = '\0';
	out->mem_kib = -1;
	out->qmp[0] = '\0';
	for (size_t i = 0; i < len && argc < 512; i += strlen(args + i) + 1)
		argv[argc++] = args + i;
	const char *prog = argc ? strrchr(argv[0], '/') : NULL;
	prog = prog ? prog + 1 : argc ? argv[0] : "";
	bool chv = strstr(prog, "cloud-hypervisor") != NULL;
	bool kvmtool = !strcmp(prog, "lkvm") || !strcmp(prog, "kvmtool");
	for (size_t i = 0; i + 1 < argc; i++) {
		const char *a = argv[i], *v = argv[i + 1];
		if (is_opt(a, "name")) {
			if (kvmtool || !strncmp(prog, "crosvm", 6))
				str_copy(out->name, v, sizeof(out->name));
			else
				vm_cmdline_qemu_name(v, out->name, sizeof(out->name));
		} else if (is_opt(a, "id") && !out->name[0]) {
			str_copy(out->name, v, sizeof(out->name));	/* firecracker --id */
		} else if (is_opt(a, "uuid")) {
			str_copy(out->uuid, v, sizeof(out->uuid));
		} else if (is_opt(a, "m") || (kvmtool && is_opt(a, "mem"))) {
			out->mem_kib = qemu_mem_kib(v);
		} else if (chv && is_opt(a, "memory")) {
			out->mem_kib = keyed_size_kib(v);
		} else if ((is_opt(a, "qmp") || is_opt(a, "qmp-pretty")) && !out->qmp[0]) {
			vm_cmdline_qmp_socket(v, NULL, out->qmp, sizeof(out->qmp));
		} else if (is_opt(a, "mon") && !out->qmp[0]) {
			char id[64];
			qmp_mon_chardev(v, id, sizeof(id));
			/* the chardev may come before or after its -mon */
			for (size_t j = 0; id[0] && j + 1 < argc && !out->qmp[0]; j++)
				if (is_opt(argv[j], "chardev"))
					vm_cmdline_qmp_socket(argv[j + 1], id, out->qmp, sizeof(out->qmp));
		} else if (is_opt(a, "mem") && !strncmp(prog, "crosvm", 6)) {
			out->mem_kib = vm_cmdline_size_kib(v, 1024);
		} else {
			continue;
		}
		i++;
	}
}
