/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-pod-file.c — .pod files (conman-systemd/shared/pod-file.c): a PodSpec written by pod_file_format()
 * reads back through pod_file_load() as the same spec; every bad value of every [Pod] key is refused with
 * a message; unknown keys and sections, and specs CreatePod would refuse, make the file fail. Also a pod's
 * member as a .container file: Pod=NAME.pod, and Pod= with Network= refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "shared/container-file-format.h"
#include "shared/container-file.h"
#include "shared/fileio.h"
#include "shared/pod-file.h"
#include "shared/util.h"

/* A file named name in a fresh directory (the file name is the default pod name). */
static char *write_file(char *dir_template, const char *name, const char *text) {
        char *path = NULL;
        FILE *f;

        assert_non_null(mkdtemp(dir_template));
        assert_true(asprintf(&path, "%s/%s", dir_template, name) > 0);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
        return path;
}

static void remove_file(char *path) {
        char *slash = strrchr(path, '/');

        assert_int_equal(unlink(path), 0);
        *slash = '\0';
        assert_int_equal(rmdir(path), 0);
        free(path);
}

static int load(const char *name, const char *text, PodFile *f) {
        char dir[] = "/tmp/test-pod-file.XXXXXX";
        char *path = write_file(dir, name, text);
        int r;

        pod_file_init(f);
        r = pod_file_load(f, path, NULL);
        remove_file(path);
        return r;
}

static void assert_strv_same(char *const *want, char *const *got) {
        assert_int_equal(strv_length(want), strv_length(got));
        for (size_t i = 0; want && want[i]; i++)
                assert_string_equal(want[i], got[i]);
}

static void assert_pod_same(const PodSpec *want, const PodSpec *got) {
        assert_string_equal(want->name, got->name);
        if (want->hostname)
                assert_string_equal(want->hostname, got->hostname);
        else
                assert_null(got->hostname);
        assert_strv_same(want->labels, got->labels);
        assert_int_equal(want->network, got->network);
        if (want->network_name)
                assert_string_equal(want->network_name, got->network_name);
        else
                assert_null(got->network_name);
        assert_strv_same(want->ports, got->ports);
        assert_int_equal(want->share, got->share);
        assert_int_equal(want->memory_max, got->memory_max);
        assert_int_equal(want->cpu_quota_usec, got->cpu_quota_usec);
        assert_int_equal(want->pids_limit, got->pids_limit);
}

static void round_trip(const PodSpec *s) {
        _cleanup_(pod_file_done) PodFile f;
        _cleanup_free_ char *text = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = pod_file_format(s, &text, &error);

        if (r < 0)
                print_error("pod_file_format: %s\n", error.message);
        assert_int_equal(r, 0);
        sd_bus_error_free(&error);
        if (load("any.pod", text, &f) < 0) {
                print_error("this did not parse:\n%s", text);
                fail();
        }
        assert_pod_same(s, &f.spec);
        assert_string_equal(f.file_name, "any.pod");
        assert_strv_same((char *[]){ "multi-user.target", NULL }, f.wanted_by);
}

static void test_round_trip_full(void **state) {
        _cleanup_(pod_spec_done) PodSpec s;

        pod_spec_init(&s);
        s.name = strdup("web-app");
        s.hostname = strdup("front.example");
        assert_int_equal(strv_push(&s.labels, "app=web"), 0);
        assert_int_equal(strv_push(&s.labels, "note=two words \"quoted\" \\ back"), 0);
        assert_int_equal(strv_push(&s.labels, "empty="), 0);
        s.network_name = strdup("lan");
        assert_int_equal(strv_push(&s.ports, "8080:80/tcp"), 0);
        assert_int_equal(strv_push(&s.ports, "127.0.0.1:5353:53/udp"), 0);
        s.memory_max = 64 * 1024 * 1024 + 512; /* no unit divides it */
        s.cpu_quota_usec = 1500000;
        s.pids_limit = 300;
        s.share = POD_SHARE_NET | POD_SHARE_UTS;
        round_trip(&s);
}

static void test_round_trip_minimal(void **state) {
        static const NetworkMode modes[] = { NETWORK_BRIDGE, NETWORK_NONE, NETWORK_HOST };

        for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
                _cleanup_(pod_spec_done) PodSpec s;

                pod_spec_init(&s);
                s.name = strdup("p");
                s.network = modes[i];
                s.memory_max = 1024 * 1024 * 1024;
                s.cpu_quota_usec = 250000;
                round_trip(&s);
        }
}

static void test_defaults(void **state) {
        _cleanup_(pod_file_done) PodFile f;

        assert_int_equal(load("db.pod", "[Pod]\n", &f), 0);
        assert_string_equal(f.spec.name, "db");
        assert_int_equal(f.spec.network, NETWORK_BRIDGE);
        assert_null(f.spec.network_name);
        assert_int_equal(f.spec.share, POD_SHARE_DEFAULT);
        assert_null(f.spec.id); /* the generator's to set */
}

static void test_unit_and_install_pass_through(void **state) {
        _cleanup_(pod_file_done) PodFile f;

        assert_int_equal(load("x.pod",
                              "[Unit]\nDescription=my pod\nAfter=foo.service\n[Pod]\nPodName=y\n"
                              "Label=a=1 b=2\n[Install]\nWantedBy=default.target x.target\n",
                              &f),
                         0);
        assert_string_equal(f.spec.name, "y");
        assert_strv_same((char *[]){ "Description=my pod", "After=foo.service", NULL }, f.unit_lines);
        assert_strv_same((char *[]){ "default.target", "x.target", NULL }, f.wanted_by);
        assert_strv_same((char *[]){ "a=1", "b=2", NULL }, f.spec.labels);
}

static void test_file_errors(void **state) {
        static const char *const bad[] = {
                "[Pod]\nImage=x\n",                         /* a .container key */
                "[Pod]\nPodname=x\n",                       /* keys are case-sensitive */
                "[Service]\nRestart=always\n",              /* no [Service] in a .pod */
                "[Container]\nImage=x\n",                   /* nor [Container] */
                "PodName=x\n",                              /* outside a section */
                "[Pod]\nNetwork=none\nPublishPort=80:80\n", /* ports need a bridge */
                "[Pod]\nShare=ipc\nNetwork=host\n",         /* no net: no network of its own */
                "[Pod\nPodName=x\n",                        /* a malformed header */
                "[Pod]\nLabel=a=1\nLabel=\"b=2\n",          /* an error after a good line */
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(pod_file_done) PodFile f;

                if (load("p.pod", bad[i], &f) != -EINVAL) {
                        print_error("accepted:\n%s", bad[i]);
                        fail();
                }
                assert_true(f.n_errors > 0);
        }
}

static void test_bad_file_name(void **state) {
        _cleanup_(pod_file_done) PodFile f, g;

        assert_int_equal(load("bad name!.pod", "[Pod]\n", &f), -EINVAL);
        assert_int_equal(load("bad name!.pod", "[Pod]\nPodName=good\n", &g), 0);
        assert_string_equal(g.spec.name, "good");
        assert_string_equal(g.file_name, "bad name!.pod");
}

static const PodFileKey *key(const char *name) {
        for (size_t i = 0; i < pod_file_n_keys; i++)
                if (streq(pod_file_keys[i].key, name))
                        return &pod_file_keys[i];
        fail_msg("no key %s", name);
        return NULL;
}

static void test_bad_values(void **state) {
        static const struct {
                const char *key, *value, *in_message;
        } cases[] = {
                { "PodName", "", "not a pod name" },
                { "PodName", "-x", "not a pod name" },
                { "PodName", "a/b", "not a pod name" },
                { "Network", "a/b", "unknown network" },
                { "Network", ".hidden", "unknown network" },
                { "PublishPort", "80", "not [HOSTIP:]HOSTPORT" },
                { "PublishPort", "0:80", "not [HOSTIP:]HOSTPORT" },
                { "PublishPort", "80:80/sctp", "not [HOSTIP:]HOSTPORT" },
                { "PublishPort", "::1:80:80", "not [HOSTIP:]HOSTPORT" },
                { "HostName", "a b", "not a host name" },
                { "HostName", "x_y", "not a host name" },
                { "HostName", "0123456789012345678901234567890123456789012345678901234567890123",
                  "not a host name" },
                { "Label", "novalue", "not key=value" },
                { "Label", "=v", "not key=value" },
                { "Label", "\"a=1", "unbalanced quotes" },
                { "Memory", "lots", "not a size" },
                { "Memory", "0", "not a size" },
                { "CPUs", "many", "not a number of CPUs" },
                { "CPUs", "0", "not a number of CPUs" },
                { "CPUs", "-1", "not a number of CPUs" },
                { "PidsLimit", "-1", "not a positive number" },
                { "PidsLimit", "0", "not a positive number" },
                { "PidsLimit", "ten", "not a positive number" },
                { "Share", "pid", "holder process" },
                { "Share", "net,pid", "holder process" },
                { "Share", "net,user", "net, ipc and uts" },
                { "Share", "net,,ipc", "net, ipc and uts" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(pod_file_done) PodFile f;
                _cleanup_free_ char *message = NULL;
                int r;

                pod_file_init(&f);
                r = key(cases[i].key)->parse(&f, cases[i].value, &message);
                if (r != -EINVAL || !message || !strstr(message, cases[i].in_message)) {
                        print_error("%s=%s: r=%d message=%s\n", cases[i].key, cases[i].value, r,
                                    strna(message));
                        fail();
                }
        }
}

static void test_good_values(void **state) {
        _cleanup_(pod_file_done) PodFile f;
        _cleanup_free_ char *m = NULL;

        pod_file_init(&f);
        assert_int_equal(key("Network")->parse(&f, "conman0", &m), 0);
        assert_int_equal(f.spec.network, NETWORK_BRIDGE);
        assert_null(f.spec.network_name);
        assert_int_equal(key("PublishPort")->parse(&f, "8080:80", &m), 0);
        assert_int_equal(key("PublishPort")->parse(&f, "", &m), 0); /* resets */
        assert_null(f.spec.ports);
        assert_int_equal(key("Share")->parse(&f, "", &m), 0);
        assert_int_equal(f.spec.share, 0);
        assert_int_equal(key("Memory")->parse(&f, "512m", &m), 0);
        assert_int_equal(f.spec.memory_max, 512 * 1024 * 1024);
        assert_int_equal(key("CPUs")->parse(&f, "0.5", &m), 0);
        assert_int_equal(f.spec.cpu_quota_usec, 500000);
        assert_null(m);
}

static void test_format_refuses(void **state) {
        _cleanup_(pod_spec_done) PodSpec s;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        char *text = NULL;

        pod_spec_init(&s);
        s.name = strdup("p");
        s.hostname = strdup(" lead");
        assert_int_equal(pod_file_format(&s, &text, &error), -EINVAL);
        assert_non_null(strstr(error.message, "HostName="));
        assert_null(text);
        sd_bus_error_free(&error);
}

/* A member as a .container file: Pod=NAME.pod instead of the network, and it reads back. */
static void test_member_container_file(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_(container_file_done) ContainerFile f;
        _cleanup_free_ char *text = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        char dir[] = "/tmp/test-pod-file.XXXXXX", *path;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        assert_int_equal(strv_push(&s.command, "/bin/sh"), 0);
        s.pod_id = strdup("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        s.pod_name = strdup("web");
        s.network = NETWORK_NONE;
        assert_int_equal(container_file_format("c1", &s, &text, &error), 0);
        assert_non_null(strstr(text, "\nPod=web.pod\n"));
        assert_null(strstr(text, "Network="));
        path = write_file(dir, "c1.container", text);
        container_file_init(&f);
        assert_int_equal(container_file_load(&f, path, NULL), 0);
        assert_string_equal(f.pod, "web.pod");
        remove_file(path);
}

static void test_member_conflicts(void **state) {
        static const char *const bad[] = {
                "[Container]\nRootfs=/r\nPod=web.pod\nNetwork=none\n",
                "[Container]\nRootfs=/r\nNetwork=host\nPod=web.pod\n",
                "[Container]\nRootfs=/r\nPod=web.pod\nPublishPort=80:80\n",
                "[Container]\nRootfs=/r\nPod=web.pod\nHostName=x\n",
                "[Container]\nRootfs=/r\nPod=web\n",
                "[Container]\nRootfs=/r\nPod=../web.pod\n",
                "[Container]\nRootfs=/r\nPod=.pod\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(container_file_done) ContainerFile f;
                char dir[] = "/tmp/test-pod-file.XXXXXX", *path = write_file(dir, "c.container", bad[i]);

                container_file_init(&f);
                if (container_file_load(&f, path, NULL) != -EINVAL) {
                        print_error("accepted:\n%s", bad[i]);
                        fail();
                }
                remove_file(path);
        }
}

/* docs/generator.md and conman.pod(5) list every [Pod] key ($SOURCE_ROOT). */
static void test_docs_list_every_key(void **state) {
        static const char *const docs[] = { "docs/generator.md", "man/conman.pod.5" };
        const char *root = getenv("SOURCE_ROOT");

        if (!root)
                skip();
        for (size_t d = 0; d < ELEMENTSOF(docs); d++) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                size_t size;

                assert_true(asprintf(&path, "%s/%s", root, docs[d]) >= 0);
                assert_int_equal(read_file(path, 1024 * 1024, &text, &size), 0);
                for (size_t i = 0; i < pod_file_n_keys; i++) {
                        _cleanup_free_ char *k = NULL;
                        assert_true(asprintf(&k, "%s=", pod_file_keys[i].key) >= 0);
                        if (!strstr(text, k)) {
                                print_error("%s does not list %s\n", docs[d], k);
                                fail();
                        }
                }
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip_full),  cmocka_unit_test(test_round_trip_minimal),
                cmocka_unit_test(test_defaults),         cmocka_unit_test(test_unit_and_install_pass_through),
                cmocka_unit_test(test_file_errors),      cmocka_unit_test(test_bad_file_name),
                cmocka_unit_test(test_bad_values),       cmocka_unit_test(test_good_values),
                cmocka_unit_test(test_format_refuses),   cmocka_unit_test(test_member_container_file),
                cmocka_unit_test(test_member_conflicts), cmocka_unit_test(test_docs_list_every_key),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
