/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-health.c — health checks (shared/health.c): docker's durations, the spec's checks and storage, and the
 * state machine (starting, healthy, unhealthy after the retries, the start period, the last five results). */
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/health.h"
#include "shared/json-util.h"
#include "shared/macro.h"
#include "shared/util.h"

#define SEC UINT64_C(1000000)

static void test_duration(void **state) {
        uint64_t v;

        assert_int_equal(health_parse_duration("30s", &v), 0);
        assert_true(v == 30 * SEC);
        assert_int_equal(health_parse_duration("1m30s", &v), 0);
        assert_true(v == 90 * SEC);
        assert_int_equal(health_parse_duration("500ms", &v), 0);
        assert_true(v == 500000);
        assert_int_equal(health_parse_duration("1.5h", &v), 0);
        assert_true(v == 5400 * SEC);
        assert_int_equal(health_parse_duration("1h2m3s4ms5us", &v), 0);
        assert_true(v == 3723 * SEC + 4005);
        assert_int_equal(health_parse_duration("2000ns", &v), 0);
        assert_true(v == 2);
        assert_int_equal(health_parse_duration("10\xc2\xb5s", &v), 0);
        assert_true(v == 10);
        assert_int_equal(health_parse_duration("0", &v), 0);
        assert_true(v == 0);
        assert_int_equal(health_parse_duration(".5s", &v), 0);
        assert_true(v == 500000);

        assert_int_equal(health_parse_duration("-1s", &v), -ERANGE);
        assert_int_equal(health_parse_duration("100000000h", &v), -ERANGE);
        assert_int_equal(health_parse_duration("30", &v), -EINVAL); /* docker wants a unit */
        assert_int_equal(health_parse_duration("", &v), -EINVAL);
        assert_int_equal(health_parse_duration("garbage", &v), -EINVAL);
        assert_int_equal(health_parse_duration("1x", &v), -EINVAL);
        assert_int_equal(health_parse_duration("s", &v), -EINVAL);
        assert_int_equal(health_parse_duration("1s ", &v), -EINVAL);
        assert_int_equal(health_parse_duration("1e3s", &v), -EINVAL);
}

static HealthSpec shell_spec(const char *cmd) {
        HealthSpec h = {};
        assert_int_equal(strv_push(&h.test, "CMD-SHELL"), 0);
        assert_int_equal(strv_push(&h.test, cmd), 0);
        return h;
}

static void test_spec(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        HealthSpec h = shell_spec("test -f /ok"), back;

        assert_int_equal(health_spec_validate(&h, &error), 0);
        assert_true(health_spec_enabled(&h));
        assert_int_equal(health_spec_argv(&h, &argv), 0);
        assert_string_equal(argv[0], "/bin/sh");
        assert_string_equal(argv[1], "-c");
        assert_string_equal(argv[2], "test -f /ok");
        assert_null(argv[3]);
        assert_true(health_spec_interval(&h) == 30 * SEC);
        assert_true(health_spec_timeout(&h) == 30 * SEC);
        assert_int_equal(health_spec_retries(&h), 3);

        h.interval_usec = 2 * SEC;
        h.retries = 5;
        h.on_failure = HEALTH_ON_FAILURE_KILL;
        j = health_spec_to_json(&h);
        assert_non_null(j);
        assert_int_equal(health_spec_from_json(j, &back), 0);
        assert_string_equal(back.test[1], "test -f /ok");
        assert_true(back.interval_usec == 2 * SEC);
        assert_int_equal(back.retries, 5);
        assert_int_equal(back.on_failure, HEALTH_ON_FAILURE_KILL);
        health_spec_done(&back);

        h.interval_usec = 10; /* below 1 ms */
        assert_true(health_spec_validate(&h, &error) < 0);
        assert_string_equal(error.name, "io.conman1.Error.InvalidArgument");
        h.interval_usec = 0;
        h.disabled = true;
        assert_false(health_spec_enabled(&h));
        health_spec_done(&h);

        /* no check at all stores nothing */
        assert_null(health_spec_to_json(&h));
        assert_int_equal(health_spec_from_json(NULL, &back), 0);
        assert_false(health_spec_enabled(&back));
}

static void test_spec_bad_test(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error e1 = SD_BUS_ERROR_NULL, e2 = SD_BUS_ERROR_NULL;
        HealthSpec h = {};

        assert_int_equal(strv_push(&h.test, "BOGUS"), 0);
        assert_true(health_spec_validate(&h, &e1) < 0);
        health_spec_done(&h);
        h = shell_spec("");
        assert_true(health_spec_validate(&h, &e2) < 0);
        health_spec_done(&h);
}

static void test_merge_image(void **state) {
        HealthSpec h = {}, image = shell_spec("curl -f localhost");

        image.interval_usec = 5 * SEC;
        h.retries = 7;
        assert_int_equal(health_spec_merge_image(&h, &image), 0);
        assert_string_equal(h.test[1], "curl -f localhost");
        assert_true(h.interval_usec == 5 * SEC);
        assert_int_equal(h.retries, 7);
        health_spec_done(&h);
        health_spec_done(&image);
}

static void test_image_healthcheck(void **state) {
        _cleanup_json_ struct json_object *j = json_tokener_parse(
                "{\"Test\": [\"CMD\", \"/bin/check\", \"--quick\"], \"Interval\": 5000000000, "
                "\"Timeout\": 2000000000, \"StartPeriod\": 0, \"Retries\": 2}");
        _cleanup_json_ struct json_object *bad = json_tokener_parse("{\"Test\": [\"WHAT\"]}");
        _cleanup_strv_free_ char **argv = NULL;
        HealthSpec h;

        assert_int_equal(health_spec_from_docker_json(j, &h), 0);
        assert_true(h.interval_usec == 5 * SEC);
        assert_true(h.timeout_usec == 2 * SEC);
        assert_int_equal(h.retries, 2);
        assert_int_equal(health_spec_argv(&h, &argv), 0);
        assert_string_equal(argv[0], "/bin/check");
        assert_string_equal(argv[1], "--quick");
        assert_null(argv[2]);
        health_spec_done(&h);

        assert_int_equal(health_spec_from_docker_json(bad, &h), -EBADMSG);
        assert_false(health_spec_enabled(&h));
        assert_int_equal(health_spec_from_docker_json(NULL, &h), 0);
        assert_false(health_spec_enabled(&h));
}

static bool record(HealthState *s, const HealthSpec *h, uint64_t started, uint64_t at, int exit_code) {
        HealthLogEntry e = { .start = at, .end = at + 1000, .exit_code = exit_code };
        assert_true(asprintf(&e.output, "run at %" PRIu64, at) > 0);
        return health_state_record(s, h, started, &e);
}

static void test_state_machine(void **state) {
        HealthSpec h = shell_spec("true");
        HealthState s = {};
        uint64_t t0 = 1000 * SEC;

        h.retries = 3;
        health_state_init(&s, &h);
        assert_int_equal(s.status, HEALTH_STARTING);

        /* failures count from the start without a start period */
        assert_false(record(&s, &h, t0, t0 + 1 * SEC, 1));
        assert_int_equal(s.status, HEALTH_STARTING);
        assert_int_equal(s.failing_streak, 1);
        assert_false(record(&s, &h, t0, t0 + 2 * SEC, 1));
        assert_true(record(&s, &h, t0, t0 + 3 * SEC, 1)); /* the third: unhealthy, reported once */
        assert_int_equal(s.status, HEALTH_UNHEALTHY);
        assert_int_equal(s.failing_streak, 3);
        assert_false(record(&s, &h, t0, t0 + 4 * SEC, 1));
        assert_int_equal(s.failing_streak, 4);

        /* a success resets the streak */
        assert_false(record(&s, &h, t0, t0 + 5 * SEC, 0));
        assert_int_equal(s.status, HEALTH_HEALTHY);
        assert_int_equal(s.failing_streak, 0);
        assert_false(record(&s, &h, t0, t0 + 6 * SEC, 1));
        assert_int_equal(s.status, HEALTH_HEALTHY);

        /* the last five only, oldest first */
        assert_int_equal(s.n_log, HEALTH_LOG_MAX);
        assert_true(s.log[0].start == t0 + 2 * SEC);
        assert_string_equal(s.log[4].output, "run at 1006000000");

        /* a timeout (-1) is a failure */
        assert_false(record(&s, &h, t0, t0 + 7 * SEC, -1));
        assert_int_equal(s.failing_streak, 2);
        health_state_done(&s);
        health_spec_done(&h);
}

static void test_start_interval(void **state) {
        _cleanup_json_ struct json_object *docker =
                json_tokener_parse("{\"Test\": [\"CMD-SHELL\", \"true\"], \"StartPeriod\": 3000000000, "
                                   "\"StartInterval\": 1000000000}");
        _cleanup_json_ struct json_object *stored = NULL, *inspect = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        uint64_t t[HEALTH_START_TRIGGERS_MAX];
        HealthSpec h = shell_spec("true"), back = {}, image;

        /* no start interval, or no start period: no extra triggers (the interval alone) */
        assert_int_equal(health_spec_start_triggers(&h, t), 0);
        h.start_interval_usec = 1 * SEC;
        assert_int_equal(health_spec_start_triggers(&h, t), 0);
        /* every start interval before the period ends */
        h.start_period_usec = 3500 * 1000;
        assert_int_equal(health_spec_start_triggers(&h, t), 3);
        assert_true(t[0] == 1 * SEC && t[1] == 2 * SEC && t[2] == 3 * SEC);
        h.start_period_usec = 3 * SEC;
        assert_int_equal(health_spec_start_triggers(&h, t), 2);
        /* at most HEALTH_START_TRIGGERS_MAX */
        h.start_interval_usec = 1000;
        h.start_period_usec = 3600 * SEC;
        assert_int_equal(health_spec_start_triggers(&h, t), HEALTH_START_TRIGGERS_MAX);
        assert_true(t[HEALTH_START_TRIGGERS_MAX - 1] == HEALTH_START_TRIGGERS_MAX * 1000);
        /* stored, and docker's StartInterval in nanoseconds both ways */
        stored = health_spec_to_json(&h);
        assert_int_equal(health_spec_from_json(stored, &back), 0);
        assert_true(back.start_interval_usec == 1000);
        inspect = health_spec_to_docker_json(&h);
        assert_true(json_object_get_int64(json_object_object_get(inspect, "StartInterval")) == 1000000);
        assert_int_equal(health_spec_from_docker_json(docker, &image), 0);
        assert_true(image.start_interval_usec == 1 * SEC && image.start_period_usec == 3 * SEC);
        /* below 1 ms is refused, as docker */
        h.start_interval_usec = 999;
        assert_true(health_spec_validate(&h, &e) < 0);
        health_spec_done(&h);
        health_spec_done(&back);
        health_spec_done(&image);
}

static void test_start_period(void **state) {
        HealthSpec h = shell_spec("true");
        HealthState s = {};
        uint64_t t0 = 1000 * SEC;

        h.retries = 1;
        h.start_period_usec = 10 * SEC;
        health_state_init(&s, &h);
        /* within the start period, failures do not count while starting */
        assert_false(record(&s, &h, t0, t0 + 1 * SEC, 1));
        assert_int_equal(s.status, HEALTH_STARTING);
        assert_int_equal(s.failing_streak, 0);
        /* after it, they do */
        assert_true(record(&s, &h, t0, t0 + 11 * SEC, 1));
        assert_int_equal(s.status, HEALTH_UNHEALTHY);
        health_state_done(&s);

        /* once healthy, a failure in the start period counts */
        health_state_init(&s, &h);
        assert_false(record(&s, &h, t0, t0 + 1 * SEC, 0));
        assert_true(record(&s, &h, t0, t0 + 2 * SEC, 1));
        health_state_done(&s);
        health_spec_done(&h);
}

static void test_state_json(void **state) {
        HealthSpec h = shell_spec("true");
        HealthState s = {}, back;
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *v;

        health_state_init(&s, &h);
        (void) record(&s, &h, 1, 5 * SEC, 0);
        (void) record(&s, &h, 1, 6 * SEC, 2);
        j = health_state_to_json(&s);
        assert_true(json_object_object_get_ex(j, "Status", &v));
        assert_string_equal(json_object_get_string(v), "healthy");
        assert_true(json_object_object_get_ex(j, "FailingStreak", &v));
        assert_int_equal(json_object_get_int(v), 1);
        assert_true(json_object_object_get_ex(j, "Log", &v));
        assert_int_equal(json_object_array_length(v), 2);
        v = json_object_array_get_idx(v, 1);
        assert_int_equal(json_object_get_int(json_object_object_get(v, "ExitCode")), 2);
        assert_non_null(json_object_object_get(v, "Start"));
        assert_non_null(json_object_object_get(v, "End"));
        assert_string_equal(json_object_get_string(json_object_object_get(v, "Output")), "run at 6000000");

        assert_int_equal(health_state_from_json(j, &back), 0);
        assert_int_equal(back.status, HEALTH_HEALTHY);
        assert_int_equal(back.failing_streak, 1);
        assert_int_equal(back.n_log, 2);
        assert_true(back.log[1].start == 6 * SEC);
        assert_int_equal(back.log[1].exit_code, 2);
        health_state_done(&back);
        health_state_done(&s);
        health_spec_done(&h);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_duration),          cmocka_unit_test(test_spec),
                cmocka_unit_test(test_spec_bad_test),     cmocka_unit_test(test_merge_image),
                cmocka_unit_test(test_image_healthcheck), cmocka_unit_test(test_state_machine),
                cmocka_unit_test(test_start_period),      cmocka_unit_test(test_start_interval),
                cmocka_unit_test(test_state_json),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
