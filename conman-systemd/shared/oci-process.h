/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oci-process.h — the OCI process of an exec, for `runtime exec --process FILE`: the container's own
 * process from its config.json (capabilities, noNewPrivileges, rlimits, AppArmor/SELinux labels, user,
 * environment), with the exec's arguments, environment, working directory, user and terminal. The command
 * and its environment are written to a root-only file, never put on a command line: no `$` expansion by
 * systemd, and no secret in `ps`.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "shared/oci-config.h"

typedef struct ExecProcessParams {
        char **args;         /* the command, not empty */
        char **env;          /* KEY=VALUE over the container's (same KEY: the exec's wins), or NULL */
        const char *cwd;     /* NULL: the container's */
        const OciUser *user; /* NULL: the container's */
        bool tty;
} ExecProcessParams;

/* The "process" object of config (a config.json) changed for the exec, as a new object in *ret.
 * -EBADMSG when config has no process object, -EINVAL for empty args. */
int oci_exec_process_build(struct json_object *config, const ExecProcessParams *p, struct json_object **ret);
