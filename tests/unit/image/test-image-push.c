/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-push.c — the push plan (which blobs, in what order, mounted or uploaded), the manifest made for
 * an image without a stored one, and layer re-compression (deterministic, the same tar back). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shared/fileio.h"
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

static void test_manifest_format(void **state) {
        _cleanup_(manifest_freep) Manifest *m = manifest(), *back = NULL;
        _cleanup_free_ char *json = NULL;

        assert_int_equal(push_manifest_format(m, &json), 0);
        assert_non_null(strstr(json, "\"schemaVersion\":2"));
        assert_int_equal(manifest_parse(json, strlen(json), NULL, &back), 0);
        assert_int_equal(back->kind, MANIFEST_OCI);
        assert_string_equal(back->config.digest, m->config.digest);
        assert_string_equal(back->config.media_type, MEDIA_TYPE_OCI_CONFIG);
        assert_int_equal(back->n_layers, 3);
        for (size_t i = 0; i < 3; i++) {
                assert_string_equal(back->layers[i].digest, m->layers[i].digest);
                assert_int_equal(back->layers[i].size, m->layers[i].size);
                assert_string_equal(back->layers[i].media_type, m->layers[i].media_type);
        }
}

/* A memfd with n bytes of a tar-like pattern. */
static int pattern_fd(size_t n) {
        int fd = memfd_create("tar", MFD_CLOEXEC);
        _cleanup_free_ char *buf = malloc(n);

        assert_true(fd >= 0 && buf);
        for (size_t i = 0; i < n; i++)
                buf[i] = (char) ((i * 7) % 251 + (i / 4096));
        assert_int_equal(write_all(fd, buf, n), 0);
        return fd;
}

static void compress_to(int in, LayerCompression c, char diff_id[static DIGEST_STRING_MAX],
                        char digest[static DIGEST_STRING_MAX], int *ret_fd) {
        LayerLimits limits = LAYER_LIMITS_DEFAULT;
        uint64_t size;
        int out = memfd_create("blob", MFD_CLOEXEC);
        unsigned char head[4];

        assert_true(out >= 0);
        assert_int_equal(lseek(in, 0, SEEK_SET), 0);
        assert_int_equal(layer_compress(in, out, c, &limits, diff_id, digest, &size), 0);
        assert_int_equal(lseek(out, 0, SEEK_END), (off_t) size);
        assert_int_equal(pread(out, head, sizeof(head), 0), 4);
        assert_int_equal(layer_compression_from_magic(head, sizeof(head)), c);
        *ret_fd = out;
}

static void test_compress(void **state) {
        _cleanup_close_ int in = pattern_fd(300000), gz = -EBADF, gz2 = -EBADF, zst = -EBADF, back = -EBADF;
        char d0[DIGEST_STRING_MAX], d1[DIGEST_STRING_MAX], d2[DIGEST_STRING_MAX], d3[DIGEST_STRING_MAX];
        char b1[DIGEST_STRING_MAX], b2[DIGEST_STRING_MAX], b3[DIGEST_STRING_MAX];
        LayerLimits limits = LAYER_LIMITS_DEFAULT, tiny = { 1000, 10 };
        uint64_t size;

        compress_to(in, LAYER_COMPRESSION_GZIP, d1, b1, &gz);
        compress_to(in, LAYER_COMPRESSION_GZIP, d2, b2, &gz2);
        assert_string_equal(b1, b2); /* no timestamp: the same blob each time */
        assert_string_equal(d1, d2);
        compress_to(gz, LAYER_COMPRESSION_ZSTD, d3, b3, &zst); /* gzip → zstd */
        assert_string_equal(d3, d1);
        assert_string_not_equal(b3, b1);
        back = memfd_create("back", MFD_CLOEXEC);
        assert_int_equal(lseek(zst, 0, SEEK_SET), 0);
        assert_int_equal(layer_decompress(zst, back, &limits, d0, &size), 0);
        assert_string_equal(d0, d1);
        assert_int_equal(size, 300000);
        assert_int_equal(lseek(in, 0, SEEK_SET), 0);
        assert_int_equal(layer_compress(in, back, LAYER_COMPRESSION_GZIP, &tiny, d0, b1, &size), -EFBIG);
        assert_int_equal(layer_compress(in, back, LAYER_COMPRESSION_NONE, &limits, d0, b1, &size), -EINVAL);
}

static void test_compression_names(void **state) {
        assert_int_equal(layer_compression_from_string("zstd"), LAYER_COMPRESSION_ZSTD);
        assert_int_equal(layer_compression_from_string("gzip"), LAYER_COMPRESSION_GZIP);
        assert_int_equal(layer_compression_from_string("xz"), _LAYER_COMPRESSION_INVALID);
        assert_int_equal(layer_compression_from_string(NULL), _LAYER_COMPRESSION_INVALID);
        assert_string_equal(layer_compression_to_string(LAYER_COMPRESSION_GZIP), "gzip");
        assert_null(layer_compression_to_string(LAYER_COMPRESSION_DETECT));
        assert_string_equal(layer_compression_to_oci_media_type(LAYER_COMPRESSION_ZSTD),
                            "application/vnd.oci.image.layer.v1.tar+zstd");
        assert_null(layer_compression_to_oci_media_type(LAYER_COMPRESSION_DETECT));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_order_and_dedup),          cmocka_unit_test(test_mount_same_registry),
                cmocka_unit_test(test_same_repository_no_mount), cmocka_unit_test(test_mismatch),
                cmocka_unit_test(test_manifest_format),          cmocka_unit_test(test_compress),
                cmocka_unit_test(test_compression_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
