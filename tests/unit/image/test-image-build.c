/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-build.c — the config of a committed image: the container's run-time command (split back into
 * Entrypoint and Cmd), environment, working directory, user and labels over the base image's, then the
 * --change instructions; history, author and the new diff_id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <json-c/json.h>
#include <cmocka.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "image/build.h"

static const char base[] =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/ep\"],"
        "\"Cmd\":[\"a\"],\"Env\":[\"PATH=/bin\"],\"Labels\":{\"from\":\"image\"}},"
        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:1\"]}}";

/* The "config" object of the image built from base with run and changes, as plain JSON. */
static char *built(ImageBuildRun *run, char **changes, const char *base_config) {
        ImageBuild b = { .run = run, .changes = changes, .created_by = "conmanctl commit" };
        _cleanup_free_ char *out = NULL, *error = NULL;
        struct json_object *o, *config;
        char *s;

        assert_int_equal(image_build_config(&b, base_config, base_config ? strlen(base_config) : 0,
                                            "sha256:2", 0, &out, &error),
                         0);
        o = json_tokener_parse(out);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "config", &config));
        s = strdup(json_object_to_json_string_ext(config,
                                                  JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        assert_non_null(strstr(out, "\"sha256:2\"]"));
        assert_non_null(strstr(out, "\"created_by\":\"conmanctl commit\""));
        json_object_put(o);
        return s;
}

static void test_run_keeps_entrypoint(void **state) {
        ImageBuildRun run = { .command = (char *[]){ "/ep", "b", "c", NULL },
                              .env = (char *[]){ "PATH=/bin", "X=1", NULL },
                              .working_dir = "/w",
                              .user = "1000",
                              .labels = (char *[]){ "k=v", "empty=", NULL } };
        _cleanup_free_ char *c = built(&run, NULL, base);

        assert_string_equal(
                c, "{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"b\",\"c\"],\"Env\":[\"PATH=/bin\",\"X=1\"],"
                   "\"Labels\":{\"from\":\"image\",\"k\":\"v\",\"empty\":\"\"},\"WorkingDir\":\"/w\","
                   "\"User\":\"1000\"}");
}

static void test_run_replaced_entrypoint(void **state) {
        ImageBuildRun run = { .command = (char *[]){ "sh", "-c", "x", NULL } };
        _cleanup_free_ char *c = built(&run, NULL, base);

        /* --entrypoint sh: docker records it as the Entrypoint, the rest as Cmd */
        assert_string_equal(c, "{\"Entrypoint\":[\"sh\"],\"Cmd\":[\"-c\",\"x\"],\"Env\":[\"PATH=/bin\"],"
                               "\"Labels\":{\"from\":\"image\"}}");
}

static void test_run_entrypoint_only(void **state) {
        ImageBuildRun run = { .command = (char *[]){ "/ep", NULL } };
        _cleanup_free_ char *c = built(&run, NULL, base);

        assert_string_equal(
                c, "{\"Entrypoint\":[\"/ep\"],\"Env\":[\"PATH=/bin\"],\"Labels\":{\"from\":\"image\"}}");
}

static void test_run_no_entrypoint_then_changes(void **state) {
        ImageBuildRun run = { .command = (char *[]){ "sleep", "1", NULL } };
        _cleanup_free_ char *c = built(&run, NULL, "{\"config\":{\"Cmd\":[\"sh\"]}}");
        _cleanup_free_ char *changed =
                built(&run, (char *[]){ "CMD [\"echo\", \"hi\"]", NULL }, "{\"config\":{\"Cmd\":[\"sh\"]}}");

        assert_string_equal(c, "{\"Cmd\":[\"sleep\",\"1\"]}");
        assert_string_equal(changed, "{\"Cmd\":[\"echo\",\"hi\"]}"); /* --change wins */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_run_keeps_entrypoint),
                cmocka_unit_test(test_run_replaced_entrypoint),
                cmocka_unit_test(test_run_entrypoint_only),
                cmocka_unit_test(test_run_no_entrypoint_then_changes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
