/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resources.c — CRI resource figures to systemd's and memory.stat to kubelet's working set (resources.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "shared/util.h"
#include "cri/resources.h"

#define CPU_SHARES_MIN  2ULL
#define CPU_SHARES_MAX  262144ULL
#define CPU_WEIGHT_MAX  10000ULL
#define CPU_PERIOD_USEC 100000ULL /* the kernel's default cfs period */
#define USEC_PER_SECOND 1000000ULL

uint64_t cri_cpu_shares_to_weight(int64_t shares) {
        uint64_t s;

        if (shares <= 0)
                return 0;
        s = MIN(MAX((uint64_t) shares, CPU_SHARES_MIN), CPU_SHARES_MAX);
        return 1 + ((s - CPU_SHARES_MIN) * (CPU_WEIGHT_MAX - 1)) / (CPU_SHARES_MAX - CPU_SHARES_MIN);
}

uint64_t cri_cpu_quota_per_second(int64_t quota, int64_t period) {
        uint64_t p = period > 0 ? (uint64_t) period : CPU_PERIOD_USEC;

        if (quota <= 0)
                return 0;
        if ((uint64_t) quota > UINT64_MAX / USEC_PER_SECOND - p)
                return UINT64_MAX / USEC_PER_SECOND; /* absurdly large: as good as unlimited */
        return ((uint64_t) quota * USEC_PER_SECOND + p - 1) / p;
}

static int pids_limit_from_unified(const Runtime__V1__LinuxContainerResources *l, uint64_t *ret) {
        *ret = 0;
        for (size_t i = 0; i < l->n_unified; i++) {
                if (!l->unified[i]->key || !streq(l->unified[i]->key, "pids.max"))
                        continue;
                if (streq(strempty(l->unified[i]->value), "max"))
                        return 0;
                if (safe_atou64(strempty(l->unified[i]->value), ret) < 0 || *ret == 0)
                        return -EINVAL;
        }
        return 0;
}

int cri_resources_from_linux(const Runtime__V1__LinuxContainerResources *l, CriResources *ret) {
        CriResources r = {};

        if (l->memory_limit_in_bytes < 0)
                return -EINVAL;
        r.memory = (uint64_t) l->memory_limit_in_bytes;
        r.cpu_quota_usec = cri_cpu_quota_per_second(l->cpu_quota, l->cpu_period);
        r.cpu_weight = cri_cpu_shares_to_weight(l->cpu_shares);
        if (pids_limit_from_unified(l, &r.pids_limit) < 0)
                return -EINVAL;
        r.cpuset_cpus = isempty(l->cpuset_cpus) ? NULL : l->cpuset_cpus;
        r.cpuset_mems = isempty(l->cpuset_mems) ? NULL : l->cpuset_mems;
        *ret = r;
        return 0;
}

/* Which field a memory.stat key fills, and how much it is preferred (v1's hierarchical total_* over the
 * cgroup-local figure of the same name). */
static uint64_t *memory_stat_field(CgroupMemoryStat *s, const char *key, int *ret_rank) {
        static const struct {
                const char *key;
                size_t offset;
                int rank;
        } table[] = {
                { "anon", offsetof(CgroupMemoryStat, rss), 1 },
                { "rss", offsetof(CgroupMemoryStat, rss), 1 },
                { "total_rss", offsetof(CgroupMemoryStat, rss), 2 },
                { "inactive_file", offsetof(CgroupMemoryStat, inactive_file), 1 },
                { "total_inactive_file", offsetof(CgroupMemoryStat, inactive_file), 2 },
                { "pgfault", offsetof(CgroupMemoryStat, page_faults), 1 },
                { "total_pgfault", offsetof(CgroupMemoryStat, page_faults), 2 },
                { "pgmajfault", offsetof(CgroupMemoryStat, major_page_faults), 1 },
                { "total_pgmajfault", offsetof(CgroupMemoryStat, major_page_faults), 2 },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(table[i].key, key)) {
                        *ret_rank = table[i].rank;
                        return (uint64_t *) ((char *) s + table[i].offset);
                }
        return NULL;
}

int cgroup_memory_stat_parse(const char *text, CgroupMemoryStat *ret) {
        CgroupMemoryStat s = { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX };
        int ranks[4] = {};

        for (const char *p = text; p && *p;) {
                const char *eol = strchrnul(p, '\n');
                char key[64], value[32];
                uint64_t *field, v;
                int rank;

                if (sscanf(p, "%63s %31s", key, value) == 2 && (field = memory_stat_field(&s, key, &rank))) {
                        size_t slot = (size_t) (field - &s.rss);

                        if (safe_atou64(value, &v) < 0)
                                return -EINVAL;
                        if (rank >= ranks[slot]) {
                                *field = v;
                                ranks[slot] = rank;
                        }
                }
                p = *eol ? eol + 1 : eol;
        }
        *ret = s;
        return 0;
}

uint64_t cgroup_working_set(uint64_t usage, const CgroupMemoryStat *stat) {
        if (!stat || stat->inactive_file == UINT64_MAX)
                return usage;
        return usage > stat->inactive_file ? usage - stat->inactive_file : 0;
}
