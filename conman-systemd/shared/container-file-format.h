/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-file-format.h — a container written as a .container file (conman.container(5)): the
 * reverse of conman-systemd/shared/container-file.c, for `conmanctl generate unit`, which turns a container
 * made with `conmanctl run` into one that systemd starts at boot.
 *
 * Every value reads back through the generator's parser as it was written (test-container-file-format.c
 * and the fuzzer of the parser check this). Words (Exec=, Environment=, Label=, ...) are quoted as the
 * parser splits them: "double quotes" with \" and \\ escapes. '%' is written as it is: the parser expands
 * no specifiers in [Container] (values go to the spec, not into the unit). What a file cannot carry — a
 * line break, blanks at either end of a single-value setting, a trailing backslash (it would continue
 * the line), a ':' in a volume path — is refused with a message naming the setting.
 */
#pragma once

#include <stdio.h>
#include <systemd/sd-bus.h>

#include "shared/container-spec.h"

/* Writes [Unit] (only for on-failure:N), [Container], [Service] and [Install] for container `name`.
 *
 * An image container's command is whole: the image's Entrypoint and Cmd were merged into it at create.
 * So the file pins it — Entrypoint= its first word, Exec= the rest — and the image's Entrypoint/Cmd no
 * longer matter. Its environment likewise includes the image's (written again; the values are the same).
 *
 * Returns 0 and the text in *ret (the caller frees it); -EINVAL with io.conman1.Error.InvalidArgument set
 * in error when a value cannot be written; -ENOMEM. */
int container_file_format(const char *name, const ContainerSpec *spec, char **ret, sd_bus_error *error);

/* The writers shared with pod-file.c. What keeps a single value from reading back as written (a line
 * break, blanks at either end, a trailing backslash), or NULL. */
const char *container_file_value_problem(const char *v);
/* One word as the parser splits words: bare, or "..." with \" and \\ escapes. */
void container_file_write_word(FILE *out, const char *w);
/* KEY=N[kmgt]: the largest binary unit that divides the size exactly, so that parse_size() gives it back. */
void container_file_write_size(FILE *out, const char *key, uint64_t bytes);
/* CPUs=1.5 for 1500000 usec per second. */
void container_file_write_cpus(FILE *out, uint64_t quota_usec);
