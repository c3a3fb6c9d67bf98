/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-fileio.c — atomic writes leave either the old or the new file, and no temp files; files read
 * inside an untrusted root never lead out of it and never block; read_all()/write_all() move every
 * byte through short transfers and signals. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
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

static void on_alarm(int sig) {
}

/* A child writes "hello" in two pieces, late; a timer interrupts the parent's read meanwhile. */
static void test_read_all_interrupted(void **state) {
        struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: read() fails with EINTR */
        struct itimerval t = { .it_value = { .tv_usec = 20000 } };
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        char buf[16] = {};
        pid_t pid;
        int status;

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                p[0] = safe_close(p[0]);
                (void) usleep(100000);
                if (write(p[1], "hel", 3) != 3)
                        _exit(1);
                (void) usleep(20000);
                _exit(write(p[1], "lo", 2) == 2 ? 0 : 1);
        }
        p[1] = safe_close(p[1]);
        assert_int_equal(setitimer(ITIMER_REAL, &t, NULL), 0);
        assert_int_equal(read_all(p[0], buf, sizeof(buf)), 5); /* the end of the pipe ends it */
        assert_string_equal(buf, "hello");
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(read_all(p[0], buf, sizeof(buf)), 0);
        assert_int_equal(read_all(-1, buf, sizeof(buf)), -EBADF);
        signal(SIGALRM, SIG_DFL);
}

/* 1 MiB through a pipe (64 KiB of buffer): write_all() goes on after every short write. */
static void test_write_all_pipe(void **state) {
        const size_t size = 1024 * 1024;
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        _cleanup_free_ char *data = malloc(size), *back = NULL;
        size_t got;
        pid_t pid;
        int status;

        assert_non_null(data);
        for (size_t i = 0; i < size; i++)
                data[i] = (char) ('a' + i % 26);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                p[0] = safe_close(p[0]);
                _exit(write_all(p[1], data, size) == 0 ? 0 : 1);
        }
        p[1] = safe_close(p[1]);
        assert_int_equal(read_full_fd(p[0], size, &back, &got), 0);
        assert_int_equal(got, size);
        assert_memory_equal(back, data, size);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(write_all(-1, "x", 1), -EBADF);
        assert_int_equal(write_all(p[0], "", 0), 0); /* nothing to write: not even a bad fd matters */
}

/* read_full_fd() takes a file of exactly max_size bytes and refuses one byte more. */
static void test_read_full_fd_limit(void **state) {
        _cleanup_close_ int dfd = open(tmpdir, O_DIRECTORY | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        char data[5000];

        memset(data, 'y', sizeof(data));
        assert_int_equal(write_file_atomic_at(dfd, "exact", data, sizeof(data), 0600), 0);
        assert_int_equal(read_file_at(dfd, "exact", sizeof(data), &buf, &size), 0);
        assert_int_equal(size, sizeof(data));
        assert_int_equal(buf[size], 0);
        assert_int_equal(read_file_at(dfd, "exact", sizeof(data) - 1, &buf, &size), -EFBIG);
}

/* opendir_at() reads a directory from its start, also when the fd it is given was read before. */
static void test_opendir_at(void **state) {
        _cleanup_close_ int dfd = open(tmpdir, O_DIRECTORY | O_CLOEXEC);
        _cleanup_closedir_ DIR *d = NULL, *again = NULL, *none = NULL;
        struct dirent *de;
        bool found = false;

        assert_int_equal(opendir_at(dfd, ".", &d), 0);
        while ((de = readdir(d)))
                found = found || streq(de->d_name, "exact");
        assert_true(found);
        assert_int_equal(opendir_at(dirfd(d), ".", &again), 0); /* d is at its end; again is not */
        found = false;
        while ((de = readdir(again)))
                found = found || streq(de->d_name, "exact");
        assert_true(found);
        assert_int_equal(opendir_at(dfd, "missing", &none), -ENOENT);
        assert_int_equal(opendir_at(dfd, "exact", &none), -ENOTDIR);
        assert_null(none);
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
                cmocka_unit_test(test_read_all_interrupted),
                cmocka_unit_test(test_write_all_pipe),
                cmocka_unit_test(test_read_full_fd_limit),
                cmocka_unit_test(test_opendir_at),
                cmocka_unit_test(test_rm_rf),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
