/* Keys and commands: every binding is valid, every command is reachable by
 * name, lookups fall back to global, completion, and the man page's KEYS
 * section is exactly what the table generates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"

static void test_bindings_are_valid_and_unique(void **state)
{
	(void)state;
	size_t n = td_keymap_count();
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		const td_binding *b = td_keymap_at(i);
		if (td_key_parse(b->key) < 0)
			fail_msg("binding %zu: unknown key '%s'", i, b->key);
		assert_non_null(td_cmd_info_get(b->cmd));
		for (size_t j = i + 1; j < n; j++) {
			const td_binding *c = td_keymap_at(j);
			if (strcmp(b->context, c->context) == 0 && td_key_parse(b->key) == td_key_parse(c->key))
				fail_msg("'%s' bound twice in '%s'", b->key, b->context);
		}
	}
	assert_null(td_keymap_at(n));
}

static void test_every_command_has_a_name(void **state)
{
	(void)state;
	for (int c = TD_CMD_NONE + 1; c < TD_CMD_COUNT; c++) {
		const td_cmd_info *ci = td_cmd_info_get((td_cmd)c);
		assert_non_null(ci);
		assert_int_equal(td_cmd_find(ci->name), c);
		assert_true(strlen(ci->help) > 5);
	}
	assert_int_equal(td_cmd_find("no-such-command"), TD_CMD_NONE);
	assert_null(td_cmd_info_get(TD_CMD_COUNT));
}

static void test_key_names(void **state)
{
	(void)state;
	assert_int_equal(td_key_parse("q"), 'q');
	assert_int_equal(td_key_parse("Tab"), '\t');
	assert_int_equal(td_key_parse("S-Tab"), KEY_BTAB);
	assert_int_equal(td_key_parse("C-l"), 12);
	assert_int_equal(td_key_parse("PgDn"), KEY_NPAGE);
	assert_int_equal(td_key_parse("Space"), ' ');
	assert_int_equal(td_key_parse("C-"), -1);
	assert_int_equal(td_key_parse("Nope"), -1);
	assert_int_equal(td_key_parse(""), -1);
}

static void test_lookup_falls_back_to_global(void **state)
{
	(void)state;
	assert_int_equal(td_keymap_lookup("tape", 'a'), TD_CMD_TAPE_ALL);
	assert_int_equal(td_keymap_lookup("watchlist", 'a'), TD_CMD_NONE);
	assert_int_equal(td_keymap_lookup("tape", 'q'), TD_CMD_QUIT);
	assert_int_equal(td_keymap_lookup("help", 'q'), TD_CMD_HELP);
	assert_int_equal(td_keymap_lookup("watchlist", '\r'), TD_CMD_SELECT);
	assert_int_equal(td_keymap_lookup("watchlist", KEY_ENTER), TD_CMD_SELECT);
	assert_int_equal(td_keymap_lookup(NULL, '?'), TD_CMD_HELP);
}

static void test_completion(void **state)
{
	(void)state;
	char common[64];
	const td_cmd_info *first;
	assert_int_equal(td_cmd_complete("focus", &first, common, sizeof(common)), 2);
	assert_string_equal(common, "focus-");
	assert_int_equal(td_cmd_complete("qu", &first, common, sizeof(common)), 1);
	assert_string_equal(first->name, "quit");
	assert_string_equal(common, "quit");
	assert_int_equal(td_cmd_complete("xyz", &first, common, sizeof(common)), 0);
	assert_null(first);
	assert_string_equal(common, "xyz");
}

/* The man page carries the generated section between two marker comments. */
static void test_man_page_in_sync(void **state)
{
	(void)state;
	char *gen = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&gen, &len);
	td_keymap_write_man(f);
	fclose(f);
	const char *root = getenv("TD_TEST_ROOT");
	char path[512];
	snprintf(path, sizeof(path), "%s/doc/tapedeck.1", root ? root : ".");
	FILE *m = fopen(path, "r");
	if (!m)
		fail_msg("cannot read %s", path);
	static char page[65536];
	size_t n = fread(page, 1, sizeof(page) - 1, m);
	fclose(m);
	page[n] = '\0';
	const char *begin = strstr(page, ".\\\" keys-begin\n"), *end = strstr(page, ".\\\" keys-end\n");
	assert_non_null(begin);
	assert_non_null(end);
	begin += strlen(".\\\" keys-begin\n");
	if ((size_t)(end - begin) != len || memcmp(begin, gen, len) != 0)
		fail_msg("doc/tapedeck.1 KEYS section is stale: regenerate it with 'tapedeck --keys-man'");
	free(gen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bindings_are_valid_and_unique),
		cmocka_unit_test(test_every_command_has_a_name),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_lookup_falls_back_to_global),
		cmocka_unit_test(test_completion),
		cmocka_unit_test(test_man_page_in_sync),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
