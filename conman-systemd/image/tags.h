/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tags.h — the tags of a repository in its registry, for `pull --all-tags` (docker's -a): conmand lists
 * them (ListRegistryTags), conmanctl pulls each. Synchronous; conmand runs it in a worker thread.
 */
#pragma once

#include <stdbool.h>

#include "image/registry.h"

/* Every tag of repository (a name without tag or digest, docker-normalized), from the first of its endpoints
 * that answers. *ret_error (may be NULL) says why not: -EINVAL a bad name or one with a tag or digest,
 * -ENOENT unknown repository, -EACCES authentication failed, transport errors as image_pull(). */
int image_list_tags(const char *repository, const RegistryOptions *opts, char ***ret, char **ret_error);
