/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oci-security.h — the confinement part of config.json: capabilities, the device cgroup and device
 * nodes, seccomp, masked and read-only paths, sysctls, supplementary groups, no-new-privileges,
 * AppArmor and the cgroup namespace. The defaults match podman's (docs/security.md); the container's
 * SecuritySpec lifts them one at a time.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "shared/container-spec.h"

/* What the host decides; oci_host_detect() fills it from the running system. */
typedef struct OciHost {
        const char *machine; /* uname -m: picks the seccomp profile */
        uint64_t cap_all;    /* what ALL and --privileged give: capability_available() */
        bool cgroup2;        /* /sys/fs/cgroup is cgroup v2: give the container a cgroup namespace */
        const char *dev_dir; /* where --privileged finds the host's devices ("/dev") */
} OciHost;

void oci_host_detect(OciHost *ret);

/* The container's effective capability set (bit N = capability N). */
uint64_t oci_security_capabilities(const ContainerSpec *s, uint64_t cap_all);

/* Adds the confinement to config (with "process", "linux" and "mounts" already in it). user_roots as in
 * oci_user_resolve(), for --group-add names. */
int oci_security_apply(const ContainerSpec *s, const OciHost *host, char *const *user_roots,
                       struct json_object *config, sd_bus_error *error);

/* The effective settings for `conmanctl inspect` (HostConfig-style keys). */
struct json_object *oci_security_describe(const ContainerSpec *s);
