/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-refused-keys.c — the [Service] keys a .container file may not set
 * (conman-systemd/shared/refused-keys.c): which are refused (an empty ExecStartPre= but not an added
 * command), that the parser reports every one with file:line and keeps copying the others, and that
 * docs/generator.md and conman.container(5) list each key of the table ($SOURCE_ROOT).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "shared/container-file.h"
#include "shared/fileio.h"
#include "shared/refused-keys.h"
#include "shared/util.h"

static void test_find(void **state) {
        assert_non_null(refused_key_find("Service", "User", "nobody"));
        assert_non_null(refused_key_find("Service", "DynamicUser", "foobar"));
        assert_non_null(refused_key_find("Service", "Type", "forking"));
        assert_non_null(refused_key_find("Service", "ProtectSystem", "strict"));
        assert_non_null(refused_key_find("Service", "ExecStartPre", ""));
        assert_null(refused_key_find("Service", "ExecStartPre", "/bin/true"));
        assert_non_null(refused_key_find("Service", "UnsetEnvironment", ""));
        assert_null(refused_key_find("Service", "UnsetEnvironment", "LANG"));
        assert_null(refused_key_find("Service", "Restart", "always"));
        assert_null(refused_key_find("Service", "MemoryMax", "1G"));
        assert_null(refused_key_find("Service", "Environment", "A=1"));
        assert_null(refused_key_find("Unit", "After", ""));
        assert_null(refused_key_find("Unit", "User", "nobody")); /* not a [Unit] key: systemd ignores it */
        /* keys are case-sensitive, as in systemd */
        assert_null(refused_key_find("Service", "user", "nobody"));
}

static void test_table(void **state) {
        for (size_t i = 0; i < refused_keys_n; i++) {
                const RefusedKey *k = &refused_keys[i];
                size_t n = strlen(k->why);

                assert_string_equal(k->section, "Service");
                assert_true(n > 0 && k->why[n - 1] != '.'); /* file_error() adds the period */
                for (size_t j = i + 1; j < refused_keys_n; j++)
                        assert_false(streq(k->key, refused_keys[j].key));
        }
}

static int load_text(const char *text, ContainerFile *f) {
        _cleanup_close_ int fd = memfd_create("test.container", MFD_CLOEXEC);
        char path[64];

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), strlen(text));
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        container_file_init(f);
        return container_file_load(f, path, NULL);
}

static void test_parser_refuses_each(void **state) {
        _cleanup_(container_file_done) ContainerFile f;

        assert_int_equal(load_text("[Container]\nImage=x\n[Service]\nUser=1000\nRestart=always\nGroup=1000\n"
                                   "ExecStartPre=\nExecStartPre=/bin/true\nPrivateTmp=yes\n",
                                   &f),
                         -EINVAL);
        assert_int_equal(f.n_errors, 4); /* User=, Group=, the empty ExecStartPre=, PrivateTmp= */
}

static void test_parser_copies_allowed(void **state) {
        _cleanup_(container_file_done) ContainerFile f;

        assert_int_equal(load_text("[Unit]\nAfter=\nWants=a.service\n[Container]\nImage=x\n[Service]\n"
                                   "Restart=always\nMemoryMax=1G\nExecStartPre=/bin/true\nLimitNOFILE=4096\n",
                                   &f),
                         0);
        assert_int_equal(f.n_errors, 0);
        assert_int_equal(strv_length(f.unit_lines), 2);
        assert_int_equal(strv_length(f.service_lines), 4);
        assert_string_equal(f.service_lines[2], "ExecStartPre=/bin/true");
        assert_int_equal(f.spec.restart, RESTART_ALWAYS);
}

static void assert_lists_every_key(const char *relative) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        const char *root = getenv("SOURCE_ROOT");
        size_t size;

        if (!root)
                skip();
        assert_true(asprintf(&path, "%s/%s", root, relative) >= 0);
        assert_int_equal(read_file(path, 1024 * 1024, &text, &size), 0);
        for (size_t i = 0; i < refused_keys_n; i++) {
                _cleanup_free_ char *k = NULL;
                assert_true(asprintf(&k, "%s=", refused_keys[i].key) >= 0);
                if (!strstr(text, k)) {
                        print_error("%s does not list %s\n", relative, k);
                        fail();
                }
        }
}

static void test_docs_list_every_key(void **state) {
        assert_lists_every_key("docs/generator.md");
        assert_lists_every_key("man/conman.container.5");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_find),
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_parser_refuses_each),
                cmocka_unit_test(test_parser_copies_allowed),
                cmocka_unit_test(test_docs_list_every_key),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
