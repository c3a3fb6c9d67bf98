/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-push.c — the push plan: which blobs, in what order, mounted or uploaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "image/push.h"

#define D(c)                                                                                                 \
        "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
                c c c c c c c c c c c c c c c c c c c

static const char manifest_json[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D(
                "c") "\",\"size\":10},"
                     "\"layers\":["
                     "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D(
                             "1") "\",\"size\":100},"
                                  "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D(
                                          "2") "\",\"size\":200},"
                                               "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D(
                                                       "1") "\",\"size\":100}]}";

static char *diff_ids[] = { D("a"), D("b"), D("a"), NULL };

static Manifest *manifest(void) {
        Manifest *m = NULL;
        assert_int_equal(manifest_parse(manifest_json, strlen(manifest_json), NULL, &m), 0);
        return m;
}

static Reference *ref(const char *s) {
        Reference *r = NULL;
        assert_int_equal(reference_parse(s, &r), 0);
        return r;
}

/* Config first, then layers bottom up, a blob named twice sent once; no mount source: uploads. */
static void test_order_and_dedup(void **state) {
        _cleanup_(manifest_freep) Manifest *m = manifest();
        _cleanup_reference_ Reference *dest = ref("localhost:5000/team/app:1");
        _cleanup_(push_plan_freep) PushPlan *p = NULL;
        char *repo_digests[] = { "docker.io/library/app@" D("f"), NULL };

        assert_int_equal(push_plan_make(m, diff_ids, repo_digests, dest, &p), 0);
        assert_int_equal(p->n_blobs, 3);
        assert_string_equal(p->blobs[0].digest, D("c"));
        assert_null(p->blobs[0].diff_id);
        assert_int_equal(p->blobs[0].size, 10);
        assert_string_equal(p->blobs[1].digest, D("1"));
        assert_string_equal(p->blobs[1].diff_id, D("a"));
        assert_string_equal(p->blobs[2].digest, D("2"));
        assert_string_equal(p->blobs[2].diff_id, D("b"));
        assert_int_equal(p->blobs[2].size, 200);
        for (size_t i = 0; i < p->n_blobs; i++)
                assert_null(p->blobs[i].mount_from); /* another registry: nothing to mount from */
}

/* Pulled from another repository of the same registry: every blob may be mounted from there. */
static void test_mount_same_registry(void **state) {
        _cleanup_(manifest_freep) Manifest *m = manifest();
        _cleanup_reference_ Reference *dest = ref("localhost:5000/team/app:1");
        _cleanup_(push_plan_freep) PushPlan *p = NULL;
        char *repo_digests[] = { "docker.io/library/app@" D("f"), "localhost:5000/base/busybox@" D("e"),
                                 NULL };

        assert_int_equal(push_plan_make(m, diff_ids, repo_digests, dest, &p), 0);
        for (size_t i = 0; i < p->n_blobs; i++)
                assert_string_equal(p->blobs[i].mount_from, "base/busybox");
}

/* The same repository is no mount source (HEAD finds the blobs there). */
static void test_same_repository_no_mount(void **state) {
        _cleanup_(manifest_freep) Manifest *m = manifest();
        _cleanup_reference_ Reference *dest = ref("localhost:5000/team/app:2");
        _cleanup_(push_plan_freep) PushPlan *p = NULL;
        char *repo_digests[] = { "localhost:5000/team/app@" D("e"), NULL };

        assert_int_equal(push_plan_make(m, diff_ids, repo_digests, dest, &p), 0);
        for (size_t i = 0; i < p->n_blobs; i++)
                assert_null(p->blobs[i].mount_from);
}

/* Config and manifest disagreeing on the number of layers: refused. */
static void test_mismatch(void **state) {
        _cleanup_(manifest_freep) Manifest *m = manifest();
        _cleanup_reference_ Reference *dest = ref("localhost:5000/team/app:1");
        PushPlan *p = NULL;
        char *two[] = { D("a"), D("b"), NULL };

        assert_int_equal(push_plan_make(m, two, NULL, dest, &p), -EBADMSG);
        assert_null(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_order_and_dedup),
                cmocka_unit_test(test_mount_same_registry),
                cmocka_unit_test(test_same_repository_no_mount),
                cmocka_unit_test(test_mismatch),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
