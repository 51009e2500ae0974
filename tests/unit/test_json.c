/* Unit tests for src/core/json: the strict parser (values, escapes,
 * surrogates, numbers, errors with line:column), the writer (escaping,
 * compact output, exact round trips) and the streaming writer. Also runs
 * every file in tests/data/json/ (the fuzzing seeds and any inputs the
 * fuzzer found) through parse -> write -> parse. */
#include "tests/tap.h"

#include "core/arena.h"
#include "core/json.h"
#include "core/strbuf.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>

static struct arena A;

static struct json *
P(const char *s)
{
	return json_parse(s, strlen(s), &A, 0, NULL);
}

/* Compact re-serialisation of s, or "ERR line:col: msg". */
static const char *
roundtrip(const char *s, int flags)
{
	static struct strbuf out;
	struct json_error je;
	sb_clear(&out);
	struct json *v = json_parse(s, strlen(s), &A, flags, &je);
	if (v == NULL)
		sb_printf(&out, "ERR %d:%d: %s", je.line, je.col, je.msg);
	else
		json_write(&out, v);
	return sb_str(&out);
}

/* The error for s as "line:col: msg" (or "ok"). */
static const char *
error_of(const char *s, size_t n)
{
	static char buf[256];
	struct json_error je;
	if (json_parse(s, n, &A, 0, &je) != NULL)
		return "ok";
	snprintf(buf, sizeof buf, "%d:%d: %s", je.line, je.col, je.msg);
	return buf;
}

static void
test_values(void)
{
	struct json *v = P(" {\"a\": [1, -2, 3.5, true, false, null, \"x\"], \"b\": {}} ");
	ok(v != NULL && v->type == JSON_OBJECT && v->n == 2, "object with two members");
	const struct json *a = json_get(v, "a");
	ok(json_is(a, JSON_ARRAY) && a->n == 7, "array of 7");
	ok(a->u.items[0].type == JSON_INT && a->u.items[0].u.i == 1, "int 1");
	ok(a->u.items[1].type == JSON_INT && a->u.items[1].u.i == -2, "int -2");
	ok(a->u.items[2].type == JSON_DOUBLE && a->u.items[2].u.d == 3.5, "double 3.5");
	ok(a->u.items[3].type == JSON_BOOL && a->u.items[3].u.b, "true");
	ok(a->u.items[4].type == JSON_BOOL && !a->u.items[4].u.b, "false");
	ok(a->u.items[5].type == JSON_NULL, "null");
	ok(a->u.items[6].type == JSON_STRING && strcmp(a->u.items[6].u.s, "x") == 0, "string");
	ok(json_is(json_get(v, "b"), JSON_OBJECT) && json_get(v, "b")->n == 0, "empty object");
	ok(json_get(v, "zz") == NULL && json_get(a, "a") == NULL, "json_get: absent key, not an object");
	is_int(a->u.items[2].off, 15, "offsets of values are kept");
	int64_t i;
	bool b;
	ok(!json_get_int(v, "a", &i) && !json_get_bool(v, "b", &b) && json_get_str(v, "a") == NULL,
	    "typed getters refuse other types");
	ok(P("0") && P("0")->type == JSON_INT, "scalar top level");
	ok(P("\"\"") && P("\"\"")->n == 0, "empty string");
	ok(P("[]") && P("[]")->n == 0, "empty array");
	ok(P("{}") && P("{}")->n == 0 && P("{}")->u.members == NULL, "empty object first (no scratch stack yet)");
	ok(json_parse(NULL, 0, &A, 0, NULL) == NULL, "NULL text of length 0: an error, not a crash");
	ok(P("[[[]]]") != NULL, "nested arrays");
}

static void
test_strings(void)
{
	struct json *v = P("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"");
	ok(v && strcmp(v->u.s, "a\"b\\c/d\be\ff\ng\rh\ti") == 0, "simple escapes");
	v = P("\"\\u0041\\u00e9\\u20AC\"");
	ok(v && strcmp(v->u.s, "A\xC3\xA9\xE2\x82\xAC") == 0, "\\u escapes to UTF-8 (1, 2, 3 bytes)");
	v = P("\"\\uD83D\\uDE00\"");
	ok(v && strcmp(v->u.s, "\xF0\x9F\x98\x80") == 0 && v->n == 4, "surrogate pair -> U+1F600 in 4 bytes");
	v = P("\"\\uDBFF\\uDFFF\"");
	ok(v && strcmp(v->u.s, "\xF4\x8F\xBF\xBF") == 0, "U+10FFFF from its surrogates");
	v = P("\"a\\u0000b\"");
	ok(v && v->n == 3 && v->u.s[1] == '\0' && v->u.s[2] == 'b', "\\u0000 keeps its NUL, length 3");
	v = P("\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"");
	ok(v && v->n == 15, "raw UTF-8 accepted");
	is_str(error_of("\"\\uD83D\"", 8), "1:2: lone high surrogate \\uD83D: expected a low surrogate \\uDC00..\\uDFFF to follow",
	    "lone high surrogate");
	is_str(error_of("\"\\uDE00\"", 8), "1:2: lone low surrogate \\uDE00: it must follow a high surrogate \\uD800..\\uDBFF",
	    "lone low surrogate");
	is_str(error_of("\"\\uD83D\\u0041\"", 14),
	    "1:2: high surrogate \\uD83D is followed by \\u0041, not by a low surrogate \\uDC00..\\uDFFF", "bad pair");
	is_str(error_of("\"\\u12G4\"", 8), "1:6: expected 4 hex digits after \\u, found 'G'", "bad hex digit");
	is_str(error_of("\"\\x\"", 4), "1:2: invalid escape '\\x': expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
	    "unknown escape");
	is_str(error_of("\"a\tb\"", 5), "1:3: control character 0x09 in a string: write it as \\u0009", "raw tab");
	is_str(error_of("\"abc", 4), "1:5: expected '\"' to end the string that starts at byte 1, found end of input",
	    "unterminated string");
	is_str(error_of("\"a\xC3\"", 4), "1:3: invalid UTF-8 byte 0xc3 in a string (JSON text must be UTF-8)",
	    "truncated UTF-8 sequence");
	is_str(error_of("\"\xC0\xAF\"", 4), "1:2: invalid UTF-8 byte 0xc0 in a string (JSON text must be UTF-8)",
	    "overlong encoding");
	is_str(error_of("\"\xED\xA0\x80\"", 5), "1:2: invalid UTF-8 byte 0xed in a string (JSON text must be UTF-8)",
	    "encoded surrogate");
	is_str(error_of("\"\xF4\x90\x80\x80\"", 6), "1:2: invalid UTF-8 byte 0xf4 in a string (JSON text must be UTF-8)",
	    "above U+10FFFF");
	is_str(error_of("\"a\\", 3), "1:4: expected an escape character after '\\', found end of input", "escape at end");
}

static void
test_numbers(void)
{
	struct json *v = P("9223372036854775807");
	ok(v && v->type == JSON_INT && v->u.i == INT64_MAX, "INT64_MAX is an int");
	v = P("-9223372036854775808");
	ok(v && v->type == JSON_INT && v->u.i == INT64_MIN, "INT64_MIN is an int");
	v = P("9223372036854775808");
	ok(v && v->type == JSON_DOUBLE && strcmp(v->text, "9223372036854775808") == 0, "INT64_MAX+1: double with its text");
	is_str(roundtrip("[12345678901234567890123,0.10,1E+2,-0,1e999]", 0),
	    "[12345678901234567890123,0.10,1E+2,-0,1e999]", "numbers written back exactly as read");
	v = P("-0");
	ok(v && v->type == JSON_DOUBLE && v->u.d == 0 && 1 / v->u.d < 0, "-0 is the double -0.0");
	v = P("1.5e3");
	ok(v && v->type == JSON_DOUBLE && v->u.d == 1500, "exponent");
	v = P("1E-2");
	ok(v && v->u.d == 0.01, "negative exponent");
	is_str(error_of("01", 2), "1:1: leading zeros are not allowed in numbers", "leading zero");
	is_str(error_of("-", 1), "1:2: expected a digit after '-', found end of input", "lone minus");
	is_str(error_of("1.", 2), "1:3: expected a digit after the decimal point, found end of input", "1.");
	is_str(error_of(".5", 2),
	    "1:1: expected a value (object, array, string, number, true, false or null), found '.'", ".5");
	is_str(error_of("1e+", 3), "1:4: expected a digit in the exponent, found end of input", "1e+");
	is_str(error_of("+1", 2),
	    "1:1: expected a value (object, array, string, number, true, false or null), found '+'", "+1");
	is_str(error_of("NaN", 3),
	    "1:1: expected a value (object, array, string, number, true, false or null), found 'N'", "NaN");
	is_str(error_of("[1,2]x", 6), "1:6: unexpected 'x' after the JSON value", "trailing garbage");
	is_str(error_of("1 2", 3), "1:3: unexpected '2' after the JSON value", "two values");
}

static void
test_errors(void)
{
	is_str(error_of("", 0), "1:1: expected a value, found end of input", "empty input");
	is_str(error_of("   \n ", 5), "2:2: expected a value, found end of input", "only white space");
	is_str(error_of("{\"a\":1,}", 8), "1:8: expected a string key after ',' in an object, found '}'",
	    "trailing comma in object");
	is_str(error_of("[1,]", 4),
	    "1:4: expected a value (object, array, string, number, true, false or null), found ']'",
	    "trailing comma in array");
	is_str(error_of("{'a':1}", 7), "1:2: expected a string key or '}' in an object, found '''", "single quotes");
	is_str(error_of("{\"a\" 1}", 7), "1:6: expected ':' after the object key \"a\", found '1'", "missing colon");
	is_str(error_of("{\"a\":1 \"b\":2}", 13), "1:8: expected ',' or '}' after an object member, found '\"'",
	    "missing comma");
	is_str(error_of("[1\n,2\n,3", 8), "3:3: expected ',' or ']' after an array element, found end of input",
	    "unterminated array, line 3");
	is_str(error_of("{\n  \"k\": tru }", 14), "2:11: invalid literal: expected 'true', found ' '", "bad literal");
	is_str(error_of("nul", 3), "1:4: invalid literal: expected 'null', found end of input", "truncated literal");
	is_str(error_of("{\"\xC3\xA9t\xC3\xA9\": x}", 11),
	    "1:9: expected a value (object, array, string, number, true, false or null), found 'x'",
	    "columns count characters, not bytes");
	is_str(error_of("[1] // c", 8), "1:5: unexpected '/' after the JSON value", "no comments");
	is_str(error_of("\xEF\xBB\xBF{}", 5),
	    "1:1: expected a value (object, array, string, number, true, false or null), found '\xEF\xBB\xBF' (U+FEFF)",
	    "byte order mark refused");
	is_str(error_of("[\x01]", 3),
	    "1:2: expected a value (object, array, string, number, true, false or null), found control character 0x01",
	    "control character outside strings");
	is_str(error_of("{\"a\":1,\"b\":2,\"a\":3}", 19), "1:18: duplicate object key \"a\"", "duplicate key refused");
	is_str(roundtrip("{\"a\":1,\"a\":2}", JSON_ALLOW_DUPLICATE_KEYS), "{\"a\":1,\"a\":2}",
	    "duplicate keys kept with JSON_ALLOW_DUPLICATE_KEYS");
	/* duplicates among many keys go through the hashed check */
	struct strbuf s = STRBUF_INIT;
	sb_putc(&s, '{');
	for (int i = 0; i < 100; i++)
		sb_printf(&s, "%s\"k%d\":%d", i ? "," : "", i, i);
	sb_puts(&s, ",\"k57\":0}");
	is_str(error_of(s.s, s.len), "1:888: duplicate object key \"k57\"", "duplicate among 101 keys");
	sb_clear(&s);
	for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
		sb_putc(&s, '[');
	ok(strstr(error_of(s.s, s.len), "nesting deeper than 512 levels") != NULL, "depth limit");
	sb_clear(&s);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		sb_putc(&s, '[');
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		sb_putc(&s, ']');
	is_str(error_of(s.s, s.len), "ok", "512 levels are fine");
	sb_free(&s);
	struct wb_error err = WB_ERROR_INIT;
	ok(json_parse_err("{\n\"a\" 1}", 8, &A, 0, "/t/x.json", &err) == NULL, "json_parse_err fails");
	is_str(err.msg, "/t/x.json:2:5: expected ':' after the object key \"a\", found '1'", "file:line:col: message");
	err_clear(&err);
	ok(json_parse("[1,2]", 3, &A, 0, NULL) == NULL, "length bounds the input, NULL json_error allowed");
}

static void
test_writer(void)
{
	struct strbuf out = STRBUF_INIT;
	json_put_string(&out, "a\"b\\c\n\t\x01\x1f\x7f", 10);
	is_str(out.s, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\x7f\"", "escapes: quote, backslash, controls");
	sb_clear(&out);
	json_put_string(&out, "\xC3\xA9\xFF\xF0\x9F\x98\x80\xC3", 8);
	is_str(out.s, "\"\xC3\xA9\xEF\xBF\xBD\xF0\x9F\x98\x80\xEF\xBF\xBD\"", "valid UTF-8 kept, bad bytes -> U+FFFD");
	sb_clear(&out);
	json_put_string(&out, "a\0b", 3);
	is_str(out.s, "\"a\\u0000b\"", "NUL escaped");

	is_str(roundtrip(" { \"a\" : [ 1 , 2.50 , \"x\\u0041\" ] , \"b\" : { \"c\" : null } } ", 0),
	    "{\"a\":[1,2.50,\"xA\"],\"b\":{\"c\":null}}", "compact output");
	is_str(roundtrip("\"\\uD83D\\uDE00\\u00e9\\/\"", 0), "\"\xF0\x9F\x98\x80\xC3\xA9/\"", "decoded strings written raw");

	sb_clear(&out);
	struct json_writer w;
	json_w_init(&w, &out);
	json_w_object(&w);
	json_w_key(&w, "s");
	json_w_string(&w, "t\"x");
	json_w_key(&w, "n");
	json_w_string(&w, NULL);
	json_w_key(&w, "a");
	json_w_array(&w);
	json_w_int(&w, -5);
	json_w_double(&w, 2.0);
	json_w_double(&w, 0.1);
	json_w_double(&w, 1.0 / 0.0);
	json_w_bool(&w, true);
	json_w_object(&w);
	json_w_end(&w);
	json_w_array(&w);
	json_w_end(&w);
	json_w_end(&w);
	json_w_key(&w, "raw");
	json_w_raw(&w, "{\"k\":[1]}", 9);
	json_w_key(&w, "v");
	json_w_value(&w, P("[true,{\"z\":\"\"}]"));
	json_w_end(&w);
	is_str(out.s, "{\"s\":\"t\\\"x\",\"n\":null,\"a\":[-5,2.0,0.1,null,true,{},[]],\"raw\":{\"k\":[1]},\"v\":[true,{\"z\":\"\"}]}",
	    "streaming writer places separators");
	struct json *v = P(out.s);
	ok(v != NULL, "its output parses");
	ok(json_get(v, "a")->u.items[1].type == JSON_DOUBLE, "2.0 stays a double");
	sb_free(&out);
}

/* parse -> write -> parse -> write must be stable for every seed file. */
static void
test_corpus(void)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/data/json", WB_SRCDIR);
	DIR *d = opendir(dir);
	ok(d != NULL, "corpus directory %s", dir);
	if (d == NULL)
		return;
	struct dirent *e;
	int files = 0, stable = 0, parsed = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (f == NULL)
			continue;
		struct strbuf in = STRBUF_INIT, w1 = STRBUF_INIT, w2 = STRBUF_INIT;
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			sb_add(&in, buf, n);
		fclose(f);
		files++;
		struct json_error je;
		struct json *v = json_parse(in.s ? in.s : "", in.len, &A, 0, &je);
		if (v == NULL) {
			stable += je.msg[0] != '\0' && je.line >= 1 && je.col >= 1;
		} else {
			parsed++;
			json_write(&w1, v);
			struct json *v2 = json_parse(w1.s, w1.len, &A, 0, &je);
			if (v2 != NULL) {
				json_write(&w2, v2);
				stable += w1.len == w2.len && memcmp(w1.s, w2.s, w1.len) == 0;
			} else {
				diag("%s: written form does not parse: %s", e->d_name, je.msg);
			}
		}
		sb_free(&in);
		sb_free(&w1);
		sb_free(&w2);
		arena_reset(&A);
	}
	closedir(d);
	ok(files > 0 && stable == files, "%d corpus files (%d valid): errors explained, output stable", files, parsed);
}

int
main(void)
{
	arena_init(&A, 0);
	test_values();
	test_strings();
	test_numbers();
	test_errors();
	test_writer();
	test_corpus();
	arena_release(&A);
	return done_testing();
}
