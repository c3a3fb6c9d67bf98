/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager.h — the conmand manager: event loop, bus connection, state directory,
 * and the set of known containers. manager.c owns its life cycle;
 * manager-dbus.c is its face on the bus (io.conman1.Manager).
 */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "shared/macro.h"
#include "shared/userns.h"

typedef struct Container Container;
typedef struct Pod Pod;
typedef struct SystemdClient SystemdClient;
typedef struct ContainerIndexEntry ContainerIndexEntry;

typedef struct Manager {
        sd_event *event;
        sd_bus *bus;

        const char *version;   /* CONMAN_VERSION, for the Version property */
        char *state_dir;       /* /var/lib/conman: containers/<id>/ with bundles and metadata */
        char *run_dir;         /* /run/conman: pid files, runtime roots */
        char *default_runtime; /* "runc" or "crun" */
        char *systemd_version;
        int state_dir_fd;

        Container *containers; /* doubly linked list, owned: the order of iteration (ps) */
        unsigned n_containers;
        /* the same containers in hash tables (container-index.c): use manager_get_container_by_*() */
        ContainerIndexEntry *containers_by_id, *containers_by_name, *containers_by_unit_path;
        Pod *pods; /* doubly linked list, owned, oldest first; few: lookups walk it (pod.h) */
        unsigned n_pods;
        Pod *pod_queue; /* pods with news: state and operations move on (pod_dispatch()) */
        Pod *pod_gc;    /* removed pods, freed from the pod queue's source */
        sd_event_source *pod_queue_source;
        SystemdClient *systemd; /* calls to PID 1, watches on its jobs and units (systemd-client.h) */
        Container *run_queue;   /* containers with news from systemd, decided by container_dispatch() */
        sd_event_source *run_queue_source;
        Container *gc_queue; /* removed containers, freed after every callback returned */
        sd_event_source *gc_source;
        struct Exec *execs; /* execs of all containers (exec.c) */
        unsigned n_finished_execs;
        bool scan_new_units; /* a conman-*.service we do not know changed: look for new containers */
        struct ImageStore
                *image_store;        /* images and layers (image/store.h), opened by image_manager_start() */
        struct ImageManager *images; /* pulls and imports in flight (image-dbus.c) */
        UsernsPool
                userns_pool; /* --userns=auto ranges; in use = the known containers' (container-userns.h) */

        bool ready; /* READY=1 sent */
} Manager;

typedef struct ManagerConfig {
        const char *state_dir;
        const char *run_dir;
        const char *default_runtime;
} ManagerConfig;

int manager_new(const ManagerConfig *config, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Connects to the system bus (or $CONMAN_BUS_ADDRESS), loads the containers, exports objects, requests
 * io.conman1. */
int manager_start(Manager *m);
/* The part of manager_start() that tests run on a bus of their own (a socketpair): opens the state
 * directory, attaches bus to the event loop, creates the systemd client and subscribes, opens the image
 * store. No containers loaded, no objects exported, no name requested. */
int manager_start_on_bus(Manager *m, sd_bus *bus);
int manager_run(Manager *m);

/* A known container by its full id, its name, or its unit's object path in systemd
 * (/org/freedesktop/systemd1/unit/conman_2d..._2eservice); NULL when there is none. Hash lookups:
 * call them from signal handlers freely. An id prefix is container_find()'s job (a scan). */
Container *manager_get_container_by_id(Manager *m, const char *id);
Container *manager_get_container_by_name(Manager *m, const char *name);
Container *manager_get_container_by_unit_path(Manager *m, const char *unit_path);

/* Loads containers from disk, matches them with their units and with the fds in the fd store. */
int manager_load_containers(Manager *m);
/* Loads containers that appeared in the state directory since (made by conman-prepare for a unit of
 * conman-generator that systemd started); announces each with ContainerNew. */
int manager_load_new_containers(Manager *m);

/* Exported by manager-dbus.c. */
int manager_bus_export(Manager *m);
extern const sd_bus_vtable manager_vtable[];
