/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cri-conman.c — the pure parts of cri/cri-conman.h: label selectors, the conman names of sandboxes
 * and containers, CRI maps ⇄ JSON and the annotation documents read back from an inspect document,
 * RFC 3339 timestamps in ns, and that a response built from them frees cleanly.
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "cri/cri-conman.h"

static const ProtobufCMessageDescriptor *labels_d =
        &runtime__v1__pod_sandbox_filter__label_selector_entry__descriptor;

static void free_entries(size_t n, void **entries) {
        for (size_t i = 0; i < n; i++)
                protobuf_c_message_free_unpacked(entries[i], NULL);
        free(entries);
}

static void test_labels_match(void **state) {
        _cleanup_json_ struct json_object *labels =
                json_tokener_parse("{\"app\":\"web\",\"tier\":\"front\"}");
        void **sel = NULL;
        size_t n = 0;

        (void) state;
        assert_true(cri_labels_match(labels, 0, NULL)); /* an empty selector matches everything */
        assert_true(cri_labels_match(NULL, 0, NULL));
        assert_int_equal(cri_map_add(labels_d, &n, &sel, "app", "web"), 0);
        assert_true(cri_labels_match(labels, n, sel));
        assert_int_equal(cri_map_add(labels_d, &n, &sel, "tier", "front"), 0);
        assert_true(cri_labels_match(labels, n, sel));
        assert_false(cri_labels_match(NULL, n, sel));
        assert_int_equal(cri_map_add(labels_d, &n, &sel, "tier", "back"), 0); /* every entry must hold */
        assert_false(cri_labels_match(labels, n, sel));
        free_entries(n, sel);

        sel = NULL, n = 0;
        assert_int_equal(cri_map_add(labels_d, &n, &sel, "missing", ""), 0); /* absent ≠ empty value */
        assert_false(cri_labels_match(labels, n, sel));
        free_entries(n, sel);
}

static bool valid_conman_name(const char *s) {
        regex_t re;
        bool ok;

        assert_int_equal(regcomp(&re, "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$", REG_EXTENDED | REG_NOSUB), 0);
        ok = regexec(&re, s, 0, NULL, 0) == 0;
        regfree(&re);
        return ok;
}

static void test_sandbox_name(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
        char longname[300];

        (void) state;
        assert_int_equal(cri_sandbox_name("nginx", "default", "uid-1", 0, &a), 0);
        assert_true(string_has_prefix(a, "k8s-nginx-default-"));
        assert_int_equal(strlen(a), strlen("k8s-nginx-default-") + 12);
        assert_true(valid_conman_name(a));
        /* deterministic, and every field counts */
        assert_int_equal(cri_sandbox_name("nginx", "default", "uid-1", 0, &b), 0);
        assert_string_equal(a, b);
        assert_int_equal(cri_sandbox_name("nginx", "default", "uid-1", 1, &c), 0);
        assert_string_not_equal(a, c);
        assert_int_equal(cri_sandbox_name("nginx", "other", "uid-1", 0, &d), 0);
        assert_string_not_equal(a, d);
        /* long and odd names are squeezed into a valid one */
        memset(longname, 'x', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = 0;
        longname[5] = '/';
        longname[6] = ' ';
        assert_int_equal(cri_sandbox_name(longname, longname, "", 0, &e), 0);
        assert_true(valid_conman_name(e));
        assert_int_equal(strlen(e), 63);
}

static void test_container_name(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *empty = NULL;

        (void) state;
        assert_int_equal(cri_container_name("0123abcd", "busybox", 0, &a), 0);
        assert_true(string_has_prefix(a, "k8s-busybox-"));
        assert_true(valid_conman_name(a));
        assert_int_equal(cri_container_name("0123abcd", "busybox", 1, &b), 0);
        assert_string_not_equal(a, b);
        assert_int_equal(cri_container_name("0123abce", "busybox", 0, &c), 0);
        assert_string_not_equal(a, c);
        assert_int_equal(cri_container_name("0123abcd", "", 0, &empty), 0);
        assert_true(valid_conman_name(empty));
}

/* An annotation document written as RunPodSandbox does, read back as PodSandboxStatus does. */
static void test_annotation_round_trip(void **state) {
        _cleanup_json_ struct json_object *doc = json_object_new_object(),
                                          *inspect = json_object_new_object(),
                                          *ann = json_object_new_object(), *back = NULL, *labels_json = NULL;
        Runtime__V1__PodSandboxStatus *s = malloc(sizeof(*s));
        void **in = NULL;
        size_t n_in = 0;

        (void) state;
        assert_int_equal(cri_map_add(&runtime__v1__pod_sandbox_config__labels_entry__descriptor, &n_in, &in,
                                     "app", "web"),
                         0);
        assert_int_equal(cri_map_add(&runtime__v1__pod_sandbox_config__labels_entry__descriptor, &n_in, &in,
                                     "quote\"key", "value with \"quotes\" and\nnewline"),
                         0);
        labels_json = cri_map_to_json(n_in, in);
        json_object_object_add(doc, "labels", json_object_get(labels_json));
        json_object_object_add(doc, "log_directory", json_object_new_string("/var/log/pods/x"));
        json_object_object_add(
                ann, CRI_ANNOTATION_SANDBOX,
                json_object_new_string(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN)));
        json_object_object_add(inspect, "Annotations", json_object_get(ann));

        assert_int_equal(cri_annotation_doc(inspect, CRI_ANNOTATION_SANDBOX, &back), 0);
        assert_string_equal(cri_json_str(back, "log_directory"), "/var/log/pods/x");
        assert_int_equal(
                cri_annotation_doc(inspect, CRI_ANNOTATION_CONTAINER, &(struct json_object *){ NULL }),
                -ENOENT);

        runtime__v1__pod_sandbox_status__init(s);
        assert_int_equal(cri_map_from_json(cri_json_obj(back, "labels"),
                                           &runtime__v1__pod_sandbox_status__labels_entry__descriptor,
                                           &s->n_labels, (void ***) &s->labels),
                         0);
        assert_int_equal(s->n_labels, 2);
        for (size_t i = 0; i < s->n_labels; i++) {
                const char *want =
                        streq(s->labels[i]->key, "app") ? "web" : "value with \"quotes\" and\nnewline";
                assert_string_equal(s->labels[i]->value, want);
        }
        /* the entries carry the response's own descriptor: pack and free as the transport does */
        assert_true(protobuf_c_message_get_packed_size(&s->base) > 0);
        protobuf_c_message_free_unpacked(&s->base, NULL);
        free_entries(n_in, in);

        json_object_object_add(ann, CRI_ANNOTATION_SANDBOX, json_object_new_string("[not an object"));
        assert_int_equal(cri_annotation_doc(inspect, CRI_ANNOTATION_SANDBOX, &(struct json_object *){ NULL }),
                         -EBADMSG);
}

static void test_timestamps(void **state) {
        (void) state;
        assert_int_equal(cri_parse_timestamp_ns("1970-01-01T00:00:01Z"), 1000000000);
        assert_int_equal(cri_parse_timestamp_ns("2026-12-07T03:17:16.123456Z"), 1796613436123456000);
        assert_int_equal(cri_parse_timestamp_ns("2026-12-07T03:17:16.5Z"), 1796613436500000000);
        assert_int_equal(cri_parse_timestamp_ns("0001-01-01T00:00:00Z"), 0); /* never */
        assert_int_equal(cri_parse_timestamp_ns(""), 0);
        assert_int_equal(cri_parse_timestamp_ns("yesterday"), 0);
        assert_int_equal(cri_parse_timestamp_ns("2026-12-07T03:17:16+01:00"), 0);
}

static void test_json_readers(void **state) {
        _cleanup_json_ struct json_object *o =
                json_tokener_parse("{\"s\":\"x\",\"n\":7,\"b\":true,\"o\":{\"k\":\"v\"},\"a\":[1]}");

        (void) state;
        assert_string_equal(cri_json_str(o, "s"), "x");
        assert_string_equal(cri_json_str(o, "n"), "");
        assert_string_equal(cri_json_str(NULL, "s"), "");
        assert_int_equal(cri_json_int(o, "n"), 7);
        assert_int_equal(cri_json_int(o, "b"), 1);
        assert_int_equal(cri_json_int(o, "s"), 0);
        assert_non_null(cri_json_obj(o, "o"));
        assert_null(cri_json_obj(o, "a"));
        assert_true(cri_id_matches("abcdef", "abc"));
        assert_true(cri_id_matches("abcdef", ""));
        assert_false(cri_id_matches("abcdef", "abd"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_labels_match),   cmocka_unit_test(test_sandbox_name),
                cmocka_unit_test(test_container_name), cmocka_unit_test(test_annotation_round_trip),
                cmocka_unit_test(test_timestamps),     cmocka_unit_test(test_json_readers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
