/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * security-spec.h — the confinement part of a ContainerSpec: the escape hatches from the default
 * (capabilities, devices, seccomp, no-new-privileges, AppArmor, sysctls, supplementary groups,
 * privileged), spelled as docker spells them. Parsing here is syntax only and shared by the D-Bus
 * options and the generator; security_spec_validate() checks the host (device nodes, profile files,
 * AppArmor) so every entry point refuses the same things. docs/security.md has the whole picture.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <systemd/sd-bus.h>

typedef struct SecuritySpec {
        bool privileged;        /* all capabilities and devices, no seccomp, no masked paths */
        bool no_new_privileges; /* --security-opt no-new-privileges */
        char **cap_add;         /* "CAP_X" or "ALL" */
        char **cap_drop;
        char **devices;         /* canonical "HOST:CONTAINER:PERMS" */
        char *seccomp_profile;  /* NULL = the default, "unconfined", or an absolute path */
        char *apparmor_profile; /* NULL = none set, "unconfined" or a profile name */
        char **sysctls;         /* "key=value" */
        char **group_add;       /* supplementary groups: numbers or names from the rootfs */
        bool has_masked_paths,
                has_readonly_paths; /* MaskedPaths/ReadonlyPaths given (the whole lists, CRI's): */
        char **masked_paths;        /* they replace the defaults; NULL with has_ = none */
        char **readonly_paths;
        bool has_oom_score_adj; /* OomScoreAdj given: config.json's process.oomScoreAdj (-1000..1000) */
        int oom_score_adj;
} SecuritySpec;

#define SECURITY_LIST_MAX 256

typedef struct DeviceSpec {
        char *host;        /* absolute path of a char/block node on the host */
        char *container;   /* absolute path in the container */
        char *permissions; /* some of "rwm" */
} DeviceSpec;

void security_spec_done(SecuritySpec *s);

/* Appends a capability, normalized ("net_raw" → "CAP_NET_RAW"); -EINVAL for an unknown name. */
int security_spec_add_capability(char ***list, const char *name);
/* HOST[:CONTAINER[:PERMS]] → canonical form; -EINVAL on bad syntax. */
int security_spec_add_device(SecuritySpec *s, const char *v);
/* seccomp=unconfined|PATH, no-new-privileges[=true|false], apparmor=PROFILE; -EINVAL otherwise. */
int security_spec_add_security_opt(SecuritySpec *s, const char *v);
/* key=value; -EINVAL when not of that form. */
int security_spec_add_sysctl(SecuritySpec *s, const char *v);
int security_spec_add_group(SecuritySpec *s, const char *v);

int device_spec_parse(const char *canonical, DeviceSpec *ret);
void device_spec_done(DeviceSpec *d);

/* Namespaced sysctls only, as docker: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, and net.* when
 * the container has its own network namespace (host_network false). */
bool sysctl_is_namespaced(const char *key, bool host_network);

int security_spec_validate(const SecuritySpec *s, bool host_network, sd_bus_error *error);

/* The "security" object of container.json. */
struct json_object *security_spec_to_json(const SecuritySpec *s);
int security_spec_from_json(struct json_object *o, SecuritySpec *s);
