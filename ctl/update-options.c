/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * update-options.c — see update-options.h.
 */
#include <errno.h>
#include <string.h>

#include "shared/container-spec.h"
#include "shared/run-limits.h"
#include "shared/util.h"
#include "update-options.h"

static int parse_in_range(const char *v, uint64_t min, uint64_t max, uint64_t *ret) {
        uint64_t n;

        if (safe_atou64(v, &n) < 0 || n < min || n > max)
                return -EINVAL;
        *ret = n;
        return 0;
}

static int set_memory(UpdateOptions *o, const char *v, const char **ret_error) {
        if (parse_size(v, &o->memory) < 0)
                return *ret_error = "--memory takes a size such as 64m or 1g", -EINVAL;
        o->have_memory = true;
        return 0;
}

static int set_cpus(UpdateOptions *o, const char *v, const char **ret_error) {
        if (streq(v, "0")) /* docker's: no limit */
                o->cpu_quota = 0;
        else if (parse_cpus(v, &o->cpu_quota) < 0)
                return *ret_error = "--cpus takes a number of CPUs such as 1.5", -EINVAL;
        o->have_cpu_quota = true;
        return 0;
}

static int set_cpu_shares(UpdateOptions *o, const char *v, const char **ret_error) {
        uint64_t shares;

        if (parse_in_range(v, 2, 262144, &shares) < 0)
                return *ret_error = "--cpu-shares takes a number from 2 to 262144", -EINVAL;
        o->cpu_weight = cpu_shares_to_weight(shares);
        o->have_cpu_weight = true;
        return 0;
}

static int set_pids_limit(UpdateOptions *o, const char *v, const char **ret_error) {
        if (streq(v, "-1") || streq(v, "0")) /* docker's: unlimited */
                o->pids_limit = UINT64_MAX;
        else if (parse_in_range(v, 1, 4194304, &o->pids_limit) < 0)
                return *ret_error = "--pids-limit takes a number from 1 to 4194304, or -1 for no limit",
                       -EINVAL;
        o->have_pids_limit = true;
        return 0;
}

static int set_cpuset(const char **target, const char *v, const char *error, const char **ret_error) {
        _cleanup_free_ uint8_t *mask = NULL;
        size_t n;

        if (!isempty(v) && cpuset_parse(v, &mask, &n) < 0)
                return *ret_error = error, -EINVAL;
        *target = v;
        return 0;
}

int update_options_set(UpdateOptions *o, const char *flag, const char *value, const char **ret_error) {
        RestartPolicy p;
        unsigned retries;
        uint64_t u;

        if (streq(flag, "memory"))
                return set_memory(o, value, ret_error);
        if (streq(flag, "memory-swap")) {
                if (memory_swap_parse(value, &o->memory_swap) < 0)
                        return *ret_error = "--memory-swap takes a size such as 1g, or -1 for unlimited swap",
                               -EINVAL;
                return o->have_memory_swap = true, 0;
        }
        if (streq(flag, "memory-reservation")) {
                if (parse_size(value, &o->memory_reservation) < 0)
                        return *ret_error = "--memory-reservation takes a size such as 512m", -EINVAL;
                return o->have_memory_reservation = true, 0;
        }
        if (streq(flag, "cpus"))
                return set_cpus(o, value, ret_error);
        if (streq(flag, "cpu-shares"))
                return set_cpu_shares(o, value, ret_error);
        if (streq(flag, "cpu-weight")) {
                if (parse_in_range(value, 1, 10000, &o->cpu_weight) < 0)
                        return *ret_error = "--cpu-weight takes a number from 1 to 10000", -EINVAL;
                return o->have_cpu_weight = true, 0;
        }
        if (streq(flag, "pids-limit"))
                return set_pids_limit(o, value, ret_error);
        if (streq(flag, "blkio-weight")) {
                if (parse_in_range(value, 10, 1000, &u) < 0)
                        return *ret_error = "--blkio-weight takes a number from 10 to 1000", -EINVAL;
                o->blkio_weight = u;
                return o->have_blkio_weight = true, 0;
        }
        if (streq(flag, "cpuset-cpus"))
                return set_cpuset(&o->cpuset_cpus, value, "--cpuset-cpus takes a list such as 0-3,5",
                                  ret_error);
        if (streq(flag, "cpuset-mems"))
                return set_cpuset(&o->cpuset_mems, value, "--cpuset-mems takes a list such as 0-1",
                                  ret_error);
        if (streq(flag, "restart")) {
                if (restart_policy_parse(value, &p, &retries) < 0)
                        return *ret_error = "--restart takes no, on-failure[:N], always or unless-stopped",
                               -EINVAL;
                o->restart = value;
                return 0;
        }
        return -ENOENT;
}

bool update_options_any(const UpdateOptions *o) {
        return o->have_memory || o->have_memory_swap || o->have_memory_reservation || o->have_cpu_quota ||
               o->have_cpu_weight || o->have_pids_limit || o->have_blkio_weight || o->cpuset_cpus ||
               o->cpuset_mems || o->restart;
}
