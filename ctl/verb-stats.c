/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-stats.c — `conmanctl stats`: memory, CPU, network and block I/O and tasks of running containers,
 * read from their units (MemoryCurrent, CPUUsageNSec, IPIngressBytes, IOReadBytes, TasksCurrent) — systemd
 * does the accounting. CPU% is measured over one second. --format json|TEMPLATE as docker's.
 */
#include <getopt.h>
#include <inttypes.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "list-format.h"

typedef struct StatsRow {
        char *id, *name, *unit_path;
        uint64_t cpu0, cpu1, mem, mem_max, tasks, net_in, net_out, blk_read, blk_write;
} StatsRow;

static int unit_u64(sd_bus *bus, const char *path, const char *prop, uint64_t *ret) {
        *ret = UINT64_MAX; /* not accounted, or the unit is gone */
        return sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", path,
                                           "org.freedesktop.systemd1.Service", prop, NULL, 't', ret);
}

static void sample(sd_bus *bus, StatsRow *row, bool second) {
        (void) unit_u64(bus, row->unit_path, "CPUUsageNSec", second ? &row->cpu1 : &row->cpu0);
        if (!second)
                return;
        (void) unit_u64(bus, row->unit_path, "MemoryCurrent", &row->mem);
        (void) unit_u64(bus, row->unit_path, "MemoryMax", &row->mem_max);
        (void) unit_u64(bus, row->unit_path, "TasksCurrent", &row->tasks);
        (void) unit_u64(bus, row->unit_path, "IPIngressBytes", &row->net_in);
        (void) unit_u64(bus, row->unit_path, "IPEgressBytes", &row->net_out);
        (void) unit_u64(bus, row->unit_path, "IOReadBytes", &row->blk_read);
        (void) unit_u64(bus, row->unit_path, "IOWriteBytes", &row->blk_write);
}

static void format_bytes(uint64_t v, char buf[static 32]) {
        if (v == UINT64_MAX)
                snprintf(buf, 32, "unlimited");
        else if (v >= (UINT64_C(1) << 30))
                snprintf(buf, 32, "%.2fGiB", (double) v / (double) (UINT64_C(1) << 30));
        else if (v >= (UINT64_C(1) << 20))
                snprintf(buf, 32, "%.2fMiB", (double) v / (double) (UINT64_C(1) << 20));
        else
                snprintf(buf, 32, "%.2fKiB", (double) v / 1024.0);
}

/* "1.2kB / 3.4MB" as docker's NET I/O and BLOCK I/O; "--" for what systemd does not account (the unit
 * without IPAccounting=/IOAccounting=). */
static void format_io_pair(uint64_t a, uint64_t b, char buf[static 40]) {
        char x[16], y[16];

        snprintf(buf, 40, "%s / %s", a == UINT64_MAX ? "--" : ctl_format_bytes(a, x),
                 b == UINT64_MAX ? "--" : ctl_format_bytes(b, y));
}

typedef struct StatsText {
        char cpu[16], mem[72], mem_perc[16], net[40], blk[40];
        uint64_t pids;
} StatsText;

static void stats_text(const StatsRow *r, uint64_t interval_usec, StatsText *t) {
        char mem[32], max[32];
        double cpu = 0, memp = 0;

        if (r->cpu1 != UINT64_MAX && r->cpu0 != UINT64_MAX && r->cpu1 >= r->cpu0)
                cpu = (double) (r->cpu1 - r->cpu0) / (double) (interval_usec * 1000) * 100.0;
        if (r->mem_max != UINT64_MAX && r->mem_max > 0 && r->mem != UINT64_MAX)
                memp = (double) r->mem / (double) r->mem_max * 100.0;
        format_bytes(r->mem, mem);
        format_bytes(r->mem_max, max);
        snprintf(t->cpu, sizeof(t->cpu), "%.2f%%", cpu);
        snprintf(t->mem, sizeof(t->mem), "%s / %s", mem, max);
        snprintf(t->mem_perc, sizeof(t->mem_perc), "%.2f%%", memp);
        format_io_pair(r->net_in, r->net_out, t->net);
        format_io_pair(r->blk_read, r->blk_write, t->blk);
        t->pids = r->tasks == UINT64_MAX ? 0 : r->tasks;
}

static void print_row(const StatsRow *r, uint64_t interval_usec) {
        StatsText t;

        stats_text(r, interval_usec, &t);
        printf("%-14.12s %-24s %8s %36s %8s %21s %21s %6" PRIu64 "\n", r->id, r->name, t.cpu, t.mem,
               t.mem_perc, t.net, t.blk, t.pids);
}

static void print_header(void) {
        printf("%-14s %-24s %8s %36s %8s %21s %21s %6s\n", "CONTAINER ID", "NAME", "CPU %",
               "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS");
}

/* docker's `stats --format` fields (.Container is the name, as docker prints it for named containers). */
static struct json_object *row_json(const StatsRow *r, uint64_t interval_usec) {
        struct json_object *o = json_object_new_object();
        StatsText t;

        stats_text(r, interval_usec, &t);
        json_object_object_add(o, "Container", json_object_new_string(r->name));
        json_object_object_add(o, "Name", json_object_new_string(r->name));
        json_object_object_add(o, "ID", json_object_new_string_len(r->id, (int) strnlen(r->id, 12)));
        json_object_object_add(o, "CPUPerc", json_object_new_string(t.cpu));
        json_object_object_add(o, "MemUsage", json_object_new_string(t.mem));
        json_object_object_add(o, "MemPerc", json_object_new_string(t.mem_perc));
        json_object_object_add(o, "NetIO", json_object_new_string(t.net));
        json_object_object_add(o, "BlockIO", json_object_new_string(t.blk));
        json_object_object_add(o, "PIDs", json_object_new_int64((int64_t) t.pids));
        return o;
}

static const char *const stats_titles[] = {
        "Container",    "CONTAINER", "Name",  "NAME",     "ID",
        "CONTAINER ID", "CPUPerc",   "CPU %", "MemUsage", "MEM USAGE / LIMIT",
        "MemPerc",      "MEM %",     "NetIO", "NET I/O",  "BlockIO",
        "BLOCK I/O",    "PIDs",      "PIDS",
};

static void rows_free(StatsRow *rows, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(rows[i].id);
                free(rows[i].name);
                free(rows[i].unit_path);
        }
        free(rows);
}

static int collect(sd_bus *bus, char **refs, StatsRow **ret, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *id, *name, *state, *unit;
        StatsRow *rows = NULL;
        size_t n = 0;
        int r;

        r = ctl_call(bus, "ListContainers", &error, &reply, "b", 0);
        if (r < 0)
                return ctl_log_bus_error("cannot list containers", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(sssssitttuso)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sssssitttuso)", &id, &name, NULL, NULL, &state,
                                                  NULL, NULL, NULL, NULL, NULL, &unit, NULL)) > 0) {
                bool wanted = strv_length(refs) == 0;
                for (char **ref = refs; ref && *ref; ref++)
                        if (streq(*ref, name) || string_has_prefix(id, *ref))
                                wanted = true;
                if (!wanted)
                        continue;
                StatsRow *nr = realloc(rows, sizeof(StatsRow) * (n + 1));
                if (!nr) {
                        rows_free(rows, n);
                        return log_oom();
                }
                rows = nr;
                rows[n] = (StatsRow){ .id = strdup(id), .name = strdup(name) };
                if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, &rows[n++].unit_path) < 0 ||
                    !rows[n - 1].id || !rows[n - 1].name) {
                        rows_free(rows, n);
                        return log_oom();
                }
        }
        *ret = rows;
        *ret_n = n;
        return r < 0 ? r : 0;
}

/* One round: the containers, two samples one interval apart, the table or the formatted items. */
static int stats_round(sd_bus *bus, char **refs, const ListFormat *format, bool clear) {
        _cleanup_json_ struct json_object *items = json_object_new_array();
        const uint64_t interval = USEC_PER_SEC;
        StatsRow *rows = NULL;
        size_t n = 0;
        int r;

        r = collect(bus, refs, &rows, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                sample(bus, &rows[i], false);
        usleep(interval); /* the measurement window for CPU% */
        for (size_t i = 0; i < n; i++)
                sample(bus, &rows[i], true);
        if (clear)
                printf("\033[2J\033[H");
        if (!list_format_custom(format))
                print_header();
        for (size_t i = 0; i < n; i++)
                if (list_format_custom(format))
                        json_object_array_add(items, row_json(&rows[i], interval));
                else
                        print_row(&rows[i], interval);
        rows_free(rows, n);
        r = list_format_print(format, "conmanctl stats", items, stats_titles, ELEMENTSOF(stats_titles));
        fflush(stdout);
        return r;
}

static int parse_stats_args(int argc, char *argv[], bool *no_stream, ListFormat *format) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                { "no-stream", no_argument, NULL, 'n' },
                { "format", required_argument, NULL, 'F' },
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage: conmanctl stats [--no-stream] [--format json|TEMPLATE] [CONTAINER...]\n\n"
                               "Show CPU, memory, network and block I/O and task use of running containers, as\n"
                               "systemd accounts them for their units (I/O reads \"--\" where the unit does not\n"
                               "account it). Refreshes every second until Ctrl-C unless --no-stream.\n\n"
                               "      --no-stream        Print one round and exit\n"
                               "      --format json      Print a JSON array\n"
                               "      --format TEMPLATE  Print each container through a Go template, e.g.\n"
                               "                         'table {{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}' (fields:\n"
                               "                         .Container .Name .ID .CPUPerc .MemUsage .MemPerc .NetIO\n"
                               "                         .BlockIO .PIDs)\n");
                        return 0;
                case 'n': *no_stream = true; break;
                case 'F': list_format_set(format, optarg); break;
                default: return ctl_usage_error();
                }
        return 1;
}

static int stats(char **refs, bool no_stream, ListFormat *format) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r;

        r = list_format_prepare(format, "conmanctl stats");
        if (r < 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        do
                r = stats_round(bus, refs, format, !no_stream);
        while (r >= 0 && !no_stream);
        return r;
}

int verb_stats(int argc, char *argv[]) {
        ListFormat format = {};
        bool no_stream = false;
        int r;

        r = parse_stats_args(argc, argv, &no_stream, &format);
        if (r > 0)
                r = stats(argv + optind, no_stream, &format);
        list_format_done(&format);
        return r;
}
