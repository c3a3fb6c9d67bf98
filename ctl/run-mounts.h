/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-mounts.h — what `run`/`create` mount: -v, --mount and --tmpfs (docs/volumes.md) turned into
 * CreateContainer's Volumes, VolumePropagation and Tmpfs. Host paths are made absolute here (conmand
 * resolves them from its own directory otherwise); volume names and "" (an anonymous volume) are sent as
 * they are, conmand makes the volumes.
 */
#pragma once

#include "shared/container-spec.h"
#include "shared/macro.h"

typedef struct RunMount {
        char *source; /* absolute host path, a volume's name, or "" for an anonymous volume */
        char *destination;
        bool read_only;
        VolumePropagation propagation;
} RunMount;

typedef struct RunMounts {
        RunMount *mounts;
        size_t n_mounts;
        char **tmpfs; /* "DEST[:OPTIONS]" */
} RunMounts;

void run_mounts_done(RunMounts *m);
/* Parses every -v, --mount and --tmpfs (logging what is wrong, -EINVAL). */
int run_mounts_parse(char **volumes, char **mounts, char **tmpfs, RunMounts *ret);
