/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-stats.c — `conmanctl stats`: memory, CPU and tasks of running containers,
 * read from their units (MemoryCurrent, CPUUsageNSec, TasksCurrent) — systemd does
 * the accounting. CPU% is measured over one second.
 */
#include <getopt.h>
#include <inttypes.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"

typedef struct StatsRow {
        char *id, *name, *unit_path;
        uint64_t cpu0, cpu1, mem, mem_max, tasks;
} StatsRow;

static int unit_u64(sd_bus *bus, const char *path, const char *iface, const char *prop, uint64_t *ret) {
        return sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", path, iface, prop, NULL, 't',
                                           ret);
}

static void sample(sd_bus *bus, StatsRow *row, bool second) {
        const char *svc = "org.freedesktop.systemd1.Service";
        uint64_t cpu = 0;

        (void) unit_u64(bus, row->unit_path, svc, "CPUUsageNSec", &cpu);
        if (second)
                row->cpu1 = cpu;
        else
                row->cpu0 = cpu;
        (void) unit_u64(bus, row->unit_path, svc, "MemoryCurrent", &row->mem);
        (void) unit_u64(bus, row->unit_path, svc, "MemoryMax", &row->mem_max);
        (void) unit_u64(bus, row->unit_path, svc, "TasksCurrent", &row->tasks);
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

static void print_row(const StatsRow *r, uint64_t interval_usec) {
        char mem[32], max[32];
        double cpu = 0, memp = 0;

        if (r->cpu1 != UINT64_MAX && r->cpu0 != UINT64_MAX && r->cpu1 >= r->cpu0)
                cpu = (double) (r->cpu1 - r->cpu0) / (double) (interval_usec * 1000) * 100.0;
        if (r->mem_max != UINT64_MAX && r->mem_max > 0 && r->mem != UINT64_MAX)
                memp = (double) r->mem / (double) r->mem_max * 100.0;
        format_bytes(r->mem, mem);
        format_bytes(r->mem_max, max);
        printf("%-14.12s %-24s %7.2f%% %22s / %-12s %6.2f%% %6" PRIu64 "\n", r->id, r->name, cpu, mem, max,
               memp, r->tasks == UINT64_MAX ? 0 : r->tasks);
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
                if (!nr)
                        return log_oom();
                rows = nr;
                rows[n] = (StatsRow){ .id = strdup(id), .name = strdup(name) };
                if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit, &rows[n].unit_path) < 0)
                        return log_oom();
                n++;
        }
        *ret = rows;
        *ret_n = n;
        return r < 0 ? r : 0;
}

int verb_stats(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                { "no-stream", no_argument, NULL, 'n' },
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        bool no_stream = false;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage: conmanctl stats [--no-stream] [CONTAINER...]\n\n"
                               "Show CPU, memory and task use of running containers, as systemd accounts them\n"
                               "for their units. Refreshes every second until Ctrl-C unless --no-stream.\n");
                        return 0;
                case 'n': no_stream = true; break;
                default: return ctl_usage_error();
                }
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;

        for (;;) {
                StatsRow *rows = NULL;
                size_t n = 0;
                const uint64_t interval = USEC_PER_SEC;

                r = collect(bus, argv + optind, &rows, &n);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++)
                        sample(bus, &rows[i], false);
                usleep(interval); /* the measurement window for CPU% */
                for (size_t i = 0; i < n; i++)
                        sample(bus, &rows[i], true);
                if (!no_stream)
                        printf("\033[2J\033[H");
                printf("%-14s %-24s %8s %22s   %-12s %7s %6s\n", "CONTAINER ID", "NAME", "CPU %", "MEM USAGE",
                       "LIMIT", "MEM %", "PIDS");
                for (size_t i = 0; i < n; i++) {
                        print_row(&rows[i], interval);
                        free(rows[i].id);
                        free(rows[i].name);
                        free(rows[i].unit_path);
                }
                free(rows);
                fflush(stdout);
                if (no_stream)
                        return 0;
        }
}
