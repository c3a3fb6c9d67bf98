/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-update.c — `conmanctl update [FLAGS] CONTAINER...`: docker's update as UpdateContainer, which sets
 * the limits on the running unit (SetUnitProperties) and keeps them in the container's spec for its next
 * start. The flags are parsed by update-options.c.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "update-options.h"

static void help(void) {
        printf("Usage: conmanctl update [OPTIONS] CONTAINER...\n\n"
               "Change the resource limits of containers: at once on a running container's unit\n"
               "(SetUnitProperties), and for its next starts.\n\n"
               "  -m, --memory SIZE              Memory limit (MemoryMax=), e.g. 64m; 0: none\n"
               "      --memory-swap SIZE         Memory plus swap (MemorySwapMax= is the difference); -1: unlimited\n"
               "      --memory-reservation SIZE  Memory protected from reclaim (MemoryLow=)\n"
               "      --cpus N                   CPU limit (CPUQuota=), e.g. 1.5; 0: none\n"
               "  -c, --cpu-shares N             Relative CPU shares, docker scale (CPUWeight=)\n"
               "      --cpu-weight N             CPU weight 1-10000 (CPUWeight=)\n"
               "      --cpuset-cpus LIST         CPUs to run on, e.g. 0-2,4 (AllowedCPUs=); '': all\n"
               "      --cpuset-mems LIST         Memory nodes (AllowedMemoryNodes=); '': all\n"
               "      --pids-limit N             Maximum number of tasks (TasksMax=); -1: no limit\n"
               "      --blkio-weight N           I/O weight 10-1000 (IOWeight=)\n"
               "      --restart POLICY           no, on-failure[:N], always, unless-stopped (from the next start)\n"
               "      --help                     Show this help\n");
}

static int parse_args(int argc, char *argv[], UpdateOptions *o) {
        static const struct option options[] = {
                { "memory", required_argument, NULL, 'm' },
                { "memory-swap", required_argument, NULL, 0 },
                { "memory-reservation", required_argument, NULL, 0 },
                { "cpus", required_argument, NULL, 0 },
                { "cpu-shares", required_argument, NULL, 'c' },
                { "cpu-weight", required_argument, NULL, 0 },
                { "cpuset-cpus", required_argument, NULL, 0 },
                { "cpuset-mems", required_argument, NULL, 0 },
                { "pids-limit", required_argument, NULL, 0 },
                { "blkio-weight", required_argument, NULL, 0 },
                { "restart", required_argument, NULL, 0 },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int c, index;

        optind = 0;
        while ((c = getopt_long(argc, argv, "m:c:h", options, &index)) >= 0) {
                const char *flag, *error = NULL;

                switch (c) {
                case 'h': help(); return 0;
                case 'm': flag = "memory"; break;
                case 'c': flag = "cpu-shares"; break;
                case 0: flag = options[index].name; break;
                default: return ctl_usage_error();
                }
                if (update_options_set(o, flag, optarg, &error) < 0)
                        return log_error_errno(-EINVAL, "conmanctl update: invalid value '%s': %s.", optarg,
                                               strna(error));
        }
        if (!update_options_any(o))
                return log_error_errno(-EINVAL, "conmanctl update: give at least one flag (see --help).");
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl update: name at least one container.");
        return 1;
}

static int append_options(sd_bus_message *m, const UpdateOptions *o) {
        const struct {
                const char *key;
                bool have;
                uint64_t v;
        } n[] = {
                { "Memory", o->have_memory, o->memory },
                { "MemorySwap", o->have_memory_swap, o->memory_swap },
                { "MemoryReservation", o->have_memory_reservation, o->memory_reservation },
                { "CPUQuota", o->have_cpu_quota, o->cpu_quota },
                { "CPUWeight", o->have_cpu_weight, o->cpu_weight },
                { "PidsLimit", o->have_pids_limit, o->pids_limit },
                { "BlkioWeight", o->have_blkio_weight, o->blkio_weight },
        };
        const struct {
                const char *key, *v;
        } s[] = { { "CpusetCpus", o->cpuset_cpus },
                  { "CpusetMems", o->cpuset_mems },
                  { "Restart", o->restart } };
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(n); i++)
                if (n[i].have)
                        r = sd_bus_message_append(m, "{sv}", n[i].key, "t", n[i].v);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(s); i++)
                if (s[i].v)
                        r = sd_bus_message_append(m, "{sv}", s[i].key, "s", s[i].v);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int update_one(sd_bus *bus, const char *ref, void *userdata, sd_bus_error *error) {
        const UpdateOptions *o = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "UpdateContainer");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", ref);
        if (r >= 0)
                r = append_options(m, o);
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, error, NULL);
        return r;
}

int verb_update(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        UpdateOptions o = {};
        int r;

        r = parse_args(argc, argv, &o);
        if (r <= 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        return ctl_each_container(bus, argv + optind, "cannot update", update_one, &o);
}
