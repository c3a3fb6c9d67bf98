/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd-client.h — conmand's calls to PID 1 (org.freedesktop.systemd1) and the
 * jobs it waits for. Every call that changes a unit returns a job; the job's
 * JobRemoved signal answers the D-Bus request that caused it (no polling).
 */
#pragma once

#include <systemd/sd-bus.h>

#include "daemon/manager.h"

typedef enum JobKind {
        JOB_START,
        JOB_STOP,
        JOB_RESTART_STOP, /* stop half of a restart: starts again when done */
        JOB_REMOVE_STOP,  /* stop before rm -f: removes when done */
} JobKind;

typedef struct Job {
        char *path;
        JobKind kind;
        char *container_id;
        sd_bus_message *request; /* answered when the job is gone; may be NULL */
        struct Job *next;
} Job;

/* Subscribes to systemd's signals (JobRemoved, unit PropertiesChanged, UnitRemoved). */
int systemd_client_setup(Manager *m);

/* Remembers a job until its JobRemoved. Takes a reference on request. */
int manager_watch_job(Manager *m, const char *path, JobKind kind, const char *container_id, sd_bus_message *request);
void manager_free_jobs(Manager *m);

int systemd_start_transient_unit(Manager *m, sd_bus_message *props_message, char **ret_job, sd_bus_error *error);
int systemd_new_start_transient_unit(Manager *m, const char *unit, sd_bus_message **ret);
/* StartUnit of a unit file (a container conman-generator made). */
int systemd_start_unit(Manager *m, const char *unit, char **ret_job, sd_bus_error *error);
int systemd_stop_unit(Manager *m, const char *unit, char **ret_job, sd_bus_error *error);
int systemd_kill_unit(Manager *m, const char *unit, const char *whom, int sig, sd_bus_error *error);
int systemd_reset_failed_unit(Manager *m, const char *unit);

/* ActiveState and SubState of a unit; "inactive"/"dead" when systemd doesn't know it. */
int systemd_get_unit_state(Manager *m, const char *unit_path, char **ret_active, char **ret_sub);
/* A Service property of type u ("MainPID", "NRestarts"); 0 when the unit is not loaded. */
int systemd_get_service_u32(Manager *m, const char *unit_path, const char *property, uint32_t *ret);
