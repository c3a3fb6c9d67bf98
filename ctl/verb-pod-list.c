/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-pod-list.c — `conmanctl pod ps` (a table, ids, JSON or a --format template over ListPods),
 * `pod inspect` (InspectPod's JSON documents) and `pod top` (the processes in the pod's slice, from
 * systemd's GetUnitProcesses); and the pod lookups other verbs share (ctl.h): ps --pod and
 * generate unit.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "list-format.h"
#include "template.h"

typedef struct PodEntry {
        const char *id, *name, *state, *path;
        uint64_t created;
        uint32_t containers;
} PodEntry;

static int read_pod_entry(sd_bus_message *reply, PodEntry *e) {
        return sd_bus_message_read(reply, "(ssstuo)", &e->id, &e->name, &e->state, &e->created,
                                   &e->containers, &e->path);
}

int ctl_pod_containers(sd_bus *bus, const char *path, char ***ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_get_property_strv(bus, "io.conman1", path, "io.conman1.Pod", "Containers", &error,
                                         ret);
        return r < 0 ? ctl_log_bus_error("cannot read a pod's containers", &error, r) : 0;
}

static int add_members(sd_bus *bus, const PodEntry *e, struct json_object *map) {
        _cleanup_strv_free_ char **ids = NULL;
        int r;

        r = ctl_pod_containers(bus, e->path, &ids);
        if (r < 0)
                return r;
        for (char **id = ids; id && *id; id++) {
                struct json_object *o = json_object_new_object();
                if (!o)
                        return log_oom();
                json_object_object_add(o, "Pod", json_object_new_string(e->id));
                json_object_object_add(o, "PodName", json_object_new_string(e->name));
                json_object_object_add(map, *id, o);
        }
        return 0;
}

int ctl_pod_membership(sd_bus *bus, struct json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *map = json_object_new_object();
        PodEntry e;
        int r;

        if (!map)
                return log_oom();
        r = ctl_call(bus, "ListPods", &error, &reply, NULL);
        if (r < 0)
                return ctl_log_bus_error("cannot list pods", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(ssstuo)");
        while (r >= 0 && (r = read_pod_entry(reply, &e)) > 0) {
                r = add_members(bus, &e, map);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl: malformed ListPods reply: %m");
        *ret = TAKE_PTR(map);
        return 0;
}

/* "running" → "Running", as podman's STATUS column. */
static void format_pod_status(const char *state, char *buf, size_t size) {
        snprintf(buf, size, "%s", state);
        if (buf[0] >= 'a' && buf[0] <= 'z')
                buf[0] -= 'a' - 'A';
}

static struct json_object *pod_entry_json(const PodEntry *e) {
        struct json_object *o = json_object_new_object();
        char status[32], ts[40];

        format_pod_status(e->state, status, sizeof(status));
        json_object_object_add(o, "Id", json_object_new_string(e->id));
        json_object_object_add(o, "Name", json_object_new_string(e->name));
        json_object_object_add(o, "Status", json_object_new_string(status));
        json_object_object_add(o, "State", json_object_new_string(e->state));
        json_object_object_add(o, "Created", json_object_new_string(format_timestamp(e->created, ts)));
        json_object_object_add(o, "NumberOfContainers", json_object_new_int64(e->containers));
        return o;
}

/* For --format templates: the JSON keys plus podman's .ID (short unless --no-trunc), .Created as an
 * age and .CreatedAt as the timestamp. */
static struct json_object *pod_entry_template_json(const PodEntry *e, bool no_trunc) {
        struct json_object *o = pod_entry_json(e);
        char age[40], ts[40];

        json_object_object_add(
                o, "ID",
                json_object_new_string_len(e->id, no_trunc ? (int) strlen(e->id) : (int) strnlen(e->id, 12)));
        json_object_object_add(o, "Created", json_object_new_string(format_age(e->created, age)));
        json_object_object_add(o, "CreatedAt", json_object_new_string(format_timestamp(e->created, ts)));
        return o;
}

static struct json_object *pod_ps_header(void) {
        static const char *const titles[] = {
                "ID",
                "POD ID",
                "Id",
                "POD ID",
                "Name",
                "NAME",
                "Status",
                "STATUS",
                "State",
                "STATE",
                "Created",
                "CREATED",
                "CreatedAt",
                "CREATED AT",
                "NumberOfContainers",
                "# OF CONTAINERS",
        };

        return list_format_header(titles, ELEMENTSOF(titles));
}

static void print_pod_row(const PodEntry *e, bool no_trunc) {
        char status[32], age[40];

        format_pod_status(e->state, status, sizeof(status));
        printf("%-*.*s  %-20s %-10s %-16s %u\n", no_trunc ? 64 : 12, no_trunc ? 64 : 12, e->id, e->name,
               status, format_age(e->created, age), e->containers);
}

typedef struct PodPsArgs {
        bool quiet, no_trunc, json;
        const char *format;
} PodPsArgs;

static int parse_pod_ps_args(int argc, char *argv[], PodPsArgs *a) {
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                { "no-trunc", no_argument, NULL, 'T' },
                { "format", required_argument, NULL, 'f' },
                CTL_HELP_OPTION,
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "qh", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl pod ps [-q] [--no-trunc] [--format json|TEMPLATE]\n\n"
                               "List pods.\n\n"
                               "  -q, --quiet            Print only the ids\n"
                               "      --no-trunc         Print whole ids\n"
                               "      --format json      Print a JSON array\n"
                               "      --format TEMPLATE  Print each pod through a Go template, e.g.\n"
                               "                         '{{.Name}} {{.Status}}' or 'table {{.ID}}\\t{{.Name}}'\n"
                               "                         (fields: .ID .Id .Name .Status .State .Created\n"
                               "                         .CreatedAt .NumberOfContainers)\n");
                        return 0;
                case 'q': a->quiet = true; break;
                case 'T': a->no_trunc = true; break;
                case 'f':
                        a->json = streq(optarg, "json");
                        a->format = a->json || streq(optarg, "table") ? NULL : optarg;
                        break;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl pod ps: takes no arguments.");
        if (a->quiet)
                a->json = false, a->format = NULL; /* -q wins over --format, as in ps */
        return 1;
}

static int print_pods(sd_bus_message *reply, const PodPsArgs *a, const Template *tmpl) {
        _cleanup_json_ struct json_object *array = json_object_new_array();
        _cleanup_json_ struct json_object *header = NULL;
        PodEntry e;
        int r;

        if (!a->json && !tmpl && !a->quiet)
                printf("%-*s  %-20s %-10s %-16s %s\n", a->no_trunc ? 64 : 12, "POD ID", "NAME", "STATUS",
                       "CREATED", "# OF CONTAINERS");
        r = sd_bus_message_enter_container(reply, 'a', "(ssstuo)");
        while (r >= 0 && (r = read_pod_entry(reply, &e)) > 0) {
                if (a->json)
                        json_object_array_add(array, pod_entry_json(&e));
                else if (tmpl)
                        json_object_array_add(array, pod_entry_template_json(&e, a->no_trunc));
                else if (a->quiet)
                        printf("%.*s\n", a->no_trunc ? 64 : 12, e.id);
                else
                        print_pod_row(&e, a->no_trunc);
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl pod ps: malformed reply: %m");
        if (tmpl) {
                header = pod_ps_header();
                return template_print_items("conmanctl pod ps", tmpl, array, header, stdout);
        }
        if (a->json)
                printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY |
                                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
        return 0;
}

int verb_pod_ps(int argc, char *argv[]) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(template_freep) Template *tmpl = NULL;
        PodPsArgs a = {};
        int r;

        r = parse_pod_ps_args(argc, argv, &a);
        if (r <= 0)
                return r;
        if (a.format) { /* parsed before calling the daemon, so that a bad template fails alone */
                r = template_parse_or_log("conmanctl pod ps", a.format, &tmpl);
                if (r < 0)
                        return r;
                if (template_is_empty(tmpl))
                        tmpl = template_free(tmpl);
        }
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "ListPods", &error, &reply, NULL);
        if (r < 0)
                return ctl_log_bus_error("cannot list pods", &error, r);
        return print_pods(reply, &a, tmpl);
}

int verb_pod_inspect(int argc, char *argv[]) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                CTL_HELP_OPTION,
                {},
        };
        static const CtlInspect what = { "conmanctl pod inspect", "InspectPod", "pod" };
        const char *format = NULL;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "f:h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl pod inspect [-f TEMPLATE] POD...\n\n"
                               "Print pods' details as a JSON array, or each through a template.\n\n"
                               "  -f, --format TEMPLATE  Print each document through a Go template, e.g.\n"
                               "                         '{{.State}}' or '{{json .Containers}}'\n"
                               "                         ('json' prints the JSON array)\n");
                        return 0;
                case 'f': format = streq(optarg, "json") ? NULL : optarg; break;
                default: return ctl_usage_error();
                }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl pod inspect: name at least one pod.");
        return ctl_inspect_print(&what, argv + optind, format);
}
