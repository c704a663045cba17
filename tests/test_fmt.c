/* test_fmt.c - names from command lines reach terminals, CSV and JSON safely: UTF-8 well-formedness and the
 * terminal-safe, width-limited name. */
#include "config.h"

#include <string.h>

#include "fmt.h"
#include "unit.h"

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
	CHECK_STR(fmt_name(buf, sizeof(buf), "web", 0), "web");
	CHECK_STR(fmt_name(buf, sizeof(buf), "web", 5), "web  ");
	CHECK_STR(fmt_name(buf, sizeof(buf), "a\x1b[2Jb\x7f", 0), "a?[2Jb?");	/* no escape reaches a tty */
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xff\xc3\xbc", 0), "?\xc3\xbc");
	CHECK_STR(fmt_name(buf, sizeof(buf), "\xc3\xbc\xc3\xbc\xc3\xbc", 2), "\xc3\xbc\xc3\xbc");	/* by characters */
	CHECK_STR(fmt_name(buf, 4, "abcdef", 0), "abc");		/* never past the buffer */
	CHECK_STR(fmt_name(buf, 3, "\xe2\x82\xac", 0), "");		/* a character that does not fit is left out */
	return unit_done("test_fmt");
}
