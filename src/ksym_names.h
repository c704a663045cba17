/* ksym_names.h - kernel text addresses to function names, loaded only when a view or option asks for them. */
#ifndef VMTOP_KSYM_NAMES_H
#define VMTOP_KSYM_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Kept apart from struct ksyms (which holds merged class ranges only): ~60k names cost a few MB, paid by those
 * who open the functions view or ask for --functions. */
struct ksym_names;

/* Text symbols of kallsyms text (padding "__pfx_" entries left out), sorted by address. NULL with why set when
 * there is no text symbol or every address reads 0 (kptr_restrict). */
struct ksym_names *ksym_names_parse(FILE *kallsyms, char *why, size_t whylen);
struct ksym_names *ksym_names_load(char *why, size_t whylen);	/* /proc/kallsyms */
/* Index of the function holding ip (the last symbol at or below it), or -1 below the first one. */
long ksym_names_find(const struct ksym_names *n, uint64_t ip);
const char *ksym_names_name(const struct ksym_names *n, long index);	/* "?" for -1 */
size_t ksym_names_count(const struct ksym_names *n);
size_t ksym_names_bytes(const struct ksym_names *n);	/* heap the table holds */
void ksym_names_free(struct ksym_names *n);

#endif
