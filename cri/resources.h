/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resources.h — the arithmetic between CRI's resource figures and systemd's and the kernel's: CRI's
 * LinuxContainerResources as the options of conmand's UpdateContainer (systemd's units: CPU quota per
 * second, CPUWeight), and the memory.stat figures (cgroup v1 or v2) behind kubelet's working set.
 * Pure functions: no bus, no files (tests/unit/cri/test-resources.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "api.pb-c.h"

/* What UpdateContainer is asked to change; a zero or NULL field stays as it is. */
typedef struct CriResources {
        uint64_t memory;         /* bytes → Memory (MemoryMax=) */
        uint64_t cpu_quota_usec; /* usec of CPU time per second → CPUQuota (CPUQuotaPerSecUSec=) */
        uint64_t cpu_weight;     /* 1..10000 → CPUWeight */
        uint64_t pids_limit;     /* → PidsLimit (TasksMax=), from unified "pids.max" */
        const char *cpuset_cpus; /* borrowed from the request */
        const char *cpuset_mems;
} CriResources;

/* cgroup v1 cpu.shares as cgroup v2 cpu.weight, as runc and kubelet convert it (2..262144 → 1..10000);
 * 0 (unset) gives 0. */
uint64_t cri_cpu_shares_to_weight(int64_t shares);
/* cpu_quota usec per cpu_period usec (0: the kernel's 100 ms) as usec per second, rounded up; 0 when the
 * quota is unset (0) or unlimited (-1). */
uint64_t cri_cpu_quota_per_second(int64_t quota, int64_t period);
/* Fills *ret from the request's resources. -EINVAL for a negative memory limit or a bad "pids.max". */
int cri_resources_from_linux(const Runtime__V1__LinuxContainerResources *l, CriResources *ret);

/* The figures of a cgroup's memory.stat that CRI reports; v2 names (anon, inactive_file, pgfault,
 * pgmajfault) or v1's hierarchical ones (total_rss, total_inactive_file, total_pgfault, total_pgmajfault,
 * preferred over the cgroup-local rss, ...). A figure the text lacks stays UINT64_MAX. */
typedef struct CgroupMemoryStat {
        uint64_t rss;
        uint64_t inactive_file;
        uint64_t page_faults;
        uint64_t major_page_faults;
} CgroupMemoryStat;

/* Parses memory.stat's "key value" lines; unknown keys are skipped. -EINVAL for a malformed number. */
int cgroup_memory_stat_parse(const char *text, CgroupMemoryStat *ret);
/* kubelet's working set: usage minus the inactive file cache (never below 0; usage when unknown). */
uint64_t cgroup_working_set(uint64_t usage, const CgroupMemoryStat *stat);
