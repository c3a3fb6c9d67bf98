/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-systemd.h — a PID 1 in memory for the daemon's unit tests. fake-systemd-client.c implements every
 * function of daemon/systemd-client.h against it: units (state, MainPID, NRestarts, the properties
 * StartTransientUnit got), jobs, and the watches on them. The test plays systemd with the functions below:
 * it moves units, finishes jobs and removes units; the model hears of it only through the handlers it gave
 * systemd_client_new() and systemd_watch_job(), as from the real client.
 *
 * The units and jobs outlive a client: a test frees the Manager (conmand killed with -9) and makes a new
 * one, and the new one finds the units through systemd_list_units().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

typedef struct FakeUnit {
        char *name;         /* conman-a.service */
        char *path;         /* /org/freedesktop/systemd1/unit/conman_2da_2eservice */
        char *active, *sub; /* ActiveState, SubState */
        uint32_t main_pid;
        uint32_t n_restarts;
        int32_t exec_main_code, exec_main_status; /* CLD_EXITED ..., the status */
        bool transient;                /* made by StartTransientUnit (else a unit file: StartUnit) */
        bool referenced;               /* AddRef=yes and no Unref since */
        bool frozen;                   /* FreezeUnit and no ThawUnit since */
        char **properties;             /* "Name=value" of each property StartTransientUnit got */
        sd_bus_message *start_message; /* held while the unit runs: it carries the unit's stdio fds */
        struct FakeUnit *next;
} FakeUnit;

typedef struct FakeJob {
        char *path; /* /org/freedesktop/systemd1/job/N */
        char *unit;
        char *kind; /* "start", "stop" */
        struct FakeJob *next;
} FakeJob;

/* Forgets every unit, job and logged call. No client may exist. */
void fake_systemd_reset(void);

/* A unit file (conman-generator's): StartUnit works on it. Returns the unit. */
FakeUnit *fake_systemd_add_unit(const char *name, const char *active, const char *sub);
FakeUnit *fake_systemd_unit(const char *name);
/* The unit whose name matches a glob ("conman-a-exec-*.service"), or NULL. */
FakeUnit *fake_systemd_find_unit(const char *glob);
/* Sets ActiveState/SubState and tells the client (its unit_changed handler, and the unit watches through
 * the peer given to fake_systemd_set_peer()), like a PropertiesChanged signal. A unit that goes
 * inactive/failed drops its stdio fds, as systemd closes them. */
void fake_systemd_set_unit_state(const char *name, const char *active, const char *sub);
/* systemd collected the unit: gone from the list, UnitRemoved to the client. */
void fake_systemd_remove_unit(const char *name);
/* systemd collected the unit and its UnitRemoved is still on the way: the client hears nothing yet. */
void fake_systemd_forget_unit(const char *name);

/* The job with this path, or when the argument does not start with '/', the last job of that unit. */
FakeJob *fake_systemd_job(const char *path_or_unit);
/* Removes the job and calls every watch on it with result ("done", "failed", "canceled", ...), like
 * JobRemoved. Returns how many watches ran, or -ENOENT for no such job. */
int fake_systemd_finish_job(const char *path_or_unit, const char *result);
unsigned fake_systemd_n_jobs(void);

/* The calls that change something, in order: "StartTransientUnit conman-a.service", "StartUnit ...",
 * "StopUnit ...", "KillUnit conman-a.service main 9", "ResetFailedUnit ...", "Unref ...", "Subscribe"; a call
 * systemd refused ends in " -> <error name>". */
char **fake_systemd_calls(void);
/* How many logged calls are exactly this string. */
unsigned fake_systemd_count_calls(const char *call);
void fake_systemd_clear_calls(void);
/* One property StartTransientUnit got ("ExecStart" → "/usr/sbin/runc --root ... ; ..."), or NULL. */
const char *fake_unit_property(const FakeUnit *u, const char *name);

/* The other end of the daemon's bus: PropertiesChanged signals for systemd_watch_unit() go out there. */
void fake_systemd_set_peer(sd_bus *peer);
