/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-container-verbs.c — pause/unpause (FreezeUnit/ThawUnit), rename and update of the daemon's model
 * against the fake PID 1 (model-harness.h): what systemd is asked, what ps/inspect say, and what a new
 * conmand finds after a restart. Renamed containers have names that are no hex id prefix (find() takes
 * those too).
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "fake-systemd.h"
#include "model-harness.h"

static void start_running(const char *name, uint32_t pid) {
        Reply start = {};

        create(name, false, RESTART_NO);
        call(&start, "Start", name);
        systemd_runs(name, pid);
        assert_string_equal(state_of(name), "running");
        reply_done(&start);
}

static void test_pause_unpause(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        start_running("a", FAKE_PID(1));
        assert_int_equal(container_pause(get("a"), &error), 0);
        assert_int_equal(fake_systemd_count_calls("FreezeUnit conman-a.service"), 1);
        assert_string_equal(container_status_string(get("a")), "paused");
        assert_inspect("a", "paused", 0);
        assert_true(container_pause(get("a"), &error) < 0);
        assert_true(sd_bus_error_has_name(&error, CONMAN_ERROR_BUSY));
        sd_bus_error_free(&error);

        daemon_restart(); /* the new conmand asks systemd's FreezerState */
        assert_string_equal(container_status_string(get("a")), "paused");
        assert_int_equal(container_unpause(get("a"), &error), 0);
        assert_int_equal(fake_systemd_count_calls("ThawUnit conman-a.service"), 1);
        assert_string_equal(container_status_string(get("a")), "running");
        assert_true(container_unpause(get("a"), &error) < 0);
        assert_true(sd_bus_error_has_name(&error, CONMAN_ERROR_NOT_RUNNING));
}

static void test_pause_not_running(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        create("a", false, RESTART_NO);
        assert_true(container_pause(get("a"), &error) < 0);
        assert_true(sd_bus_error_has_name(&error, CONMAN_ERROR_NOT_RUNNING));
        assert_int_equal(fake_systemd_count_calls("FreezeUnit conman-a.service"), 0);
}

static void test_stop_thaws(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        Reply stop = {};

        start_running("a", FAKE_PID(2));
        assert_int_equal(container_pause(get("a"), &error), 0);
        call(&stop, "Stop", "a");
        assert_int_equal(fake_systemd_count_calls("ThawUnit conman-a.service"), 1);
        assert_false(fake_systemd_unit("conman-a.service")->frozen);
        systemd_exits("a", 0);
        assert_string_equal(state_of("a"), "exited");
        assert_false(get("a")->paused);
        reply_done(&stop);
}

static void test_kill_thaws_for_sigkill_only(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        start_running("a", FAKE_PID(3));
        assert_int_equal(container_pause(get("a"), &error), 0);
        assert_int_equal(container_kill(get("a"), SIGHUP, &error), 0);
        assert_true(get("a")->paused);
        assert_int_equal(container_kill(get("a"), SIGKILL, &error), 0);
        assert_false(get("a")->paused);
        assert_int_equal(fake_systemd_count_calls("ThawUnit conman-a.service"), 1);
}

static void test_rename_exited(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *config = NULL;
        _cleanup_free_ char *id = NULL, *dir = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        Reply start = {};

        start_running("old", FAKE_PID(4));
        systemd_exits("old", 0);
        id = strdup(id_of("old"));
        assert_int_equal(container_rename(get("old"), "renamed", &error), 0);
        assert_null(find("old"));
        assert_string_equal(get("renamed")->id, id);
        assert_string_equal(get("renamed")->unit, "conman-renamed.service");
        assert_ptr_equal(container_by_unit_path(t.m, get("renamed")->unit_path), get("renamed"));

        /* the harness knows the directory by the name it was created with; its path holds the id */
        dir = container_dir("old"); /* the harness knows the directory by the name it was created with */
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dir_fd >= 0);
        assert_int_equal(json_read_file_at(dir_fd, "config.json", &config), 0);
        assert_non_null(strstr(json_object_to_json_string(config), "conman-renamed.service"));
        assert_null(strstr(json_object_to_json_string(config), "conman-old.service"));

        daemon_restart();
        assert_string_equal(get("renamed")->id, id);
        assert_null(find("old"));
        call(&start, "Start", "renamed");
        assert_int_equal(fake_systemd_count_calls("StartTransientUnit conman-renamed.service"), 1);
        reply_done(&start);
}

static void test_rename_refused(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error e1 = SD_BUS_ERROR_NULL, e2 = SD_BUS_ERROR_NULL,
                                                  e3 = SD_BUS_ERROR_NULL, e4 = SD_BUS_ERROR_NULL;

        create("old", false, RESTART_NO);
        start_running("run", FAKE_PID(5));
        assert_true(container_rename(get("old"), "run", &e1) < 0);
        assert_true(sd_bus_error_has_name(&e1, CONMAN_ERROR_NAME_IN_USE));
        assert_true(container_rename(get("old"), "bad/name", &e2) < 0);
        assert_true(sd_bus_error_has_name(&e2, CONMAN_ERROR_INVALID_ARGUMENT));
        assert_true(container_rename(get("run"), "ran", &e3) < 0);
        assert_true(sd_bus_error_has_name(&e3, CONMAN_ERROR_BUSY));
        assert_true(container_rename(get("old"), "old", &e4) < 0);
        assert_string_equal(get("old")->name, "old");
        assert_string_equal(get("run")->unit, "conman-run.service");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_pause_unpause, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_pause_not_running, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_stop_thaws, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_kill_thaws_for_sigkill_only, model_setup,
                                                model_teardown),
                cmocka_unit_test_setup_teardown(test_rename_exited, model_setup, model_teardown),
                cmocka_unit_test_setup_teardown(test_rename_refused, model_setup, model_teardown),
        };
        if (getenv("TEST_FILTER"))
                cmocka_set_test_filter(getenv("TEST_FILTER"));
        return cmocka_run_group_tests(tests, NULL, NULL);
}
