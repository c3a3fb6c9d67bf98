/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-fileio.c — atomic writes leave either the old or the new file, and no temp files; files read
 * inside an untrusted root never lead out of it and never block. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "shared/fileio.h"

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

/* An untrusted tree: etc/passwd variants, symlinks out of it, a FIFO. None of them may reach the host's
 * files or block. */
static void test_read_file_in_root(void **state) {
        char root[] = "/tmp/test-fileio-root.XXXXXX", outside[] = "/tmp/test-fileio-out.XXXXXX";
        _cleanup_free_ char *p = NULL, *buf = NULL, *host = NULL;
        _cleanup_close_ int root_fd = -EBADF;
        char big[10000];
        struct timespec t0, t1;

        assert_non_null(mkdtemp(root));
        assert_non_null(mkdtemp(outside));
        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(root_fd >= 0);
        assert_int_equal(mkdirat(root_fd, "etc", 0755), 0);
        assert_true(asprintf(&p, "%s/inside", root) > 0);
        assert_int_equal(write_file_atomic(p, "in\n", 3, 0644), 0);
        free(p);

        /* a marker file on the "host", and an image whose etc/passwd points at it by absolute path */
        assert_true(asprintf(&host, "%s/passwd", outside) > 0);
        assert_int_equal(write_file_atomic(host, "evil:x:4242:4242::/:/bin/sh\n", 28, 0644), 0);
        assert_true(asprintf(&p, "%s/etc/passwd", root) > 0);
        assert_int_equal(symlink(host, p), 0);
        /* resolved as <root><host>: missing inside the root, never the host's file */
        assert_int_equal(read_file_in_root(root_fd, "/etc/passwd", 1024, &buf), -ENOENT);
        assert_null(buf);
        /* the same target created inside the root is what gets read */
        {
                _cleanup_free_ char *in = NULL;
                assert_true(asprintf(&in, "%s%s", root, outside) > 0);
                assert_int_equal(mkdir_p(in, 0755), 0);
                free(in);
                assert_true(asprintf(&in, "%s%s", root, host) > 0);
                assert_int_equal(write_file_atomic(in, "good:x:7:7::/:/bin/sh\n", 22, 0644), 0);
        }
        assert_int_equal(read_file_in_root(root_fd, "/etc/passwd", 1024, &buf), 0);
        assert_string_equal(buf, "good:x:7:7::/:/bin/sh\n");
        free(buf);
        buf = NULL;

        /* "..": relative symlinks and paths climb no higher than the root */
        assert_int_equal(unlink(p), 0);
        assert_int_equal(symlink("../../../../../../../inside", p), 0);
        assert_int_equal(read_file_in_root(root_fd, "etc/passwd", 1024, &buf), 0);
        assert_string_equal(buf, "in\n");
        free(buf);
        buf = NULL;
        assert_int_equal(read_file_in_root(root_fd, "../../../../../../etc/../inside", 1024, &buf), 0);
        assert_string_equal(buf, "in\n");
        free(buf);
        buf = NULL;
        /* /proc magic links are refused, the host's /proc/self/root with them */
        assert_int_equal(unlink(p), 0);
        assert_int_equal(symlink("/proc/self/root/etc/hostname", p), 0);
        assert_true(read_file_in_root(root_fd, "etc/passwd", 1024, &buf) < 0);
        assert_null(buf);

        /* a FIFO: an error at once, not a blocked reader */
        assert_int_equal(unlink(p), 0);
        assert_int_equal(mkfifo(p, 0644), 0);
        alarm(5); /* a regression would hang here: fail loudly instead */
        assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
        assert_int_equal(read_file_in_root(root_fd, "/etc/passwd", 1024, &buf), -EBADFD);
        assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
        alarm(0);
        assert_true(t1.tv_sec - t0.tv_sec < 2);
        assert_null(buf);
        assert_non_null(strstr(read_file_in_root_strerror(-EBADFD), "not a regular file"));

        /* a directory */
        assert_int_equal(unlink(p), 0);
        assert_int_equal(mkdir(p, 0755), 0);
        assert_int_equal(read_file_in_root(root_fd, "/etc/passwd", 1024, &buf), -EISDIR);
        assert_int_equal(rmdir(p), 0);

        /* larger than the cap: refused, and the refusal names the limit */
        memset(big, 'x', sizeof(big));
        assert_int_equal(write_file_atomic(p, big, sizeof(big), 0644), 0);
        assert_int_equal(read_file_in_root(root_fd, "/etc/passwd", 100, &buf), -EFBIG);
        assert_null(buf);
        assert_non_null(strstr(read_file_in_root_strerror(-EFBIG), ROOT_FILE_MAX_TEXT));
        assert_int_equal(read_file_in_root(root_fd, "/etc/passwd", sizeof(big), &buf), 0);
        assert_int_equal(strlen(buf), sizeof(big));

        assert_int_equal(rm_rf(root), 0);
        assert_int_equal(rm_rf(outside), 0);
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
                cmocka_unit_test(test_read_file_in_root),
                cmocka_unit_test(test_rm_rf),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
