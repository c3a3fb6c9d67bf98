/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oci-config.h — turns a ContainerSpec into the OCI runtime config.json that runc
 * or crun read from the bundle. Resource limits are deliberately absent: systemd
 * owns the cgroup and enforces them as unit properties (unit.c).
 */
#pragma once

#include <json-c/json.h>
#include <sys/types.h>

#include "shared/container-spec.h"

typedef struct OciUser {
        uid_t uid;
        gid_t gid;
        gid_t extra_gids[32]; /* the groups of /etc/group that list the user (when no group was given) */
        size_t n_extra_gids;
} OciUser;

/* Resolves "uid[:gid]" or "name[:group]" against /etc/passwd and /etc/group of the first of roots
 * (top layer first for images; a whiteout or opaque /etc ends the search) that has them. A numeric uid
 * finds its passwd entry by uid (the primary gid, the name); without a group, the groups that list the
 * user as a member become supplementary groups, as with docker. The roots are
 * not trusted: the files are read with read_file_in_root() (fileio.h), inside each root, regular files
 * only. -ESRCH for an unknown name, another -errno for a file that cannot be read.
 * oci_user_resolve_bus() says which in error ("what" names the root: "container web"). */
int oci_user_resolve(char *const *roots, const char *user, OciUser *ret);
int oci_user_resolve_bus(char *const *roots, const char *user, const char *what, OciUser *ret,
                         sd_bus_error *error);

typedef struct OciPaths {
        const char *root;            /* root.path: the rootfs, or where the image overlay is mounted */
        char *const *user_roots;     /* where to look up user names (see oci_user_resolve) */
        const char *cgroups_path;    /* inside the unit's cgroup, so the container stays in it */
        const char *netns_path;      /* a prepared network namespace to join, or NULL */
        const char *network_etc_dir; /* hosts, hostname, resolv.conf to bind over /etc/..., or NULL */
        const char *ipc_ns_path;     /* a pod's pinned IPC namespace to join (pod-spec.h), or NULL */
        const char *uts_ns_path;     /* a pod's pinned UTS namespace to join: its host name is the pod's */
        const char *pod_hostname;   /* with uts_ns_path: $HOSTNAME (config.json sets none: the pod's stays) */
        const char *pid_ns_path;    /* a pod's PID namespace (its pause process's, pinned by path), or NULL */
        bool pid_host, ipc_host;    /* no PID / IPC namespace of its own: the host's */
        const struct OciHost *host; /* machine, capabilities, cgroup version; NULL = this host's */
        const char *init_path;      /* --init: the host's static init to bind in; NULL = oci_init_find() */
} OciPaths;

/* --init: a static init on the host (catatonit, or tini-static), bound read-only to OCI_INIT_PATH in front
 * of the command; NULL when there is none. */
#define OCI_INIT_PATH "/dev/init"
const char *oci_init_find(void);

/* The mount of mountinfo (a /proc/PID/mountinfo) with mount_id, or (mount_id 0) the one whose mount point
 * is the longest above path: its mount point, whether it is shared (a peer group) and a slave (has a
 * master). -ENOENT when there is none. */
int oci_mount_propagation_of(const char *mountinfo, const char *path, uint64_t mount_id,
                             char **ret_mount_point, bool *ret_shared, bool *ret_slave);

/* A volume with shared propagation needs its source on a shared mount, a slave one on a shared or slave
 * mount, or nothing would propagate (containerd refuses too): InvalidArgument naming the path otherwise.
 * With /proc/self/mountinfo the source's mount is found by its id (statx), else by its path. */
int oci_check_volume_propagation(const ContainerSpec *s, const char *mountinfo, sd_bus_error *error);

/* Builds config.json. */
int oci_config_build(const ContainerSpec *s, const char *id, const OciPaths *paths, struct json_object **ret,
                     sd_bus_error *error);
