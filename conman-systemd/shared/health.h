/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * health.h — a container's health check, docker's (`--health-cmd` & co.) with podman's
 * `--health-on-failure`: what the user asked for (HealthSpec, part of the container spec), docker's
 * durations ("1m30s", "500ms"), and the state machine of the results (HealthState: starting, healthy,
 * unhealthy, the failing streak and the last five results). Pure functions, no I/O: conmand's side is
 * daemon/container-health.c, the design docs/health.md.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

struct json_object;

#define HEALTH_INTERVAL_DEFAULT_USEC     (30 * UINT64_C(1000000))
#define HEALTH_TIMEOUT_DEFAULT_USEC      (30 * UINT64_C(1000000))
#define HEALTH_START_PERIOD_DEFAULT_USEC 0
#define HEALTH_RETRIES_DEFAULT           3
#define HEALTH_DURATION_MIN_USEC         1000 /* docker refuses an interval or timeout below 1 ms */
#define HEALTH_DURATION_MAX_USEC         (UINT64_C(365) * 24 * 3600 * 1000000)
#define HEALTH_LOG_MAX                   5    /* results kept, as docker */
#define HEALTH_OUTPUT_MAX                4096 /* bytes of a check's output kept, as docker */

typedef enum HealthOnFailure {
        HEALTH_ON_FAILURE_NONE,
        HEALTH_ON_FAILURE_KILL,
        HEALTH_ON_FAILURE_RESTART,
        HEALTH_ON_FAILURE_STOP,
        _HEALTH_ON_FAILURE_MAX,
        _HEALTH_ON_FAILURE_INVALID = -EINVAL,
} HealthOnFailure;

typedef enum HealthStatus {
        HEALTH_NONE, /* no check configured */
        HEALTH_STARTING,
        HEALTH_HEALTHY,
        HEALTH_UNHEALTHY,
        _HEALTH_STATUS_MAX,
        _HEALTH_STATUS_INVALID = -EINVAL,
} HealthStatus;

/* The check as docker's Healthcheck.Test: ["CMD-SHELL", "cmd"], ["CMD", argv...] or ["NONE"]; NULL = none. A
 * duration or count of 0 means docker's default. */
typedef struct HealthSpec {
        char **test;
        uint64_t interval_usec, timeout_usec, start_period_usec;
        uint64_t start_interval_usec; /* docker 25's: between checks during the start period (0: interval) */
        unsigned retries;
        bool disabled; /* --no-healthcheck: also the image's check is off */
        HealthOnFailure on_failure;
} HealthSpec;

typedef struct HealthLogEntry {
        uint64_t start, end; /* CLOCK_REALTIME usec */
        int exit_code;       /* -1: timed out or could not run */
        char *output;
} HealthLogEntry;

typedef struct HealthState {
        HealthStatus status;
        unsigned failing_streak;
        HealthLogEntry log[HEALTH_LOG_MAX]; /* oldest first */
        size_t n_log;
} HealthState;

const char *health_on_failure_to_string(HealthOnFailure f);
HealthOnFailure health_on_failure_from_string(const char *s);
const char *health_status_to_string(HealthStatus s);
HealthStatus health_status_from_string(const char *s);

/* docker's (Go's) durations: a sequence of decimal numbers each with a unit ns, us, µs, ms, s, m, h
 * ("1m30s", "1.5s", "500ms"), or "0". -EINVAL for anything else, -ERANGE for a negative or huge one. */
int health_parse_duration(const char *s, uint64_t *ret_usec);

void health_spec_done(HealthSpec *h);
/* A check is configured and not disabled. */
bool health_spec_enabled(const HealthSpec *h);
/* InvalidArgument for a bad test, a duration out of range, a negative retry count. */
int health_spec_validate(const HealthSpec *h, sd_bus_error *error);
/* The effective values, docker's defaults for the unset ones. */
uint64_t health_spec_interval(const HealthSpec *h);
/* The timer's triggers during the start period: the start interval's multiples before the period ends
 * (at most HEALTH_START_TRIGGERS_MAX), into ret (that many elements); 0 without a start interval or
 * period. */
#define HEALTH_START_TRIGGERS_MAX 100
size_t health_spec_start_triggers(const HealthSpec *h, uint64_t ret[static HEALTH_START_TRIGGERS_MAX]);
uint64_t health_spec_timeout(const HealthSpec *h);
unsigned health_spec_retries(const HealthSpec *h);
/* The argv to run in the container: ["/bin/sh", "-c", cmd] for CMD-SHELL, the words for CMD. */
int health_spec_argv(const HealthSpec *h, char ***ret);
/* Takes the image's check (its Healthcheck, docker's config) for what the container left unset. */
int health_spec_merge_image(HealthSpec *h, const HealthSpec *image);
/* container.json's "health" object; NULL when there is nothing to store. */
struct json_object *health_spec_to_json(const HealthSpec *h);
int health_spec_from_json(struct json_object *o, HealthSpec *h);
/* An image config's Healthcheck (docker's: Test, Interval/Timeout/StartPeriod/StartInterval in nanoseconds,
 * Retries); a missing one leaves h empty, a bad one is -EBADMSG (and h empty). */
int health_spec_from_docker_json(struct json_object *o, HealthSpec *h);
/* docker's inspect Config.Healthcheck (durations in nanoseconds), NULL when none. */
struct json_object *health_spec_to_docker_json(const HealthSpec *h);

void health_state_init(HealthState *s, const HealthSpec *h);
void health_state_done(HealthState *s);
/* Records a result (taking entry->output) and moves the state: a success makes it healthy and resets the
 * streak; a failure within the start period while still starting is not counted; otherwise the streak grows
 * and reaching the retries makes it unhealthy. started_at is the container's start (realtime usec). Returns
 * true when the status just became unhealthy (--health-on-failure acts then). */
bool health_state_record(HealthState *s, const HealthSpec *h, uint64_t started_at, HealthLogEntry *entry);
/* docker's State.Health {Status, FailingStreak, Log: [{Start, End, ExitCode, Output}]}. */
struct json_object *health_state_to_json(const HealthState *s);
int health_state_from_json(struct json_object *o, HealthState *s);
