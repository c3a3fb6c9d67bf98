/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-userns.c — the subordinate ID pool of --userns=auto: allocation, disjointness, exhaustion,
 * release, reload from recorded ranges, subuid/subgid parsing, container.json form. */
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "shared/container-spec.h"
#include "shared/fileio.h"
#include "shared/oci-config.h"
#include "shared/userns.h"
#include "shared/util.h"

static bool disjoint(const UsernsRange *a, const UsernsRange *b) {
        return (a->uid + a->size <= b->uid || b->uid + b->size <= a->uid) &&
               (a->gid + a->size <= b->gid || b->gid + b->size <= a->gid);
}

static void test_allocate_disjoint(void **state) {
        UsernsPool p;
        UsernsRange r[8];

        assert_int_equal(userns_pool_init(&p, 100000, 200000, 8 * 65536, 65536), 0);
        assert_int_equal(p.n_slots, 8);
        for (int i = 0; i < 8; i++) {
                assert_int_equal(userns_pool_allocate(&p, &r[i]), 0);
                assert_int_equal(r[i].size, 65536);
                assert_true(r[i].uid >= 100000 && r[i].uid + r[i].size <= 100000 + 8 * 65536);
                assert_int_equal(r[i].gid - 200000, r[i].uid - 100000);
                for (int j = 0; j < i; j++)
                        assert_true(disjoint(&r[i], &r[j]));
        }
        assert_int_equal(r[0].uid, 100000);
        assert_int_equal(userns_pool_n_free(&p), 0);
        userns_pool_done(&p);
}

static void test_exhaustion_and_release(void **state) {
        UsernsPool p;
        UsernsRange a, b, c;

        assert_int_equal(userns_pool_init(&p, 100000, 100000, 2 * 65536 + 100, 65536), 0);
        assert_int_equal(userns_pool_allocate(&p, &a), 0);
        assert_int_equal(userns_pool_allocate(&p, &b), 0);
        assert_int_equal(userns_pool_allocate(&p, &c), -ENOSPC);
        userns_pool_release(&p, &a);
        assert_int_equal(userns_pool_n_free(&p), 1);
        assert_int_equal(userns_pool_allocate(&p, &c), 0);
        assert_int_equal(c.uid, a.uid); /* the freed range is reused */
        userns_pool_done(&p);

        /* an unconfigured pool says so, a pool smaller than one slot cannot exist */
        assert_int_equal(userns_pool_allocate(&p, &c), -ENOMEDIUM);
        assert_int_equal(userns_pool_init(&p, 100000, 100000, 65535, 65536), -ERANGE);
        /* the top of the ID space: 0xFFFFFFFF is not an ID */
        assert_int_equal(userns_pool_init(&p, UINT32_MAX - 65535, 0, 65536, 65536), -ERANGE);
        assert_int_equal(userns_pool_init(&p, UINT32_MAX - 65536, 0, 65536, 65536), 0);
        userns_pool_done(&p);
}

static void test_reload_from_recorded(void **state) {
        UsernsPool p;
        UsernsRange a, b, c, d, got;

        /* first life of the daemon */
        assert_int_equal(userns_pool_init(&p, 100000, 100000, 4 * 65536, 65536), 0);
        assert_int_equal(userns_pool_allocate(&p, &a), 0);
        assert_int_equal(userns_pool_allocate(&p, &b), 0);
        assert_int_equal(userns_pool_allocate(&p, &c), 0);
        userns_pool_release(&p, &b);
        userns_pool_done(&p);

        /* restart: the containers on disk still hold a and c */
        assert_int_equal(userns_pool_init(&p, 100000, 100000, 4 * 65536, 65536), 0);
        assert_int_equal(userns_pool_reserve(&p, &c), 0);
        assert_int_equal(userns_pool_reserve(&p, &a), 0);
        assert_int_equal(userns_pool_n_free(&p), 2);
        assert_int_equal(userns_pool_allocate(&p, &got), 0);
        assert_int_equal(got.uid, b.uid);
        assert_true(disjoint(&got, &a) && disjoint(&got, &c));
        assert_int_equal(userns_pool_allocate(&p, &d), 0);
        assert_true(disjoint(&d, &a) && disjoint(&d, &c) && disjoint(&d, &got));
        assert_int_equal(userns_pool_allocate(&p, &d), -ENOSPC);
        /* a recorded range that collides is reported, and still counted */
        assert_int_equal(userns_pool_reserve(&p, &a), -EBUSY);
        userns_pool_release(&p, &a);
        assert_int_equal(userns_pool_n_free(&p), 0);
        userns_pool_release(&p, &a);
        assert_int_equal(userns_pool_n_free(&p), 1);
        userns_pool_done(&p);
}

static void test_reserve_unaligned_and_outside(void **state) {
        UsernsPool p;
        UsernsRange odd = { .uid = 100000 + 65536 - 10, .gid = 100000 + 65536 - 10, .size = 65536 };
        UsernsRange outside = { .uid = 10, .gid = 10, .size = 65536 };
        UsernsRange got;

        assert_int_equal(userns_pool_init(&p, 100000, 100000, 4 * 65536, 65536), 0);
        assert_int_equal(userns_pool_reserve(&p, &outside), 0);
        assert_int_equal(userns_pool_n_free(&p), 4);
        /* recorded under another size: it straddles slots 0 and 1, both are taken */
        assert_int_equal(userns_pool_reserve(&p, &odd), 0);
        assert_int_equal(userns_pool_n_free(&p), 2);
        assert_int_equal(userns_pool_allocate(&p, &got), 0);
        assert_true(disjoint(&got, &odd));
        userns_pool_release(&p, &odd);
        assert_int_equal(userns_pool_n_free(&p), 3);
        userns_pool_done(&p);
}

static void write_tmp(char *path, const char *text) {
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
}

static void test_load_subid_files(void **state) {
        char uid_path[] = "/tmp/test-userns-uid.XXXXXX", gid_path[] = "/tmp/test-userns-gid.XXXXXX";
        UsernsPool p;
        UsernsRange r;

        write_tmp(uid_path, "alice:100000:65536\nconman:1000000:262144\nconman:1:1\n");
        write_tmp(gid_path, "conman:2000000:196608\n");
        assert_int_equal(userns_pool_load(&p, uid_path, gid_path, "conman", 65536), 0);
        assert_int_equal(p.n_slots, 3); /* the smaller of the two counts */
        assert_int_equal(userns_pool_allocate(&p, &r), 0);
        assert_int_equal(r.uid, 1000000);
        assert_int_equal(r.gid, 2000000);
        userns_pool_done(&p);
        assert_int_equal(userns_pool_load(&p, uid_path, gid_path, "bob", 65536), -ENOENT);
        assert_int_equal(userns_pool_load(&p, uid_path, "/nonexistent/subgid", "conman", 65536), -ENOENT);
        unlink(uid_path);
        unlink(gid_path);
}

static void write_container(int dir_fd, const char *id, const char *spec) {
        char text[512];
        int sub;

        assert_int_equal(mkdirat(dir_fd, id, 0700), 0);
        sub = openat(dir_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(sub >= 0);
        snprintf(text, sizeof(text), "{\"id\":\"%s\",\"spec\":%s}\n", id, spec);
        assert_int_equal(write_file_atomic_at(sub, "container.json", text, strlen(text), 0600), 0);
        close(sub);
}

/* conman-prepare's view: the ranges recorded on disk, except the container being prepared */
static void test_reserve_recorded(void **state) {
        char dir[] = "/tmp/test-userns-dir.XXXXXX";
        UsernsPool p;
        UsernsRange r;
        int fd;

        assert_non_null(mkdtemp(dir));
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        write_container(fd, "a",
                        "{\"userns\":{\"mode\":\"auto\",\"uid\":100000,\"gid\":100000,\"size\":65536}}");
        write_container(fd, "b",
                        "{\"userns\":{\"mode\":\"auto\",\"uid\":231072,\"gid\":231072,\"size\":65536}}");
        write_container(fd, "c", "{}");
        write_container(fd, "self",
                        "{\"userns\":{\"mode\":\"auto\",\"uid\":165536,\"gid\":165536,\"size\":65536}}");
        assert_int_equal(mkdirat(fd, "broken", 0700), 0);

        assert_int_equal(userns_pool_init(&p, 100000, 100000, 4 * 65536, 65536), 0);
        assert_int_equal(userns_pool_reserve_recorded(&p, fd, "self"), 0);
        assert_int_equal(userns_pool_n_free(&p), 2);
        assert_int_equal(userns_pool_allocate(&p, &r), 0);
        assert_int_equal(r.uid, 165536); /* "self" is not counted */
        assert_int_equal(userns_pool_allocate(&p, &r), 0);
        assert_int_equal(r.uid, 100000 + 3 * 65536);
        assert_int_equal(userns_pool_allocate(&p, &r), -ENOSPC);
        userns_pool_done(&p);

        assert_int_equal(userns_lock(fd) >= 0, true);
        close(fd);
        assert_int_equal(rm_rf(dir), 0);
}

static void test_json(void **state) {
        UsernsRange r = { .uid = 165536, .gid = 165536, .size = 65536 }, back;
        UsernsMode mode;
        struct json_object *j;

        assert_null(userns_to_json(USERNS_HOST, &r));
        assert_int_equal(userns_from_json(NULL, &mode, &back), 0);
        assert_int_equal(mode, USERNS_HOST);
        j = userns_to_json(USERNS_AUTO, &r);
        assert_int_equal(userns_from_json(j, &mode, &back), 0);
        assert_int_equal(mode, USERNS_AUTO);
        assert_memory_equal(&r, &back, sizeof(r));
        json_object_put(j);
        /* asked for, not allocated yet */
        j = userns_to_json(USERNS_AUTO, &(UsernsRange){});
        assert_int_equal(userns_from_json(j, &mode, &back), 0);
        assert_int_equal(mode, USERNS_AUTO);
        assert_int_equal(back.size, 0);
        json_object_put(j);
        j = json_tokener_parse("{\"mode\":\"auto\",\"uid\":-1,\"gid\":0,\"size\":65536}");
        assert_int_equal(userns_from_json(j, &mode, &back), -EBADMSG);
        json_object_put(j);
        j = json_tokener_parse("{\"mode\":\"keep-id\"}");
        assert_int_equal(userns_from_json(j, &mode, &back), -EBADMSG);
        json_object_put(j);
        assert_int_equal(userns_mode_from_string("auto"), USERNS_AUTO);
        assert_int_equal(userns_mode_from_string("host"), USERNS_HOST);
        assert_true(userns_mode_from_string("nomap") < 0);
}

static struct json_object *get(struct json_object *o, const char *k) {
        struct json_object *v = NULL;
        assert_true(json_object_object_get_ex(o, k, &v));
        return v;
}

static const char *sys_mount_type(struct json_object *config) {
        struct json_object *mounts = get(config, "mounts");
        for (size_t i = 0; i < json_object_array_length(mounts); i++) {
                struct json_object *m = json_object_array_get_idx(mounts, i);
                if (streq(json_object_get_string(get(m, "destination")), "/sys"))
                        return json_object_get_string(get(m, "type"));
        }
        return NULL;
}

static bool has_user_namespace(struct json_object *config) {
        struct json_object *ns = get(get(config, "linux"), "namespaces");
        for (size_t i = 0; i < json_object_array_length(ns); i++)
                if (streq(json_object_get_string(get(json_object_array_get_idx(ns, i), "type")), "user"))
                        return true;
        return false;
}

static void test_oci_config(void **state) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        struct json_object *c;
        ContainerSpec s;
        char *const roots[] = { NULL };
        OciPaths paths = { .root = "/tmp", .user_roots = roots };

        container_spec_init(&s);
        s.rootfs = strdup("/tmp");
        assert_int_equal(strv_push(&s.command, "/bin/sh"), 0);
        s.network = NETWORK_NONE;
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        assert_false(has_user_namespace(c));
        assert_false(json_object_object_get_ex(get(c, "linux"), "uidMappings", NULL));
        json_object_put(c);

        s.userns = USERNS_AUTO;
        s.userns_range = (UsernsRange){ .uid = 1065536, .gid = 2065536, .size = 65536 };
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        assert_true(has_user_namespace(c));
        assert_string_equal(
                json_object_to_json_string_ext(get(get(c, "linux"), "uidMappings"), JSON_C_TO_STRING_PLAIN),
                "[{\"containerID\":0,\"hostID\":1065536,\"size\":65536}]");
        assert_string_equal(
                json_object_to_json_string_ext(get(get(c, "linux"), "gidMappings"), JSON_C_TO_STRING_PLAIN),
                "[{\"containerID\":0,\"hostID\":2065536,\"size\":65536}]");
        assert_string_equal(sys_mount_type(c), "sysfs"); /* its own network namespace: sysfs mounts */
        json_object_put(c);

        /* the host's network namespace, or one conman-netns made, belongs to the host's user namespace */
        paths.netns_path = "/run/netns/conman-1";
        s.network = NETWORK_BRIDGE;
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        assert_string_equal(sys_mount_type(c), "bind");
        json_object_put(c);
        paths.netns_path = NULL;
        s.network = NETWORK_HOST;
        assert_int_equal(oci_config_build(&s, "0123456789abcdef", &paths, &c, &e), 0);
        assert_string_equal(sys_mount_type(c), "bind");
        json_object_put(c);

        /* container.json keeps the range */
        c = container_spec_to_json(&s);
        {
                ContainerSpec back;
                assert_int_equal(container_spec_from_json(c, &back), 0);
                assert_int_equal(back.userns, USERNS_AUTO);
                assert_memory_equal(&back.userns_range, &s.userns_range, sizeof(UsernsRange));
                container_spec_done(&back);
        }
        json_object_put(c);
        container_spec_done(&s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_allocate_disjoint),
                cmocka_unit_test(test_exhaustion_and_release),
                cmocka_unit_test(test_reload_from_recorded),
                cmocka_unit_test(test_reserve_unaligned_and_outside),
                cmocka_unit_test(test_load_subid_files),
                cmocka_unit_test(test_reserve_recorded),
                cmocka_unit_test(test_json),
                cmocka_unit_test(test_oci_config),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
