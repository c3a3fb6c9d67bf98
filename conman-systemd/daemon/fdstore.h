/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fdstore.h — keeping fds in conmand's own unit's fd store (FDSTORE=1), so the
 * read ends of container output, terminals and stdin pipes survive a crash or restart
 * of conmand; fdstore_take_all() hands them back after a restart.
 *
 * Names are one letter for the purpose (o stdout, e stderr, t terminal, i stdin) and the first
 * 16 characters of the container id. Short on purpose: systemd passes every stored fd's name
 * in ONE environment variable, $LISTEN_FDNAMES, and the kernel refuses to exec a program with
 * a single environment string over 128 KiB (MAX_ARG_STRLEN, E2BIG "Argument list too long").
 * With "stdout-<64 hex>" names 1,000 containers (2,000 fds) were enough for conmand never to
 * start again. At 18 bytes a name, units/conmand.service's FileDescriptorStoreMax=7000 keeps
 * the variable under the limit whatever happens; beyond that systemd refuses further fds and
 * those containers' output is found again through /proc after a restart (pipe-keeper.h).
 */
#pragma once

#include "conman-config.h"
#include "shared/macro.h"

#define FDSTORE_NAME_MAX 24
#define FDSTORE_ID_CHARS 16
/* $LISTEN_FDNAMES with CONMAN_FDSTORE_MAX names of 1 + FDSTORE_ID_CHARS characters and their colons,
 * against the kernel's MAX_ARG_STRLEN (32 pages). Checked at compile time. */
#define FDSTORE_FDNAMES_MAX    (sizeof("LISTEN_FDNAMES=") + (size_t) CONMAN_FDSTORE_MAX * (2 + FDSTORE_ID_CHARS))
#define FDSTORE_ARG_STRLEN_MAX (32U * 4096U)

/* kind: "stdout", "stderr", "console" or "stdin". */
int fdstore_name(const char *kind, const char *container_id, char ret[static FDSTORE_NAME_MAX]);
/* The purpose and the container id (prefix) of a stored fd's name; also reads the older
 * "<kind>-<full id>" names. -EINVAL for anything else. */
int fdstore_parse_name(const char *name, const char **ret_kind, const char **ret_id);

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
