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
#include "list-format.h"

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

typedef struct NetworkEntry {
        const char *name, *bridge, *subnet, *gateway;
        int builtin;
        uint32_t users;
} NetworkEntry;

/* docker's `network ls --format` fields; a network's name is its id (conman networks have no other). The
 * driver is as InspectNetwork's: "bridge" for a bridge conman made, "cni" for a CNI list given as is. */
static struct json_object *network_entry_json(const NetworkEntry *e) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "ID", json_object_new_string(e->name));
        json_object_object_add(o, "Name", json_object_new_string(e->name));
        json_object_object_add(o, "Driver", json_object_new_string(*e->bridge ? "bridge" : "cni"));
        json_object_object_add(o, "Scope", json_object_new_string("local"));
        json_object_object_add(o, "Bridge", json_object_new_string(e->bridge));
        json_object_object_add(o, "Subnet", json_object_new_string(e->subnet));
        json_object_object_add(o, "Gateway", json_object_new_string(e->gateway));
        json_object_object_add(o, "Builtin", json_object_new_boolean(e->builtin));
        json_object_object_add(o, "Containers", json_object_new_int64(e->users));
        json_object_object_add(o, "Labels", json_object_new_string(""));
        json_object_object_add(o, "IPv6", json_object_new_boolean(false));
        json_object_object_add(o, "Internal", json_object_new_boolean(false));
        return o;
}

static const char *const network_ls_titles[] = {
        "ID",      "NETWORK ID", "Name",   "NAME",   "Driver",     "DRIVER",     "Scope",    "SCOPE",
        "Bridge",  "BRIDGE",     "Subnet", "SUBNET", "Gateway",    "GATEWAY",    "Labels",   "LABELS",
        "Builtin", "BUILTIN",    "IPv6",   "IPV6",   "Containers", "CONTAINERS", "Internal", "INTERNAL",
};

static bool network_entry_wanted(const NetworkEntry *e, const ListArgs *a) {
        NetworkFilterItem item = { .id = e->name, .name = e->name, .driver = *e->bridge ? "bridge" : "cni" };

        return network_filters_match(&a->filters, &item);
}

static int print_network_list(sd_bus_message *reply, const ListArgs *a) {
        _cleanup_json_ struct json_object *array = json_object_new_array();
        NetworkEntry e;
        int r;

        if (!a->quiet && !list_format_custom(&a->format))
                printf("%-20s %-10s %-18s %-15s %s\n", "NAME", "BRIDGE", "SUBNET", "GATEWAY", "CONTAINERS");
        r = sd_bus_message_enter_container(reply, 'a', "(ssssbu)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ssssbu)", &e.name, &e.bridge, &e.subnet,
                                                  &e.gateway, &e.builtin, &e.users)) > 0) {
                if (!network_entry_wanted(&e, a))
                        continue;
                if (a->quiet)
                        printf("%s\n", e.name);
                else if (list_format_custom(&a->format))
                        json_object_array_add(array, network_entry_json(&e));
                else
                        printf("%-20s %-10s %-18s %-15s %u\n", e.name, e.bridge, e.subnet, e.gateway,
                               e.users);
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl: unexpected reply: %m");
        return list_format_print(&a->format, "conmanctl network ls", array, network_ls_titles,
                                 ELEMENTSOF(network_ls_titles));
}

static int parse_network_ls_args(int argc, char *argv[], ListArgs *a) {
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                { "format", required_argument, NULL, 'F' },
                { "filter", required_argument, NULL, 'f' },
                CTL_HELP_OPTION,
                {},
        };
        const char *message;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "qf:h", options, NULL)) >= 0)
                switch (c) {
                case 'q': a->quiet = true; break;
                case 'F': list_format_set(&a->format, optarg); break;
                case 'f':
                        if (list_filters_add(&a->filters, optarg, &message) < 0)
                                return log_error_errno(ctl_usage_error(),
                                                       "conmanctl network ls: --filter '%s': %s (driver, id, "
                                                       "label, name).",
                                                       optarg, message);
                        break;
                case 'h':
                        printf("Usage: conmanctl network ls [-q] [-f KEY=VALUE]... [--format json|TEMPLATE]\n\n"
                               "List networks: name, bridge, subnet, gateway and how many containers use each.\n\n"
                               "  -q, --quiet            Print only the names\n"
                               "  -f, --filter KEY=VALUE Only networks that match (repeatable; values of one\n"
                               "                         key are alternatives): name=REGEXP, id=PREFIX,\n"
                               "                         driver=bridge|cni, label=KEY[=VALUE] (networks have\n"
                               "                         no labels: matches none)\n"
                               "      --format json      Print a JSON array\n"
                               "      --format TEMPLATE  Print each network through a Go template, e.g.\n"
                               "                         'table {{.Name}}\\t{{.Subnet}}' (fields: .ID (the name)\n"
                               "                         .Name .Driver .Scope .Bridge .Subnet .Gateway .Labels\n"
                               "                         .Builtin .IPv6 .Internal .Containers)\n");
                        return 0;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl network ls: takes no arguments.");
        if (a->quiet)
                a->format = (ListFormat){};
        return 1;
}

static int verb_network_ls(int argc, char *argv[]) {
        ListArgs a = { .filters.keys = network_filter_keys };
        int r;

        r = parse_network_ls_args(argc, argv, &a);
        if (r > 0)
                r = list_args_run(&a, "conmanctl network ls", "ListNetworks", "cannot list networks",
                                  print_network_list);
        list_args_done(&a);
        return r;
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
                       "  ls [-q] [-f KEY=VALUE] [--format F]          List networks (conman0 is built in)\n"
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
