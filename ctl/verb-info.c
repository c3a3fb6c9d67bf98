/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-info.c — `conmanctl version` and `conmanctl info`: what the client and the
 * daemon are, read from io.conman1.Manager's properties.
 */
#include <getopt.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include "conman-config.h"
#include "shared/log.h"
#include "ctl.h"
#include "list-format.h"

/* Parses the verb's only option, --help. Returns 0 when help was printed, 1 to go on, <0 on error. */
static int parse_help_only(int argc, char *argv[], const char *usage) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h': fputs(usage, stdout); return 0;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl: %s takes no arguments.", argv[0]);
        return 1;
}

static int get_manager_string(sd_bus *bus, const char *property, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_get_property_string(bus, "io.conman1", "/io/conman1", "io.conman1.Manager", property,
                                       &error, ret);
        if (r < 0)
                return ctl_log_bus_error("cannot read daemon facts", &error, r);
        return 0;
}

/* Like docker's, the client's version is printed without a daemon; the daemon's is added when it answers. */
int verb_version(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *daemon_version = NULL;
        int r;

        r = parse_help_only(argc, argv,
                            "Usage: conmanctl version\n\n"
                            "Print the client's version and, when conmand answers, the daemon's. Exits 0\n"
                            "without a daemon too (`conmanctl --version` is the same).\n\n"
                            "  -h, --help   Show this help\n");
        if (r <= 0)
                return r;

        printf("Client: conmanctl %s\n", CONMAN_VERSION);
        fflush(stdout);
        r = getenv("CONMAN_BUS_ADDRESS") ? ctl_bus_open(&bus) : sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                               "Version", &error, &daemon_version);
        if (r < 0)
                fprintf(stderr, "Daemon: not reachable (%s)\n", error.message ?: strerror(-r));
        else
                printf("Daemon: conmand %s\n", daemon_version);
        return 0;
}

/* Counts the containers by state (ListContainers) into docker's Containers* fields. */
static int add_container_counts(sd_bus *bus, struct json_object *doc) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int64_t all = 0, running = 0, paused = 0;
        const char *state;
        int r;

        r = ctl_call(bus, "ListContainers", &error, &reply, "b", 1);
        if (r < 0)
                return ctl_log_bus_error("cannot list containers", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(sssssitttuso)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sssssitttuso)", NULL, NULL, NULL, NULL, &state,
                                                  NULL, NULL, NULL, NULL, NULL, NULL, NULL)) > 0) {
                all++;
                running += streq(state, "running");
                paused += streq(state, "paused");
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl info: malformed reply: %m");
        json_object_object_add(doc, "Containers", json_object_new_int64(all));
        json_object_object_add(doc, "ContainersRunning", json_object_new_int64(running));
        json_object_object_add(doc, "ContainersPaused", json_object_new_int64(paused));
        json_object_object_add(doc, "ContainersStopped", json_object_new_int64(all - running - paused));
        return 0;
}

static int add_image_count(sd_bus *bus, struct json_object *doc) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int64_t n = 0;
        int r;

        r = ctl_call(bus, "ListImages", &error, &reply, NULL);
        if (r < 0)
                return ctl_log_bus_error("cannot list images", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(sasstto)");
        while (r >= 0 && (r = sd_bus_message_skip(reply, "(sasstto)")) > 0)
                n++;
        if (r < 0)
                return log_error_errno(r, "conmanctl info: malformed reply: %m");
        json_object_object_add(doc, "Images", json_object_new_int64(n));
        return 0;
}

/* What this host is, as docker's info says it: cgroup version (the hierarchy mounted at /sys/fs/cgroup,
 * which conmand shares), kernel, architecture, host name. */
static void add_host_facts(struct json_object *doc) {
        struct statfs fs;
        struct utsname u;

        json_object_object_add(doc, "Driver", json_object_new_string("overlay"));
        json_object_object_add(doc, "CgroupDriver", json_object_new_string("systemd"));
        json_object_object_add(
                doc, "CgroupVersion",
                json_object_new_string(
                        statfs("/sys/fs/cgroup", &fs) >= 0 && fs.f_type == CGROUP2_SUPER_MAGIC ? "2" : "1"));
        json_object_object_add(doc, "OSType", json_object_new_string("linux"));
        if (uname(&u) < 0)
                return;
        json_object_object_add(doc, "KernelVersion", json_object_new_string(u.release));
        json_object_object_add(doc, "Architecture", json_object_new_string(u.machine));
        json_object_object_add(doc, "Name", json_object_new_string(u.nodename));
}

/* The info document: docker's field names where docker has the fact, conman's own otherwise. */
static int info_document(sd_bus *bus, struct json_object **ret) {
        static const char *const props[][2] = {
                { "Version", "ServerVersion" },
                { "StateDirectory", "StateDirectory" },
                { "DefaultRuntime", "DefaultRuntime" },
                { "SystemdVersion", "SystemdVersion" },
        };
        _cleanup_json_ struct json_object *doc = json_object_new_object();
        int r;

        json_object_object_add(doc, "ClientVersion", json_object_new_string(CONMAN_VERSION));
        for (size_t i = 0; i < ELEMENTSOF(props); i++) {
                _cleanup_free_ char *v = NULL;
                r = get_manager_string(bus, props[i][0], &v);
                if (r < 0)
                        return r;
                json_object_object_add(doc, props[i][1], json_object_new_string(v));
        }
        r = add_container_counts(bus, doc);
        if (r >= 0)
                r = add_image_count(bus, doc);
        if (r < 0)
                return r;
        add_host_facts(doc);
        *ret = TAKE_PTR(doc);
        return 0;
}

static const char *doc_string(struct json_object *doc, const char *key) {
        struct json_object *v;
        return json_object_object_get_ex(doc, key, &v) ? json_object_get_string(v) : "";
}

static void print_info(struct json_object *doc) {
        static const char *const lines[][2] = {
                { "ClientVersion", "Client version" },   { "ServerVersion", "Daemon version" },
                { "StateDirectory", "State directory" }, { "DefaultRuntime", "Default runtime" },
                { "SystemdVersion", "systemd version" }, { "CgroupVersion", "Cgroup version" },
                { "Driver", "Storage driver" },          { "Images", "Images" },
        };

        for (size_t i = 0; i < ELEMENTSOF(lines); i++)
                printf("%-17s: %s\n", lines[i][1], doc_string(doc, lines[i][0]));
        printf("%-17s: %s (running %s, paused %s, stopped %s)\n", "Containers", doc_string(doc, "Containers"),
               doc_string(doc, "ContainersRunning"), doc_string(doc, "ContainersPaused"),
               doc_string(doc, "ContainersStopped"));
}

static int parse_info_args(int argc, char *argv[], ListFormat *format) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                CTL_HELP_OPTION,
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "f:h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl info [-f json|TEMPLATE]\n\n"
                               "Print facts about the daemon: versions, where it keeps state, the default OCI\n"
                               "runtime, the systemd it drives, the cgroup version, and how many containers\n"
                               "and images it knows.\n\n"
                               "  -f, --format json      Print a JSON document\n"
                               "  -f, --format TEMPLATE  Print through a Go template, e.g. '{{.ServerVersion}}' or\n"
                               "                         '{{json .}}' (fields: .ClientVersion .ServerVersion\n"
                               "                         .Containers .ContainersRunning .ContainersPaused\n"
                               "                         .ContainersStopped .Images .Driver .CgroupDriver\n"
                               "                         .CgroupVersion .DefaultRuntime .StateDirectory\n"
                               "                         .SystemdVersion .OSType .KernelVersion .Architecture\n"
                               "                         .Name)\n");
                        return 0;
                case 'f': list_format_set(format, optarg); break;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl: info takes no arguments.");
        return 1;
}

static int info(ListFormat *format) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_json_ struct json_object *doc = NULL, *items = NULL;
        int r;

        r = list_format_prepare(format, "conmanctl info");
        if (r >= 0)
                r = ctl_bus_open(&bus);
        if (r >= 0)
                r = info_document(bus, &doc);
        if (r < 0)
                return r;
        if (format->json)
                list_format_print_json(doc);
        else if (!format->tmpl)
                print_info(doc);
        else if (!(items = json_object_new_array()) || json_object_array_add(items, json_object_get(doc)) < 0)
                return log_oom();
        else
                return list_format_print(format, "conmanctl info", items, NULL, 0);
        return 0;
}

int verb_info(int argc, char *argv[]) {
        ListFormat format = {};
        int r;

        r = parse_info_args(argc, argv, &format);
        if (r > 0)
                r = info(&format);
        list_format_done(&format);
        return r;
}
