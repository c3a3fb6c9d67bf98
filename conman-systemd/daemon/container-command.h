/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-command.h — why a container's command did not start: not found or not executable, which docker
 * answers with exit codes 127 and 126. A diagnosis after a failed start, made in what the container's root
 * is built from (the overlay is unmounted by then); the runtime's own message went to the container's stderr.
 */
#pragma once

#include "daemon/container.h"

typedef enum CommandProblem {
        COMMAND_RUNNABLE,       /* found and executable: the start failed for another reason */
        COMMAND_NOT_FOUND,      /* no such file, or not in $PATH */
        COMMAND_NOT_EXECUTABLE, /* a directory, or no execute bit */
} CommandProblem;

/* Looks command up in a root made of roots (directories, the top one first, as an overlay's lowerdir=):
 * with a '/' it is a path (relative ones from cwd), else searched in path_env ($PATH; NULL: the default,
 * as runc's). Symbolic links are followed inside the root, also from one layer into another. Returns a
 * CommandProblem, or <0 on an unexpected error. */
int command_lookup(char *const *roots, const char *command, const char *path_env, const char *cwd);

/* The same in the container's --rootfs or its image's layers: for an exec's command, whose runtime could not
 * start it (exec.c answers 126 for every such failure today; this tells 127 from 126). */
int container_command_problem(Container *c, const char *command, const char *path_env, const char *cwd);

/* The problem, if any, with the command in the container's config.json (process.args[0], its $PATH and
 * cwd), looked up in its --rootfs or its image's layers. Returns a CommandProblem, or <0. */
int container_command_check(Container *c);
