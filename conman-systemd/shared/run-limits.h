/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-limits.h — docker's resource flags that map 1:1 onto unit properties, parsed with docker's
 * spelling and stored in a canonical one: --ulimit NAME=SOFT[:HARD] (Limit*=), --device-read-bps and
 * friends DEVICE:RATE (IO*BandwidthMax=, IO*IOPSMax=), --memory-swap (MemorySwapMax=). Shared by
 * conmanctl (early, clear errors), the D-Bus options, the checks of the spec and unit.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define RLIMIT_VALUE_INFINITY UINT64_MAX /* docker's -1 */

typedef struct Ulimit {
        const char *name;     /* docker's: "nofile" */
        const char *property; /* systemd's: "LimitNOFILE" (the soft limit: "LimitNOFILESoft") */
        uint64_t soft, hard;  /* RLIMIT_VALUE_INFINITY: unlimited */
} Ulimit;

/* "nofile=1024:2048", "nproc=512" (HARD = SOFT), "core=-1" (unlimited); -EINVAL for an unknown name, a
 * value that is no number, or SOFT above HARD. */
int ulimit_parse(const char *s, Ulimit *ret);
/* The canonical spelling stored in the spec: "nofile=1024:2048", "core=-1:-1". */
int ulimit_format(const Ulimit *u, char **ret);

/* The four throttles of docker, DEVICE:RATE each: a rate in bytes (with k, m, g: "1mb") or in I/O
 * operations per second (a plain number); and --blkio-weight-device DEVICE:WEIGHT (10..1000, docker's range;
 * systemd's IODeviceWeight= has the same a(st) shape). */
typedef enum DeviceRateKind {
        DEVICE_READ_BPS,
        DEVICE_WRITE_BPS,
        DEVICE_READ_IOPS,
        DEVICE_WRITE_IOPS,
        DEVICE_WEIGHT,
        _DEVICE_RATE_KIND_MAX,
} DeviceRateKind;

/* "IOReadBandwidthMax", ...: the unit property of a kind. */
const char *device_rate_property(DeviceRateKind k);
/* "device-read-bps", ...: the option of a kind, for messages. */
const char *device_rate_option(DeviceRateKind k);
/* "/dev/sda:1mb" → "/dev/sda", 1048576: the path is below /dev/ (docker's rule), the rate above 0.
 * -EINVAL for anything else. ret_path is allocated. */
int device_rate_parse(DeviceRateKind k, const char *s, char **ret_path, uint64_t *ret_rate);
/* The canonical spelling stored in the spec: "/dev/sda:1048576". */
int device_rate_canonical(DeviceRateKind k, const char *s, char **ret);

/* --memory-swap: "-1" (unlimited) or a size, docker's memory + swap total. -EINVAL otherwise. */
int memory_swap_parse(const char *s, uint64_t *ret);
/* MemorySwapMax= from docker's total and --memory: the swap alone; UINT64_MAX for unlimited.
 * -EINVAL when the total is below the memory limit or there is no memory limit. */
int memory_swap_max(uint64_t memory_swap, uint64_t memory_max, uint64_t *ret);
