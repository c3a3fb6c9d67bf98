/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume-store.c — see volume-store.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "shared/volume-store.h"

int volume_data_path(const char *state_dir, const char *name, char **ret) {
        return asprintf(ret, "%s/" VOLUMES_DIR "/%s/_data", state_dir, name) < 0 ? -ENOMEM : 0;
}

/* <state>/volumes, made on first use. */
static int open_volumes_dir(int state_dir_fd) {
        int fd;

        if (mkdirat(state_dir_fd, VOLUMES_DIR, 0700) < 0 && errno != EEXIST)
                return negative_errno();
        fd = openat(state_dir_fd, VOLUMES_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

static struct json_object *volume_metadata(const char *name, char *const *labels, bool anonymous) {
        struct json_object *j = json_object_new_object();

        json_object_object_add(j, "name", json_object_new_string(name));
        json_object_object_add(j, "createdAt", json_object_new_uint64(now_realtime_usec()));
        json_object_object_add(j, "labels", json_strv_new(labels));
        if (anonymous)
                json_object_object_add(j, "anonymous", json_object_new_boolean(true));
        return j;
}

/* Fills the temporary directory tmp: _data/ and volume.json. */
static int volume_fill(int dir_fd, const char *tmp, const char *name, char *const *labels, bool anonymous) {
        _cleanup_close_ int fd = openat(dir_fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_json_ struct json_object *j = volume_metadata(name, labels, anonymous);

        if (fd < 0)
                return negative_errno();
        if (mkdirat(fd, "_data", 0755) < 0)
                return negative_errno();
        return json_write_file_atomic_at(fd, "volume.json", j);
}

int volume_dir_create(int state_dir_fd, const char *name, char *const *labels, bool anonymous) {
        _cleanup_close_ int dir_fd = -EBADF;
        char tmp[80];
        int r;

        if (!volume_name_is_valid(name))
                return -EINVAL;
        dir_fd = open_volumes_dir(state_dir_fd);
        if (dir_fd < 0)
                return dir_fd;
        if (faccessat(dir_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                return -EEXIST;
        snprintf(tmp, sizeof(tmp), ".#new-%s", random_hex_stack(8).s);
        if (mkdirat(dir_fd, tmp, 0700) < 0)
                return negative_errno();
        r = volume_fill(dir_fd, tmp, name, labels, anonymous);
        if (r >= 0 && renameat(dir_fd, tmp, dir_fd, name) < 0)
                r = errno == ENOTEMPTY ? -EEXIST : negative_errno();
        if (r >= 0 && fsync(dir_fd) < 0)
                r = negative_errno();
        if (r < 0)
                (void) rm_rf_at(dir_fd, tmp);
        return r;
}
