/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * refused-keys.h — the [Service] settings a .container file may not set, because the generated
 * unit depends on them or because they would change how the OCI runtime runs (its user, its
 * namespaces, its seccomp filter, its cgroup): the runtime must run as root on the host to build
 * the container, and whatever restricts it restricts every process of the container after it.
 *
 * Everything else in [Unit] and [Service] is copied into the unit (Restart=, TimeoutStartSec=,
 * MemoryMax=, After=, ...). The table is the one in docs/generator.md and conman.container(5).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct RefusedKey {
        const char *section; /* "Service" */
        const char *key;
        bool reset_only; /* only the empty assignment, which drops the generated values, is refused */
        const char *why; /* the reason and what to use instead: "..." (no final period) */
} RefusedKey;

extern const RefusedKey refused_keys[];
extern const size_t refused_keys_n;

/* The entry that refuses key=value in section ("Unit", "Service"), or NULL when it is copied. */
const RefusedKey *refused_key_find(const char *section, const char *key, const char *value);
