/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container.h — the container model: identity, spec, state, and the operations
 * that turn into unit operations on systemd. container-dbus.c is its bus face,
 * stdio/container-stdio.c forwards its stdio to the journal and to attached clients.
 *
 * State is derived from the unit (ActiveState/SubState, followed through systemd's
 * signals) plus the exit record systemd's ExecStopPost= writes (exit-record.h), so
 * it is exact across conmand restarts.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "shared/container-spec.h"
#include "daemon/manager.h"

typedef enum ContainerState {
        CONTAINER_CREATED,    /* bundle exists, never started (or reset) */
        CONTAINER_STARTING,   /* start job running: runtime creating the container */
        CONTAINER_RUNNING,    /* unit active: the init is the unit's MainPID */
        CONTAINER_STOPPING,   /* unit deactivating */
        CONTAINER_RESTARTING, /* between runs under a restart policy */
        CONTAINER_EXITED,     /* unit inactive/failed; see exit_code */
        _CONTAINER_STATE_MAX,
        _CONTAINER_STATE_INVALID = -EINVAL,
} ContainerState;

/* What a systemd job of the container is for: decides what follows once it is gone (container-events.c). */
typedef enum JobKind {
        JOB_START,
        JOB_STOP,
        JOB_RESTART_STOP, /* stop half of a restart: starts again when done */
        JOB_REMOVE_STOP,  /* stop before rm -f: removes when done */
} JobKind;

typedef struct ContainerJob ContainerJob;
typedef struct ContainerStdio ContainerStdio;
typedef struct ContainerHealth ContainerHealth;

struct Container {
        Manager *manager;
        char *id; /* 64 hex chars */
        char *name;
        char *unit;        /* conman-<name>.service */
        char *unit_path;   /* systemd's object path for it */
        char *object_path; /* /io/conman1/container/<escaped id> */
        int dir_fd;        /* containers/<id>/ in the state directory */
        ContainerSpec spec;

        ContainerState state;
        uint64_t created_at, started_at, finished_at; /* CLOCK_REALTIME usec */
        int exit_code;                                /* -1 when it never exited */
        bool oom_killed;
        char *exit_result; /* systemd's Result of the last run */
        char *source_path; /* the .container file of a container conman-generator made, else NULL */
        uint32_t main_pid;
        uint32_t restart_count;
        char **published_ports; /* the ports of the last start, every host port chosen (container-ports.h) */
        bool paused;     /* the unit is frozen (pause): its FreezerState, asked when it starts running */
        bool removing;   /* rm requested; finishes once the unit is down */
        bool restarting; /* the stop half of a restart runs: its exit does not reap a --rm container */
        sd_event_source *kill_timer;    /* stop -t N: SIGKILL when N runs out */
        sd_bus_message *start_request;  /* a start whose job failed: answered by the exit record */
        sd_bus_message *start_after_gc; /* a start waiting for systemd to collect the last run's unit */
        sd_event_source *start_wait_timer;
        bool start_deferred; /* a start (with start_after_gc, or for a pod without a request) waits for
                                UnitRemoved */
        bool start_pending;  /* our start job runs: the unit's "inactive" before it is stale */

        ContainerHealth *health;  /* the health check's state and the check that runs (container-health.h) */
        ContainerStdio *stdio;    /* output streams, console, attached clients (container-stdio.h); lazily */
        sd_bus_message **waiters; /* pending Wait calls, answered on exit */
        size_t n_waiters;

        /* News from systemd, queued by the systemd client's callbacks, decided by container_dispatch(). */
        bool in_run_queue;
        Container *run_queue_next;
        char *news_active, *news_sub; /* the unit's last ActiveState/SubState from a signal */
        bool news_refresh;            /* ask systemd for the unit's state (a job ended, the unit went away) */
        bool news_unit_removed;       /* UnitRemoved */
        ContainerJob *news_jobs;      /* jobs systemd removed, in order */
        bool gone;                    /* removed: unlinked from the manager, freed by the GC queue */
        Container *gc_next;

        Container *prev, *next;
};

const char *container_state_to_string(ContainerState s);
ContainerState container_state_from_string(const char *s);
bool container_state_is_active(ContainerState s);

/* Creates the container on disk (bundle + metadata, atomically) and in memory. */
int container_create(Manager *m, const char *name, ContainerSpec *spec, Container **ret, sd_bus_error *error);
/* Loads containers/<id>/ written by container_create(). */
int container_load(Manager *m, const char *id, Container **ret);
/* A generated container: conman-prepare rewrote container.json for this start (its file may have
 * changed since conmand read it): take the spec again. No-op for other containers. */
int container_reload_generated(Container *c);
Container *container_free(Container *c);
/* The container's stdio hub (daemon/stdio/container-stdio.h), made when first needed; NULL without memory. */
ContainerStdio *container_stdio(Container *c);

/* config.json of the container (with its network namespace, for a bridge network). */
int container_build_oci_config(Container *c, struct json_object **ret, sd_bus_error *error);

/* ExecStartPre=/ExecStopPost= commands of the subsystems (container-hooks.c). */
struct UnitHooks;
int container_collect_hooks(Container *c, struct UnitHooks *hooks, sd_bus_error *error);

/* A container from a .container file (conman-generator): its unit is a unit file, started with StartUnit. */
static inline bool container_is_generated(const Container *c) {
        return c->source_path != NULL;
}

/* Looks up by name, full id or unique id prefix; sets NoSuchContainer/AmbiguousReference. */
int container_find(Manager *m, const char *ref, Container **ret, sd_bus_error *error);
/* manager_get_container_by_unit_path() and manager_get_container_by_id() under older names. */
Container *container_by_unit_path(Manager *m, const char *unit_path);
Container *container_by_id(Manager *m, const char *id);

/* Operations; `request` (may be NULL) is answered when the operation completes. */
int container_start(Container *c, sd_bus_message *request, sd_bus_error *error);
int container_stop(Container *c, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error);
int container_restart(Container *c, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error);
int container_kill(Container *c, int sig, sd_bus_error *error);
int container_remove(Container *c, bool force, sd_bus_message *request, sd_bus_error *error);
int container_wait(Container *c, sd_bus_message *request);
/* UpdateContainer: takes the resource limits of limits (memory, CPU, pids, cpusets; validated), sets them
 * on the running unit (SetUnitProperties, runtime) and keeps them in container.json. */
int container_update_resources(Container *c, ContainerSpec *limits, sd_bus_error *error);

/* container-pause.c: pause/unpause as FreezeUnit/ThawUnit (NotRunning for a container that does not run,
 * or, on unpause, is not paused). */
int container_pause(Container *c, sd_bus_error *error);
int container_unpause(Container *c, sd_bus_error *error);
/* Thaws a paused container before it is stopped or killed (a frozen process does not act on signals);
 * logs a failure. */
void container_thaw_if_paused(Container *c);
/* Asks systemd whether the running unit is frozen (on start, and after a conmand restart). */
void container_refresh_paused(Container *c);
/* The state as ps and inspect show it: container_state_to_string(), or "paused" for a frozen one. */
const char *container_status_string(const Container *c);

/* RenameContainer (container-rename.c): a created or exited container gets a new name and with it a new
 * unit, conman-NEW.service. InvalidArgument for a bad name, NameInUse, Busy for an active one, OwnedByFile
 * for a generated one. */
int container_rename(Container *c, const char *new_name, sd_bus_error *error);

/* systemd collected the container's unit (UnitRemoved): a deferred start goes ahead. */
void container_unit_removed(Container *c);

/* container-events.c: the one place where systemd's news becomes decisions. */
/* Answers request (may be NULL) and decides what follows when systemd removed the job. */
int container_watch_job(Container *c, const char *job, JobKind kind, sd_bus_message *request);
/* The handlers given to the systemd client (manager_start_on_bus()). */
extern const struct SystemdUnitHandlers container_unit_handlers;
/* Queues c for container_dispatch() on the manager's run queue. */
void container_enqueue(Container *c);
/* Unlinks c from the manager (lookups no longer find it) and frees it from the GC queue later, never
 * under a caller that still holds it. */
void container_enqueue_gc(Container *c);
/* Frees what is left on the run and GC queues (manager_free()). */
void manager_drain_queues(Manager *m);
/* Takes c out of the manager's list and index, without freeing it. */
void container_unlink(Container *c);
void container_jobs_free(ContainerJob *j);

/* Applies what systemd says about the unit (from a signal, a listing, or a lookup). */
void container_apply_unit_state(Container *c, const char *active_state, const char *sub_state);
int container_save(Container *c);

/* What a caller who is not root sees instead of a secret: an environment value, a command argument, a
 * mount source (docs/security.md, Secrets). */
#define BUS_REDACTED "<redacted>"

/* The docker-inspect-like JSON document; redact hides secrets from a caller who is not root. */
struct json_object *container_to_json(Container *c, bool redact);
/* The container as a .container file (conman.container(5)) that makes it a boot-time container:
 * `conmanctl generate unit`. InvalidArgument for a value a file cannot carry (container-file-format.h). */
int container_to_container_file(Container *c, char **ret, sd_bus_error *error);

/* Container ↔ bus (container-dbus.c). */
int container_bus_export(Manager *m);
int container_send_new_signal(Container *c);
int container_send_removed_signal(Container *c);
void container_send_changed(Container *c);
/* PropertiesChanged with Id, Name and Health: the health check's status changed (container-health.c). */
void container_send_health_changed(Container *c);
