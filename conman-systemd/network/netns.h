/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netns.h — named network namespaces the way iproute2 makes them: a new namespace
 * bind-mounted on /run/netns/NAME (a shared mount point, so the mount and its removal
 * propagate to every mount namespace and no copy keeps a namespace alive). A named
 * namespace lives on without any process in it: it outlives conmand and the helper.
 */
#pragma once

#include "shared/macro.h"

#define NETNS_RUN_DIR "/run/netns"

/* "/run/netns/NAME" */
int netns_path(const char *name, char **ret);
/* Creates the namespace; -EEXIST when it already exists (then it is left alone). */
int netns_create(const char *name);
/* Unmounts and removes it; 0 when it did not exist. */
int netns_remove(const char *name);
/* True when /run/netns/NAME is a mounted namespace. */
bool netns_exists(const char *name);
