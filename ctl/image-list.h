/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * image-list.h — reading ListImages' answer, a(sasstto): (id, tags, digest, size, created, object path).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

typedef struct CtlImageEntry {
        const char *id, *digest, *path; /* borrowed from the message */
        char **tags;                    /* with want_tags only; the caller frees it (strv_freep) */
        uint64_t size, created;
} CtlImageEntry;

/* Calls ListImages and enters its array, ready for ctl_image_list_next(). Logs on failure. */
int ctl_image_list_open(sd_bus *bus, sd_bus_message **ret);

/* The next entry, after sd_bus_message_enter_container(m, 'a', "(sasstto)"): 1, or 0 at the array's end,
 * or < 0 for a malformed one. */
int ctl_image_list_next(sd_bus_message *m, bool want_tags, CtlImageEntry *ret);
