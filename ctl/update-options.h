/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * update-options.h — `conmanctl update`'s flags (docker's spelling) parsed into UpdateContainer's options.
 * Pure: no bus, no output; update_options_parse() names the bad flag in ret_error.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define UPDATE_CPUSET_MAX 256

typedef struct UpdateOptions {
        bool have_memory, have_memory_swap, have_memory_reservation, have_cpu_quota, have_cpu_weight,
                have_pids_limit, have_blkio_weight;
        uint64_t memory;             /* Memory: bytes */
        uint64_t memory_swap;        /* MemorySwap: memory + swap, UINT64_MAX unlimited */
        uint64_t memory_reservation; /* MemoryReservation */
        uint64_t cpu_quota;          /* CPUQuota: usec per second (--cpus) */
        uint64_t cpu_weight;         /* CPUWeight: --cpu-weight, or --cpu-shares converted */
        uint64_t pids_limit;         /* PidsLimit: UINT64_MAX for -1 */
        uint64_t blkio_weight;       /* BlkioWeight: 10..1000 */
        const char *cpuset_cpus, *cpuset_mems, *restart; /* point into argv */
} UpdateOptions;

/* Identifies a flag for update_options_set(): the long option's name without "--". */
/* Sets one flag's value: -EINVAL (with a message in *ret_error, static) for a bad value, -ENOENT for a flag
 * update does not know. */
int update_options_set(UpdateOptions *o, const char *flag, const char *value, const char **ret_error);

/* Whether any flag was given. */
bool update_options_any(const UpdateOptions *o);
