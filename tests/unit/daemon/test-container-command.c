/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-container-command.c — command_lookup() tells a command that is not found from one that is not
 * executable, as the runtime would see them, in a root made of layers: paths and $PATH searches, symbolic
 * links across layers (a merged /usr), links that point at the host, loops, and whiteouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "shared/fileio.h"
#include "daemon/container-command.h"

static char tmpdir[] = "/tmp/test-container-command.XXXXXX";
static char *roots[3];

static void make(const char *layer, const char *path, mode_t mode) {
        _cleanup_free_ char *p = NULL;
        assert_true(asprintf(&p, "%s/%s/%s", tmpdir, layer, path) > 0);
        assert_int_equal(write_file_atomic(p, "#!/bin/sh\n", 10, mode), 0);
}

static void link_to(const char *layer, const char *path, const char *target) {
        _cleanup_free_ char *p = NULL;
        assert_true(asprintf(&p, "%s/%s/%s", tmpdir, layer, path) > 0);
        assert_int_equal(symlink(target, p), 0);
}

static void dir(const char *layer, const char *path) {
        _cleanup_free_ char *p = NULL;
        assert_true(asprintf(&p, "%s/%s/%s", tmpdir, layer, path) > 0);
        assert_int_equal(mkdir_p(p, 0755), 0);
}

static int setup(void **state) {
        assert_non_null(mkdtemp(tmpdir));
        dir("lower", "usr/bin");
        dir("lower", "etc");
        dir("upper", "usr/local/bin");
        make("lower", "usr/bin/sh", 0755);
        make("lower", "usr/bin/gone", 0755);
        make("lower", "etc/passwd", 0644);
        make("upper", "usr/local/bin/tool", 0700);
        link_to("upper", "bin", "usr/bin");                   /* merged /usr, the target in another layer */
        link_to("upper", "usr/local/bin/up", "../../bin/sh"); /* relative, climbing */
        link_to("upper", "usr/local/bin/host", "/proc/self/exe"); /* on the host only */
        link_to("upper", "usr/local/bin/loop", "loop");
        assert_true(asprintf(&roots[0], "%s/upper", tmpdir) > 0);
        assert_true(asprintf(&roots[1], "%s/lower", tmpdir) > 0);
        return 0;
}

static int teardown(void **state) {
        free(roots[0]);
        free(roots[1]);
        return rm_rf(tmpdir);
}

static void test_paths(void **state) {
        assert_int_equal(command_lookup(roots, "/usr/bin/sh", NULL, "/"), COMMAND_RUNNABLE);
        assert_int_equal(command_lookup(roots, "/bin/sh", NULL, "/"), COMMAND_RUNNABLE);
        assert_int_equal(command_lookup(roots, "/usr/local/bin/up", NULL, "/"), COMMAND_RUNNABLE);
        assert_int_equal(command_lookup(roots, "/nonexistent", NULL, "/"), COMMAND_NOT_FOUND);
        assert_int_equal(command_lookup(roots, "/etc/passwd/x", NULL, "/"), COMMAND_NOT_FOUND);
        assert_int_equal(command_lookup(roots, "/etc/passwd", NULL, "/"), COMMAND_NOT_EXECUTABLE);
        assert_int_equal(command_lookup(roots, "/etc", NULL, "/"), COMMAND_NOT_EXECUTABLE);
        assert_int_equal(command_lookup(roots, "./sh", NULL, "/usr/bin"), COMMAND_RUNNABLE);
        assert_int_equal(command_lookup(roots, "../bin/sh", NULL, "/etc"), COMMAND_RUNNABLE);
        assert_int_equal(command_lookup(roots, "", NULL, "/"), COMMAND_NOT_FOUND);
}

static void test_links_stay_inside(void **state) {
        assert_int_equal(command_lookup(roots, "/usr/local/bin/host", NULL, "/"), COMMAND_NOT_FOUND);
        assert_int_equal(command_lookup(roots, "/usr/local/bin/loop", NULL, "/"), -ELOOP);
}

static void test_path_search(void **state) {
        assert_int_equal(command_lookup(roots, "sh", NULL, "/"), COMMAND_RUNNABLE);
        assert_int_equal(command_lookup(roots, "tool", NULL, "/"), COMMAND_RUNNABLE);
        assert_int_equal(command_lookup(roots, "nosuch", NULL, "/"), COMMAND_NOT_FOUND);
        assert_int_equal(command_lookup(roots, "sh", "/etc:/nowhere", "/"), COMMAND_NOT_FOUND);
        /* not executable in $PATH is "not found", as runc's exec.LookPath */
        assert_int_equal(command_lookup(roots, "passwd", "/etc", "/"), COMMAND_NOT_FOUND);
        assert_int_equal(command_lookup(roots, "sh", "/etc::/bin", "/"), COMMAND_RUNNABLE);
}

static void test_whiteout(void **state) {
        _cleanup_free_ char *p = NULL;

        assert_int_equal(command_lookup(roots, "/usr/bin/gone", NULL, "/"), COMMAND_RUNNABLE);
        dir("upper", "usr/bin");
        assert_true(asprintf(&p, "%s/upper/usr/bin/gone", tmpdir) > 0);
        if (mknod(p, S_IFCHR | 0600, makedev(0, 0)) < 0)
                skip(); /* needs CAP_MKNOD */
        assert_int_equal(command_lookup(roots, "/usr/bin/gone", NULL, "/"), COMMAND_NOT_FOUND);
        assert_int_equal(command_lookup(roots, "gone", NULL, "/"), COMMAND_NOT_FOUND);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_paths),
                cmocka_unit_test(test_links_stay_inside),
                cmocka_unit_test(test_path_search),
                cmocka_unit_test(test_whiteout),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
