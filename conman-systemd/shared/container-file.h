/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-file.h — a *.container file (conman.container(5)) and its drop-ins,
 * parsed into a ContainerSpec plus the unit settings that pass through.
 *
 * INI syntax as in systemd units (shared/ini-file.c): [Container] keys from a documented table
 * (container_file_keys, docs/generator.md), [Unit]/[Service]/[Install] copied to
 * the unit, except the keys refused-keys.h refuses. Unknown keys, refused keys, bad
 * values and missing Image=/Rootfs= are errors naming file:line and key; every error
 * of a file is reported, and the file is refused.
 */
#pragma once

#include "shared/container-spec.h"

typedef enum PullPolicy {
        PULL_MISSING, /* pull when the store does not have the image (default) */
        PULL_NEVER,
        PULL_ALWAYS, /* pull before every start */
        _PULL_POLICY_MAX,
        _PULL_POLICY_INVALID = -EINVAL,
} PullPolicy;

typedef struct ContainerFile {
        char *path; /* the .container file: SourcePath= */
        char *name; /* ContainerName=, default: the file's stem */
        ContainerSpec spec;
        char **entrypoint; /* Entrypoint=: replaces the image's */
        PullPolicy pull;
        char *pod;            /* Pod=: "NAME.pod"; the generator sets spec.pod_id/pod_name from that file */
        bool network_set;     /* Network= was given (refused with Pod=) */
        char **unit_lines;    /* "Key=value" of [Unit], in order */
        char **service_lines; /* [Service] */
        char **install_lines; /* [Install] */
        char **wanted_by;     /* from [Install]: become .wants/ links */
        char **required_by;
        unsigned n_errors;
} ContainerFile;

/* One key of [Container], for the table in docs/generator.md and --help. */
typedef struct ContainerFileKey {
        const char *key;
        int (*parse)(ContainerFile *f, const char *key, const char *value, char **ret_message);
        const char *help;
} ContainerFileKey;

extern const ContainerFileKey container_file_keys[];
extern const size_t container_file_n_keys;

void container_file_init(ContainerFile *f);
void container_file_done(ContainerFile *f);

/* Parses path, then the drop-ins (absolute paths, already in order). Errors are logged as
 * "FILE:LINE: Key=: message"; returns -EINVAL when there were any (f->n_errors), -errno on I/O. */
int container_file_load(ContainerFile *f, const char *path, char *const *dropins);

const char *pull_policy_to_string(PullPolicy p);
PullPolicy pull_policy_from_string(const char *s);
