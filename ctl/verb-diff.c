/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-diff.c — `conmanctl diff CONTAINER`: what the container changed in its root (diff-tree.h), from the
 * overlay directories InspectContainer's GraphDriver names. Read here, not in conmand, so that a large
 * upper directory never holds up the daemon; root only, as the directories are.
 */
#include <getopt.h>
#include <json-c/json.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "diff-tree.h"
#include "help.h"

static int graph_dirs(sd_bus *bus, const char *ref, char **ret_upper, char ***ret_lower) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *doc = NULL;
        struct json_object *g, *data, *upper, *lower;
        const char *json;
        int r;

        r = ctl_call(bus, "InspectContainer", &error, &reply, "s", ref);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &json);
        if (r < 0)
                return ctl_log_bus_error("cannot inspect the container", &error, r);
        doc = json_tokener_parse(json);
        if (!doc)
                return log_error_errno(-EBADMSG, "conmanctl diff: malformed reply from conmand.");
        if (!json_object_object_get_ex(doc, "GraphDriver", &g) ||
            !json_object_object_get_ex(g, "Data", &data) ||
            !json_object_object_get_ex(data, "UpperDir", &upper) ||
            !json_object_object_get_ex(data, "LowerDir", &lower))
                return log_error_errno(
                        -EOPNOTSUPP,
                        "conmanctl diff: %s runs a root filesystem directory (--rootfs), not an "
                        "image: there is no layer to compare it with.",
                        ref);
        _cleanup_free_ char *layers = strdup(json_object_get_string(lower));
        _cleanup_strv_free_ char **l = NULL;
        char *save = NULL;

        if (!layers)
                return log_oom();
        for (char *dir = strtok_r(layers, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
                if (strv_push(&l, dir) < 0)
                        return log_oom();
        *ret_upper = strdup(json_object_get_string(upper));
        if (!*ret_upper)
                return log_oom();
        *ret_lower = TAKE_PTR(l);
        return 0;
}

int verb_diff(int argc, char *argv[]) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **lower = NULL, **lines = NULL;
        _cleanup_free_ char *upper = NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl diff CONTAINER\n\n"
                               "List what the container changed in its root filesystem against its image:\n"
                               "A added, C changed (and each directory on the way), D deleted.\n");
                        return 0;
                default: return ctl_usage_error();
                }
        if (argc - optind != 1)
                return log_error_errno(ctl_usage_error(), "conmanctl diff: name one container.");
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = graph_dirs(bus, argv[optind], &upper, &lower);
        if (r < 0)
                return r;
        /* the files conman writes for each start (docker bind-mounts them, so its diff does not show them) */
        r = diff_tree(upper, lower, (char *[]){ "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", NULL },
                      &lines);
        if (r == -ENOENT)
                return 0; /* never started: nothing written */
        if (r < 0)
                return log_error_errno(r, "conmanctl diff: cannot read %s: %m%s", upper,
                                       r == -EACCES ? " (diff needs root)" : "");
        for (char **l = lines; l && *l; l++)
                printf("%s\n", *l);
        return 0;
}
