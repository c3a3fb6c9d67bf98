/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fdstore.h — keeping fds in conmand's own unit's fd store (FDSTORE=1), so the
 * read ends of container output (and later consoles) survive a crash or restart of
 * conmand. Names are "<purpose>-<container id>"; fdstore_take_all() hands them back
 * after a restart.
 */
#pragma once

#include "macro.h"

typedef struct StoredFd {
        char *name;
        int fd; /* owned */
} StoredFd;

/* Stores a duplicate of fd under name. The caller keeps its fd. Fails silently (returns 0) when not
 * running under systemd. */
int fdstore_push(int fd, const char *name);
/* Drops the stored fd(s) of that name. */
int fdstore_remove(const char *name);
/* The fds systemd passed at start ($LISTEN_FDS/$LISTEN_FDNAMES). Caller owns the array and fds. */
int fdstore_take_all(StoredFd **ret, size_t *ret_n);
