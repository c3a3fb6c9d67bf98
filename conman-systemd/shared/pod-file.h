/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-file.h — a *.pod file (conman.pod(5)): a pod that conman-generator makes at boot, parsed into a
 * PodSpec plus the unit settings that pass through to its pin unit; and the reverse, a PodSpec written
 * as a .pod file (`conmanctl generate unit POD`, GeneratePodFile).
 *
 * INI syntax as in systemd units (shared/ini-file.c): [Pod] keys from a documented table (pod_file_keys;
 * Quadlet's spelling where Quadlet has the key), [Unit]/[Install] copied to conman-pod@NAME.service,
 * except the keys refused-keys.h refuses. Unknown keys and bad values are errors naming file:line and
 * key; every error of a file is reported, and the file is refused.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "shared/pod-spec.h"

#define POD_FILE_SUFFIX ".pod"

typedef struct PodFile {
        char *path;           /* the .pod file: SourcePath= */
        char *file_name;      /* "NAME.pod": what a .container's Pod= names */
        PodSpec spec;         /* spec.name: PodName=, default the file's stem; spec.id: not set here */
        char **unit_lines;    /* "Key=value" of [Unit], in order */
        char **install_lines; /* [Install] */
        char **wanted_by;     /* from [Install]: become .wants/ links */
        char **required_by;
        unsigned n_errors;
} PodFile;

/* One key of [Pod], for the table in conman.pod(5). */
typedef struct PodFileKey {
        const char *key;
        int (*parse)(PodFile *f, const char *value, char **ret_message);
        const char *help;
} PodFileKey;

extern const PodFileKey pod_file_keys[];
extern const size_t pod_file_n_keys;

void pod_file_init(PodFile *f);
void pod_file_done(PodFile *f);

/* Parses path, then the drop-ins (absolute paths, already in order), then validates the spec as
 * CreatePod would. Errors are logged as "FILE:LINE: Key=: message"; returns -EINVAL when there were any
 * (f->n_errors), -ENOMEM. */
int pod_file_load(PodFile *f, const char *path, char *const *dropins);

/* Writes [Pod] and [Install] for the pod s; every value reads back through pod_file_load() as it was.
 * Returns 0 and the text in *ret (the caller frees it); -EINVAL with io.conman1.Error.InvalidArgument set
 * in error when a value cannot be written; -ENOMEM. */
int pod_file_format(const PodSpec *s, char **ret, sd_bus_error *error);
