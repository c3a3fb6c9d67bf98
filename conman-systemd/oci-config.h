/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oci-config.h — turns a ContainerSpec into the OCI runtime config.json that runc
 * or crun read from the bundle. Resource limits are deliberately absent: systemd
 * owns the cgroup and enforces them as unit properties (unit.c).
 */
#pragma once

#include <json-c/json.h>
#include <sys/types.h>

#include "container-spec.h"

typedef struct OciUser {
        uid_t uid;
        gid_t gid;
} OciUser;

/* Resolves "uid[:gid]" or "name[:group]" against the rootfs' /etc/passwd and /etc/group. */
int oci_user_resolve(const char *rootfs, const char *user, OciUser *ret);

/* Builds config.json. cgroups_path is the unit's cgroup, so the container stays in it. */
int oci_config_build(const ContainerSpec *s, const char *id, const char *cgroups_path, struct json_object **ret,
                     sd_bus_error *error);
