/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd-client.h — conmand's calls to PID 1 (org.freedesktop.systemd1), and watches on its jobs
 * and units. A leaf: it knows units and jobs, never a container. What a finished job or a changed unit
 * means for a container is decided by the model (container-events.c), through the callbacks below.
 *
 * Every call that changes a unit returns a job path; systemd_watch_job() calls back once when the job
 * is gone (JobRemoved), with systemd's result ("done", "failed", "canceled", ...). No polling.
 *
 * Unit tests link tests/unit/daemon/fake-systemd-client.c instead of this file's .c (the daemon library
 * leaves it out: meson's libconman_systemd_client), so the model runs against a fake PID 1.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

typedef struct SystemdClient SystemdClient;

typedef struct SystemdUnitHandlers {
        /* PropertiesChanged of a unit under /org/freedesktop/systemd1/unit: active/sub are the new
         * ActiveState/SubState, either may be NULL when the signal did not carry it. */
        void (*unit_changed)(const char *unit_path, const char *active, const char *sub, void *userdata);
        /* UnitRemoved: systemd forgot the unit (a stopped transient unit was collected). */
        void (*unit_removed)(const char *unit_path, void *userdata);
        /* systemd finished a daemon-reload or came back from a daemon-reexec: a unit may have changed
         * while it sent no signal, so every state is worth asking again. */
        void (*manager_reloaded)(void *userdata);
        void *userdata;
} SystemdUnitHandlers;

/* Called once, when systemd removed the job; the watch is gone afterwards. */
typedef void (*SystemdJobHandler)(const char *job_path, const char *result, void *userdata);
typedef void (*SystemdFreeFunc)(void *userdata);

int systemd_client_new(sd_bus *bus, const SystemdUnitHandlers *handlers, SystemdClient **ret);
/* Drops every watch without calling it back (free_userdata runs for each). */
SystemdClient *systemd_client_free(SystemdClient *s);
/* Subscribes to systemd's signals (JobRemoved, UnitRemoved, units' PropertiesChanged, Reloading) and to
 * systemd's bus name coming back after a daemon-reexec (subscribing again then). */
int systemd_client_subscribe(SystemdClient *s);

/* Calls handler(job, result, userdata) once the job is removed; free_userdata (may be NULL) frees
 * userdata after the call or when the client is freed. Several watches on one job all run (concurrent
 * StopUnit calls on one unit share systemd's job). */
int systemd_watch_job(SystemdClient *s, const char *job_path, SystemdJobHandler handler, void *userdata,
                      SystemdFreeFunc free_userdata);
/* A watch on one unit's PropertiesChanged besides the handlers of the client (exec units). */
int systemd_watch_unit(SystemdClient *s, const char *unit_path, sd_bus_message_handler_t handler,
                       void *userdata, sd_bus_slot **ret_slot);

/* A StartTransientUnit call with (name, mode) appended, for unit.c to append the properties to. */
int systemd_new_start_transient_unit(SystemdClient *s, const char *unit, sd_bus_message **ret);
/* Closes the message (no auxiliary units) and calls it. */
int systemd_start_transient_unit(SystemdClient *s, sd_bus_message *props_message, char **ret_job,
                                 sd_bus_error *error);
/* Calls it as it is: the caller appended the auxiliary units (a timer's service). */
int systemd_start_transient_unit_with_aux(SystemdClient *s, sd_bus_message *props_message, char **ret_job,
                                          sd_bus_error *error);
/* A SetUnitProperties call with (name, runtime=true) appended, for unit.c to append the properties to; the
 * unit must be loaded. systemd_set_unit_properties() calls it. */
int systemd_new_set_unit_properties(SystemdClient *s, const char *unit, sd_bus_message **ret);
int systemd_set_unit_properties(SystemdClient *s, sd_bus_message *props_message, sd_bus_error *error);
/* StartUnit of a unit file (a container conman-generator made). */
int systemd_start_unit(SystemdClient *s, const char *unit, char **ret_job, sd_bus_error *error);
int systemd_stop_unit(SystemdClient *s, const char *unit, char **ret_job, sd_bus_error *error);
int systemd_kill_unit(SystemdClient *s, const char *unit, const char *whom, int sig, sd_bus_error *error);
int systemd_reset_failed_unit(SystemdClient *s, const char *unit);
/* Unit.Unref: drops the reference AddRef=yes took. */
int systemd_unref_unit(SystemdClient *s, const char *unit_path);

/* FreezeUnit (freeze) or ThawUnit: systemd answers once the unit's cgroup is frozen or thawed. */
int systemd_freeze_unit(SystemdClient *s, const char *unit, bool freeze, sd_bus_error *error);
/* The unit's FreezerState ("running", "freezing", "frozen", "thawing"); "running" when systemd doesn't
 * know the unit. */
int systemd_get_freezer_state(SystemdClient *s, const char *unit_path, char **ret);

/* ActiveState and SubState of a unit; "inactive"/"dead" when systemd doesn't know it. */
int systemd_get_unit_state(SystemdClient *s, const char *unit_path, char **ret_active, char **ret_sub);
/* A Service property of type u ("MainPID", "NRestarts"); 0 and returns 0 when the unit is not loaded. */
int systemd_get_service_u32(SystemdClient *s, const char *unit_path, const char *property, uint32_t *ret);
/* A Service property of type i ("ExecMainCode", "ExecMainStatus"); same rules. */
int systemd_get_service_i32(SystemdClient *s, const char *unit_path, const char *property, int32_t *ret);

/* A unit as ListUnitsByPatterns lists it; job_type/job_path are "" and "/" without a queued job. */
typedef struct SystemdUnitInfo {
        const char *unit, *active, *sub, *unit_path;
        const char *job_type, *job_path;
} SystemdUnitInfo;
/* ListUnitsByPatterns(states=any, patterns): calls each(info, userdata) for every loaded unit. */
typedef void (*SystemdUnitEach)(const SystemdUnitInfo *info, void *userdata);
int systemd_list_units(SystemdClient *s, char **patterns, SystemdUnitEach each, void *userdata);
/* systemd's Version property (a string such as "252.39-1~deb12u2"). */
int systemd_get_version(SystemdClient *s, char **ret);
