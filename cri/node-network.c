/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * node-network.c — see node-network.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/util.h"
#include "cri/node-network.h"

#define CNI_CONF_MAX (1024 * 1024)

const char *cri_cni_conf_dir = NULL;

static bool is_conf_name(const char *name) {
        size_t n = strlen(name);

        if (name[0] == '.')
                return false;
        for (const char *const *s = (const char *const[]){ ".conflist", ".conf", ".json", NULL }; *s; s++)
                if (n > strlen(*s) && streq(name + n - strlen(*s), *s))
                        return true;
        return false;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The first configuration file of the directory, by name (libcni's order). */
static int first_conf(const char *dir, char **ret) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d)))
                if (is_conf_name(de->d_name) && strv_push(&names, de->d_name) < 0)
                        return -ENOMEM;
        if (!names)
                return 0;
        qsort(names, strv_length(names), sizeof(char *), compare_names);
        return asprintf(ret, "%s/%s", dir, names[0]) < 0 ? -ENOMEM : 1;
}

int cri_node_network(sd_bus *bus, char **ret_name, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_json_ struct json_object *conf = NULL;
        struct json_object *name;
        int r;

        *ret_name = NULL;
        if (!cri_cni_conf_dir)
                return 0;
        r = first_conf(cri_cni_conf_dir, &path);
        if (r <= 0)
                return r < 0 ? sd_bus_error_set_errnof(error, r, "Cannot read %s: %m", cri_cni_conf_dir) : 0;
        r = read_file(path, CNI_CONF_MAX, &text, NULL);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot read the CNI configuration %s: %m", path);
        conf = json_tokener_parse(text);
        if (!conf || !json_object_object_get_ex(conf, "name", &name) ||
            !json_object_is_type(name, json_type_string))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "The CNI configuration %s is not JSON with a \"name\".", path);
        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "CreateNetwork");
        if (r >= 0)
                r = sd_bus_message_append(m, "sa{sv}", json_object_get_string(name), 1, "ConfList", "s",
                                          text);
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, error, NULL);
        if (r < 0)
                return r;
        *ret_name = strdup(json_object_get_string(name));
        return *ret_name ? 1 : -ENOMEM;
}
