/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgroup-freezer.h — the cgroup v1 freezer of a container, for pause on a hybrid (v1 + v2) host, where
 * systemd 252 refuses FreezeUnit ("does not support freezing": its freezer needs the unified hierarchy).
 * The runtime made the container's cgroup in every v1 hierarchy, the freezer's too (runc pause uses it),
 * so <root>/freezer/<container cgroup>/freezer.state is the container's. A leaf: paths in, errno out.
 */
#pragma once

#include <stdbool.h>

#define CGROUP_V1_ROOT "/sys/fs/cgroup"

/* Writes FROZEN or THAWED to the freezer.state of cgroup (e.g. "/conman.slice/conman-a.service/container")
 * below root (CGROUP_V1_ROOT); for FROZEN waits (bounded: the v1 freezer sends no event) until the kernel
 * reports FROZEN. -ENOENT without a v1 freezer hierarchy or cgroup; -EBUSY when it stays FREEZING. */
int cgroup_v1_freezer_set(const char *root, const char *cgroup, bool freeze);

/* Whether that freezer.state says FROZEN or FREEZING; false without one. */
bool cgroup_v1_freezer_is_frozen(const char *root, const char *cgroup);
