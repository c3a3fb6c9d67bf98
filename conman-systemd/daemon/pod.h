/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod.h — the pod model (docs/pods.md): a pod is its slice conman-pod-<name>.slice (the limits) plus its pin
 * unit conman-pod@<name>.service (a oneshot with RemainAfterExit=yes whose ExecStart= pins the shared
 * namespaces with conman-podns). No process of its own. Members are the containers whose spec.pod_id is
 * the pod's id; nothing else records them.
 *
 * State is computed, never stored: the pin unit's ActiveState (followed through systemd's signals, like a
 * container's unit) and the members' states. On disk: <state>/pods/<id>/pod.json (pod-spec.h), written
 * atomically; `removing` in it makes whoever loads it next finish the removal. pod-dbus.c is its bus face.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "shared/pod-spec.h"
#include "daemon/manager.h"

typedef enum PodState {
        POD_STOPPED,  /* the pin unit is not active: nothing pinned */
        POD_CREATED,  /* pinned; no member active and none exited */
        POD_RUNNING,  /* pinned; every member active (at least one) */
        POD_DEGRADED, /* pinned; some members active, some not */
        POD_EXITED,   /* pinned; no member active, some exited */
        _POD_STATE_MAX,
        _POD_STATE_INVALID = -EINVAL,
} PodState;

typedef struct PodOp PodOp;

struct Pod {
        Manager *manager;
        PodSpec spec;        /* spec.id, spec.name: the pod's identity */
        char *slice;         /* conman-pod-<name>.slice */
        char *pin_unit;      /* conman-pod@<name>.service */
        char *pin_unit_path; /* systemd's object path for it */
        char *object_path;   /* /io/conman1/pod/<escaped id> */
        int dir_fd;          /* pods/<id>/ in the state directory */

        char *pin_active; /* the pin unit's last ActiveState ("inactive" when systemd does not know it) */
        PodState state;
        unsigned n_members_seen; /* members when Containers was last announced */
        PodOp *ops;              /* operations in flight (start, stop, remove ...), oldest first */
        uint64_t next_op_id;

        bool in_queue; /* news: recompute the state and move the operations on (pod_dispatch()) */
        bool gone;     /* removed: unlinked from the manager, freed from the queue's source later */
        Pod *queue_next;
        Pod *prev, *next;
};

const char *pod_state_to_string(PodState s);
PodState pod_state_from_string(const char *s);

/* CreatePod: validates, writes <state>/pods/<id>/ atomically, starts the slice and the pin unit.
 * Returns 1 and answers request with (id, path) once the pin unit's start job finished; on failure
 * everything made is removed and request gets RuntimeFailed naming `journalctl -u conman-pod@NAME`. */
int pod_create(Manager *m, PodSpec *spec, sd_bus_message *request, Pod **ret, sd_bus_error *error);
/* Loads every pods/<id>/ not known yet; at start (at_start) also drops half-created ".new-*". */
int manager_load_pods(Manager *m, bool at_start);
/* After containers are loaded and reconciled: pin states, removals to finish, orphaned <run>/pods/<id>. */
int manager_reconcile_pods(Manager *m);
/* The pin unit's state, asked directly (at start, and after systemd reloaded). */
void pod_refresh_pin(Pod *p);
Pod *pod_free(Pod *p);
void manager_free_pods(Manager *m);

/* By name, full id or unique id prefix; NoSuchPod / AmbiguousReference. */
int pod_find(Manager *m, const char *ref, Pod **ret, sd_bus_error *error);
Pod *manager_get_pod_by_id(Manager *m, const char *id);
Pod *manager_get_pod_by_name(Manager *m, const char *name);
Pod *manager_get_pod_by_unit_path(Manager *m, const char *unit_path);

/* The pin unit is active: the namespaces exist. */
bool pod_is_pinned(const Pod *p);
unsigned pod_n_members(Pod *p);
bool pod_has_member(const Pod *p, const Container *c);
/* The members' ids, in the manager's order. */
int pod_member_ids(Pod *p, char ***ret);

/* Operations; each answers request (may be NULL) when done: 1 = later, 0 = done now. */
int pod_start(Pod *p, sd_bus_message *request, sd_bus_error *error);
int pod_stop(Pod *p, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error);
int pod_restart(Pod *p, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error);
int pod_kill(Pod *p, int sig, sd_bus_error *error);
int pod_remove(Pod *p, bool force, sd_bus_message *request, sd_bus_error *error);

/* A member is about to start: the slice (with its limits) and the pin unit first. The pin's start job need
 * not be done: the member's unit is After= it. */
int pod_ensure_started(Pod *p, sd_bus_error *error);

/* A container of the pod changed state, was created or removed: the pod's news (queued, not re-entrant). */
void pod_member_changed(Manager *m, const char *pod_id);
/* The pin unit changed (systemd's PropertiesChanged) or went away (UnitRemoved: active is NULL). */
void pod_pin_changed(Pod *p, const char *active);

/* The inspect document (InspectPod). */
struct json_object *pod_to_json(Pod *p);

/* Inside the pod model (pod.c, pod-ops.c, pod-load.c). */
Pod *pod_alloc(Manager *m, PodSpec *spec); /* takes *spec's contents */
void pod_link(Pod *p);
void pod_unlink(Pod *p);
int pod_save(Pod *p);
/* Queues the pod for pod_dispatch(): state, Containers, operations moving on. */
void pod_enqueue(Pod *p);
/* Unlinks p (lookups no longer find it) and frees it after every callback returned. */
void pod_enqueue_gc(Pod *p);
void pod_ops_free(Pod *p);
void pod_ops_progress(Pod *p);
/* Removes what pod_create() made on disk and in systemd; used when its pin failed and by removal. */
void pod_finalize_removal(Pod *p);

/* Pod ↔ bus (pod-dbus.c). */
int pod_bus_export(Manager *m);
int pod_send_new_signal(Pod *p);
int pod_send_removed_signal(Pod *p);
void pod_send_changed(Pod *p, bool members);
