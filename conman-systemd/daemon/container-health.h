/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-health.h — a container's health check on systemd (docs/health.md). The schedule is systemd's:
 * conman-<name>-health.timer, a transient timer bound to the container's unit (BindsTo=, so it goes when the
 * container stops), started with its service conman-<name>-health.service (an auxiliary unit of the same
 * StartTransientUnit call), whose ExecStart= is `conmanctl healthcheck run <id>`. That calls HealthcheckRun,
 * which runs the check as an exec unit (daemon/exec.h) bounded by the timeout, records the result in the
 * state machine of shared/health.h, keeps it in containers/<id>/health.json (so it survives a restart of
 * conmand) and acts on --health-on-failure when the container turns unhealthy.
 */
#pragma once

#include "daemon/container.h"

/* Reads health.json of a loaded container (none: a fresh state). */
int container_health_load(Container *c);
void container_health_free(Container *c);
/* The container runs: a new run (another started_at) starts with a fresh state; the timer unit is started
 * (one that already runs is left alone, as after a restart of conmand). */
void container_health_on_running(Container *c);
/* HealthcheckRun: runs the check once and answers request with (status, exit code) when it ended. */
int container_health_run(Container *c, sd_bus_message *request, sd_bus_error *error);
/* "starting", "healthy", "unhealthy", or NULL without a check. */
const char *container_health_status(Container *c);
/* docker's State.Health, NULL without a check; redact: each check's Output is "<redacted>" (what a command
 * prints may be a secret, as its arguments are). */
struct json_object *container_health_to_json(Container *c, bool redact);
/* The timer unit's name, conman-<name>-health.timer. */
int container_health_timer_unit(Container *c, char **ret);
