/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-registries.c — conman-registries.d(5): the parser, the directory, the endpoints of a pull. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "image/registries.h"

static RegistriesConfig *parse_ok(const char *text) {
        RegistriesConfig *c = calloc(1, sizeof(*c));
        _cleanup_free_ char *error = NULL;

        assert_non_null(c);
        assert_int_equal(registries_parse(c, text, strlen(text), &error), 0);
        assert_null(error);
        return c;
}

static void parse_fails(const char *text, const char *message) {
        _cleanup_(registries_config_freep) RegistriesConfig *c = calloc(1, sizeof(*c));
        _cleanup_free_ char *error = NULL;

        assert_int_equal(registries_parse(c, text, strlen(text), &error), -EINVAL);
        assert_non_null(error);
        if (!strstr(error, message))
                fail_msg("\"%s\" does not say \"%s\"", error, message);
        assert_int_equal(c->n_entries, 0); /* all or nothing */
}

static void test_parse(void **state) {
        _cleanup_(registries_config_freep) RegistriesConfig *c =
                parse_ok("# critest fixture\n"
                         "[registry \"gcr.io\"]\n"
                         "mirror = http://127.0.0.1:5000   # first\n"
                         "  mirror=https://mirror.example:8443/cache/gcr/\n"
                         "mirror = mirror2.example\n"
                         "insecure = true\n"
                         "\n"
                         "; another\n"
                         "[ registry   \"registry.example:5000\" ]\n"
                         "mirror = http://[::1]:5000\n"
                         "mirror-only = yes\n"
                         "[registry \"docker.io\"]\n"
                         "insecure = off\n");

        assert_int_equal(c->n_entries, 3);
        assert_string_equal(c->entries[0].domain, "gcr.io");
        assert_int_equal(c->entries[0].n_mirrors, 3);
        assert_true(c->entries[0].insecure);
        assert_false(c->entries[0].mirror_only);
        assert_string_equal(c->entries[0].mirrors[0].host, "127.0.0.1:5000");
        assert_true(c->entries[0].mirrors[0].plain_http);
        assert_null(c->entries[0].mirrors[0].prefix);
        assert_string_equal(c->entries[0].mirrors[0].url, "http://127.0.0.1:5000");
        assert_string_equal(c->entries[0].mirrors[1].host, "mirror.example:8443");
        assert_string_equal(c->entries[0].mirrors[1].prefix, "cache/gcr");
        assert_false(c->entries[0].mirrors[1].plain_http);
        assert_string_equal(c->entries[0].mirrors[1].url, "https://mirror.example:8443/cache/gcr");
        assert_string_equal(c->entries[0].mirrors[2].url, "https://mirror2.example");
        assert_string_equal(c->entries[1].domain, "registry.example:5000");
        assert_string_equal(c->entries[1].mirrors[0].host, "[::1]:5000");
        assert_true(c->entries[1].mirror_only);
        assert_false(c->entries[2].insecure);
        assert_int_equal(c->entries[2].n_mirrors, 0);
}

static void test_errors(void **state) {
        parse_fails("mirror = http://x\n", "line 1: \"mirror\" before any [registry");
        parse_fails("[registry \"gcr.io\"]\nmirror = ftp://x\n", "line 2: mirror \"ftp://x\": only http://");
        parse_fails("[registry \"gcr.io\"]\nmirror = http://a b\n", "not a valid host");
        parse_fails("[registry \"gcr.io\"]\nmirror = http://host:0\n", "not a valid host");
        parse_fails("[registry \"gcr.io\"]\nmirror = http://host:99999\n", "not a valid host");
        parse_fails("[registry \"gcr.io\"]\nmirror = http://-host\n", "not a valid host");
        parse_fails("[registry \"gcr.io\"]\nmirror = http://host/UPPER\n", "not a repository prefix");
        parse_fails("[registry \"gcr.io\"]\nmirror = http://host/a//b\n", "not a repository prefix");
        parse_fails("[registry \"gcr.io\"]\nmirror = http://user@host\n", "not a valid host");
        parse_fails("[registry \"gcr.io\"]\nmirror =\n", "mirror: empty value");
        parse_fails("[registry \"gcr.io\"]\ninsecure = maybe\n", "not a boolean");
        parse_fails("[registry \"gcr.io\"]\nlocation = x\n", "unknown key \"location\"");
        parse_fails("[registry \"gcr.io\"]\njust words\n", "expected \"key = value\"");
        parse_fails("[registry gcr.io]\n", "must be quoted");
        parse_fails("[registry \"gcr.io\"\n", "must end with ']'");
        parse_fails("[mirror \"gcr.io\"]\n", "unknown section");
        parse_fails("[registry \"bad host\"]\n", "not a registry host");
        parse_fails("[registry \"gcr.io\"]\nmirror = http://\xff\n", "UTF-8");
        /* the error is in the last line: nothing of the file is kept (parse_fails checks) */
        parse_fails("[registry \"gcr.io\"]\nmirror = http://x\n[registry \"quay.io\"]\nmirror-only = 2\n",
                    "line 4: ");
}

static void test_limits(void **state) {
        _cleanup_(registries_config_freep) RegistriesConfig *c = calloc(1, sizeof(*c));
        _cleanup_free_ char *big = NULL, *many = NULL, *error = NULL;
        size_t n = 0;

        big = calloc(1, REGISTRIES_FILE_MAX + 2);
        memset(big, '#', REGISTRIES_FILE_MAX + 1);
        assert_int_equal(registries_parse(c, big, REGISTRIES_FILE_MAX + 1, &error), -EINVAL);
        free(error);
        assert_int_equal(registries_parse(c, "[registry \"a\"]\0", 15, &error), -EINVAL);
        assert_string_equal(error, "contains a NUL byte");
        free(error);

        many = calloc(1, 64 * 1024);
        n += (size_t) sprintf(many, "[registry \"gcr.io\"]\n");
        for (unsigned i = 0; i <= REGISTRY_MIRRORS_MAX; i++)
                n += (size_t) sprintf(many + n, "mirror = http://m%u\n", i);
        assert_int_equal(registries_parse(c, many, n, &error), -EINVAL);
        assert_non_null(strstr(error, "more than 16 mirrors"));
        assert_int_equal(c->n_entries, 0);
}

static void test_endpoints(void **state) {
        _cleanup_(registries_config_freep) RegistriesConfig *c =
                parse_ok("[registry \"gcr.io\"]\nmirror = http://127.0.0.1:5000\nmirror = m.example/p\n"
                         "[registry \"only.example\"]\nmirror = http://127.0.0.1:5000\nmirror-only = true\n"
                         "[registry \"insecure.example\"]\ninsecure = true\n");
        _cleanup_free_ RegistryEndpoint *e = NULL;
        size_t n;

        assert_int_equal(registries_endpoints(c, "gcr.io", true, &e, &n), 0);
        assert_int_equal(n, 3);
        assert_string_equal(e[0].host, "127.0.0.1:5000");
        assert_true(e[0].plain_http);
        assert_true(e[0].tls_verify);
        assert_string_equal(e[1].host, "m.example");
        assert_string_equal(e[1].prefix, "p");
        assert_false(e[1].plain_http);
        assert_null(e[2].host); /* the registry itself, last */
        assert_true(e[2].tls_verify);
        free(e);

        assert_int_equal(registries_endpoints(c, "GCR.io", false, &e, &n), 0);
        assert_int_equal(n, 3);
        assert_false(e[2].tls_verify);
        free(e);

        assert_int_equal(registries_endpoints(c, "only.example", true, &e, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(e[0].url, "http://127.0.0.1:5000");
        free(e);

        assert_int_equal(registries_endpoints(c, "insecure.example", true, &e, &n), 0);
        assert_int_equal(n, 1);
        assert_null(e[0].host);
        assert_false(e[0].tls_verify);
        free(e);

        assert_int_equal(registries_endpoints(c, "docker.io", true, &e, &n), 0);
        assert_int_equal(n, 1);
        assert_null(e[0].host);
        assert_true(e[0].tls_verify);
        free(e);
        e = NULL;
        assert_int_equal(registries_endpoints(NULL, "docker.io", true, &e, &n), 0);
        assert_int_equal(n, 1);
}

static void write_conf(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *p = NULL;

        assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
        assert_int_equal(write_file_atomic(p, text, strlen(text), 0644), 0);
}

static void test_load_dir(void **state) {
        char dir[] = "/tmp/test-registries-XXXXXX";
        _cleanup_(registries_config_freep) RegistriesConfig *c = NULL;
        _cleanup_free_ char *fifo = NULL;

        assert_non_null(mkdtemp(dir));
        write_conf(dir, "20-b.conf", "[registry \"gcr.io\"]\nmirror = http://second\nmirror-only = true\n");
        write_conf(dir, "10-a.conf", "[registry \"gcr.io\"]\nmirror = http://first\n");
        write_conf(dir, "15-broken.conf", "[registry \"gcr.io\"]\nmirror = http://ignored\nbogus\n");
        write_conf(dir, "30-not-conf.txt", "[registry \"gcr.io\"]\nmirror = http://ignored\n");
        assert_true(asprintf(&fifo, "%s/25-fifo.conf", dir) > 0);
        assert_int_equal(mkfifo(fifo, 0644), 0); /* must not block the pull */

        assert_int_equal(registries_load_dir(dir, &c), 0);
        assert_int_equal(c->n_entries, 1);
        assert_int_equal(c->entries[0].n_mirrors, 2);
        assert_string_equal(c->entries[0].mirrors[0].host, "first");
        assert_string_equal(c->entries[0].mirrors[1].host, "second");
        assert_true(c->entries[0].mirror_only);
        c = registries_config_free(c);
        assert_int_equal(rm_rf(dir), 0);

        assert_int_equal(registries_load_dir("/nonexistent/registries.d", &c), 0);
        assert_int_equal(c->n_entries, 0);
}

static void test_dir_env(void **state) {
        assert_int_equal(setenv("CONMAN_REGISTRIES_DIR", "/tmp/x", 1), 0);
        assert_string_equal(registries_dir(), "/tmp/x");
        assert_int_equal(setenv("CONMAN_REGISTRIES_DIR", "relative", 1), 0);
        assert_string_equal(registries_dir(), REGISTRIES_DIR_DEFAULT);
        assert_int_equal(unsetenv("CONMAN_REGISTRIES_DIR"), 0);
        assert_string_equal(registries_dir(), "/etc/conman/registries.d");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),    cmocka_unit_test(test_errors),
                cmocka_unit_test(test_limits),   cmocka_unit_test(test_endpoints),
                cmocka_unit_test(test_load_dir), cmocka_unit_test(test_dir_env),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
