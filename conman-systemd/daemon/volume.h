/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume.h — named volumes (docs/volumes.md): directories conmand keeps under
 * <state>/volumes/NAME/, the data in _data/ (bind-mounted into containers), the metadata in
 * volume.json. The directory is the index: a volume exists when its directory does, so a restart of
 * conmand keeps them with nothing to load. volume-dbus.c is their face on the bus.
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

#include "shared/container-spec.h"
#include "daemon/manager.h"

typedef struct VolumeInfo {
        char *name;
        char *mountpoint; /* <state>/volumes/NAME/_data */
        char **labels;    /* "key=value" */
        uint64_t created_at;
        bool anonymous; /* made for a container (-v /path): `volume prune` without --all removes it */
} VolumeInfo;

void volume_info_done(VolumeInfo *v);
struct json_object *volume_info_to_json(const VolumeInfo *v, unsigned users);

/* Makes the volume (atomically: a temporary directory renamed into place); -EEXIST when it exists. */
int volume_create(Manager *m, const char *name, char *const *labels, bool anonymous);
/* -ENOENT when there is no such volume. */
int volume_load(Manager *m, const char *name, VolumeInfo *ret);
/* Names of all volumes, sorted. */
int volume_list(Manager *m, char ***ret);
int volume_remove(Manager *m, const char *name);
/* How many known containers (any state) mount the volume. */
unsigned volume_users(Manager *m, const char *name);

/* At create, before validation: a named volume's source becomes its _data path, an anonymous one (-v /path)
 * gets a random 64-hex name first. Nothing is made on disk. */
int container_volumes_resolve(Manager *m, ContainerSpec *spec);
/* At the removal of a --rm container (docker's): its anonymous volumes that no other container uses. */
void container_volumes_remove_anonymous(Container *c);
/* After validation: makes the volumes that do not exist yet. */
int container_volumes_create(Manager *m, const ContainerSpec *spec);
