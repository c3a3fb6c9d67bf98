/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-fileio.c — atomic writes leave either the old or the new file, and no temp files. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fileio.h"

static char tmpdir[] = "/tmp/test-fileio.XXXXXX";

static int count_entries(const char *dir) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;
        int n = 0;
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        n++;
        return n;
}

static void test_write_atomic(void **state) {
        _cleanup_free_ char *path = NULL, *buf = NULL;
        struct stat st;
        size_t size;

        assert_non_null(mkdtemp(tmpdir));
        assert_true(asprintf(&path, "%s/state.json", tmpdir) > 0);
        assert_int_equal(write_file_atomic(path, "one", 3, 0600), 0);
        assert_int_equal(write_file_atomic(path, "second", 6, 0600), 0);
        assert_int_equal(read_file(path, 1024, &buf, &size), 0);
        assert_string_equal(buf, "second");
        assert_int_equal(size, 6);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(count_entries(tmpdir), 1);
}

static void test_read_limit(void **state) {
        _cleanup_free_ char *path = NULL, *buf = NULL;
        char big[10000];
        memset(big, 'x', sizeof(big));
        assert_true(asprintf(&path, "%s/big", tmpdir) > 0);
        assert_int_equal(write_file_atomic(path, big, sizeof(big), 0644), 0);
        assert_int_equal(read_file(path, 100, &buf, NULL), -EFBIG);
        assert_int_equal(read_file("/nonexistent/x", 100, &buf, NULL), -ENOENT);
}

static void test_json_roundtrip(void **state) {
        _cleanup_json_ struct json_object *j = json_object_new_object(), *back = NULL;
        _cleanup_close_ int dfd = open(tmpdir, O_DIRECTORY | O_CLOEXEC);
        json_object_object_add(j, "name", json_object_new_string("web"));
        assert_int_equal(json_write_file_atomic_at(dfd, "c.json", j), 0);
        assert_int_equal(json_read_file_at(dfd, "c.json", &back), 0);
        assert_string_equal(json_object_get_string(json_object_object_get(back, "name")), "web");
        assert_int_equal(write_file_atomic_at(dfd, "bad.json", "{", 1, 0600), 0);
        json_object_put(back);
        back = NULL;
        assert_int_equal(json_read_file_at(dfd, "bad.json", &back), -EBADMSG);
}

static void test_rm_rf(void **state) {
        _cleanup_free_ char *sub = NULL, *link = NULL;
        assert_true(asprintf(&sub, "%s/tree/a/b", tmpdir) > 0);
        assert_int_equal(mkdir_p(sub, 0755), 0);
        assert_true(asprintf(&link, "%s/tree/a/escape", tmpdir) > 0);
        assert_int_equal(symlink("/etc", link), 0);
        assert_int_equal(rm_rf(tmpdir), 0);
        assert_int_equal(access(tmpdir, F_OK), -1);
        assert_int_equal(access("/etc/passwd", F_OK), 0); /* the symlink was not followed */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_atomic),
                cmocka_unit_test(test_read_limit),
                cmocka_unit_test(test_json_roundtrip),
                cmocka_unit_test(test_rm_rf),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
