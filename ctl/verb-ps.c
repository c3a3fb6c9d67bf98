/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-ps.c — `conmanctl ps` (a table, ids, or JSON from ListContainers) and
 * `conmanctl inspect` (the JSON document of InspectContainer); either through a --format
 * template (template.c) with docker's field names. `ps --pod` adds the pod of each container (from
 * ListPods and each pod's Containers, verb-pod-list.c), as podman's does.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "template.h"

typedef struct PsEntry {
        const char *id, *name, *image, *command, *state, *unit;
        const char *pod_id, *pod_name; /* "" outside a pod */
        int32_t exit_code;
        uint64_t created, started, finished;
        uint32_t pid;
} PsEntry;

static void format_status(const PsEntry *e, char *buf, size_t size) {
        char age[40];

        if (streq(e->state, "running"))
                snprintf(buf, size, "Up %s", format_age(e->started, age));
        else if (streq(e->state, "paused")) /* docker's "Up 5 seconds (Paused)" */
                snprintf(buf, size, "Up %s (Paused)", format_age(e->started, age));
        else if (streq(e->state, "exited"))
                snprintf(buf, size, "Exited (%i) %s", e->exit_code, format_age(e->finished, age));
        else if (streq(e->state, "restarting"))
                snprintf(buf, size, "Restarting (%i) %s", e->exit_code, format_age(e->finished, age));
        else if (streq(e->state, "created"))
                snprintf(buf, size, "Created");
        else
                snprintf(buf, size, "%c%s", e->state[0] - 32, e->state + 1);
        /* "Up 3 seconds ago" reads oddly: drop " ago" after Up */
        if (string_has_prefix(buf, "Up ")) {
                char *ago = strstr(buf, " ago");
                if (ago)
                        memmove(ago, ago + 4, strlen(ago + 4) + 1);
        }
}

static struct json_object *entry_json(const PsEntry *e) {
        struct json_object *o = json_object_new_object();
        char status[96], ts[40];

        format_status(e, status, sizeof(status));
        json_object_object_add(o, "Id", json_object_new_string(e->id));
        json_object_object_add(o, "Names", json_object_new_string(e->name));
        json_object_object_add(o, "Image", json_object_new_string(e->image));
        json_object_object_add(o, "Command", json_object_new_string(e->command));
        json_object_object_add(o, "State", json_object_new_string(e->state));
        json_object_object_add(o, "Status", json_object_new_string(status));
        json_object_object_add(o, "ExitCode", json_object_new_int(e->exit_code));
        json_object_object_add(o, "CreatedAt", json_object_new_string(format_timestamp(e->created, ts)));
        json_object_object_add(o, "Pid", json_object_new_int64(e->pid));
        json_object_object_add(o, "Unit", json_object_new_string(e->unit));
        json_object_object_add(o, "Pod", json_object_new_string(e->pod_id));
        json_object_object_add(o, "PodName", json_object_new_string(e->pod_name));
        return o;
}

/* For --format templates: the JSON keys plus docker's names (ID is the short id, RunningFor the age).
 * ListContainers carries no ports or labels: they are empty. */
static struct json_object *entry_template_json(const PsEntry *e) {
        struct json_object *o = entry_json(e);
        _cleanup_free_ char *cmd = NULL;
        char age[40];

        json_object_object_add(o, "ID", json_object_new_string_len(e->id, (int) strnlen(e->id, 12)));
        json_object_object_add(o, "RunningFor", json_object_new_string(format_age(e->created, age)));
        json_object_object_add(o, "Ports", json_object_new_string(""));
        json_object_object_add(o, "Labels", json_object_new_string(""));
        if (asprintf(&cmd, "\"%s\"", e->command) >= 0)
                json_object_object_add(o, "Command", json_object_new_string(cmd));
        return o;
}

/* The column titles of `ps --format 'table ...'`, as docker's. */
static struct json_object *ps_header(void) {
        static const char *const titles[] = {
                "ID",      "CONTAINER ID", "Id",         "CONTAINER ID", "Image",   "IMAGE",  "Command",
                "COMMAND", "CreatedAt",    "CREATED AT", "RunningFor",   "CREATED", "Status", "STATUS",
                "Names",   "NAMES",        "Ports",      "PORTS",        "Labels",  "LABELS", "State",
                "STATE",   "ExitCode",     "EXIT CODE",  "Pid",          "PID",     "Unit",   "UNIT",
                "Pod",     "POD ID",       "PodName",    "PODNAME",
        };
        struct json_object *o = json_object_new_object();

        for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i += 2)
                json_object_object_add(o, titles[i], json_object_new_string(titles[i + 1]));
        return o;
}

static void print_row(const PsEntry *e, bool show_pod) {
        char status[96], created[40];
        _cleanup_free_ char *cmd = NULL;

        format_status(e, status, sizeof(status));
        if (asprintf(&cmd, "\"%.18s%s\"", e->command, strlen(e->command) > 18 ? "…" : "") < 0)
                return;
        if (show_pod && e->pod_id[0])
                printf("%-14.12s %-22.22s %-22s %-16s %-26s %-20s %-14.12s %s\n", e->id, e->image, cmd,
                       format_age(e->created, created), status, e->name, e->pod_id, e->pod_name);
        else
                printf("%-14.12s %-22.22s %-22s %-16s %-26s %s\n", e->id, e->image, cmd,
                       format_age(e->created, created), status, e->name);
}

static void print_header(bool show_pod) {
        if (show_pod)
                printf("%-14s %-22s %-22s %-16s %-26s %-20s %-14s %s\n", "CONTAINER ID", "IMAGE", "COMMAND",
                       "CREATED", "STATUS", "NAMES", "POD ID", "PODNAME");
        else
                printf("%-14s %-22s %-22s %-16s %-26s %s\n", "CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
                       "STATUS", "NAMES");
}

/* Fills e's pod fields from a ctl_pod_membership() map (NULL: none known). */
static void entry_set_pod(PsEntry *e, struct json_object *pods) {
        struct json_object *m, *v;

        e->pod_id = e->pod_name = "";
        if (!pods || !json_object_object_get_ex(pods, e->id, &m))
                return;
        if (json_object_object_get_ex(m, "Pod", &v))
                e->pod_id = json_object_get_string(v);
        if (json_object_object_get_ex(m, "PodName", &v))
                e->pod_name = json_object_get_string(v);
}

int verb_ps(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },  { "all", no_argument, NULL, 'a' },
                { "quiet", no_argument, NULL, 'q' }, { "format", required_argument, NULL, 'f' },
                { "pod", no_argument, NULL, 'P' },   {},
        };
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_json_ struct json_object *array = NULL;
        _cleanup_json_ struct json_object *header = NULL, *pods = NULL;
        _cleanup_(template_freep) Template *tmpl = NULL;
        bool all = false, quiet = false, json = false, show_pod = false;
        const char *format = NULL;
        PsEntry e;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "aqf:", options, NULL)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage: conmanctl ps [-a] [-q] [--pod] [--format json|TEMPLATE]\n\n"
                               "List running containers (all with -a).\n\n"
                               "  -a, --all              Include created and exited containers\n"
                               "  -q, --quiet            Print only the short ids\n"
                               "      --pod              Add the columns POD ID and PODNAME\n"
                               "      --format json      Print a JSON array\n"
                               "      --format TEMPLATE  Print each container through a Go template, e.g.\n"
                               "                         '{{.Names}} {{.Status}}' or 'table {{.ID}}\\t{{.Names}}'\n"
                               "                         (fields: .ID .Image .Command .CreatedAt .RunningFor\n"
                               "                         .Status .Names .State .ExitCode .Pid .Unit .Pod\n"
                               "                         .PodName)\n");
                        return 0;
                case 'a': all = true; break;
                case 'q': quiet = true; break;
                case 'P': show_pod = true; break;
                case 'f':
                        json = streq(optarg, "json");
                        format = json || streq(optarg, "table") ? NULL : optarg;
                        break;
                default: return ctl_usage_error();
                }

        if (quiet)
                json = false, format = NULL; /* as docker: -q wins over --format */
        if (format) { /* parsed before calling the daemon, so that a bad template fails alone */
                r = template_parse_or_log("conmanctl ps", format, &tmpl);
                if (r < 0)
                        return r;
                if (template_is_empty(tmpl))
                        format = NULL;
        }
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "ListContainers", &error, &reply, "b", all);
        if (r < 0)
                return ctl_log_bus_error("cannot list containers", &error, r);

        if (!quiet && (show_pod || json || format)) {
                r = ctl_pod_membership(bus, &pods);
                if (r < 0)
                        return r;
        }
        if (json || format)
                array = json_object_new_array();
        else if (!quiet)
                print_header(show_pod);
        r = sd_bus_message_enter_container(reply, 'a', "(sssssitttuso)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sssssitttuso)", &e.id, &e.name, &e.image,
                                                  &e.command, &e.state, &e.exit_code, &e.created, &e.started,
                                                  &e.finished, &e.pid, &e.unit, NULL)) > 0) {
                entry_set_pod(&e, pods);
                if (json)
                        json_object_array_add(array, entry_json(&e));
                else if (format)
                        json_object_array_add(array, entry_template_json(&e));
                else if (quiet)
                        printf("%.12s\n", e.id);
                else
                        print_row(&e, show_pod);
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl ps: malformed reply: %m");
        if (format) {
                header = ps_header();
                return template_print_items("conmanctl ps", tmpl, array, header, stdout);
        }
        if (json)
                printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY |
                                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
        return 0;
}

int verb_inspect(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                { "format", required_argument, NULL, 'f' },
                {},
        };
        static const CtlInspect what = { "conmanctl inspect", "InspectContainer", NULL };
        const char *format = NULL;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "f:", options, NULL)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage: conmanctl inspect [-f TEMPLATE] CONTAINER...\n\n"
                               "Print containers' details as a JSON array, or each through a template.\n\n"
                               "  -f, --format TEMPLATE  Print each document through a Go template, e.g.\n"
                               "                         '{{.State.ExitCode}}' or '{{json .Config}}'\n"
                               "                         ('json' prints the JSON array)\n");
                        return 0;
                case 'f': format = streq(optarg, "json") ? NULL : optarg; break;
                default: return ctl_usage_error();
                }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl inspect: name at least one container.");
        return ctl_inspect_print(&what, argv + optind, format);
}
