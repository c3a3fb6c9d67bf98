/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-util-parsers.c — the parsers of values users type (util.c: sizes, CPU counts,
 * durations, signals, integers; restart policies; published ports and ranges; --expose, --add-host,
 * --mac-address) on arbitrary strings,
 * with round trips where there is a canonical spelling.
 */
#include <signal.h>
#include <stdint.h>

#include "shared/container-spec.h"
#include "shared/macro.h"
#include "shared/network-options.h"
#include "shared/network-spec.h"
#include "shared/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_signal(const char *s) {
        int sig = signal_from_string(s);
        const char *name;

        if (sig == -EINVAL)
                return;
        if (sig <= 0 || sig >= _NSIG)
                abort();
        name = signal_to_string(sig);
        if (name && signal_from_string(name) != sig)
                abort();
}

static void check_port(const char *s) {
        _cleanup_free_ char *out = NULL, *out2 = NULL;
        PortMapping p, p2;

        if (port_mapping_parse(s, &p) < 0)
                return;
        if (port_mapping_format(&p, &out) < 0)
                abort();
        /* the canonical spelling parses to itself */
        if (port_mapping_parse(out, &p2) < 0 || port_mapping_format(&p2, &out2) < 0 || !streq(out, out2))
                abort();
}

/* A range expands to mappings each of which has a canonical spelling of one port. */
static void check_port_range(const char *s) {
        _cleanup_free_ PortMapping *l = NULL;
        size_t n;

        if (port_mappings_parse(s, &l, &n) < 0)
                return;
        if (n == 0 || n > NETWORK_PORTS_MAX)
                abort();
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *out = NULL;
                PortMapping p;
                if (l[i].container_port == 0 || port_mapping_format(&l[i], &out) < 0 ||
                    port_mapping_parse(out, &p) < 0 || p.container_port != l[i].container_port ||
                    p.host_port != l[i].host_port)
                        abort();
        }
}

static void check_network_options(const char *s) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *name = NULL, *ip = NULL;
        uint8_t mac[6];

        if (expose_parse(s, &l) >= 0 && (!l || !strchr(l[0], '/')))
                abort();
        if (add_host_parse(s, &name, &ip) >= 0 && (isempty(name) || isempty(ip)))
                abort();
        if (mac_address_parse(s, mac) >= 0 && (mac[0] & 1))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = strndup((const char *) data, size);
        uint64_t u;
        unsigned retries;
        RestartPolicy policy;
        int i;

        if (!s)
                return 0;
        (void) parse_size(s, &u);
        if (parse_cpus(s, &u) >= 0 && u > 4096 * USEC_PER_SEC + 1)
                abort();
        if (parse_duration(s, &u) >= 0 && u >= UINT64_C(1000000000000000000))
                abort();
        (void) safe_atou64(s, &u);
        (void) safe_atoi(s, &i);
        check_signal(s);
        if (restart_policy_parse(s, &policy, &retries) >= 0 &&
            (policy < 0 || policy >= _RESTART_POLICY_MAX || !restart_policy_to_string(policy)))
                abort();
        (void) network_mode_from_string(s);
        check_port(s);
        check_port_range(s);
        check_network_options(s);
        return 0;
}
