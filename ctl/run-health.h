/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-health.h — the health check flags of `run` and `create` (docker's --health-*, podman's
 * --health-on-failure): parsed here with docker's durations (shared/health.h), sent as the Health* options
 * of CreateContainer (dbus/io.conman1.Manager.xml). docs/health.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

typedef enum RunHealthFlag {
        RUN_HEALTH_CMD,
        RUN_HEALTH_INTERVAL,
        RUN_HEALTH_TIMEOUT,
        RUN_HEALTH_RETRIES,
        RUN_HEALTH_START_PERIOD,
        RUN_HEALTH_START_INTERVAL,
        RUN_HEALTH_ON_FAILURE,
        RUN_NO_HEALTHCHECK,
        _RUN_HEALTH_FLAG_MAX,
} RunHealthFlag;

typedef struct RunHealth {
        const char *cmd;                                          /* borrowed from argv */
        const char *on_failure;                                   /* none, kill, restart, stop */
        uint64_t interval, timeout, start_period, start_interval; /* usec */
        uint32_t retries;
        bool have_interval, have_timeout, have_start_period, have_start_interval, have_retries;
        bool disabled; /* --no-healthcheck */
} RunHealth;

/* The flags' names, for getopt (their "has_arg": all but --no-healthcheck take a value). */
extern const char *const run_health_flag_names[_RUN_HEALTH_FLAG_MAX];
/* The --help lines. */
extern const char run_health_help[];

/* One flag's value; a bad one is printed and -EINVAL (exit 125). */
int run_health_parse(RunHealthFlag flag, const char *value, RunHealth *h);
/* --no-healthcheck with --health-cmd is refused, as docker. */
int run_health_check(const RunHealth *h);
/* The Health* entries of CreateContainer's options (inside the open a{sv}). */
int run_health_append(sd_bus_message *m, const RunHealth *h);
