/* test_fmt.c - names from command lines reach terminals, CSV and JSON safely: UTF-8 well-formedness and the
 * terminal-safe, width-limited name. */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "unit.h"
#include "util.h"

int main(void)
{
	CHECK(fmt_utf8_len("a") == 1);
	CHECK(fmt_utf8_len("\xc3\xbc") == 2);			/* ü */
	CHECK(fmt_utf8_len("\xe2\x82\xac") == 3);		/* € */
	CHECK(fmt_utf8_len("\xf0\x9f\x98\x80") == 4);		/* U+1F600 */
	CHECK(fmt_utf8_len("\xc0\xaf") == 0);			/* overlong '/' */
	CHECK(fmt_utf8_len("\xe0\x80\xaf") == 0);		/* overlong, 3 bytes */
	CHECK(fmt_utf8_len("\xed\xa0\x80") == 0);		/* surrogate U+D800 */
	CHECK(fmt_utf8_len("\xf4\x90\x80\x80") == 0);		/* above U+10FFFF */
	CHECK(fmt_utf8_len("\xf5\x80\x80\x80") == 0);
	CHECK(fmt_utf8_len("\xff\x80\x80") == 0);
	CHECK(fmt_utf8_len("\xe2\x82") == 0);			/* cut short by the end */
	CHECK(fmt_utf8_len("\x80") == 0);			/* a lone continuation byte */

	char buf[64];
	/* fmt_pct's own digits print what printf's %.1f does: ties, negative zero, large and tiny values */
	static const double pcts[] = { 0, -0.0, 0.05, 0.15, 0.25, 0.35, 1.45, 2.675, 99.95, 100, 199.99, -0.04,
				       -3.25, 1e-300, 123456.75, 1e8 + 0.05, 1e12, 0.04999999999 };
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		char want[64];
		snprintf(want, sizeof(want), "%.1f", pcts[i]);
		CHECK_STR(fmt_pct(buf, sizeof(buf), pcts[i]), want);
	}
	for (int i = -20000; i <= 200000; i += 7) {	/* every hundredth of a percent, in steps of 0.07 */
		char want[64];
		snprintf(want, sizeof(want), "%.1f", i / 100.0);
		CHECK_STR(fmt_pct(buf, sizeof(buf), i / 100.0), want);
	}
	CHECK_STR(fmt_pct(buf, 4, 123.4), "123");	/* cut as snprintf cuts */
	/* sizes' digits by hand too: what "%.0f%c" (under 1K of a unit, or 100 and more) or "%.1f%c" print */
	for (long long kib = 0; kib < (1LL << 42); kib = kib * 9 / 8 + 1) {
		char want[64];
		double v = (double)kib;
		int u = 0;
		while (v >= 1024 && u < 4) {
			v /= 1024;
			u++;
		}
		snprintf(want, sizeof(want), u == 0 || v >= 100 ? "%.0f%c" : "%.1f%c", v, "KMGTP"[u]);
		CHECK_STR(fmt_kib(buf, sizeof(buf), kib), want);
	}
	CHECK_STR(fmt_kib(buf, sizeof(buf), 1536), "1.5M");
	CHECK_STR(fmt_kib(buf, sizeof(buf), -1), "-");
	CHECK_STR(fmt_kib(buf, 4, 1536), "1.5");	/* cut as snprintf cuts */
	CHECK_STR(fmt_fixed(buf, sizeof(buf), 1234.4, 0), "1234");
	CHECK_STR(fmt_fixed(buf, sizeof(buf), 2.5, 0), "2");	/* printf's tie: to even */
	CHECK_STR(fmt_fixed(buf, sizeof(buf), 1.234, 2), "1.23");
	CHECK_STR(fmt_rate(buf, sizeof(buf), 0.5), "0B");
	CHECK_STR(fmt_rate(buf, sizeof(buf), 1.5), "2B");
	CHECK_STR(fmt_guest(buf, sizeof(buf), 12.34, true, 1), "~!12.3");
	CHECK_STR(fmt_guest(buf, 3, 12.34, true, 1), "~!");
	CHECK_STR(fmt_guest(buf, sizeof(buf), NAN, true, 1), "-");
	CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	CHECK_STR(fmt_name(buf, sizeof(buf), "web", 0), "web");
	CHECK_STR(fmt_name(buf, sizeof(buf), "web", 5), "web  ");
	CHECK_STR(fmt_name(buf, sizeof(buf), "a\x1b[2Jb\x7f", 0), "a?[2Jb?");	/* no escape reaches a tty */
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xff\xc3\xbc", 0), "?\xc3\xbc");
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xc3\xbc\xc3\xbc\xc3\xbc", 2), "\xc3\xbc\xc3\xbc");	/* by characters */
	CHECK_STR(fmt_name(buf, 4, "abcdef", 0), "abc");		/* never past the buffer */
	CHECK_STR(fmt_name(buf, 3, "\xe2\x82\xac", 0), "");		/* a character that does not fit is left out */

	/* display width, not bytes or code points (C.UTF-8 above: wcwidth follows the locale) */
	CHECK_STR(fmt_name(buf, sizeof(buf), "a\xc2\x9b" "31mb", 0), "a?31mb");	/* C1 CSI: one '?' */
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xc2\x80\xc2\x85\xc2\x9f\xc2\xa0", 0), "???\xc2\xa0");
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xe6\x97\xa5\xe6\x9c\xac", 3), "\xe6\x97\xa5 ");	/* 日 (2) + pad */
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xe6\x97\xa5\xe6\x9c\xacx", 4), "\xe6\x97\xa5\xe6\x9c\xac");
	CHECK_STR(fmt_name(buf, sizeof(buf), "a\xe2\x80\xae" "b", 0), "a?b");		/* RIGHT-TO-LEFT OVERRIDE */
	CHECK_STR(fmt_name(buf, sizeof(buf), "e\xcc\x81", 0), "e?");			/* zero width: one column each */
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xc3\xbc\xc3\xbc\xc3\xbc", 2), "\xc3\xbc\xc3\xbc");
	int used = -1;
	CHECK_STR(fmt_text(buf, sizeof(buf), "\xf0\x9f\x98\x80!", 0, &used), "\xf0\x9f\x98\x80!");
	CHECK(used == 3);
	char c0[40], want[40];
	for (int i = 1; i < 32; i++) {
		c0[i - 1] = (char)i;
		want[i - 1] = '?';
	}
	c0[31] = want[31] = '\0';
	CHECK_STR(fmt_name(buf, sizeof(buf), c0, 0), want);
	for (int c = 0x80; c <= 0x9f; c++) {
		char one[3] = { (char)0xc2, (char)c, 0 };
		int w;
		CHECK(fmt_safe_char(one, &w) == 2 && w == -1);
	}
	/* a locale that cannot show it gets '?': raw UTF-8 on a Latin-1 terminal would read as C1 controls */
	CHECK(setlocale(LC_CTYPE, "C") != NULL);
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xc3\xbc-x", 0), "?-x");

	/* a translated format is used only when its conversions are the original's (options.c's usage errors) */
	CHECK(format_same("invalid count '%s': expected 1 or more", "ungültige Anzahl »%s«"));
	CHECK(format_same("%.2g%% of %s", "%s: %.2g%%") == false);		/* order matters */
	CHECK(!format_same("invalid '%s'", "invalid '%s' %s"));			/* one argument read too many */
	CHECK(!format_same("invalid '%s'", "invalid '%n'"));
	CHECK(!format_same("invalid '%s'", "invalid '%d'"));
	CHECK(!format_same("invalid '%s'", "invalid"));
	CHECK(!format_same("invalid '%s'", "invalid '%s' %"));
	CHECK(format_same("100%% '%s'", "'%s' 100%%"));

	/* The printed split adds up to the printed total: 100 ticks over 2.003 s, half guest, half kernel. */
	double tick = 100.0 / (100 * 2.003), split[4] = { 50 * tick, 0, 50 * tick, 0 };
	char a[16], b[16], c[16];
	double total = fmt_round_split(100 * tick, split, 4, 0.1);
	CHECK_STR(fmt_pct(a, sizeof(a), total), "49.9");
	CHECK_STR(fmt_pct(b, sizeof(b), split[0]), "25.0");
	CHECK_STR(fmt_pct(c, sizeof(c), split[2]), "24.9");
	double thirds[3] = { 1 / 3.0, 1 / 3.0, 1 / 3.0 };	/* 0.3 + 0.3 + 0.3 would print beside 1.0 */
	CHECK_NEAR(fmt_round_split(1.0, thirds, 3, 0.1), 1.0, 1e-9);
	CHECK_NEAR(thirds[0] + thirds[1] + thirds[2], 1.0, 1e-9);
	double unknown[4] = { NAN, 0.26, 0.26, 0 };		/* guest unknown: the known parts add up */
	CHECK_NEAR(fmt_round_split(0.52, unknown, 4, 0.01), 0.52, 1e-9);
	CHECK(isnan(unknown[0]));
	CHECK_NEAR(unknown[1] + unknown[2] + unknown[3], 0.52, 1e-9);
	double none[2] = { NAN, NAN };				/* first refresh: nothing known stays so */
	CHECK(isnan(fmt_round_split(NAN, none, 2, 0.1)) && isnan(none[0]) && isnan(none[1]));
	return unit_done("test_fmt");
}
