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
#include "container-size.h"
#include "ctl.h"
#include "help.h"
#include "list-format.h"
#include "ps-filter.h"
#include "ps-health.h"
#include "template.h"

typedef struct PsEntry {
        PsItem item; /* id, name, image, state, exit code, created; labels, ports, network, pod */
        const char *command, *unit;
        uint64_t started, finished;
        uint32_t pid;
        const char *health;   /* "healthy" ... or NULL (ps-health.h) */
        const char *image_id; /* from the details; NULL or "" for a --rootfs container */
        char size[48];        /* -s: docker's "12.3kB (virtual 5.63MB)", else "" */
} PsEntry;

typedef struct PsOptions {
        bool all, quiet, json, show_pod, no_trunc, size;
        int last; /* -n N, -l: the N newest (all states); -1: no limit */
        const char *format;
        PsFilters filters;
} PsOptions;

static void format_status(const PsEntry *e, char *buf, size_t size) {
        const char *state = e->item.state;
        char age[40];

        if (streq(state, "running"))
                snprintf(buf, size, "Up %s", format_age(e->started, age));
        else if (streq(state, "exited"))
                snprintf(buf, size, "Exited (%i) %s", e->item.exit_code, format_age(e->finished, age));
        else if (streq(state, "restarting"))
                snprintf(buf, size, "Restarting (%i) %s", e->item.exit_code, format_age(e->finished, age));
        else if (streq(state, "created"))
                snprintf(buf, size, "Created");
        else if (streq(state, "paused"))
                snprintf(buf, size, "Up %s (Paused)", format_age(e->started, age));
        else
                snprintf(buf, size, "%c%s", state[0] - 32, state + 1);
        /* "Up 3 seconds ago" reads oddly: drop " ago" after Up */
        if (string_has_prefix(buf, "Up ")) {
                char *ago = strstr(buf, " ago");
                if (ago)
                        memmove(ago, ago + 4, strlen(ago + 4) + 1);
                ps_health_append_status(e->health, buf, size);
        }
}

static struct json_object *strv_json(char *const *l) {
        struct json_object *a = json_object_new_array();
        for (char *const *i = l; a && i && *i; i++)
                json_object_array_add(a, json_object_new_string(*i));
        return a;
}

static struct json_object *entry_json(const PsEntry *e) {
        struct json_object *o = json_object_new_object();
        char status[96], ts[40];

        format_status(e, status, sizeof(status));
        json_object_object_add(o, "Id", json_object_new_string(e->item.id));
        json_object_object_add(o, "Names", json_object_new_string(e->item.name));
        json_object_object_add(o, "Image", json_object_new_string(e->item.image));
        json_object_object_add(o, "Command", json_object_new_string(e->command));
        json_object_object_add(o, "State", json_object_new_string(e->item.state));
        json_object_object_add(o, "Status", json_object_new_string(status));
        json_object_object_add(o, "ExitCode", json_object_new_int(e->item.exit_code));
        json_object_object_add(o, "CreatedAt", json_object_new_string(format_timestamp(e->item.created, ts)));
        json_object_object_add(o, "Pid", json_object_new_int64(e->pid));
        json_object_object_add(o, "Unit", json_object_new_string(e->unit));
        json_object_object_add(o, "Pod", json_object_new_string(strempty(e->item.pod_id)));
        json_object_object_add(o, "PodName", json_object_new_string(strempty(e->item.pod_name)));
        json_object_object_add(o, "Labels", strv_json(e->item.labels));
        json_object_object_add(o, "Ports", strv_json(e->item.ports));
        json_object_object_add(o, "Networks", json_object_new_string(strempty(e->item.network)));
        json_object_object_add(o, "Size", json_object_new_string(e->size));
        return o;
}

/* For --format templates: the JSON keys plus docker's names (ID is the short id, RunningFor the age, Ports
 * and Labels docker's strings). */
static struct json_object *entry_template_json(const PsEntry *e, bool no_trunc) {
        struct json_object *o = entry_json(e);
        _cleanup_free_ char *cmd = NULL, *ports = ps_format_ports(e->item.ports),
                            *labels = strv_join(e->item.labels, ",");
        char age[40];

        json_object_object_add(
                o, "ID",
                json_object_new_string_len(e->item.id, no_trunc ? (int) strlen(e->item.id)
                                                                : (int) strnlen(e->item.id, 12)));
        json_object_object_add(o, "RunningFor", json_object_new_string(format_age(e->item.created, age)));
        json_object_object_add(o, "Ports", json_object_new_string(strempty(ports)));
        json_object_object_add(o, "Labels", json_object_new_string(strempty(labels)));
        if (asprintf(&cmd, "\"%s\"", e->command) >= 0)
                json_object_object_add(o, "Command", json_object_new_string(cmd));
        return o;
}

/* The column titles of `ps --format 'table ...'`, as docker's. */
static struct json_object *ps_header(void) {
        static const char *const titles[] = {
                "ID",      "CONTAINER ID", "Id",        "CONTAINER ID", "Image",      "IMAGE",
                "Command", "COMMAND",      "CreatedAt", "CREATED AT",   "RunningFor", "CREATED",
                "Status",  "STATUS",       "Names",     "NAMES",        "Ports",      "PORTS",
                "Labels",  "LABELS",       "State",     "STATE",        "ExitCode",   "EXIT CODE",
                "Pid",     "PID",          "Unit",      "UNIT",         "Pod",        "POD ID",
                "PodName", "PODNAME",      "Networks",  "NETWORKS",     "Size",       "SIZE",
        };

        return list_format_header(titles, ELEMENTSOF(titles));
}

static void print_row(const PsEntry *e, const PsOptions *o) {
        _cleanup_free_ char *cmd = NULL, *ports = ps_format_ports(e->item.ports);
        char status[96], created[40];
        int id_width = o->no_trunc ? 64 : 12;

        format_status(e, status, sizeof(status));
        if (o->no_trunc ? asprintf(&cmd, "\"%s\"", e->command) < 0
                        : asprintf(&cmd, "\"%.18s%s\"", e->command, strlen(e->command) > 18 ? "…" : "") < 0)
                return;
        printf("%-*.*s  %-22.22s %-22s %-16s %-26s %-22s %s", id_width, id_width, e->item.id, e->item.image,
               cmd, format_age(e->item.created, created), status, strempty(ports), e->item.name);
        if (o->show_pod && (!isempty(e->item.pod_id) || o->size)) /* no trailing blanks */
                printf("  %-14.12s %-*s", strempty(e->item.pod_id), o->size ? 16 : 0,
                       strempty(e->item.pod_name));
        if (o->size)
                printf("  %s", e->size);
        printf("\n");
}

static void print_header(const PsOptions *o) {
        printf("%-*s  %-22s %-22s %-16s %-26s %-22s %s", o->no_trunc ? 64 : 12, "CONTAINER ID", "IMAGE",
               "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
        if (o->show_pod)
                printf("  %-14s %-*s", "POD ID", o->size ? 16 : 0, "PODNAME");
        if (o->size)
                printf("  %s", "SIZE");
        printf("\n");
}

/* Fills e's pod name from a ctl_pod_membership() map (NULL: none known); the pod id also comes from the
 * details where they were fetched. */
static void entry_set_pod(PsEntry *e, struct json_object *pods) {
        struct json_object *m, *v;

        if (!e->item.pod_id)
                e->item.pod_id = "";
        e->item.pod_name = "";
        if (!pods || !json_object_object_get_ex(pods, e->item.id, &m))
                return;
        if (json_object_object_get_ex(m, "Pod", &v))
                e->item.pod_id = json_object_get_string(v);
        if (json_object_object_get_ex(m, "PodName", &v))
                e->item.pod_name = json_object_get_string(v);
}

static int parse_ps_options(int argc, char *argv[], PsOptions *o) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                { "all", no_argument, NULL, 'a' },
                { "quiet", no_argument, NULL, 'q' },
                { "format", required_argument, NULL, 'F' },
                { "pod", no_argument, NULL, 'P' },
                { "filter", required_argument, NULL, 'f' },
                { "no-trunc", no_argument, NULL, 'T' },
                { "last", required_argument, NULL, 'n' },
                { "latest", no_argument, NULL, 'l' },
                { "size", no_argument, NULL, 's' },
                {},
        };
        const char *message;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "aqf:n:ls", options, NULL)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage: conmanctl ps [-a] [-q] [-s] [-f KEY=VALUE]... [-n N|-l] [--no-trunc] [--pod]\n"
                               "                    [--format json|TEMPLATE]\n\n"
                               "List running containers (all with -a), newest first.\n\n"
                               "  -a, --all              Include created and exited containers\n"
                               "  -q, --quiet            Print only the short ids\n"
                               "  -f, --filter KEY=VALUE Only containers that match (repeatable; values of one\n"
                               "                         key are alternatives): id=PREFIX, name=REGEXP,\n"
                               "                         status=created|running|paused|restarting|exited|...,\n"
                               "                         exited=CODE, label=KEY[=VALUE], ancestor=IMAGE,\n"
                               "                         network=NAME, pod=POD, publish=PORT[/PROTO],\n"
                               "                         before=CONTAINER, since=CONTAINER\n"
                               "  -n, --last N           The N most recently created containers (all states)\n"
                               "  -l, --latest           The most recently created container (= -n 1)\n"
                               "  -s, --size             Add the column SIZE: what each container wrote (its\n"
                               "                         writable layer) and, as virtual, that plus its image\n"
                               "                         (root only: conmanctl reads conmand's state directory)\n"
                               "      --no-trunc         Full ids and commands\n"
                               "      --pod              Add the columns POD ID and PODNAME\n"
                               "      --format json      Print a JSON array\n"
                               "      --format TEMPLATE  Print each container through a Go template, e.g.\n"
                               "                         '{{.Names}} {{.Status}}' or 'table {{.ID}}\\t{{.Names}}'\n"
                               "                         (fields: .ID .Image .Command .CreatedAt .RunningFor\n"
                               "                         .Status .Names .Ports .Labels .Networks .State\n"
                               "                         .ExitCode .Pid .Unit .Pod .PodName .Size)\n");
                        return 0;
                case 'a': o->all = true; break;
                case 'q': o->quiet = true; break;
                case 'P': o->show_pod = true; break;
                case 'T': o->no_trunc = true; break;
                case 's': o->size = true; break;
                case 'l': o->last = 1; break;
                case 'n':
                        if (safe_atoi(optarg, &o->last) < 0 || o->last < 0)
                                return log_error_errno(ctl_usage_error(),
                                                       "conmanctl ps: -n/--last takes a count, not '%s'.",
                                                       optarg);
                        break;
                case 'f':
                        if (ps_filters_add(&o->filters, optarg, &message) < 0)
                                return log_error_errno(ctl_usage_error(), "conmanctl ps: --filter '%s': %s.",
                                                       optarg, message);
                        break;
                case 'F':
                        o->json = streq(optarg, "json");
                        o->format = o->json || streq(optarg, "table") ? NULL : optarg;
                        break;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(ctl_usage_error(), "conmanctl ps: takes no arguments (use --filter).");
        if (o->quiet)
                o->json = false, o->format = NULL, o->size = false; /* as docker: -q wins over --format */
        if (o->format && strstr(o->format, ".Size")) /* as docker: a template that shows it asks for it */
                o->size = true;
        return 1;
}

/* Labels, ports, network and pod of each listed container, into entries by id; without them (a conmand that
 * lacks the method) only when a filter does not need them (need). */
static int read_details(sd_bus *bus, bool all, bool need, PsEntry *entries, size_t n,
                        sd_bus_message **ret_reply) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = ctl_call(bus, "ListContainerDetails", &error, &reply, "b", all);
        if (r < 0 && !need &&
            sd_bus_error_has_names(&error, SD_BUS_ERROR_UNKNOWN_METHOD, SD_BUS_ERROR_ACCESS_DENIED))
                return 0; /* a conmand (or bus policy) older than this conmanctl: no PORTS, labels or networks
                           */
        if (r < 0)
                return ctl_log_bus_error("cannot list containers", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(sasassss)");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'r', "sasassss")) > 0) {
                _cleanup_strv_free_ char **labels = NULL, **ports = NULL;
                const char *id, *network, *pod, *image_id;

                r = sd_bus_message_read(reply, "s", &id);
                if (r >= 0)
                        r = sd_bus_message_read_strv(reply, &labels);
                if (r >= 0)
                        r = sd_bus_message_read_strv(reply, &ports);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "sss", &network, &pod, &image_id);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                for (size_t i = 0; r >= 0 && i < n; i++)
                        if (streq(entries[i].item.id, id)) {
                                entries[i].item.labels = TAKE_PTR(labels);
                                entries[i].item.ports = TAKE_PTR(ports);
                                entries[i].item.network = network;
                                entries[i].item.pod_id = pod;
                                entries[i].image_id = image_id;
                                break;
                        }
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl ps: malformed reply: %m");
        *ret_reply = TAKE_PTR(reply);
        return 0;
}

/* What ps -s needs: conmand's state directory and the image sizes by id. */
typedef struct PsSizing {
        char *state_dir;
        struct json_object *images;
} PsSizing;

static void ps_sizing_done(PsSizing *s) {
        free(s->state_dir);
        json_object_put(s->images);
        *s = (PsSizing){};
}

static int ps_sizing_init(sd_bus *bus, PsSizing *s) {
        int r = ctl_state_directory(bus, &s->state_dir);
        return r < 0 ? r : ctl_image_sizes(bus, &s->images);
}

/* Fills e->size: what it wrote, and that plus its image. */
static int entry_set_size(PsEntry *e, const PsSizing *s) {
        struct json_object *v;
        uint64_t rw, image = 0;
        int r;

        r = ctl_container_rw_bytes(s->state_dir, e->item.id, &rw);
        if (r < 0)
                return log_error_errno(
                        r, "conmanctl ps: --size: cannot read what container %s wrote (root only): %m",
                        e->item.name);
        if (!isempty(e->image_id) && json_object_object_get_ex(s->images, e->image_id, &v))
                image = json_object_get_uint64(v);
        ctl_format_container_size(rw, image, e->size);
        return 0;
}

static int compare_newest_first(const void *a, const void *b) {
        const PsEntry *x = a, *y = b;
        return x->item.created < y->item.created ? 1 : x->item.created > y->item.created ? -1 : 0;
}

static void entries_free(PsEntry *entries, size_t n) {
        for (size_t i = 0; i < n; i++) {
                strv_freep(&entries[i].item.labels);
                strv_freep(&entries[i].item.ports);
        }
        free(entries);
}

int verb_ps(int argc, char *argv[]) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL, *details = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_json_ struct json_object *array = NULL, *header = NULL, *pods = NULL;
        _cleanup_(template_freep) Template *tmpl = NULL;
        PsOptions o = { .last = -1 };
        PsEntry *entries = NULL, e = {};
        _cleanup_free_ PsItem *items = NULL;
        _cleanup_strv_free_ char **health = NULL;
        PsSizing sizing = {};
        size_t n = 0, shown = 0;
        int r;

        r = parse_ps_options(argc, argv, &o);
        if (r <= 0)
                goto finish;
        if (o.format) { /* parsed before calling the daemon, so that a bad template fails alone */
                r = template_parse_or_log("conmanctl ps", o.format, &tmpl);
                if (r < 0)
                        goto finish;
                if (template_is_empty(tmpl))
                        o.format = NULL;
        }
        o.all = o.all || o.last >= 0 || ps_filters_imply_all(&o.filters);
        r = ctl_bus_open(&bus);
        if (r < 0)
                goto finish;
        r = ctl_call(bus, "ListContainers", &error, &reply, "b", o.all);
        if (r < 0) {
                r = ctl_log_bus_error("cannot list containers", &error, r);
                goto finish;
        }
        r = sd_bus_message_enter_container(reply, 'a', "(sssssitttuso)");
        while (r >= 0 &&
               (r = sd_bus_message_read(reply, "(sssssitttuso)", &e.item.id, &e.item.name, &e.item.image,
                                        &e.command, &e.item.state, &e.item.exit_code, &e.item.created,
                                        &e.started, &e.finished, &e.pid, &e.unit, NULL)) > 0) {
                PsEntry *grown = reallocarray(entries, n + 1, sizeof(PsEntry));
                if (!grown) {
                        r = log_oom();
                        goto finish;
                }
                entries = grown;
                entries[n++] = e;
        }
        if (r < 0) {
                r = log_error_errno(r, "conmanctl ps: malformed reply: %m");
                goto finish;
        }
        /* details for the PORTS column, templates, JSON and the filters that need them; not for -q alone */
        if (!o.quiet || ps_filters_need_details(&o.filters)) {
                r = read_details(bus, o.all, ps_filters_need_details(&o.filters), entries, n, &details);
                if (r < 0)
                        goto finish;
        }
        if ((!o.quiet && (o.show_pod || o.json || o.format)) || ps_filters_any(&o.filters, PS_FILTER_POD)) {
                r = ctl_pod_membership(bus, &pods);
                if (r < 0)
                        goto finish;
        }
        for (size_t i = 0; i < n; i++)
                entry_set_pod(&entries[i], pods);
        if (!o.quiet && (r = ps_health_read(bus, o.all, &health)) < 0)
                goto finish;
        for (size_t i = 0; i < n; i++)
                entries[i].health = ps_health_find(health, entries[i].item.id);
        if (n > 1)
                qsort(entries, n, sizeof(PsEntry), compare_newest_first);
        if (o.size && (r = ps_sizing_init(bus, &sizing)) < 0)
                goto finish;

        if (o.json || o.format)
                array = json_object_new_array();
        else if (!o.quiet)
                print_header(&o);
        items = calloc(n ?: 1, sizeof(PsItem)); /* before= and since= look the containers they name up here */
        if (!items) {
                r = log_oom();
                goto finish;
        }
        for (size_t i = 0; i < n; i++)
                items[i] = entries[i].item;
        for (size_t i = 0; i < n && (o.last < 0 || shown < (size_t) o.last); i++) {
                if (!ps_filters_match(&o.filters, &entries[i].item, items, n))
                        continue;
                shown++;
                if (o.size && (r = entry_set_size(&entries[i], &sizing)) < 0)
                        goto finish;
                if (o.json)
                        json_object_array_add(array, entry_json(&entries[i]));
                else if (o.format)
                        json_object_array_add(array, entry_template_json(&entries[i], o.no_trunc));
                else if (o.quiet)
                        printf("%.*s\n", o.no_trunc ? 64 : 12, entries[i].item.id);
                else
                        print_row(&entries[i], &o);
        }
        r = 0;
        if (o.format) {
                header = ps_header();
                r = template_print_items("conmanctl ps", tmpl, array, header, stdout);
        } else if (o.json)
                printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY |
                                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
finish:
        entries_free(entries, n);
        ps_filters_done(&o.filters);
        ps_sizing_done(&sizing);
        return r;
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
