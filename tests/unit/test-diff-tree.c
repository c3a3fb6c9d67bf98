/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctl/diff-tree.c: `conmanctl diff` from an upper directory against lower layers. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "diff-tree.h"

static char base[] = "/tmp/test-diff-tree-XXXXXX";

static void mk(const char *rel, bool dir) {
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", base, rel);
        if (dir)
                assert_int_equal(mkdir(path, 0755), 0);
        else {
                int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                assert_true(fd >= 0);
                close(fd);
        }
}

static char *joined(char **lines) {
        static char out[1024];

        out[0] = 0;
        for (char **l = lines; l && *l; l++) {
                strcat(out, *l);
                strcat(out, "\n");
        }
        return out;
}

static void test_diff(void **state) {
        char lower[512], upper[512], whiteout[512];
        char *lowers[] = { lower, NULL };
        _cleanup_strv_free_ char **lines = NULL;
        bool can_mknod;

        assert_non_null(mkdtemp(base));
        snprintf(lower, sizeof(lower), "%s/lower", base);
        snprintf(upper, sizeof(upper), "%s/upper", base);
        /* the image: /etc/passwd, /etc/group, /bin/vi, /opt/a, /opt/b */
        mk("lower", true), mk("lower/etc", true), mk("lower/etc/passwd", false), mk("lower/etc/group", false);
        mk("lower/bin", true), mk("lower/bin/vi", false), mk("lower/opt", true), mk("lower/opt/a", false);
        mk("lower/opt/b", false);
        /* the container: changed /etc/passwd, added /new and /etc/new.d/x, deleted /bin/vi */
        mk("upper", true), mk("upper/etc", true), mk("upper/etc/passwd", false), mk("upper/new", false);
        mk("upper/etc/new.d", true), mk("upper/etc/new.d/x", false), mk("upper/bin", true);
        snprintf(whiteout, sizeof(whiteout), "%s/upper/bin/vi", base);
        can_mknod = mknod(whiteout, S_IFCHR | 0000, makedev(0, 0)) == 0;
        /* an opaque /opt (replaced as a whole) holding a new c: a and b are gone */
        mk("upper/opt", true), mk("upper/opt/c", false);
        snprintf(whiteout, sizeof(whiteout), "%s/upper/opt", base);
        bool opaque = setxattr(whiteout, "user.overlay.opaque", "y", 1, 0) == 0 ||
                      setxattr(whiteout, "trusted.overlay.opaque", "y", 1, 0) == 0;

        assert_int_equal(diff_tree(upper, lowers, NULL, &lines), 0);
        if (can_mknod && opaque)
                assert_string_equal(joined(lines),
                                    "C /bin\nD /bin/vi\nC /etc\nA /etc/new.d\nA /etc/new.d/x\n"
                                    "C /etc/passwd\nA /new\nC /opt\nD /opt/a\nD /opt/b\nA /opt/c\n");
        else { /* no mknod or xattrs here: the added and changed entries still are right */
                char *out = joined(lines);
                assert_non_null(strstr(out, "C /etc\n"));
                assert_non_null(strstr(out, "A /etc/new.d/x\n"));
                assert_non_null(strstr(out, "C /etc/passwd\n"));
                assert_non_null(strstr(out, "A /new\n"));
        }
        strv_freep(&lines);
        assert_int_equal(diff_tree("/nonexistent-upper", lowers, NULL, &lines), -ENOENT);
        /* hidden files, and their directory's C when nothing else explains it */
        mk("upper2", true), mk("upper2/etc", true), mk("upper2/etc/hosts", false);
        mk("upper2/opt", true), mk("upper2/opt/hosts", false);
        snprintf(upper, sizeof(upper), "%s/upper2", base);
        assert_int_equal(diff_tree(upper, lowers, (char *[]){ "/etc/hosts", NULL }, &lines), 0);
        assert_string_equal(joined(lines), "C /opt\nA /opt/hosts\n");
        strv_freep(&lines);
        mk("upper2/etc/new", false);
        assert_int_equal(diff_tree(upper, lowers, (char *[]){ "/etc/hosts", NULL }, &lines), 0);
        assert_string_equal(joined(lines), "C /etc\nA /etc/new\nC /opt\nA /opt/hosts\n");
        strv_freep(&lines);
        assert_int_equal(rm_rf(base), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_diff),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
