/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-change.c — docker's --change instructions applied to an image config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <json-c/json.h>
#include <cmocka.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "image/change.h"
#include "image/save.h"

static const char *applied(struct json_object *c, const char *change) {
        char *error = NULL;
        assert_int_equal(image_change_apply(c, change, &error), 0);
        assert_null(error);
        return json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void test_cmd_entrypoint(void **state) {
        struct json_object *c = json_object_new_object();

        assert_string_equal(applied(c, "CMD=/bin/sh"), "{\"Cmd\":[\"/bin/sh\",\"-c\",\"/bin/sh\"]}");
        assert_string_equal(applied(c, "CMD [\"echo\", \"hi there\"]"), "{\"Cmd\":[\"echo\",\"hi there\"]}");
        assert_string_equal(applied(c, "entrypoint=[\"/bin/sh\",\"-c\"]"),
                            "{\"Cmd\":[\"echo\",\"hi there\"],\"Entrypoint\":[\"/bin/sh\",\"-c\"]}");
        json_object_put(c);
}

static void test_env_workdir_user(void **state) {
        struct json_object *c = json_object_new_object();

        applied(c, "ENV=A=1 B=\"two words\"");
        applied(c, "ENV C three four");
        applied(c, "ENV A=5");
        assert_string_equal(applied(c, "WORKDIR=/srv"),
                            "{\"Env\":[\"A=5\",\"B=two words\",\"C=three four\"],\"WorkingDir\":\"/srv\"}");
        json_object_put(c);
        c = json_object_new_object();
        assert_string_equal(applied(c, "USER 1000:1000"), "{\"User\":\"1000:1000\"}");
        json_object_put(c);
}

static void test_expose_label(void **state) {
        struct json_object *c = json_object_new_object();

        assert_string_equal(applied(c, "EXPOSE 80 53/UDP"),
                            "{\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}}}");
        json_object_put(c);
        c = json_object_new_object();
        assert_string_equal(applied(c, "LABEL a=b \"c d\"=e"), "{\"Labels\":{\"a\":\"b\",\"c d\":\"e\"}}");
        json_object_put(c);
}

static void test_refused(void **state) {
        static const char *const bad[] = {
                "RUN echo hi", "CMD=",    "CMD=[1,2]", "CMD=[\"a\"",   "ENV=",
                "ENV A",       "ENV =x",  "EXPOSE 0",  "EXPOSE 70000", "EXPOSE 80/icmp",
                "EXPOSE x",    "LABEL a", "WORKDIR=",  "ENV A=\"x",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct json_object *c = json_object_new_object();
                char *error = NULL;
                assert_int_equal(image_change_apply(c, bad[i], &error), -EINVAL);
                assert_non_null(error);
                free(error);
                json_object_put(c);
        }
}

static void test_archive_names(void **state) {
        static const unsigned char gz[] = { 0x1f, 0x8b, 8 }, zst[] = { 0x28, 0xb5, 0x2f, 0xfd },
                                   tar[] = "bin/";

        assert_string_equal(image_archive_format_to_string(IMAGE_ARCHIVE_DOCKER), "docker-archive");
        assert_int_equal(image_archive_format_from_string("oci-archive"), IMAGE_ARCHIVE_OCI);
        assert_int_equal(image_archive_format_from_string("zip"), -EINVAL);
        assert_string_equal(layer_media_type_from_magic(gz, sizeof(gz)),
                            "application/vnd.oci.image.layer.v1.tar+gzip");
        assert_string_equal(layer_media_type_from_magic(zst, sizeof(zst)),
                            "application/vnd.oci.image.layer.v1.tar+zstd");
        assert_string_equal(layer_media_type_from_magic(tar, 4), "application/vnd.oci.image.layer.v1.tar");
        assert_string_equal(layer_media_type_from_magic(gz, 1), "application/vnd.oci.image.layer.v1.tar");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cmd_entrypoint), cmocka_unit_test(test_env_workdir_user),
                cmocka_unit_test(test_expose_label),   cmocka_unit_test(test_refused),
                cmocka_unit_test(test_archive_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
