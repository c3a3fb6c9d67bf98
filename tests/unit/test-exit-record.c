/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-exit-record.c — $EXIT_CODE/$EXIT_STATUS/$SERVICE_RESULT → exit code, and the on-disk record. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/exit-record.h"
#include "shared/fileio.h"

static void check(const char *code, const char *status, const char *result, int want, bool oom) {
        ExitRecord e;
        assert_int_equal(exit_record_from_env(code, status, result, 42, &e), 0);
        assert_int_equal(e.exit_code, want);
        assert_int_equal(e.oom_killed, oom);
        assert_int_equal(e.finished_at, 42);
        exit_record_done(&e);
}

static void test_from_env(void **state) {
        check("exited", "7", "exit-code", 7, false);
        check("exited", "0", "success", 0, false);
        check("killed", "KILL", "signal", 137, false);
        check("killed", "TERM", "signal", 143, false);
        check("dumped", "SEGV", "core-dump", 139, false);
        check("killed", "KILL", "oom-kill", 137, true);
        check(NULL, NULL, "exit-code", -1, false); /* ExecStart= failed: no main process */
        check("exited", "garbage", "exit-code", -1, false);
}

static void test_write_read(void **state) {
        char dir[] = "/tmp/test-exit-record.XXXXXX";
        _cleanup_close_ int fd = -EBADF;
        ExitRecord e = {
                .exit_code = 3, .oom_killed = true, .result = (char *) "exit-code", .finished_at = 99
        };
        ExitRecord back;

        assert_non_null(mkdtemp(dir));
        fd = open(dir, O_DIRECTORY | O_CLOEXEC);
        assert_int_equal(exit_record_read(fd, &back), -ENOENT);
        assert_int_equal(exit_record_write(fd, &e), 0);
        assert_int_equal(exit_record_read(fd, &back), 0);
        assert_int_equal(back.exit_code, 3);
        assert_true(back.oom_killed);
        assert_string_equal(back.result, "exit-code");
        assert_int_equal(back.finished_at, 99);
        exit_record_done(&back);
        assert_int_equal(exit_record_remove(fd), 0);
        assert_int_equal(exit_record_remove(fd), 0);
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_from_env),
                cmocka_unit_test(test_write_read),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
