/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume-spec.h — the words of volumes as users type them, shared by conmanctl, conmand and the generator:
 * named volume names (docker's rule), `--mount type=bind|volume|tmpfs,...` specs and `--tmpfs DEST[:OPTS]`
 * specs, and the OCI mount options a tmpfs gets (docs/volumes.md).
 */
#pragma once

#include <stdbool.h>

#include "shared/container-spec.h"
#include "shared/macro.h"

#define VOLUME_NAME_RULE "[a-zA-Z0-9][a-zA-Z0-9_.-]+"
#define VOLUME_NAME_MAX  128

/* docker's rule: VOLUME_NAME_RULE, at most VOLUME_NAME_MAX bytes. */
bool volume_name_is_valid(const char *name);
/* The SRC of -v SRC:DST names a volume (it has no '/'), else it is a host path. */
bool volume_source_is_name(const char *source);

/* -v SRC:DST[:OPTIONS] or -v DST alone (docker's anonymous volume: *ret_source NULL). SRC with a '/' is a
 * host path (as typed), else a volume's name (VOLUME_NAME_RULE); OPTIONS as volume_options_parse(). DST is
 * not checked here: conmand says what is wrong with it. -EINVAL for an empty part, a bad name or bad
 * options. */
int volume_bind_parse(const char *spec, char **ret_source, char **ret_destination, bool *ret_read_only,
                      VolumePropagation *ret_propagation);

typedef enum MountType {
        MOUNT_TYPE_BIND,
        MOUNT_TYPE_VOLUME,
        MOUNT_TYPE_TMPFS,
        _MOUNT_TYPE_MAX,
        _MOUNT_TYPE_INVALID = -EINVAL,
} MountType;

const char *mount_type_to_string(MountType t);
MountType mount_type_from_string(const char *s);

/* One --mount: type (default volume, as docker), source (NULL: an anonymous volume; required for bind),
 * target, readonly; bind-propagation for bind; a tmpfs' options in --tmpfs' words ("size=N,mode=0755"). */
typedef struct MountSpec {
        MountType type;
        char *source;
        char *target;
        bool read_only;
        char *propagation;   /* bind-propagation=, NULL = the default */
        char *tmpfs_options; /* NULL = none */
} MountSpec;

void mount_spec_done(MountSpec *m);
/* "type=bind,source=/a,target=/b,readonly": -EINVAL for an unknown key or type, a key given twice, no
 * target, a relative target, a bind without source, a source on a tmpfs, a volume source that is not a
 * valid name, or a key of another type (tmpfs-size on a bind). */
int mount_spec_parse(const char *spec, MountSpec *ret);

/* "--tmpfs DEST[:OPTS]": DEST absolute, OPTS comma-separated tmpfs options (size=, mode=, uid=, gid=,
 * nr_inodes=, ro, rw, exec, noexec, suid, nosuid, dev, nodev). -EINVAL for anything else. */
int tmpfs_spec_parse(const char *spec, char **ret_destination, char **ret_options);
int tmpfs_options_validate(const char *options);
/* The OCI mount options of a tmpfs: docker's defaults (rw, noexec, nosuid, nodev) overridden by options. */
int tmpfs_mount_options(const char *options, char ***ret);

/* The image's VOLUMEs (paths) that the spec's volumes and tmpfs mounts do not cover become anonymous volumes
 * (as docker), still without a name: conmand names them at create (container_volumes_resolve()),
 * conman-prepare at each start of a .container file's unit. Invalid paths and "/" are passed over. */
int container_spec_add_image_volumes(ContainerSpec *spec, char *const *paths);
