/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume-store.h — a named volume on disk (docs/volumes.md): <state>/volumes/NAME/ with the data in _data/
 * and volume.json (name, createdAt, labels, anonymous). Made by conmand (volume create, -v NAME:/path) and
 * by conman-prepare for a .container file's Volume=NAME:/path; the rest of the model is conmand's
 * (daemon/volume.h).
 */
#pragma once

#include <stdbool.h>

#define VOLUMES_DIR "volumes"

/* Makes the volume atomically (a temporary directory renamed into place); -EEXIST when it exists, -EINVAL
 * for a bad name. */
/* <state_dir>/volumes/NAME/_data, what containers mount. */
int volume_data_path(const char *state_dir, const char *name, char **ret);

int volume_dir_create(int state_dir_fd, const char *name, char *const *labels, bool anonymous);
