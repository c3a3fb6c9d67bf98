/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-manifest.c — manifests, indexes with platform selection, image configs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "image/manifest.h"

#define HA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HC "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const char oci_manifest[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" HA
        "\",\"size\":123},"
        "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" HB
        "\",\"size\":10},"
        "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"sha256:" HC
        "\",\"size\":20}]}";

static const char docker_manifest[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"sha256:" HA
        "\",\"size\":1},"
        "\"layers\":[{\"mediaType\":\"application/"
        "vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"sha256:" HB "\",\"size\":5}]}";

static void test_manifest_oci(void **state) {
        _cleanup_(manifest_freep) Manifest *m = NULL;

        assert_int_equal(manifest_parse(oci_manifest, strlen(oci_manifest), NULL, &m), 0);
        assert_int_equal(m->kind, MANIFEST_OCI);
        assert_string_equal(m->config.digest, "sha256:" HA);
        assert_int_equal(m->config.size, 123);
        assert_int_equal(m->n_layers, 2);
        assert_int_equal(layer_compression_from_media_type(m->layers[0].media_type), LAYER_COMPRESSION_GZIP);
        assert_int_equal(layer_compression_from_media_type(m->layers[1].media_type), LAYER_COMPRESSION_ZSTD);
        assert_int_equal(m->layers[1].size, 20);
}

static void test_manifest_docker(void **state) {
        _cleanup_(manifest_freep) Manifest *m = NULL;
        ManifestKind k;

        assert_int_equal(manifest_detect_kind(docker_manifest, strlen(docker_manifest), NULL, &k), 0);
        assert_int_equal(k, MANIFEST_DOCKER_V2S2);
        assert_int_equal(manifest_parse(docker_manifest, strlen(docker_manifest), NULL, &m), 0);
        assert_int_equal(m->n_layers, 1);
        assert_string_equal(m->layers[0].digest, "sha256:" HB);
}

static void test_manifest_refused(void **state) {
        static const char *const bad[] = {
                "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/"
                "vnd.oci.image.manifest.v1+json\",\"config\":"
                "{\"mediaType\":\"x\",\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/"
                "vnd.oci.image.manifest.v1+json\",\"config\":"
                "{\"mediaType\":\"x\",\"digest\":\"sha256:" HA "\",\"size\":-1},\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}",
                "[1,2]",
                "{\"config\": ",
                "{} trailing",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(manifest_freep) Manifest *m = NULL;
                if (manifest_parse(bad[i], strlen(bad[i]), NULL, &m) >= 0)
                        fail_msg("manifest %zu should be refused", i);
        }
        /* a layer type conman cannot unpack parses, and is named for the caller's refusal */
        static const char weird[] =
                "{\"schemaVersion\":2,\"mediaType\":\"application/"
                "vnd.oci.image.manifest.v1+json\",\"config\":"
                "{\"mediaType\":\"x\",\"digest\":\"sha256:" HA "\",\"size\":1},\"layers\":[{\"mediaType\":"
                "\"application/x-weird\",\"digest\":\"sha256:" HB "\",\"size\":1}]}";
        _cleanup_(manifest_freep) Manifest *m = NULL;
        assert_int_equal(manifest_parse(weird, strlen(weird), NULL, &m), 0);
        assert_non_null(manifest_unsupported_layer(m));
        assert_string_equal(manifest_unsupported_layer(m)->media_type, "application/x-weird");
}

static const char index_json[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HA
        "\",\"size\":1,"
        "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HB
        "\",\"size\":2,"
        "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HC
        "\",\"size\":3,"
        "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";

static int select_platform_in(const char *index, const char *spelling, Descriptor *ret) {
        Platform p;

        assert_int_equal(platform_parse(spelling, &p), 0);
        return index_select_platform(index, strlen(index), &p, ret);
}

static int select_platform(const char *spelling, Descriptor *ret) {
        return select_platform_in(index_json, spelling, ret);
}

static void test_index(void **state) {
        Descriptor d = {};
        ManifestKind k;

        assert_int_equal(manifest_detect_kind(index_json, strlen(index_json), NULL, &k), 0);
        assert_true(manifest_kind_is_index(k));
        assert_int_equal(manifest_parse(index_json, strlen(index_json), NULL, &(Manifest *){ NULL }),
                         -EMEDIUMTYPE);

        assert_int_equal(select_platform("linux/amd64", &d), 0);
        assert_string_equal(d.digest, "sha256:" HC);
        descriptor_done(&d);
        assert_int_equal(select_platform("linux/x86_64", &d), 0);
        assert_string_equal(d.digest, "sha256:" HC);
        descriptor_done(&d);
        assert_int_equal(select_platform("linux/arm/v7", &d), 0);
        assert_string_equal(d.digest, "sha256:" HB);
        descriptor_done(&d);
        assert_int_equal(select_platform("linux/armhf", &d), 0); /* containerd: armhf is arm/v7 */
        assert_string_equal(d.digest, "sha256:" HB);
        descriptor_done(&d);
        assert_int_equal(select_platform("linux/arm", &d), 0); /* arm alone is v7 */
        assert_string_equal(d.digest, "sha256:" HB);
        descriptor_done(&d);
        assert_int_equal(select_platform("linux/arm/v6", &d), 0);
        assert_string_equal(d.digest, "sha256:" HA);
        descriptor_done(&d);
        assert_int_equal(select_platform("linux/arm64", &d), -ENOENT);
        assert_int_equal(select_platform("windows/amd64", &d), -ENOENT);
}

static const char index_arm64_json[] =
        "{\"schemaVersion\":2,\"manifests\":["
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HA
        "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HB
        "\",\"size\":2,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HC
        "\",\"size\":3,\"platform\":{\"os\":\"linux\",\"architecture\":\"bad arch\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HC
        "\",\"size\":3,\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" HC
        "\",\"size\":3}]}";

static void test_index_arm64_v8(void **state) {
        _cleanup_free_ char *list = NULL;
        Descriptor d = {};

        /* arm64 is arm64/v8 as containerd normalizes it, both ways */
        assert_int_equal(select_platform_in(index_arm64_json, "linux/arm64", &d), 0);
        assert_string_equal(d.digest, "sha256:" HA);
        descriptor_done(&d);
        assert_int_equal(select_platform_in(index_arm64_json, "linux/aarch64/v8", &d), 0);
        assert_string_equal(d.digest, "sha256:" HA);
        descriptor_done(&d);
        assert_int_equal(select_platform_in(index_arm64_json, "LINUX/AMD64", &d), 0);
        assert_string_equal(d.digest, "sha256:" HB);
        descriptor_done(&d);
        assert_int_equal(select_platform_in(index_arm64_json, "linux/s390x", &d), -ENOENT);
        /* entries without a platform, with a malformed one or buildx's attestations are left out */
        assert_int_equal(index_list_platforms(index_arm64_json, strlen(index_arm64_json), &list), 0);
        assert_string_equal(list, "linux/arm64/v8, linux/amd64");
}

static void test_config(void **state) {
        static const char config[] =
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-05-01T10:00:00.5Z\","
                "\"config\":{\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[\"echo "
                "hi\"],\"Env\":[\"PATH=/bin\"],"
                "\"WorkingDir\":\"/srv\",\"User\":\"1000:1000\",\"StopSignal\":\"SIGINT\","
                "\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":{\"a\":\"b\"}},"
                "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" HA "\",\"sha256:" HB "\"]}}";
        _cleanup_(image_config_freep) ImageConfig *c = NULL;

        assert_int_equal(image_config_parse(config, strlen(config), &c), 0);
        assert_int_equal(c->n_diff_ids, 2);
        assert_string_equal(c->diff_ids[1], "sha256:" HB);
        assert_string_equal(c->entrypoint[1], "-c");
        assert_string_equal(c->cmd[0], "echo hi");
        assert_null(c->cmd[1]);
        assert_string_equal(c->env[0], "PATH=/bin");
        assert_string_equal(c->working_dir, "/srv");
        assert_string_equal(c->user, "1000:1000");
        assert_string_equal(c->stop_signal, "SIGINT");
        assert_string_equal(c->exposed_ports[0], "80/tcp");
        assert_string_equal(c->labels[0], "a=b");
        assert_int_equal(c->created_usec, UINT64_C(1714557600500000));
}

static void test_config_refused(void **state) {
        static const char *const bad[] = {
                "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:x\"]}}",
                "{\"rootfs\":{\"type\":\"other\",\"diff_ids\":[]}}",
                "{\"config\":{\"Cmd\":\"not-an-array\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
                "{\"config\":{\"Env\":[1]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
                "{}",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(image_config_freep) ImageConfig *c = NULL;
                if (image_config_parse(bad[i], strlen(bad[i]), &c) >= 0)
                        fail_msg("config %zu should be refused", i);
        }
}

static void test_rfc3339(void **state) {
        uint64_t t;

        assert_int_equal(parse_rfc3339("1970-01-01T00:00:01Z", &t), 0);
        assert_int_equal(t, USEC_PER_SEC);
        assert_int_equal(parse_rfc3339("1970-01-01T01:00:01+01:00", &t), 0);
        assert_int_equal(t, USEC_PER_SEC);
        assert_int_equal(parse_rfc3339("2024-05-01T10:00:00.123456789Z", &t), 0);
        assert_int_equal(t % USEC_PER_SEC, 123456);
        assert_int_equal(parse_rfc3339("yesterday", &t), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_manifest_oci),     cmocka_unit_test(test_manifest_docker),
                cmocka_unit_test(test_manifest_refused), cmocka_unit_test(test_index),
                cmocka_unit_test(test_index_arm64_v8),   cmocka_unit_test(test_config),
                cmocka_unit_test(test_config_refused),   cmocka_unit_test(test_rfc3339),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
