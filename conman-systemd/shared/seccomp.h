/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seccomp.h — the container's linux.seccomp. Profiles are in docker's format (the default one, rendered
 * from seccomp/default.seccomp, or a file given with --security-opt seccomp=PATH): rules carry
 * "includes"/"excludes" conditions on capabilities, architectures and kernel versions. Composing resolves
 * them for one machine and one capability set — adding CAP_SYS_ADMIN unlocks mount, unshare, setns ... as in
 * docker.
 *
 * The default profile is compiled in, pre-filtered per architecture at build time (seccomp/render.py).
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

extern const char seccomp_profile_x86_64[];
extern const char seccomp_profile_aarch64[];

#define SECCOMP_PROFILE_MAX (4 * 1024 * 1024)

/* The default profile for machine ("x86_64", "aarch64" as uname -m says); -EOPNOTSUPP for others. */
int seccomp_default_profile(const char *machine, struct json_object **ret);

/* Reads and checks a docker-format profile; InvalidArgument errors say what is wrong and where. */
int seccomp_profile_load(const char *path, struct json_object **ret, sd_bus_error *error);
int seccomp_profile_check(struct json_object *profile, const char *what, sd_bus_error *error);

/* The OCI linux.seccomp object for machine and capability set (bit N = capability N); kernel is
 * "MAJOR.MINOR" for "minKernel" conditions (NULL: the running kernel). */
int seccomp_compose(struct json_object *profile, const char *machine, uint64_t caps, const char *kernel,
                    struct json_object **ret);
