/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-network-options.c — --expose, --add-host, --mac-address, --ip parsing and checks; the free host port
 * choice; the /etc files --add-host and --dns* make. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/network-options.h"
#include "shared/util.h"
#include "network/etc-files.h"
#include "network/free-port.h"
#include "network/ipam.h"

static void test_expose(void **state) {
        _cleanup_strv_free_ char **l = NULL;
        const char *bad[] = { "", "0", "80:80", "70000", "80/sctp", "82-80", "1-1000", "a" };

        assert_int_equal(expose_parse("80", &l), 0);
        assert_int_equal(expose_parse("53/udp", &l), 0);
        assert_int_equal(expose_parse("80/tcp", &l), 0); /* the same port once */
        assert_int_equal(expose_parse("7000-7001", &l), 0);
        assert_int_equal(strv_length(l), 4);
        assert_string_equal(l[0], "80/tcp");
        assert_string_equal(l[1], "53/udp");
        assert_string_equal(l[3], "7001/tcp");
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (expose_parse(bad[i], &l) >= 0)
                        fail_msg("--expose '%s' should be refused", bad[i]);
}

static void test_add_host(void **state) {
        const char *good[][3] = {
                { "db:10.0.0.1", "db", "10.0.0.1" },
                { "db.example.com=10.0.0.1", "db.example.com", "10.0.0.1" },
                { "v6:2001:db8::1", "v6", "2001:db8::1" },
                { "gw:host-gateway", "gw", "host-gateway" },
        };
        const char *bad[] = { "",          "db",           "db:",        ":10.0.0.1",
                              "db:10.0.0", "d b:10.0.0.1", "db:gateway", "a/b:1.2.3.4" };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                _cleanup_free_ char *name = NULL, *ip = NULL;
                assert_int_equal(add_host_parse(good[i][0], &name, &ip), 0);
                assert_string_equal(name, good[i][1]);
                assert_string_equal(ip, good[i][2]);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (add_host_parse(bad[i], NULL, NULL) >= 0)
                        fail_msg("--add-host '%s' should be refused", bad[i]);
}

static void test_mac_address(void **state) {
        const char *bad[] = { "",
                              "02:42:ac:11:00",
                              "02:42:ac:11:00:02:03",
                              "01:00:5e:00:00:01",
                              "00:00:00:00:00:00",
                              "02-42-ac-11-00-02",
                              "02:42:ac:11:00:0g",
                              "2:42:ac:11:00:002",
                              " 2:42:ac:11:00:02" };
        uint8_t mac[6];

        assert_int_equal(mac_address_parse("02:42:AC:11:00:02", mac), 0);
        assert_int_equal(mac[2], 0xac);
        assert_int_equal(mac[5], 2);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (mac_address_parse(bad[i], mac) >= 0)
                        fail_msg("--mac-address '%s' should be refused", bad[i]);
}

static void test_validate(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error e1 = SD_BUS_ERROR_NULL, e2 = SD_BUS_ERROR_NULL;
        char *servers[] = { (char *) "9.9.9.9", (char *) "nope", NULL };
        NetworkOptions o = { .ip = (char *) "10.77.0.300" };

        assert_true(network_options_validate(&o, &e1) < 0);
        assert_non_null(strstr(e1.message, "--ip"));
        o = (NetworkOptions){ .dns_servers = servers };
        assert_true(network_options_validate(&o, &e2) < 0);
        assert_non_null(strstr(e2.message, "--dns 'nope'"));
}

/* 32768 and 32770 are taken. */
static bool fake_taken(PortProtocol protocol, uint16_t port, void *userdata) {
        (*(unsigned *) userdata)++;
        return port == 32768 || port == 32770;
}

static bool all_taken(PortProtocol protocol, uint16_t port, void *userdata) {
        return true;
}

static void test_free_port(void **state) {
        unsigned calls = 0;
        uint16_t p, low, high;

        assert_int_equal(port_choose_free(PORT_PROTOCOL_TCP, 32768, 60999, fake_taken, &calls, &p), 0);
        assert_int_equal(p, 32769);
        assert_int_equal(calls, 2);
        assert_int_equal(port_choose_free(PORT_PROTOCOL_TCP, 32770, 32771, fake_taken, &calls, &p), 0);
        assert_int_equal(p, 32771);
        assert_int_equal(port_choose_free(PORT_PROTOCOL_UDP, 1000, 1010, all_taken, NULL, &p),
                         -EADDRNOTAVAIL);
        assert_int_equal(port_choose_free(PORT_PROTOCOL_UDP, 0, 0, NULL, NULL, &p), -EADDRNOTAVAIL);
        ephemeral_port_range(&low, &high);
        assert_true(low > 0 && low <= high);
}

static void test_fixed_address(void **state) {
        uint32_t net = 0x0a4d0000, gw = 0x0a4d0001; /* 10.77.0.0/16, gateway 10.77.0.1 */

        assert_int_equal(ipam_address_check(net, 16, gw, 0x0a4dc807), 0);     /* 10.77.200.7 */
        assert_int_equal(ipam_address_check(net, 16, gw, gw), -EADDRINUSE);   /* the gateway */
        assert_int_equal(ipam_address_check(net, 16, gw, net), -EDOM);        /* the network */
        assert_int_equal(ipam_address_check(net, 16, gw, 0x0a4dffff), -EDOM); /* broadcast */
        assert_int_equal(ipam_address_check(net, 16, gw, 0x0a630005), -EDOM); /* 10.99.0.5 */
}

static void test_fixed_address_lease(void **state) {
        char dir[] = "/tmp/test-network-options.XXXXXX";
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
        const char *id1 = "1111111111111111111111111111111111111111111111111111111111111111";
        const char *id2 = "2222222222222222222222222222222222222222222222222222222222222222";

        assert_non_null(mkdtemp(dir));
        assert_int_equal(ipam_reserve_address(dir, "n", "10.9.0.0/24", "10.9.0.1", id1, "10.9.0.50", &a), 0);
        assert_string_equal(a, "10.9.0.50");
        assert_int_equal(ipam_reserve_address(dir, "n", "10.9.0.0/24", "10.9.0.1", id2, "10.9.0.50", &b),
                         -EADDRINUSE);
        assert_int_equal(ipam_reserve_address(dir, "n", "10.9.0.0/24", "10.9.0.1", id2, "10.9.1.50", &b),
                         -EDOM);
        assert_int_equal(ipam_reserve(dir, "n", "10.9.0.0/24", "10.9.0.1", id2, &c), 0);
        assert_string_not_equal(c, "10.9.0.50");
        assert_int_equal(ipam_release(dir, NULL, id1), 0);
        assert_int_equal(ipam_release(dir, NULL, id2), 0);
        assert_int_equal(rm_rf(dir), 0);
}

static void test_etc_files(void **state) {
        _cleanup_free_ char *hosts = NULL, *resolv = NULL;
        char *add[] = { (char *) "db:10.0.0.9", (char *) "gw:host-gateway", NULL };
        char *servers[] = { (char *) "9.9.9.9", NULL }, *opts[] = { (char *) "ndots:2", NULL };

        assert_int_equal(hosts_add_extra("127.0.0.1\tlocalhost", add, "10.77.0.1", &hosts), 0);
        assert_string_equal(hosts, "127.0.0.1\tlocalhost\n10.0.0.9\tdb\n10.77.0.1\tgw\n");
        assert_int_equal(hosts_add_extra("", add, NULL, &resolv), -EADDRNOTAVAIL);
        assert_int_equal(resolv_conf_override("# h\n", servers, NULL, opts,
                                              "nameserver 8.8.8.8\nsearch a.example\noptions edns0\n",
                                              &resolv),
                         0);
        assert_string_equal(resolv, "# h\nsearch a.example\nnameserver 9.9.9.9\noptions ndots:2\n");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_expose),
                cmocka_unit_test(test_add_host),
                cmocka_unit_test(test_mac_address),
                cmocka_unit_test(test_validate),
                cmocka_unit_test(test_free_port),
                cmocka_unit_test(test_fixed_address),
                cmocka_unit_test(test_fixed_address_lease),
                cmocka_unit_test(test_etc_files),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
