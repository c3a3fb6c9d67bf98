/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-template.c — ctl/template.c, the Go text/template subset of --format: every construct with
 * its exact output, the examples of docker's "Format command and log output" page, docker's
 * table alignment, and parse errors with their position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/macro.h"
#include "template.h"

static const char *doc_json =
        "{\"Name\":\"/Web-1\",\"Args\":[\"-g\",\"daemon off;\"],\"Image\":\"nginx:latest\","
        "\"State\":{\"Status\":\"exited\",\"ExitCode\":3,\"Running\":false,\"Pid\":0},"
        "\"Config\":{\"Labels\":{\"app\":\"web\",\"tier\":\"front\"},\"Env\":[],\"Tty\":true},"
        "\"NetworkSettings\":{\"Networks\":{\"bridge\":{\"IPAddress\":\"10.88.0.2\"},"
        "\"lan\":{\"IPAddress\":\"10.89.0.7\"}}},\"Nothing\":null,\"Ratio\":1.5}";

/* The output of fmt over the document above (NULL on an error, whose message goes to *error). */
static char *run(const char *fmt, char **error) {
        _cleanup_(template_freep) Template *t = NULL;
        _cleanup_json_ struct json_object *doc = json_tokener_parse(doc_json);
        char *buf = NULL, *e = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        assert_non_null(doc);
        r = template_parse(fmt, &t, &e);
        if (r >= 0) {
                f = open_memstream(&buf, &size);
                assert_non_null(f);
                r = template_execute(t, doc, f, &e);
                fclose(f);
        }
        if (r < 0) {
                assert_int_equal(r, -EINVAL);
                free(buf);
                if (error)
                        *error = e;
                else
                        free(e);
                return NULL;
        }
        assert_null(e);
        return buf;
}

static void check(const char *fmt, const char *expected) {
        _cleanup_free_ char *error = NULL;
        _cleanup_free_ char *out = run(fmt, &error);

        if (!out)
                fail_msg("%s: unexpected error: %s", fmt, error);
        if (strcmp(out, expected) != 0)
                fail_msg("%s: got \"%s\", want \"%s\"", fmt, out, expected);
}

static void check_error(const char *fmt, const char *expected) {
        _cleanup_free_ char *error = NULL;
        _cleanup_free_ char *out = run(fmt, &error);

        if (out)
                fail_msg("%s: no error, output \"%s\"", fmt, out);
        assert_non_null(error);
        if (strcmp(error, expected) != 0)
                fail_msg("%s: error \"%s\", want \"%s\"", fmt, error, expected);
}

static void test_fields(void **state) {
        check("plain text", "plain text");
        check("{{.Name}}", "/Web-1");
        check("{{ .State.Status }} {{.State.ExitCode}}", "exited 3");
        check("{{.State.Running}}", "false");
        check("{{.Missing}}", "<no value>");
        check("{{.State.Missing}}", "<no value>");
        check("{{.Missing.Deeper}}", "<no value>");
        check("{{.Nothing}}", "<nil>");
        check("{{.Ratio}}", "1.5");
        check("{{.Args}}", "[-g daemon off;]");
        check("{{.Config.Labels}}", "map[app:web tier:front]");
        check("{{.Config.Env}}", "[]");
        check("{{/* a comment */}}x", "x");
}

static void test_json(void **state) {
        check("{{json .State}}", "{\"Status\":\"exited\",\"ExitCode\":3,\"Running\":false,\"Pid\":0}");
        check("{{json .Args}}", "[\"-g\",\"daemon off;\"]");
        check("{{json .Name}}", "\"/Web-1\"");
        check("{{json .Missing}}", "null");
        check("{{.State | json}}", "{\"Status\":\"exited\",\"ExitCode\":3,\"Running\":false,\"Pid\":0}");
        _cleanup_free_ char *all = run("{{json .}}", NULL);
        _cleanup_json_ struct json_object *a = json_tokener_parse(all), *b = json_tokener_parse(doc_json);
        assert_true(json_object_equal(a, b));
}

static void test_index(void **state) {
        check("{{index .Config.Labels \"app\"}}", "web");
        check("{{index .Config.Labels \"none\"}}", "");
        check("{{index .Args 1}}", "daemon off;");
        check("{{index . \"State\" \"Status\"}}", "exited");
        check("{{index .NetworkSettings.Networks \"lan\" \"IPAddress\"}}", "10.89.0.7");
        check_error("{{index .Args 2}}", "index: index out of range");
}

static void test_range(void **state) {
        check("{{range .Args}}<{{.}}>{{end}}", "<-g><daemon off;>");
        /* maps in key order, dot rebound to the value */
        check("{{range .Config.Labels}}{{.}},{{end}}", "web,front,");
        check("{{range .Config.Env}}x{{else}}empty{{end}}", "empty");
        check("{{range .Missing}}x{{else}}none{{end}}", "none");
        /* docker's example */
        check("{{range .NetworkSettings.Networks}}{{println .IPAddress}}{{end}}", "10.88.0.2\n10.89.0.7\n");
        check_error("{{range .State.ExitCode}}x{{end}}", "range can't iterate over int");
}

static void test_if_with(void **state) {
        check("{{if .State.Running}}up{{else}}down{{end}}", "down");
        check("{{if .Config.Tty}}tty{{end}}", "tty");
        check("{{if .State.ExitCode}}failed{{end}}", "failed");
        check("{{if .State.Pid}}pid{{else}}no pid{{end}}", "no pid");
        check("{{if .Config.Env}}env{{else}}no env{{end}}", "no env");
        check("{{if .Missing}}a{{else}}b{{end}}", "b");
        check("{{if eq .State.Status \"exited\"}}E{{end}}", "E");
        check("{{if ne .State.ExitCode 0}}bad{{end}}", "bad");
        check("{{if not .State.Running}}stopped{{end}}", "stopped");
        check("{{if and .Config.Tty .State.Running}}a{{else}}b{{end}}", "b");
        check("{{or .Missing \"default\"}}", "default");
        check("{{with .State}}{{.Status}}{{end}}", "exited");
        check("{{with .Missing}}x{{else}}y{{end}}", "y");
        check("{{if .Config.Tty}}{{range .Args}}[{{.}}]{{end}}{{end}}", "[-g][daemon off;]");
}

static void test_functions(void **state) {
        /* the examples of docker's "Format command and log output" page */
        check("{{join .Args \" , \"}}", "-g , daemon off;");
        check("{{lower .Name}}", "/web-1");
        check("{{upper .Name}}", "/WEB-1");
        check("{{title .State.Status}}", "Exited");
        check("{{split .Image \":\"}}", "[nginx latest]");
        check("{{split (join .Args \"/\") \"/\"}}", "[-g daemon off;]");
        check("{{len .Args}} {{len .Config.Labels}} {{len .Image}}", "2 2 12");
        check("{{println .Name .State.ExitCode}}", "/Web-1 3\n");
        check("{{println}}", "\n");
        check("{{print .Name .State.ExitCode}}", "/Web-13");
        check("{{print 1 2}}", "1 2");
        check("{{printf \"%s=%d\" .State.Status .State.ExitCode}}", "exited=3");
        check("{{printf \"[%-8s|%5d|%.3s]\" .State.Status .State.ExitCode .Image}}", "[exited  |    3|ngi]");
        check("{{printf \"%q %v %%\" .Name .Args}}", "\"/Web-1\" [-g daemon off;] %");
        check("{{printf \"%s %s\" .Name}}", "/Web-1 %!s(MISSING)");
        check("{{truncate .Image 5}}", "nginx");
        check("{{pad .State.Status 1 2}}", " exited  ");
        check("{{.Image | upper | lower}}", "nginx:latest");
        check("{{\"q\\\"x\\\\\"}}{{`raw\\x`}}", "q\"x\\raw\\x");
}

static void test_trim(void **state) {
        check("a  {{- .State.Status -}}  b", "aexitedb");
        check("a\n{{- .State.Status}}\nb", "aexited\nb");
        check("{{range .Args -}}\n  {{.}}\n{{- end}}", "-gdaemon off;");
        check("{{-3}}", "-3");
}

static void test_escapes_and_table(void **state) {
        _cleanup_(template_freep) Template *t = NULL;
        _cleanup_free_ char *error = NULL;

        /* docker replaces the two characters \t and \n, and trims the spaces around */
        check("  {{.State.Status}}\\t{{.State.ExitCode}}\\n ", "exited\t3\n");
        assert_int_equal(template_parse("table {{.ID}}\\t{{.Names}}", &t, &error), 0);
        assert_true(template_is_table(t));
        assert_false(template_is_empty(t));
        t = template_free(t);
        assert_int_equal(template_parse("table", &t, &error), 0);
        assert_true(template_is_table(t) && template_is_empty(t));
        t = template_free(t);
        assert_int_equal(template_parse("{{.ID}}", &t, &error), 0);
        assert_false(template_is_table(t));
}

static char *print_items(const char *fmt, const char *items, const char *header) {
        _cleanup_json_ struct json_object *a = json_tokener_parse(items);
        _cleanup_json_ struct json_object *h = header ? json_tokener_parse(header) : NULL;
        _cleanup_(template_freep) Template *t = NULL;
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_non_null(f);
        assert_int_equal(template_parse_or_log("test", fmt, &t), 0);
        assert_int_equal(template_print_items("test", t, a, h, f), 0);
        fclose(f);
        return buf;
}

static void test_print_items(void **state) {
        static const char *items = "[{\"ID\":\"0123456789ab\",\"Names\":\"web\",\"Status\":\"Up 3 seconds\"},"
                                   "{\"ID\":\"ba9876543210\",\"Names\":\"a-much-longer-name\",\"Status\":"
                                   "\"Exited (0) 2 minutes ago\"}]";
        static const char *header = "{\"ID\":\"CONTAINER ID\",\"Names\":\"NAMES\",\"Status\":\"STATUS\"}";
        _cleanup_free_ char *plain = print_items("{{.Names}} {{.Status}}", items, header);
        _cleanup_free_ char *table = print_items("table {{.ID}}\\t{{.Names}}\\t{{.Status}}", items, header);
        _cleanup_free_ char *narrow =
                print_items("table {{.Names}}\\t{{.ID}}", "[{\"Names\":\"a\",\"ID\":\"b\"}]",
                            "{\"Names\":\"N\",\"ID\":\"ID\"}");
        _cleanup_free_ char *none = print_items("table {{.Names}}", "[]", header);

        assert_string_equal(plain, "web Up 3 seconds\na-much-longer-name Exited (0) 2 minutes ago\n");
        /* docker: minimum width 10, padding 3; the last column is not padded */
        assert_string_equal(table, "CONTAINER ID   NAMES                STATUS\n"
                                   "0123456789ab   web                  Up 3 seconds\n"
                                   "ba9876543210   a-much-longer-name   Exited (0) 2 minutes ago\n");
        assert_string_equal(narrow, "N         ID\na         b\n");
        assert_string_equal(none, "NAMES\n");
}

static void test_tabwrite(void **state) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        /* a column block ends at a line without that column (Go's text/tabwriter) */
        template_tabwrite("a\tb\tc\nlonger-cell\td\nx\ny\tz\n", f);
        fclose(f);
        assert_string_equal(buf, "a             b         c\n"
                                 "longer-cell   d\n"
                                 "x\n"
                                 "y         z\n");
        free(buf);
        buf = NULL;
        f = open_memstream(&buf, &size);
        template_tabwrite("héllo\tw\n", f); /* widths count characters, not bytes */
        fclose(f);
        assert_string_equal(buf, "héllo     w\n");
        free(buf);
}

static void test_errors(void **state) {
        check_error("{{.Name", "position 1: unclosed action");
        check_error("abc {{.Name}", "position 12: unexpected \"}\" in command");
        check_error("{{nosuch .Name}}", "position 3: function \"nosuch\" not defined");
        check_error("{{if .X}}a", "position 1: unexpected EOF: {{if}} without {{end}}");
        check_error("{{range .X}}a{{else}}b", "position 1: unexpected EOF: {{range}} without {{end}}");
        check_error("a{{end}}", "position 2: unexpected {{end}}");
        check_error("{{else}}", "position 1: unexpected {{else}}");
        check_error("{{\"abc}}", "position 3: unterminated quoted string");
        check_error("{{$x := 1}}", "position 3: variables are not supported");
        check_error("{{}}", "position 3: missing value for command");
        check_error("{{.A | }}", "position 7: missing value for command");
        check_error("{{template \"x\"}}", "position 1: {{template}} is not supported");
        check_error("{{/* open", "position 1: unclosed comment");
        check_error("{{.Name 1}}", "can't give argument to non-function");
        check_error("{{upper}}", "wrong number of args for upper: got 0");
        check_error("{{.Name.X}}", "can't evaluate field X in a string");

        /* nesting is bounded */
        char deep[4096] = "";
        for (int i = 0; i < 100; i++)
                strcat(deep, "{{if .A}}");
        check_error(deep, "position 577: nested too deeply");
        char parens[512] = "{{";
        for (int i = 0; i < 100; i++)
                strcat(parens, "(");
        check_error(parens, "position 67: nested too deeply");
}

static void test_output_bounded(void **state) {
        _cleanup_(template_freep) Template *t = NULL;
        _cleanup_json_ struct json_object *a = json_object_new_array();
        _cleanup_free_ char *error = NULL;
        FILE *f = fopen("/dev/null", "we");

        /* 4096 × 8 KiB stops at the output limit (16 MiB) instead of eating memory */
        for (int i = 0; i < 4096; i++)
                json_object_array_add(a, json_object_new_int(i));
        assert_int_equal(template_parse("{{range .}}{{pad \"x\" 4096 4096}}{{end}}", &t, &error), 0);
        assert_int_equal(template_execute(t, a, f, &error), -EINVAL);
        assert_string_equal(error, "output longer than 16777216 bytes");
        fclose(f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fields),      cmocka_unit_test(test_json),
                cmocka_unit_test(test_index),       cmocka_unit_test(test_range),
                cmocka_unit_test(test_if_with),     cmocka_unit_test(test_functions),
                cmocka_unit_test(test_trim),        cmocka_unit_test(test_escapes_and_table),
                cmocka_unit_test(test_print_items), cmocka_unit_test(test_tabwrite),
                cmocka_unit_test(test_errors),      cmocka_unit_test(test_output_bounded),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
