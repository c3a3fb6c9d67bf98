/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-cri-image.c — the pure parts of conman-cri's ImageService (cri/image.h): InspectImage's document
 * as a CRI Image (ids, names, size, uid or user name, verbose info) and the ListImages filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "shared/macro.h"
#include "cri/image.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_user(void **state) {
        static const struct {
                const char *user;
                bool has_uid;
                int64_t uid;
                const char *name;
        } cases[] = {
                { "1002", true, 1002, NULL },
                { "1003:1004", true, 1003, NULL },
                { "www-data", false, 0, "www-data" },
                { "www-data:1004", false, 0, "www-data" },
                { "", false, 0, NULL },
                { NULL, false, 0, NULL },
                { "0", true, 0, NULL },
                { ":1004", false, 0, NULL },
                { "12a", false, 0, "12a" },
                { "99999999999999999999", false, 0, "99999999999999999999" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *name = NULL;
                bool has_uid;
                int64_t uid;

                assert_int_equal(cri_image_user(cases[i].user, &has_uid, &uid, &name), 0);
                assert_int_equal(has_uid, cases[i].has_uid);
                assert_int_equal(uid, cases[i].uid);
                if (cases[i].name)
                        assert_string_equal(name, cases[i].name);
                else
                        assert_null(name);
        }
}

static const char inspect_json[] =
        "{ \"id\": \"" ID "\", \"manifestDigest\": \"sha256:feed\","
        "  \"repoTags\": [ \"gcr.io/k8s-staging-cri-tools/test-image-tags:1\","
        "                  \"gcr.io/k8s-staging-cri-tools/test-image-tags:2\" ],"
        "  \"repoDigests\": [ \"gcr.io/k8s-staging-cri-tools/test-image-tags@sha256:feed\" ],"
        "  \"layers\": [ \"sha256:aa\" ], \"size\": 1234567, \"created\": 1, \"createdAt\": \"x\","
        "  \"config\": { \"architecture\": \"amd64\","
        "              \"config\": { \"User\": \"1003:1004\", \"Cmd\": [ \"sh\" ] } } }";

static void test_from_inspect(void **state) {
        Runtime__V1__Image *img = NULL;
        _cleanup_free_ char *info = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *spec, *v;

        assert_int_equal(cri_image_from_inspect(inspect_json, &img, &info), 0);
        assert_string_equal(img->id, "sha256:" ID);
        assert_int_equal(img->n_repo_tags, 2);
        assert_string_equal(img->repo_tags[1], "gcr.io/k8s-staging-cri-tools/test-image-tags:2");
        assert_int_equal(img->n_repo_digests, 1);
        assert_string_equal(img->repo_digests[0], "gcr.io/k8s-staging-cri-tools/test-image-tags@sha256:feed");
        assert_int_equal(img->size, 1234567);
        assert_non_null(img->uid);
        assert_int_equal(img->uid->value, 1003);
        assert_true(img->username == NULL || img->username[0] == 0);
        protobuf_c_message_free_unpacked(&img->base, NULL);

        j = json_tokener_parse(info);
        assert_non_null(j);
        assert_true(json_object_object_get_ex(j, "imageSpec", &spec));
        assert_true(json_object_object_get_ex(spec, "architecture", &v));
        assert_string_equal(json_object_get_string(v), "amd64");
        assert_true(json_object_object_get_ex(j, "manifestDigest", &v));

        /* a user name; no tags (a dangling image); no config at all */
        assert_int_equal(cri_image_from_inspect("{\"id\":\"" ID "\",\"size\":5,\"config\":{\"config\":"
                                                "{\"User\":\"www-data:1004\"}}}",
                                                &img, NULL),
                         0);
        assert_null(img->uid);
        assert_string_equal(img->username, "www-data");
        assert_int_equal(img->n_repo_tags, 0);
        protobuf_c_message_free_unpacked(&img->base, NULL);
        assert_int_equal(cri_image_from_inspect("{\"id\":\"" ID "\"}", &img, NULL), 0);
        assert_null(img->uid);
        protobuf_c_message_free_unpacked(&img->base, NULL);

        assert_int_equal(cri_image_from_inspect("{\"repoTags\":[]}", &img, NULL), -EBADMSG);
        assert_int_equal(cri_image_from_inspect("{\"id\":\"short\"}", &img, NULL), -EBADMSG);
        assert_int_equal(cri_image_from_inspect("[]", &img, NULL), -EBADMSG);
        assert_int_equal(cri_image_from_inspect("{", &img, NULL), -EBADMSG);
}

static void test_matches(void **state) {
        char *tags[] = { "docker.io/library/busybox:1.29", "registry.example:5000/x/busybox:1" };
        char *digests[] = { "docker.io/library/busybox@sha256:" ID };
        Runtime__V1__Image img = RUNTIME__V1__IMAGE__INIT;

        img.id = (char *) "sha256:" ID;
        img.repo_tags = tags;
        img.n_repo_tags = ELEMENTSOF(tags);
        img.repo_digests = digests;
        img.n_repo_digests = ELEMENTSOF(digests);

        assert_true(cri_image_matches(&img, NULL));
        assert_true(cri_image_matches(&img, ""));
        /* by id */
        assert_true(cri_image_matches(&img, "sha256:" ID));
        assert_true(cri_image_matches(&img, ID));
        assert_true(cri_image_matches(&img, "0123"));
        assert_true(cri_image_matches(&img, "sha256:0123456789"));
        assert_false(cri_image_matches(&img, "012"));
        assert_false(cri_image_matches(&img, "sha256:fedc"));
        /* by tag, normalized like docker */
        assert_true(cri_image_matches(&img, "busybox:1.29"));
        assert_true(cri_image_matches(&img, "library/busybox:1.29"));
        assert_true(cri_image_matches(&img, "docker.io/library/busybox:1.29"));
        assert_false(cri_image_matches(&img, "busybox:1.30"));
        assert_false(cri_image_matches(&img, "busybox:latest"));
        /* no tag given: any tag of the repository */
        assert_true(cri_image_matches(&img, "busybox"));
        assert_true(cri_image_matches(&img, "registry.example:5000/x/busybox"));
        assert_true(cri_image_matches(&img, "registry.example:5000/x/busybox:1"));
        assert_false(cri_image_matches(&img, "registry.example:5000/x/busybo"));
        assert_false(cri_image_matches(&img, "registry.example:5000/x"));
        assert_false(cri_image_matches(&img, "alpine"));
        /* by repo digest */
        assert_true(cri_image_matches(&img, "busybox@sha256:" ID));
        assert_false(cri_image_matches(
                &img, "busybox@sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        /* garbage */
        assert_false(cri_image_matches(&img, "UPPER/case"));
        assert_false(cri_image_matches(&img, "::"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_user),
                cmocka_unit_test(test_from_inspect),
                cmocka_unit_test(test_matches),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
