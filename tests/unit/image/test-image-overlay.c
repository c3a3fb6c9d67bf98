/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-image-overlay.c — overlay mount options, and (as root) two containers of one image:
 * shared lower layers, each sees only its own writes, the layers stay untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "image/overlay.h"

static void test_options(void **state) {
        const char *lowers[] = { "/s/l/bottom", "/s/l/middle", "/s/l/top", NULL };
        const char *bad[] = { "/s/l/a,b", NULL };
        const char *relative[] = { "s/l", NULL };
        _cleanup_free_ char *o = NULL, *big = NULL;
        const char **many;

        assert_int_equal(overlay_options(lowers, "/c/upper", "/c/work", &o), 0);
        assert_string_equal(o, "lowerdir=/s/l/top:/s/l/middle:/s/l/bottom,upperdir=/c/upper,workdir=/c/work");
        assert_int_equal(overlay_options(bad, "/c/upper", "/c/work", &big), -EINVAL);
        assert_int_equal(overlay_options(relative, "/c/upper", "/c/work", &big), -EINVAL);
        assert_int_equal(overlay_options(lowers, "/c/up:per", "/c/work", &big), -EINVAL);

        many = calloc(101, sizeof(char *));
        for (size_t i = 0; i < 100; i++)
                many[i] =
                        "/var/lib/conman/images/layers/0123456789abcdef0123456789abcdef0123456789abcdef/root";
        assert_int_equal(overlay_options(many, "/c/upper", "/c/work", &big), -E2BIG);
        free(many);
}

static void write_at(const char *dir, const char *name, const char *content) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        assert_int_equal(write_file_atomic(p, content, strlen(content), 0644), 0);
}

static void assert_content(const char *dir, const char *name, const char *content) {
        _cleanup_free_ char *buf = NULL;
        char p[256];

        snprintf(p, sizeof(p), "%s/%s", dir, name);
        if (!content) {
                assert_int_equal(access(p, F_OK), -1);
                return;
        }
        assert_int_equal(read_file(p, 1024, &buf, NULL), 0);
        assert_string_equal(buf, content);
}

static void test_two_containers_share_layers(void **state) {
        char top[] = "/tmp/test-overlay-XXXXXX", p[6][256];
        const char *names[] = { "bottom", "top", "a/upper", "a/work", "b/upper", "b/work" };

        if (geteuid() != 0)
                skip();
        assert_non_null(mkdtemp(top));
        for (size_t i = 0; i < 6; i++) {
                snprintf(p[i], sizeof(p[i]), "%s/%s", top, names[i]);
                assert_int_equal(mkdir_p(p[i], 0755), 0);
        }
        write_at(p[0], "base", "from bottom");
        write_at(p[0], "shadowed", "bottom");
        write_at(p[1], "shadowed", "top");
        const char *lowers[] = { p[0], p[1], NULL };
        char ra[256], rb[256];
        snprintf(ra, sizeof(ra), "%s/a/rootfs", top);
        snprintf(rb, sizeof(rb), "%s/b/rootfs", top);

        int r = overlay_mount(lowers, p[2], p[3], ra);
        if (r == -EPERM || r == -ENODEV) {
                (void) rm_rf(top);
                skip(); /* no overlayfs here */
        }
        assert_int_equal(r, 0);
        assert_int_equal(overlay_mount(lowers, p[4], p[5], rb), 0);
        assert_true(overlay_is_mounted(ra));
        assert_int_equal(overlay_mount(lowers, p[2], p[3], ra), -EBUSY);

        assert_content(ra, "shadowed", "top");
        assert_content(rb, "base", "from bottom");
        write_at(ra, "mine", "a's file");
        write_at(rb, "base", "b changed it");
        assert_content(ra, "mine", "a's file");
        assert_content(rb, "mine", NULL);
        assert_content(ra, "base", "from bottom");
        assert_content(rb, "base", "b changed it");
        /* the layers are untouched; the writes are in the upper dirs */
        assert_content(p[0], "base", "from bottom");
        assert_content(p[1], "mine", NULL);
        assert_content(p[2], "mine", "a's file");
        /* no copy: what a container only reads stays in the shared layers */
        assert_content(p[4], "shadowed", NULL);
        assert_content(p[2], "base", NULL);

        assert_int_equal(overlay_umount(ra), 0);
        assert_int_equal(overlay_umount(rb), 0);
        assert_false(overlay_is_mounted(ra));
        assert_int_equal(overlay_umount(ra), 0); /* nothing mounted: fine */
        assert_int_equal(rm_rf(top), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_options),
                cmocka_unit_test(test_two_containers_share_layers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
