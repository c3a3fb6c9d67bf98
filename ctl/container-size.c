/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-size.c — see container-size.h.
 */
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <sys/stat.h>

#include "shared/log.h"
#include "shared/util.h"
#include "container-size.h"
#include "ctl.h"
#include "image-list.h"

int ctl_state_directory(sd_bus *bus, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_get_property_string(bus, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                       "StateDirectory", &error, ret);
        return r < 0 ? ctl_log_bus_error("cannot ask conmand for its state directory", &error, r) : 0;
}

static uint64_t tree_bytes; /* nftw() passes no user data */

static int add_file_size(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        if (type == FTW_F)
                tree_bytes += (uint64_t) st->st_size;
        return 0;
}

int ctl_container_rw_bytes(const char *state_dir, const char *id, uint64_t *ret) {
        _cleanup_free_ char *upper = NULL;

        *ret = 0;
        if (asprintf(&upper, "%s/containers/%s/upper", state_dir, id) < 0)
                return -ENOMEM;
        if (access(upper, R_OK | X_OK) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        tree_bytes = 0;
        if (nftw(upper, add_file_size, 16, FTW_PHYS | FTW_MOUNT) < 0)
                return negative_errno();
        *ret = tree_bytes;
        return 0;
}

int ctl_image_sizes(sd_bus *bus, struct json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ struct json_object *map = json_object_new_object();
        CtlImageEntry img;
        int r;

        r = ctl_image_list_open(bus, &reply);
        if (r < 0)
                return r;
        while (r >= 0 && (r = ctl_image_list_next(reply, false, &img)) > 0)
                json_object_object_add(map, img.id, json_object_new_uint64(img.size));
        if (r < 0)
                return log_error_errno(r, "conmanctl: malformed image list: %m");
        *ret = TAKE_PTR(map);
        return 0;
}

void ctl_format_container_size(uint64_t rw, uint64_t image, char buf[static 48]) {
        char a[16], b[16];

        snprintf(buf, 48, "%s (virtual %s)", ctl_format_bytes(rw, a), ctl_format_bytes(rw + image, b));
}
