/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-netns — sets up and tears down a container's network, for ExecStartPre=/
 * ExecStopPost= of its unit, so the network lives exactly as long as the unit and
 * does not depend on conmand running (network-attach.h has the details):
 *
 *   conman-netns setup [--network NAME] [--name NAME] [--hostname H] [-p PORT]... ID
 *   conman-netns teardown ID
 *   conman-netns check ID
 *
 * --state-dir/--run-dir name conmand's directories (default: the build's).
 */
#include <getopt.h>

#include "conman-config.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "network/network-attach.h"

static const char *arg_state_dir = CONMAN_STATE_DIR;
static const char *arg_run_dir = CONMAN_RUN_DIR;
static const char *arg_network = NULL;
static const char *arg_name = NULL;
static const char *arg_hostname = NULL;
static char **arg_ports = NULL;
static char **arg_aliases = NULL;
static NetworkOptions arg_options = {};

static int help(void) {
        printf("Usage: conman-netns setup [OPTIONS] ID\n"
               "       conman-netns teardown ID\n"
               "       conman-netns check ID\n\n"
               "Attach container ID to a network in its own network namespace /run/netns/conman-<id12>\n"
               "(conman's own networks with the native bridge driver, others through CNI), or detach it\n"
               "again (idempotent).\n\n"
               "  --network NAME    Network to join (default " NETWORK_DEFAULT_NAME ")\n"
               "  --name NAME       The container's name, by which peers find it\n"
               "  --hostname NAME   The container's host name (default: the short id)\n"
               "  --alias NAME      Another name by which peers find it (repeatable)\n"
               "  -p, --publish P   [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp] (repeatable)\n"
               "  --add-host NAME:IP  A line of /etc/hosts; IP host-gateway: the gateway (repeatable)\n"
               "  --dns IP, --dns-search DOMAIN, --dns-option OPT  resolv.conf lines (repeatable)\n"
               "  --ip ADDRESS      A fixed address (native networks)\n"
               "  --mac-address MAC  eth0's MAC address (native networks)\n"
               "  --state-dir DIR   conmand's state directory (default " CONMAN_STATE_DIR ")\n"
               "  --run-dir DIR     conmand's runtime directory (default " CONMAN_RUN_DIR ")\n");
        return 0;
}

enum {
        ARG_NETWORK = 0x100,
        ARG_NAME,
        ARG_HOSTNAME,
        ARG_ALIAS,
        ARG_STATE_DIR,
        ARG_RUN_DIR,
        ARG_HELP,
        ARG_ADD_HOST,
        ARG_DNS,
        ARG_DNS_SEARCH,
        ARG_DNS_OPTION,
        ARG_IP,
        ARG_MAC_ADDRESS,
};

/* --add-host ... --mac-address (in the enum's order), checked in validate(). */
static int parse_option(int c, const char *v) {
        char ***lists[] = { &arg_options.add_hosts, &arg_options.dns_servers, &arg_options.dns_searches,
                            &arg_options.dns_options };
        char **strings[] = { &arg_options.ip, &arg_options.mac_address };
        unsigned i = (unsigned) (c - ARG_ADD_HOST);

        if (i < ELEMENTSOF(lists))
                return strv_push(lists[i], v);
        i -= ELEMENTSOF(lists);
        free(*strings[i]);
        *strings[i] = strdup(v);
        return *strings[i] ? 0 : -ENOMEM;
}

static int parse_argv(int argc, char *argv[]) {
        static const struct option options[] = {
                { "network", required_argument, NULL, ARG_NETWORK },
                { "name", required_argument, NULL, ARG_NAME },
                { "hostname", required_argument, NULL, ARG_HOSTNAME },
                { "alias", required_argument, NULL, ARG_ALIAS },
                { "publish", required_argument, NULL, 'p' },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                { "help", no_argument, NULL, ARG_HELP },
                { "add-host", required_argument, NULL, ARG_ADD_HOST },
                { "dns", required_argument, NULL, ARG_DNS },
                { "dns-search", required_argument, NULL, ARG_DNS_SEARCH },
                { "dns-option", required_argument, NULL, ARG_DNS_OPTION },
                { "ip", required_argument, NULL, ARG_IP },
                { "mac-address", required_argument, NULL, ARG_MAC_ADDRESS },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "p:", options, NULL)) >= 0)
                switch (c) {
                case ARG_NETWORK: arg_network = optarg; break;
                case ARG_NAME: arg_name = optarg; break;
                case ARG_HOSTNAME: arg_hostname = optarg; break;
                case ARG_ALIAS:
                        if (strv_push(&arg_aliases, optarg) < 0)
                                return log_oom();
                        break;
                case 'p':
                        if (strv_push(&arg_ports, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_STATE_DIR: arg_state_dir = optarg; break;
                case ARG_RUN_DIR: arg_run_dir = optarg; break;
                case ARG_HELP: return help();
                case ARG_ADD_HOST ... ARG_MAC_ADDRESS:
                        if (parse_option(c, optarg) < 0)
                                return log_oom();
                        break;
                default: return -EINVAL;
                }
        return 1;
}

static int validate(const char *verb, const char *id) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (!container_id_is_valid(id))
                return log_error_errno(-EINVAL, "conman-netns: '%s' is not a container id.", id);
        if (arg_network && !network_name_is_valid(arg_network))
                return log_error_errno(-EINVAL, "conman-netns: invalid network name '%s'.", arg_network);
        for (char **a = arg_aliases; a && *a; a++)
                if (!dns_name_is_valid(*a))
                        return log_error_errno(-EINVAL, "conman-netns: invalid alias '%s'.", *a);
        for (char **p = arg_ports; p && *p; p++) {
                PortMapping pm;
                if (port_mapping_parse(*p, &pm) < 0)
                        return log_error_errno(-EINVAL, "conman-netns: invalid port '%s'.", *p);
        }
        if (network_options_validate(&arg_options, &error) < 0)
                return log_error_errno(-EINVAL, "conman-netns: %s", error.message);
        if (!streq(verb, "setup") && !streq(verb, "teardown") && !streq(verb, "check"))
                return log_error_errno(-EINVAL, "conman-netns: unknown verb '%s'; see --help.", verb);
        return 0;
}

static int run(const char *verb, const char *id) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_free_ char *message = NULL;
        int r;

        r = network_context_init(&ctx, arg_state_dir, arg_run_dir);
        if (r < 0)
                return log_oom();
        if (streq(verb, "setup")) {
                NetworkAttachRequest req = { .container_id = id,
                                             .network = arg_network,
                                             .name = arg_name ?: id,
                                             .hostname = arg_hostname,
                                             .aliases = arg_aliases,
                                             .ports = arg_ports,
                                             .options = &arg_options };
                r = network_attach(&ctx, &req, &message);
        } else if (streq(verb, "teardown"))
                r = network_detach(&ctx, id, &message);
        else
                r = network_check(&ctx, id, &message);
        if (r < 0 && message)
                return log_error_errno(r, "conman-netns %s %.12s failed: %s", verb, id, message);
        if (r < 0)
                return log_error_errno(r, "conman-netns %s %.12s failed: %m", verb, id);
        return 0;
}

int main(int argc, char *argv[]) {
        int r;

        log_setup("conman-netns", LOG_TARGET_AUTO);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        if (argc - optind != 2)
                return log_error("conman-netns: expected a verb and a container id; see --help."),
                       EXIT_FAILURE;
        r = validate(argv[optind], argv[optind + 1]);
        if (r >= 0)
                r = run(argv[optind], argv[optind + 1]);
        strv_freep(&arg_ports);
        strv_freep(&arg_aliases);
        network_options_done(&arg_options);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
