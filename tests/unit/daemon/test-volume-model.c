/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-volume-model.c — named volumes (daemon/volume.c, shared/volume-store.c) against the fake PID 1:
 * create, list, load and remove on disk; a container's named and anonymous volumes made at create only
 * when the whole spec passed, counted as users across a kill -9 of conmand, and a --rm container's
 * anonymous volumes removed with it while named ones stay.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/volume.h"
#include "fake-systemd.h"
#include "model-harness.h"

static bool volume_exists(const char *name) {
        _cleanup_free_ char *p = NULL;

        assert_true(asprintf(&p, "%s/volumes/%s/_data", t.state_dir, name) > 0);
        return access(p, F_OK) >= 0;
}

static void test_volume_store(void **state) {
        _cleanup_(volume_info_done) VolumeInfo v = {};
        _cleanup_strv_free_ char **names = NULL;
        char *labels[] = { "app=web", NULL };

        assert_int_equal(volume_list(t.m, &names), 0); /* no volumes directory yet */
        assert_null(names);
        assert_int_equal(volume_create(t.m, "data", labels, false), 0);
        assert_int_equal(volume_create(t.m, "data", NULL, false), -EEXIST);
        assert_int_equal(volume_create(t.m, "b@d", NULL, false), -EINVAL);
        assert_int_equal(volume_create(t.m, "anon1", NULL, true), 0);
        assert_int_equal(volume_list(t.m, &names), 0);
        assert_int_equal(strv_length(names), 2);
        assert_string_equal(names[0], "anon1");
        assert_string_equal(names[1], "data");

        daemon_kill(); /* the directory is the index: nothing to load */
        daemon_up();
        assert_int_equal(volume_load(t.m, "data", &v), 0);
        assert_string_equal(v.name, "data");
        assert_true(string_has_prefix(v.mountpoint, t.state_dir));
        assert_string_equal(v.labels[0], "app=web");
        assert_false(v.anonymous);
        assert_true(v.created_at > 0);
        volume_info_done(&v);
        assert_int_equal(volume_load(t.m, "anon1", &v), 0);
        assert_true(v.anonymous);
        assert_int_equal(volume_remove(t.m, "data"), 0);
        assert_false(volume_exists("data"));
        assert_int_equal(volume_remove(t.m, "data"), -ENOENT);
        assert_int_equal(volume_load(t.m, "data", &v), -ENOENT);
}

static int create_with_volumes(const char *name, bool auto_remove, const char *named, const char *bad_dest) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(container_spec_done) ContainerSpec spec;
        Container *c;
        char *entry;
        int r;

        container_spec_init(&spec);
        spec.rootfs = strdup(t.rootfs);
        assert_int_equal(strv_push(&spec.command, "/bin/true"), 0);
        spec.network = NETWORK_NONE;
        spec.auto_remove = auto_remove;
        spec.volumes = calloc(2, sizeof(VolumeSpec));
        spec.volumes[0] = (VolumeSpec){ .volume_name = strdup(named), .destination = strdup("/data") };
        spec.volumes[1] = (VolumeSpec){ .anonymous = true, .destination = strdup(bad_dest ?: "/scratch") };
        spec.n_volumes = 2;
        r = container_create(t.m, name, &spec, &c, &error);
        if (r < 0)
                return r;
        (void) container_send_new_signal(c);
        assert_true(asprintf(&entry, "%s %s", name, c->id) > 0); /* as create() does, for id_of() */
        assert_int_equal(strv_push_take(&t.ids, entry), 0);
        run_loop();
        return 0;
}

static const char *anonymous_of(const char *name) {
        Container *c = get(name);
        assert_int_equal(c->spec.n_volumes, 2);
        assert_true(c->spec.volumes[1].anonymous);
        return c->spec.volumes[1].volume_name;
}

static void test_container_volumes(void **state) {
        _cleanup_free_ char *anon = NULL;
        _cleanup_strv_free_ char **names = NULL;
        Reply rm = {};

        /* refused specs make no volume: a bad name, a bad destination of another volume */
        assert_true(create_with_volumes("bad1", false, "b@d", NULL) < 0);
        assert_true(create_with_volumes("bad2", false, "data", "relative") < 0);
        assert_int_equal(volume_list(t.m, &names), 0);
        assert_null(names);

        assert_int_equal(create_with_volumes("c1", false, "data", NULL), 0);
        anon = strdup(anonymous_of("c1"));
        assert_int_equal(strlen(anon), 64);
        assert_true(volume_exists("data"));
        assert_true(volume_exists(anon));
        assert_int_equal(volume_users(t.m, "data"), 1);
        assert_int_equal(volume_users(t.m, anon), 1);

        daemon_kill(); /* users come from container.json */
        daemon_up();
        assert_int_equal(volume_users(t.m, "data"), 1);
        assert_string_equal(anonymous_of("c1"), anon);

        call(&rm, "RemoveStopped", "c1"); /* rm without -v keeps both */
        assert_null(rm.error);
        reply_done(&rm);
        assert_int_equal(volume_users(t.m, "data"), 0);
        assert_true(volume_exists("data"));
        assert_true(volume_exists(anon));
}

static void test_auto_remove_takes_anonymous_volumes(void **state) {
        _cleanup_free_ char *anon = NULL;
        Reply start = {}, wait = {};

        assert_int_equal(create_with_volumes("t", true, "kept", NULL), 0);
        anon = strdup(anonymous_of("t"));
        call(&start, "Start", "t");
        systemd_runs("t", FAKE_PID(700));
        call(&wait, "Wait", "t");
        systemd_exits("t", 0);
        assert_null(find("t"));
        assert_false(volume_exists(anon));
        assert_true(volume_exists("kept"));
        reply_done(&start);
        reply_done(&wait);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_volume_store, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_container_volumes, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_auto_remove_takes_anonymous_volumes, model_setup,
                                                model_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
