/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-network.c — `conmanctl network create|ls|inspect|rm`: CNI networks containers
 * join with --network NAME (docs/networking.md). A thin client of CreateNetwork,
 * ListNetworks, InspectNetwork and RemoveNetwork.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"

static const char *arg_subnet = NULL;
static const char *arg_gateway = NULL;
static bool arg_quiet = false;
static bool arg_json = false;

static int append_create_options(sd_bus_message *m) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        if (r >= 0 && arg_subnet)
                r = sd_bus_message_append(m, "{sv}", "Subnet", "s", arg_subnet);
        if (r >= 0 && arg_gateway)
                r = sd_bus_message_append(m, "{sv}", "Gateway", "s", arg_gateway);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int network_create(sd_bus *bus, const char *name) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *subnet, *gateway, *bridge;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "CreateNetwork");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = append_create_options(m);
        if (r < 0)
                return log_error_errno(r, "conmanctl: cannot build the request: %m");
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0)
                return ctl_log_bus_error("cannot create network", &error, r);
        r = sd_bus_message_read(reply, "sss", &subnet, &gateway, &bridge);
        if (r < 0)
                return log_error_errno(r, "conmanctl: unexpected reply: %m");
        if (arg_quiet)
                printf("%s\n", name);
        else
                printf("%s (subnet %s, gateway %s, bridge %s)\n", name, subnet, gateway, bridge);
        return 0;
}

static int verb_network_create(int argc, char *argv[]) {
        static const struct option options[] = {
                { "subnet", required_argument, NULL, 's' },
                { "gateway", required_argument, NULL, 'g' },
                { "quiet", no_argument, NULL, 'q' },
                CTL_HELP_OPTION,
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "s:g:qh", options, NULL)) >= 0)
                switch (c) {
                case 's': arg_subnet = optarg; break;
                case 'g': arg_gateway = optarg; break;
                case 'q': arg_quiet = true; break;
                case 'h':
                        printf("Usage: conmanctl network create [--subnet CIDR] [--gateway IP] NAME\n\n"
                               "Create a bridge network (a CNI configuration list). Without --subnet a free\n"
                               "10.78.N.0/24 is chosen; the gateway defaults to the subnet's first address.\n");
                        return 0;
                default: return ctl_usage_error();
                }
        if (argc - optind != 1)
                return log_error_errno(-EINVAL, "conmanctl network create: expected one NAME.");
        r = ctl_bus_open(&bus);
        return r < 0 ? r : network_create(bus, argv[optind]);
}

static int print_network_list(sd_bus_message *reply) {
        const char *name, *bridge, *subnet, *gateway;
        uint32_t users;
        int builtin, r;

        if (!arg_quiet)
                printf("%-20s %-10s %-18s %-15s %s\n", "NAME", "BRIDGE", "SUBNET", "GATEWAY", "CONTAINERS");
        r = sd_bus_message_enter_container(reply, 'a', "(ssssbu)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ssssbu)", &name, &bridge, &subnet, &gateway,
                                                  &builtin, &users)) > 0) {
                if (arg_quiet)
                        printf("%s\n", name);
                else
                        printf("%-20s %-10s %-18s %-15s %u\n", name, bridge, subnet, gateway, users);
        }
        return r < 0 ? log_error_errno(r, "conmanctl: unexpected reply: %m") : 0;
}

static int verb_network_ls(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                CTL_HELP_OPTION,
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "qh", options, NULL)) >= 0)
                switch (c) {
                case 'q': arg_quiet = true; break;
                case 'h':
                        printf("Usage: conmanctl network ls [-q]\n\nList networks: name, bridge, subnet, gateway "
                               "and how many containers use each.\n");
                        return 0;
                default: return ctl_usage_error();
                }
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "ListNetworks", &error, &reply, NULL);
        if (r < 0)
                return ctl_log_bus_error("cannot list networks", &error, r);
        return print_network_list(reply);
}

/* Calls method(name) for each NAME; inspect prints a JSON array. */
static int for_each_name(int argc, char *argv[], const char *method, const char *what) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r, ret = 0;

        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        if (arg_json)
                printf("[");
        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                const char *json;

                r = ctl_call(bus, method, &error, &reply, "s", argv[i]);
                if (r < 0) {
                        ret = ctl_log_bus_error(what, &error, r);
                        continue;
                }
                if (!arg_json)
                        printf("%s\n", argv[i]);
                else if (sd_bus_message_read(reply, "s", &json) >= 0)
                        printf("%s%s", i > optind ? ",\n" : "\n", json);
        }
        if (arg_json)
                printf("\n]\n");
        return ret;
}

static int verb_network_names(int argc, char *argv[], bool inspect) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                if (c != 'h')
                        return ctl_usage_error();
                printf(inspect ? "Usage: conmanctl network inspect NAME...\n\nShow networks and their attached "
                                 "containers as JSON.\n"
                               : "Usage: conmanctl network rm NAME...\n\nRemove networks no container uses.\n");
                return 0;
        }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl network %s: name at least one network.", argv[0]);
        arg_json = inspect;
        return for_each_name(argc, argv, inspect ? "InspectNetwork" : "RemoveNetwork",
                             inspect ? "cannot inspect network" : "cannot remove network");
}

static int verb_network_inspect(int argc, char *argv[]) {
        return verb_network_names(argc, argv, true);
}

static int verb_network_rm(int argc, char *argv[]) {
        return verb_network_names(argc, argv, false);
}

int verb_network(int argc, char *argv[]) {
        static const Verb sub[] = {
                { "create", NULL, verb_network_create }, { "ls", NULL, verb_network_ls },
                { "list", NULL, verb_network_ls },       { "inspect", NULL, verb_network_inspect },
                { "rm", NULL, verb_network_rm },         { "remove", NULL, verb_network_rm },
                { "prune", NULL, verb_network_prune },
        };

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("Usage: conmanctl network VERB [ARGS...]\n\n"
                       "  create [--subnet CIDR] [--gateway IP] NAME   Create a bridge network\n"
                       "  ls                  List networks (conman0 is the built-in default)\n"
                       "  inspect NAME...     Show networks and their containers as JSON\n"
                       "  rm NAME...          Remove networks\n"
                       "  prune [-f]          Remove every network no container uses\n");
                return argc < 2 ? -EINVAL : 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(sub); i++)
                if (streq(sub[i].name, argv[1]))
                        return sub[i].run(argc - 1, argv + 1);
        return log_error_errno(
                -EINVAL, "conmanctl network: unknown verb '%s'. See 'conmanctl network --help'.", argv[1]);
}
