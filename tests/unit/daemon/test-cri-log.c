/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cri-log.c — kubelet's log format (daemon/stdio/cri-log.h): the entry prefix (time, stream, F/P),
 * entries appended to a real file, the file created 0640, a symlink refused, and a reopen after a rename
 * (kubelet's rotation) writing into a new file.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h> /* after setjmp.h, stdarg.h and stddef.h */

#include "shared/fileio.h"
#include "shared/util.h"
#include "daemon/stdio/cri-log.h"

/* 2016-10-06T00:17:09.669794202Z, kubelet's own example */
static uint64_t example_nsec(void) {
        return UINT64_C(1475713029) * 1000000000 + UINT64_C(669794202);
}

static void test_prefix(void **state) {
        char buf[CRI_LOG_PREFIX_MAX];
        size_t n;

        n = cri_log_format_prefix(buf, "stdout", false, example_nsec());
        assert_int_equal(n, strlen(buf));
        assert_string_equal(buf, "2016-10-06T00:17:09.669794202Z stdout F ");
        cri_log_format_prefix(buf, "stderr", true, UINT64_C(1475713029) * 1000000000 + 5);
        assert_string_equal(buf, "2016-10-06T00:17:09.000000005Z stderr P "); /* always nine digits */
}

static char *read_text(const char *path) {
        char *text = NULL;
        size_t n;

        assert_int_equal(read_file(path, 1 << 20, &text, &n), 0);
        return text;
}

static void test_write_and_reopen(void **state) {
        char dir[] = "/tmp/test-cri-log-XXXXXX", path[128], rotated[128], link[128];
        _cleanup_free_ char *text = NULL, *text2 = NULL;
        CriLog *l = NULL, *l2 = NULL;
        struct stat st;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/0.log", dir);
        snprintf(rotated, sizeof(rotated), "%s/0.log.1", dir);
        snprintf(link, sizeof(link), "%s/link.log", dir);

        umask(022);
        assert_int_equal(cri_log_open(path, &l), 0);
        assert_string_equal(cri_log_path(l), path);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(cri_log_write(l, "stdout", false, "hello", 5, example_nsec()), 0);
        assert_int_equal(cri_log_write(l, "stderr", true, "par", 3, example_nsec()), 0);
        assert_int_equal(cri_log_write(l, "stderr", false, "", 0, example_nsec()), 0);
        text = read_text(path);
        assert_string_equal(text, "2016-10-06T00:17:09.669794202Z stdout F hello\n"
                                  "2016-10-06T00:17:09.669794202Z stderr P par\n"
                                  "2016-10-06T00:17:09.669794202Z stderr F \n");

        /* kubelet renames the file, then asks for a reopen: new entries go to a new file at the path */
        assert_int_equal(rename(path, rotated), 0);
        assert_int_equal(cri_log_reopen(l), 0);
        assert_int_equal(cri_log_write(l, "stdout", false, "after", 5, example_nsec()), 0);
        text2 = read_text(path);
        assert_string_equal(text2, "2016-10-06T00:17:09.669794202Z stdout F after\n");
        free(text);
        text = read_text(rotated);
        assert_non_null(strstr(text, "F hello\n"));
        assert_null(strstr(text, "after"));

        /* a symlink in the last component is never followed */
        assert_int_equal(symlink(rotated, link), 0);
        assert_int_equal(cri_log_open(link, &l2), -ELOOP);
        assert_null(l2);

        /* a reopen that fails leaves nothing to write to until the next one works */
        assert_int_equal(unlink(path), 0);
        assert_int_equal(unlink(rotated), 0);
        assert_int_equal(unlink(link), 0);
        assert_int_equal(rmdir(dir), 0);
        assert_true(cri_log_reopen(l) < 0);
        assert_int_equal(cri_log_write(l, "stdout", false, "x", 1, example_nsec()), -EBADF);
        l = cri_log_free(l);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_prefix),
                cmocka_unit_test(test_write_and_reopen),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
