/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-container-spec.c — what CreateContainer refuses, and the JSON round trip of container.json. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/container-spec.h"
#include "shared/util.h"

static ContainerSpec valid_spec(void) {
        ContainerSpec s;
        container_spec_init(&s);
        s.rootfs = strdup("/tmp");
        assert_int_equal(strv_push(&s.command, "/bin/true"), 0);
        return s;
}

/* Validates and returns the error message (static buffer), or NULL when valid. */
static const char *refusal(ContainerSpec *s) {
        static char msg[512];
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = container_spec_validate(s, &e);
        if (r >= 0)
                return NULL;
        assert_string_equal(e.name, "io.conman1.Error.InvalidArgument");
        snprintf(msg, sizeof(msg), "%s", e.message);
        sd_bus_error_free(&e);
        return msg;
}

static void test_valid(void **state) {
        ContainerSpec s = valid_spec();
        assert_null(refusal(&s));
        container_spec_done(&s);
}

static void test_rootfs(void **state) {
        ContainerSpec s = valid_spec();
        free(s.rootfs);
        s.rootfs = strdup("relative");
        assert_non_null(strstr(refusal(&s), "absolute path"));
        free(s.rootfs);
        s.rootfs = strdup("/etc/passwd");
        assert_non_null(strstr(refusal(&s), "is not a directory"));
        free(s.rootfs);
        s.rootfs = strdup("/");
        assert_non_null(strstr(refusal(&s), "host's root"));
        free(s.rootfs);
        s.rootfs = NULL;
        assert_non_null(strstr(refusal(&s), "No root filesystem"));
        s.image_id = strdup("abc");
        assert_null(refusal(&s)); /* an image container has no rootfs dir of its own */
        container_spec_done(&s);
}

static void test_limits(void **state) {
        ContainerSpec s = valid_spec();
        s.memory_max = 1024;
        assert_non_null(strstr(refusal(&s), "Memory limit"));
        s.memory_max = 64 << 20;
        assert_null(refusal(&s));
        s.cpu_weight = 10001;
        assert_non_null(strstr(refusal(&s), "CPU weight"));
        s.cpu_weight = 0;
        s.stop_timeout_usec = UINT64_MAX;
        assert_non_null(strstr(refusal(&s), "Stop timeout"));
        s.stop_timeout_usec = 5 * USEC_PER_SEC;
        s.auto_remove = true;
        s.restart = RESTART_ALWAYS;
        assert_non_null(strstr(refusal(&s), "--rm cannot be combined"));
        s.auto_remove = false;
        s.runtime = strdup("youki");
        assert_non_null(strstr(refusal(&s), "Unknown runtime"));
        container_spec_done(&s);
}

static void test_paths_and_strings(void **state) {
        ContainerSpec s = valid_spec();
        s.working_dir = strdup("/a/../b");
        assert_non_null(strstr(refusal(&s), "Working directory"));
        free(s.working_dir);
        s.working_dir = NULL;
        assert_int_equal(strv_push(&s.env, "=x"), 0);
        assert_non_null(strstr(refusal(&s), "Environment entry"));
        strv_freep(&s.env);
        s.hostname = strdup("bad host");
        assert_non_null(strstr(refusal(&s), "Hostname"));
        free(s.hostname);
        s.hostname = NULL;
        s.volumes = calloc(1, sizeof(VolumeSpec));
        s.n_volumes = 1;
        s.volumes[0] = (VolumeSpec){ strdup("/nonexistent-src"), strdup("/data"), false };
        assert_non_null(strstr(refusal(&s), "does not exist"));
        free(s.volumes[0].source);
        s.volumes[0].source = strdup("/tmp");
        free(s.volumes[0].destination);
        s.volumes[0].destination = strdup("/");
        assert_non_null(strstr(refusal(&s), "Volume destination"));
        free(s.volumes[0].destination);
        s.volumes[0].destination = strdup("/data");
        s.volumes[0].propagation = _PROPAGATION_MAX;
        assert_non_null(strstr(refusal(&s), "unknown propagation"));
        container_spec_done(&s);
}

static void test_restart_policy_parse(void **state) {
        RestartPolicy p;
        unsigned n;
        assert_int_equal(restart_policy_parse("on-failure:2", &p, &n), 0);
        assert_int_equal(p, RESTART_ON_FAILURE);
        assert_int_equal(n, 2);
        assert_int_equal(restart_policy_parse("always", &p, &n), 0);
        assert_int_equal(p, RESTART_ALWAYS);
        assert_int_equal(restart_policy_parse("always:3", &p, &n), -EINVAL);
        assert_int_equal(restart_policy_parse("sometimes", &p, &n), -EINVAL);
        assert_int_equal(restart_policy_parse("on-failure:-1", &p, &n), -EINVAL);
        assert_int_equal(cpu_shares_to_weight(1024), 100);
        assert_int_equal(cpu_shares_to_weight(2), 1);
        assert_int_equal(cpu_shares_to_weight(262144), 10000);
}

static void test_json_roundtrip(void **state) {
        ContainerSpec s = valid_spec(), back;
        struct json_object *j;

        s.memory_max = 1 << 30;
        s.stop_signal = SIGINT;
        s.restart = RESTART_ON_FAILURE;
        s.restart_max_retries = 3;
        assert_int_equal(strv_push(&s.env, "A=b"), 0);
        assert_int_equal(strv_push(&s.labels, "k=v"), 0);
        s.volumes = calloc(1, sizeof(VolumeSpec));
        s.n_volumes = 1;
        s.volumes[0] = (VolumeSpec){ strdup("/tmp"), strdup("/data"), true, PROPAGATION_RSLAVE };
        j = container_spec_to_json(&s);
        assert_int_equal(container_spec_from_json(j, &back), 0);
        assert_string_equal(back.rootfs, "/tmp");
        assert_string_equal(back.command[0], "/bin/true");
        assert_string_equal(back.env[0], "A=b");
        assert_string_equal(back.labels[0], "k=v");
        assert_int_equal(back.memory_max, 1 << 30);
        assert_int_equal(back.stop_signal, SIGINT);
        assert_int_equal(back.restart, RESTART_ON_FAILURE);
        assert_int_equal(back.restart_max_retries, 3);
        assert_int_equal(back.n_volumes, 1);
        assert_true(back.volumes[0].read_only);
        assert_int_equal(back.volumes[0].propagation, PROPAGATION_RSLAVE);
        json_object_put(j);
        container_spec_done(&s);
        container_spec_done(&back);
}

/* docker's volume options after SRC:DST */
static void test_volume_options(void **state) {
        VolumePropagation p;
        bool ro;

        assert_int_equal(volume_options_parse(NULL, &ro, &p), 0);
        assert_true(!ro && p == PROPAGATION_RPRIVATE);
        assert_int_equal(volume_options_parse("ro,rshared", &ro, &p), 0);
        assert_true(ro && p == PROPAGATION_RSHARED);
        assert_int_equal(volume_options_parse("slave", &ro, &p), 0);
        assert_true(!ro && p == PROPAGATION_SLAVE);
        assert_int_equal(volume_options_parse("rslave,rw", &ro, &p), 0);
        assert_true(!ro && p == PROPAGATION_RSLAVE);
        assert_int_equal(volume_options_parse("ro,rw", &ro, &p), -EINVAL);
        assert_int_equal(volume_options_parse("shared,slave", &ro, &p), -EINVAL);
        assert_int_equal(volume_options_parse("z", &ro, &p), -EINVAL);
        assert_string_equal(volume_propagation_to_string(PROPAGATION_RPRIVATE), "rprivate");
        assert_int_equal(volume_propagation_from_string("rshared"), PROPAGATION_RSHARED);
}

static void test_annotations(void **state) {
        ContainerSpec s = valid_spec();
        _cleanup_free_ char *long_key = malloc(300), *long_value = malloc(ANNOTATION_VALUE_MAX + 8);
        struct json_object *j;
        ContainerSpec back;

        assert_int_equal(strv_push(&s.annotations, "io.kubernetes.pod/name=a=b c"), 0);
        assert_int_equal(strv_push(&s.annotations, "empty="), 0);
        assert_null(refusal(&s));
        j = container_spec_to_json(&s);
        assert_int_equal(container_spec_from_json(j, &back), 0);
        assert_string_equal(back.annotations[0], "io.kubernetes.pod/name=a=b c");
        assert_string_equal(back.annotations[1], "empty=");
        json_object_put(j);
        container_spec_done(&back);

        assert_int_equal(strv_push(&s.annotations, "empty=again"), 0);
        assert_non_null(strstr(refusal(&s), "given twice"));
        strv_freep(&s.annotations);
        assert_int_equal(strv_push(&s.annotations, "=v"), 0);
        assert_non_null(strstr(refusal(&s), "printable"));
        strv_freep(&s.annotations);
        assert_int_equal(strv_push(&s.annotations, "a key=v"), 0);
        assert_non_null(strstr(refusal(&s), "printable"));
        strv_freep(&s.annotations);
        memset(long_key, 'k', 254);
        strcpy(long_key + 254, "=v");
        assert_int_equal(strv_push(&s.annotations, long_key), 0);
        assert_non_null(strstr(refusal(&s), "1-253"));
        strv_freep(&s.annotations);
        strcpy(long_value, "k=");
        memset(long_value + 2, 'v', ANNOTATION_VALUE_MAX + 1);
        long_value[ANNOTATION_VALUE_MAX + 3] = 0;
        assert_int_equal(strv_push(&s.annotations, long_value), 0);
        assert_non_null(strstr(refusal(&s), "64 KiB"));
        strv_freep(&s.annotations);
        for (int i = 0; i <= ANNOTATIONS_MAX; i++) {
                char kv[32];
                snprintf(kv, sizeof(kv), "k%d=v", i);
                assert_int_equal(strv_push(&s.annotations, kv), 0);
        }
        assert_non_null(strstr(refusal(&s), "Too many annotations"));
        container_spec_done(&s);
}

/* A stop signal read back must have a name, or it would not be written again (fuzz-container-json). */
static void test_json_stop_signal(void **state) {
        static const struct {
                const char *json;
                int want;
        } cases[] = {
                { "{\"stopSignal\":\"INT\"}", SIGINT },
                { "{\"stopSignal\":\"9\"}", SIGKILL },
                { "{}", SIGTERM },
                { "{\"stopSignal\":\"62\"}", -EBADMSG },
                { "{\"stopSignal\":\"32\"}", -EBADMSG },
                { "{\"stopSignal\":\"NOPE\"}", -EBADMSG },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct json_object *j = json_tokener_parse(cases[i].json);
                ContainerSpec back;
                int r;

                assert_non_null(j);
                r = container_spec_from_json(j, &back);
                assert_int_equal(r < 0 ? r : back.stop_signal, cases[i].want);
                json_object_put(j);
                container_spec_done(&back);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),
                cmocka_unit_test(test_rootfs),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_paths_and_strings),
                cmocka_unit_test(test_restart_policy_parse),
                cmocka_unit_test(test_json_roundtrip),
                cmocka_unit_test(test_json_stop_signal),
                cmocka_unit_test(test_annotations),
                cmocka_unit_test(test_volume_options),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
