/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ctl/ps-filter.c: docker's `ps --filter` rules and the PORTS column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ps-filter.h"

static char *web_labels[] = { "app=web", "tier=front", NULL };
static char *web_ports[] = { "8080:80/tcp", "127.0.0.1:5353:53/udp", NULL };

static const PsItem items[] = {
        { .id = "aaaa1111",
          .name = "web",
          .image = "docker.io/library/busybox:latest",
          .state = "running",
          .created = 100,
          .labels = web_labels,
          .ports = web_ports,
          .network = "conman0",
          .pod_id = "",
          .pod_name = "" },
        { .id = "bbbb2222",
          .name = "job-1",
          .image = "busybox",
          .state = "exited",
          .exit_code = 3,
          .created = 200,
          .network = "mynet",
          .pod_id = "cccc3333",
          .pod_name = "pod1" },
        { .id = "dddd4444",
          .name = "db",
          .image = "localhost/pg:15",
          .state = "created",
          .created = 300,
          .network = "none",
          .pod_id = "",
          .pod_name = "" },
};

/* The names that match the filters, in list order, joined by spaces. */
static char *matching(const char *const *specs) {
        PsFilters f = {};
        const char *message;
        static char out[256];

        for (; *specs; specs++)
                assert_int_equal(ps_filters_add(&f, *specs, &message), 0);
        out[0] = 0;
        for (size_t i = 0; i < 3; i++)
                if (ps_filters_match(&f, &items[i], items, 3)) {
                        if (out[0])
                                strcat(out, " ");
                        strcat(out, items[i].name);
                }
        ps_filters_done(&f);
        return out;
}

#define MATCH(expect, ...) assert_string_equal(matching((const char *const[]){ __VA_ARGS__, NULL }), expect)

static void test_each_key(void **state) {
        MATCH("web", "name=web");
        MATCH("job-1", "name=^job-");
        MATCH("web job-1 db", "name=.");
        MATCH("job-1", "status=exited");
        MATCH("web db", "status=running", "status=created"); /* one key: alternatives */
        MATCH("job-1", "exited=3");
        MATCH("", "exited=0");
        MATCH("web", "label=app");
        MATCH("web", "label=app=web");
        MATCH("", "label=app=db");
        MATCH("web job-1", "ancestor=busybox");
        MATCH("web job-1", "ancestor=busybox:latest");
        MATCH("db", "ancestor=localhost/pg:15");
        MATCH("job-1", "network=mynet");
        MATCH("job-1", "pod=pod1");
        MATCH("job-1", "pod=cccc");
        MATCH("web", "publish=80");
        MATCH("web", "publish=53/udp");
        MATCH("", "publish=53/tcp");
        MATCH("web job-1", "before=db");
        MATCH("job-1 db", "since=web");
        MATCH("db", "id=dddd");
        MATCH("", "status=running", "name=db"); /* two keys: both */
}

static void test_refused(void **state) {
        static const char *const bad[] = { "status",          "=x",       "status=", "color=red",
                                           "status=dead-ish", "exited=x", "name=(",  NULL };
        PsFilters f = {};
        const char *message = NULL;

        for (const char *const *b = bad; *b; b++) {
                message = NULL;
                assert_int_equal(ps_filters_add(&f, *b, &message), -EINVAL);
                assert_non_null(message);
        }
        ps_filters_done(&f);
}

static void test_implications(void **state) {
        PsFilters f = {};
        const char *message;

        assert_false(ps_filters_need_details(&f));
        assert_false(ps_filters_imply_all(&f));
        assert_int_equal(ps_filters_add(&f, "label=a", &message), 0);
        assert_true(ps_filters_need_details(&f));
        assert_false(ps_filters_imply_all(&f));
        assert_int_equal(ps_filters_add(&f, "status=exited", &message), 0);
        assert_true(ps_filters_imply_all(&f));
        ps_filters_done(&f);
}

static void test_ports(void **state) {
        char *s = ps_format_ports(web_ports);
        assert_string_equal(s, "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp");
        free(s);
        s = ps_format_ports(NULL);
        assert_string_equal(s, "");
        free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_each_key),
                cmocka_unit_test(test_refused),
                cmocka_unit_test(test_implications),
                cmocka_unit_test(test_ports),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
