/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-network-cni.c — CNI result parsing, per-plugin configs (prevResult, runtimeConfig) and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <sys/stat.h>

#include "shared/fileio.h"
#include "network/cni.h"

/* What the bridge plugin (containernetworking-plugins 1.1.1) prints. */
static const char bridge_result[] =
        "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"conman0\",\"mac\":\"6e:d0:d4:fc:6d:a8\"},"
        "{\"name\":\"veth203b0d71\",\"mac\":\"de:35:88:66:80:e6\"},"
        "{\"name\":\"eth0\",\"mac\":\"ce:93:54:56:67:c2\",\"sandbox\":\"/run/netns/t1\"}],"
        "\"ips\":[{\"interface\":2,\"address\":\"10.77.0.2/16\",\"gateway\":\"10.77.0.1\"}],"
        "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}\n";

static CniResult *parse(const char *s) {
        CniResult *r = NULL;
        assert_int_equal(cni_result_parse(s, strlen(s), &r), 0);
        return r;
}

static void refuse(const char *s) {
        CniResult *r = NULL;
        int k = cni_result_parse(s, strlen(s), &r);
        if (k >= 0) {
                cni_result_free(r);
                fail_msg("should be refused: %s", s);
        }
}

static void test_result_bridge(void **state) {
        _cleanup_(cni_result_freep) CniResult *r = parse(bridge_result);
        const CniInterface *iface;
        const CniIp *ip;

        assert_string_equal(r->cni_version, "1.0.0");
        assert_int_equal(r->n_interfaces, 3);
        assert_int_equal(r->n_ips, 1);
        assert_int_equal(cni_result_primary(r, "eth0", &ip, &iface), 0);
        assert_string_equal(ip->address, "10.77.0.2/16");
        assert_string_equal(ip->gateway, "10.77.0.1");
        assert_string_equal(iface->mac, "ce:93:54:56:67:c2");
        assert_string_equal(iface->sandbox, "/run/netns/t1");
}

static void test_result_versions(void **state) {
        /* 0.4.0 has "version" in ips; an IPv6 address first; no interface index; dns */
        _cleanup_(cni_result_freep) CniResult *r =
                parse("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"6\",\"address\":\"fd00::2/64\"},"
                      "{\"version\":\"4\",\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"}],"
                      "\"dns\":{\"nameservers\":[\"10.1.0.1\"],\"search\":[\"corp\"],\"domain\":\"corp\"}}");
        const CniInterface *iface;
        const CniIp *ip;

        assert_int_equal(cni_result_primary(r, "eth0", &ip, &iface), 0);
        assert_string_equal(ip->address, "10.1.0.5/24");
        assert_null(iface);
        assert_string_equal(r->nameservers[0], "10.1.0.1");
        assert_string_equal(r->search[0], "corp");
}

static void test_result_empty(void **state) {
        _cleanup_(cni_result_freep) CniResult *r = parse("{}");
        const CniInterface *iface;
        const CniIp *ip;

        assert_int_equal(cni_result_primary(r, "eth0", &ip, &iface), -ENOENT);
}

static void test_result_malformed(void **state) {
        refuse("");
        refuse("[]");
        refuse("null");
        refuse("{");
        refuse("{} trailing");
        refuse("{\"ips\":{}}");
        refuse("{\"ips\":[{\"address\":\"10.0.0.1\"}]}"); /* no prefix */
        refuse("{\"ips\":[{\"address\":\"10.0.0.1/33\"}]}");
        refuse("{\"ips\":[{\"address\":\"10.0.0.300/24\"}]}");
        refuse("{\"ips\":[{\"address\":7}]}");
        refuse("{\"ips\":[{\"address\":\"10.0.0.1/24\",\"gateway\":\"x\"}]}");
        refuse("{\"ips\":[{\"address\":\"10.0.0.1/24\",\"interface\":0}]}"); /* no such interface */
        refuse("{\"ips\":[{\"address\":\"10.0.0.1/24\",\"interface\":-1}]}");
        refuse("{\"interfaces\":[{\"mac\":\"x\"}]}"); /* no name */
        refuse("{\"interfaces\":[1]}");
        refuse("{\"dns\":{\"nameservers\":[\"not-an-ip\"]}}");
        refuse("{\"dns\":[]}");
        refuse("{\"cniVersion\":1}");
}

static void test_result_nul_and_size(void **state) {
        CniResult *r = NULL;
        char *big;

        assert_int_equal(cni_result_parse("{}\0{}", 5, &r), -EBADMSG);
        big = calloc(1, CNI_OUTPUT_MAX + 2);
        assert_non_null(big);
        memset(big, ' ', CNI_OUTPUT_MAX + 1);
        assert_int_equal(cni_result_parse(big, CNI_OUTPUT_MAX + 1, &r), -E2BIG);
        free(big);
}

static struct json_object *conflist(void) {
        return json_tokener_parse("{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"plugins\":["
                                  "{\"type\":\"bridge\",\"bridge\":\"br1\"},"
                                  "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}},"
                                  "{\"type\":\"firewall\",\"capabilities\":{\"bandwidth\":false}}]}");
}

static void test_plugin_config(void **state) {
        _cleanup_json_ struct json_object *l = conflist(), *prev = json_tokener_parse(bridge_result),
                                          *args = json_tokener_parse(
                                                  "{\"portMappings\":[{\"hostPort\":8080}],"
                                                  "\"bandwidth\":{}}");
        _cleanup_json_ struct json_object *c0 = NULL, *c1 = NULL, *c2 = NULL;
        struct json_object *v;

        assert_int_equal(cni_plugin_config(l, 0, NULL, args, &c0), 0);
        assert_string_equal(json_object_get_string(json_object_object_get(c0, "name")), "net1");
        assert_string_equal(json_object_get_string(json_object_object_get(c0, "cniVersion")), "1.0.0");
        assert_false(json_object_object_get_ex(c0, "prevResult", &v));
        assert_false(json_object_object_get_ex(c0, "runtimeConfig", &v));

        assert_int_equal(cni_plugin_config(l, 1, prev, args, &c1), 0);
        assert_true(json_object_object_get_ex(c1, "prevResult", &v));
        assert_true(json_object_object_get_ex(c1, "runtimeConfig", &v));
        assert_true(json_object_object_get_ex(v, "portMappings", &v));
        assert_false(json_object_object_get_ex(c1, "capabilities", &v));

        /* a capability set to false is not passed */
        assert_int_equal(cni_plugin_config(l, 2, prev, args, &c2), 0);
        assert_false(json_object_object_get_ex(c2, "runtimeConfig", &v));
        assert_int_equal(cni_plugin_config(l, 3, prev, args, &v), -EINVAL);
}

static void test_conflist_validate(void **state) {
        static const char *const bad[] = {
                "[]",
                "{\"name\":\"x\",\"plugins\":[{\"type\":\"bridge\"}]}",
                "{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\"}]}",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[]}",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\"../../bin/sh\"}]}",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{\"type\":\".hidden\"}]}",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[{}]}",
        };
        _cleanup_json_ struct json_object *good = conflist();

        assert_int_equal(cni_conflist_validate(good, NULL), 0);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_json_ struct json_object *j = json_tokener_parse(bad[i]);
                _cleanup_free_ char *msg = NULL;
                assert_int_equal(cni_conflist_validate(j, &msg), -EINVAL);
                assert_non_null(msg);
        }
}

static void test_error_message(void **state) {
        _cleanup_free_ char *a =
                cni_error_message("bridge", 1, "{\"code\":11,\"msg\":\"no IP\",\"details\":\"full\"}");
        _cleanup_free_ char *b = cni_error_message("portmap", 2, "garbage");
        _cleanup_free_ char *c = cni_error_message("loopback", 3, NULL);

        assert_string_equal(a, "CNI plugin bridge failed: no IP (full)");
        assert_non_null(strstr(b, "exit status 2"));
        assert_non_null(strstr(c, "exit status 3"));
}

static void test_missing_plugin(void **state) {
        _cleanup_json_ struct json_object *l = conflist(), *result = NULL;
        _cleanup_free_ char *msg = NULL;
        CniRuntime rt = { .container_id = "abc",
                          .netns = "/nonexistent",
                          .ifname = "eth0",
                          .cni_path = "/nonexistent-cni-dir" };

        assert_int_equal(cni_conflist_add(l, &rt, &result, &msg), -ENOENT);
        assert_non_null(strstr(msg, "not installed"));
        assert_null(result);
}

/* A plugin that echoes its environment back as a result, and keeps its stdin; "failing" errors out. */
static char *make_fake_plugins(void) {
        char tmpl[] = "/tmp/test-cni-XXXXXX", *dir = mkdtemp(tmpl) ? strdup(tmpl) : NULL;
        _cleanup_free_ char *ok = NULL, *bad = NULL;
        FILE *f;

        assert_non_null(dir);
        assert_true(asprintf(&ok, "%s/fake", dir) > 0 && asprintf(&bad, "%s/failing", dir) > 0);
        f = fopen(ok, "we");
        assert_non_null(f);
        fprintf(f,
                "#!/bin/sh\ncat >\"%s/stdin.$CNI_COMMAND\"\n"
                "echo \"{\\\"cniVersion\\\":\\\"1.0.0\\\",\\\"interfaces\\\":[{\\\"name\\\":\\\"$CNI_IFNAME\\\","
                "\\\"sandbox\\\":\\\"$CNI_NETNS\\\",\\\"mac\\\":\\\"$CNI_CONTAINERID\\\"}],"
                "\\\"ips\\\":[{\\\"address\\\":\\\"10.9.0.2/24\\\",\\\"interface\\\":0}]}\"\n",
                dir);
        fclose(f);
        f = fopen(bad, "we");
        assert_non_null(f);
        fprintf(f, "#!/bin/sh\necho '{\"code\":7,\"msg\":\"bad config\"}'\nexit 1\n");
        fclose(f);
        assert_int_equal(chmod(ok, 0755), 0);
        assert_int_equal(chmod(bad, 0755), 0);
        return dir;
}

static void test_fake_plugin(void **state) {
        _cleanup_free_ char *dir = make_fake_plugins(), *msg = NULL, *stdin_add = NULL, *path = NULL;
        _cleanup_json_ struct json_object *l = json_tokener_parse(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"fake\"},{\"type\":\"fake\"}]}");
        _cleanup_json_ struct json_object *bad = json_tokener_parse(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"fake\"},{\"type\":\"failing\"}]}");
        _cleanup_json_ struct json_object *result = NULL, *in = NULL;
        _cleanup_(cni_result_freep) CniResult *r = NULL;
        CniRuntime rt = {
                .container_id = "c0ffee", .netns = "/run/netns/x", .ifname = "eth7", .cni_path = dir
        };

        assert_int_equal(cni_conflist_add(l, &rt, &result, &msg), 0);
        assert_int_equal(cni_result_from_json(result, &r), 0);
        assert_string_equal(r->interfaces[0].name, "eth7");
        assert_string_equal(r->interfaces[0].sandbox, "/run/netns/x");
        assert_string_equal(r->interfaces[0].mac, "c0ffee");
        /* the second plugin got the first one's result as prevResult */
        assert_true(asprintf(&path, "%s/stdin.ADD", dir) > 0);
        assert_int_equal(read_file(path, 1 << 20, &stdin_add, NULL), 0);
        in = json_tokener_parse(stdin_add);
        assert_non_null(json_object_object_get(in, "prevResult"));
        assert_string_equal(json_object_get_string(json_object_object_get(in, "name")), "n");
        assert_int_equal(cni_conflist_del(l, &rt, result, NULL), 0);
        assert_int_equal(cni_conflist_check(l, &rt, result, NULL), 0);

        json_object_put(TAKE_PTR(result));
        assert_int_equal(cni_conflist_add(bad, &rt, &result, &msg), -EPROTO);
        assert_string_equal(msg, "CNI plugin failing failed: bad config");
        (void) rm_rf(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_result_bridge),       cmocka_unit_test(test_result_versions),
                cmocka_unit_test(test_result_empty),        cmocka_unit_test(test_result_malformed),
                cmocka_unit_test(test_result_nul_and_size), cmocka_unit_test(test_plugin_config),
                cmocka_unit_test(test_conflist_validate),   cmocka_unit_test(test_error_message),
                cmocka_unit_test(test_missing_plugin),      cmocka_unit_test(test_fake_plugin),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
