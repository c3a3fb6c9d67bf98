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

/* Resolves "uid[:gid]" or "name[:group]" against /etc/passwd and /etc/group of the first of roots
 * (top layer first for images) that has them. */
int oci_user_resolve(char *const *roots, const char *user, OciUser *ret);

typedef struct OciPaths {
        const char *root;         /* root.path: the rootfs, or where the image overlay is mounted */
        char *const *user_roots;  /* where to look up user names (see oci_user_resolve) */
        const char *cgroups_path; /* inside the unit's cgroup, so the container stays in it */
        const char *netns_path;   /* a prepared network namespace to join, or NULL */
        const char *network_etc_dir; /* hosts, hostname, resolv.conf to bind over /etc/..., or NULL */
        const struct OciHost *host;  /* machine, capabilities, cgroup version; NULL = this host's */
} OciPaths;

/* Builds config.json. */
int oci_config_build(const ContainerSpec *s, const char *id, const OciPaths *paths, struct json_object **ret,
                     sd_bus_error *error);
