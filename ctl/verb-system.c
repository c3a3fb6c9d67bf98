/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-system.c — `conmanctl network prune` (remove user networks no container uses) and `conmanctl system
 * prune` (docker's: stopped containers, unused networks, dangling images, with -a every unused image, with
 * --volumes unused volumes), each printing what it removed as docker does; `conmanctl system df`: what images
 * and containers take on disk, and how much of it no running container needs.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "container-size.h"
#include "ctl.h"
#include "help.h"
#include "image-list.h"

/* Removes every network no container uses (never the built-in conman0); prints docker's lines. */
static int prune_networks(sd_bus *bus) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **unused = NULL;
        const char *name;
        int builtin, r, ret = 0;
        uint32_t users;
        size_t n = 0;

        r = ctl_call(bus, "ListNetworks", &error, &reply, NULL);
        if (r < 0)
                return ctl_log_bus_error("cannot list networks", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(ssssbu)");
        while (r >= 0 &&
               (r = sd_bus_message_read(reply, "(ssssbu)", &name, NULL, NULL, NULL, &builtin, &users)) > 0)
                if (!builtin && users == 0 && strv_push(&unused, name) < 0)
                        return log_oom();
        if (r < 0)
                return log_error_errno(r, "conmanctl: malformed network list: %m");
        for (char **u = unused; u && *u; u++) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                r = ctl_call(bus, "RemoveNetwork", &e, NULL, "s", *u);
                if (r < 0 &&
                    sd_bus_error_has_names(&e, "io.conman1.Error.Busy", "io.conman1.Error.NoSuchNetwork"))
                        continue; /* a container joined it, or it went, meanwhile */
                if (r < 0) {
                        ret = ctl_log_bus_error("cannot remove network", &e, r);
                        continue;
                }
                if (n++ == 0)
                        printf("Deleted Networks:\n");
                printf("%s\n", *u);
        }
        if (n > 0)
                printf("\n");
        return ret;
}

/* Dangling images (PruneImages); with all, also every image no container uses (RemoveImage refuses those in
 * use). Adds the bytes freed to *reclaimed. */
static int prune_images(sd_bus *bus, bool all, uint64_t *reclaimed) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL, *list = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        CtlImageEntry img;
        const char *id;
        uint64_t bytes = 0;
        size_t n = 0;
        int r;

        r = ctl_call(bus, "PruneImages", &error, &reply, NULL);
        if (r < 0)
                return ctl_log_bus_error("cannot prune images", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "s");
        while (r >= 0 && (r = sd_bus_message_read(reply, "s", &id)) > 0)
                printf("%s%s\n", n++ == 0 ? "Deleted Images:\ndeleted: " : "deleted: ", id);
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "t", &bytes);
        if (r < 0)
                return log_error_errno(r, "conmanctl: malformed prune reply: %m");
        *reclaimed += bytes;
        if (!all)
                goto done;
        r = ctl_image_list_open(bus, &list);
        if (r < 0)
                return r;
        while (r >= 0 && (r = ctl_image_list_next(list, false, &img)) > 0) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                if (ctl_call(bus, "RemoveImage", &e, NULL, "sb", img.id, 0) < 0)
                        continue; /* in use by a container (ImageInUse), or gone meanwhile */
                printf("%s%s\n", n++ == 0 ? "Deleted Images:\ndeleted: " : "deleted: ", img.id);
                *reclaimed += img.size;
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl: malformed image list: %m");
done:
        if (n > 0)
                printf("\n");
        return 0;
}

/* Unused volumes, where this conmand has volumes (an older one answers UnknownMethod: nothing to do). */
static int prune_volumes(sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = ctl_prune_volumes(bus, false, &error, NULL); /* docker's: the anonymous ones */

        if (r < 0 && sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_METHOD))
                return 0;
        return r;
}

int verb_network_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "force", no_argument, NULL, 'f' },
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        bool force = false;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "hf", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl network prune [-f]\n\n"
                               "Remove every network no container uses (conman0, built in, stays).\n\n"
                               "  -f, --force       Do not prompt for confirmation\n");
                        return 0;
                case 'f': force = true; break;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(ctl_usage_error(), "conmanctl network prune: takes no arguments.");
        if (!force && !ctl_confirm("all custom networks not used by at least one container"))
                return 0;
        r = ctl_bus_open(&bus);
        return r < 0 ? r : prune_networks(bus);
}

static int verb_system_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "force", no_argument, NULL, 'f' },
                { "all", no_argument, NULL, 'a' },
                { "volumes", no_argument, NULL, 'V' },
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        bool force = false, all = false, volumes = false;
        uint64_t reclaimed = 0;
        char buf[16];
        int c, r, ret = 0;

        optind = 0;
        while ((c = getopt_long(argc, argv, "hfa", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl system prune [-a] [-f] [--volumes]\n\n"
                               "Remove stopped containers, networks no container uses, dangling images (with\n"
                               "-a every image no container uses) and, with --volumes, unused volumes.\n\n"
                               "  -a, --all         Remove every unused image, not only dangling ones\n"
                               "  -f, --force       Do not prompt for confirmation\n"
                               "      --volumes     Prune volumes too\n");
                        return 0;
                case 'f': force = true; break;
                case 'a': all = true; break;
                case 'V': volumes = true; break;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(ctl_usage_error(), "conmanctl system prune: takes no arguments.");
        if (!force &&
            !ctl_confirm(volumes ? (all ? "all stopped containers, all networks not used by at least "
                                          "one container, all volumes not used by at least one "
                                          "container and all images without at least one container "
                                          "associated to them"
                                        : "all stopped containers, all networks not used by at least "
                                          "one container, all volumes not used by at least one "
                                          "container and all dangling images")
                         : all   ? "all stopped containers, all networks not used by at least one "
                                   "container and all images without at least one container "
                                   "associated to them"
                                 : "all stopped containers, all networks not used by at least one "
                                   "container and all dangling images"))
                return 0;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_prune_containers(bus);
        if (r < 0)
                ret = r;
        printf("\n");
        r = prune_networks(bus);
        if (r < 0)
                ret = r;
        if (volumes && (r = prune_volumes(bus)) < 0)
                ret = r;
        r = prune_images(bus, all, &reclaimed);
        if (r < 0)
                ret = r;
        printf("Total reclaimed space: %s\n", ctl_format_bytes(reclaimed, buf));
        return ret;
}

typedef struct DfRow {
        unsigned total, active;
        uint64_t size, reclaimable;
} DfRow;

/* Images: all, those a container (any state) uses, their sizes. Containers: all, running, what they wrote. */
static int df_rows(sd_bus *bus, const char *state_dir, DfRow *images, DfRow *containers) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *list = NULL, *details = NULL, *imgs = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **used = NULL;
        const char *id, *state, *image_id;
        CtlImageEntry img;
        int r;

        r = ctl_call(bus, "ListContainers", &error, &list, "b", true);
        if (r >= 0)
                r = ctl_call(bus, "ListContainerDetails", &error, &details, "b", true);
        if (r >= 0)
                r = ctl_call(bus, "ListImages", &error, &imgs, NULL);
        if (r < 0)
                return ctl_log_bus_error("cannot list containers and images", &error, r);

        r = sd_bus_message_enter_container(list, 'a', "(sssssitttuso)");
        while (r >= 0 && (r = sd_bus_message_read(list, "(sssssitttuso)", &id, NULL, NULL, NULL, &state, NULL,
                                                  NULL, NULL, NULL, NULL, NULL, NULL)) > 0) {
                bool running =
                        streq(state, "running") || streq(state, "paused") || streq(state, "restarting");
                uint64_t bytes;

                (void) ctl_container_rw_bytes(state_dir, id, &bytes); /* unreadable: 0 */

                containers->total++;
                containers->active += running;
                containers->size += bytes;
                containers->reclaimable += running ? 0 : bytes;
        }
        r = r < 0 ? r : sd_bus_message_enter_container(details, 'a', "(sasassss)");
        while (r >= 0 && (r = sd_bus_message_enter_container(details, 'r', "sasassss")) > 0) {
                r = sd_bus_message_skip(details, "sasasss"); /* id, labels, ports, network, pod */
                if (r >= 0)
                        r = sd_bus_message_read(details, "s", &image_id);
                if (r >= 0)
                        r = sd_bus_message_exit_container(details);
                if (r >= 0 && !isempty(image_id) && !strv_contains(used, image_id) &&
                    strv_push(&used, image_id) < 0)
                        return log_oom();
        }
        r = r < 0 ? r : sd_bus_message_enter_container(imgs, 'a', "(sasstto)");
        while (r >= 0 && (r = ctl_image_list_next(imgs, false, &img)) > 0) {
                bool active = strv_contains(used, img.id);

                images->total++;
                images->active += active;
                images->size += img.size;
                images->reclaimable += active ? 0 : img.size;
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl system df: malformed reply: %m");
        return 0;
}

static void print_df_row(const char *type, const DfRow *row) {
        char size[16], reclaimable[16], pct[16];

        snprintf(pct, sizeof(pct), "(%u%%)", row->size ? (unsigned) (row->reclaimable * 100 / row->size) : 0);
        printf("%-15s %-9u %-9u %-10s %s %s\n", type, row->total, row->active,
               ctl_format_bytes(row->size, size), ctl_format_bytes(row->reclaimable, reclaimable), pct);
}

static int verb_system_df(int argc, char *argv[]) {
        static const struct option options[] = { { "help", no_argument, NULL, 'h' }, {} };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *state_dir = NULL;
        DfRow images = {}, containers = {};
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl system df\n\n"
                               "Show what images and containers take on disk: how many, how many are in use\n"
                               "(images: by any container; containers: running), their size (images unpacked,\n"
                               "containers what they wrote) and what removing the unused ones would free.\n");
                        return 0;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(ctl_usage_error(), "conmanctl system df: takes no arguments.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_state_directory(bus, &state_dir);
        if (r < 0)
                return r;
        r = df_rows(bus, state_dir, &images, &containers);
        if (r < 0)
                return r;
        printf("%-15s %-9s %-9s %-10s %s\n", "TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE");
        print_df_row("Images", &images);
        print_df_row("Containers", &containers);
        return 0;
}

int verb_system(int argc, char *argv[]) {
        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("Usage: conmanctl system VERB [ARGS...]\n\n"
                       "  df                            Show disk use of images and containers\n"
                       "  prune [-a] [-f] [--volumes]   Remove unused containers, networks, images (and volumes)\n");
                return argc < 2 ? -EINVAL : 0;
        }
        if (streq(argv[1], "prune"))
                return verb_system_prune(argc - 1, argv + 1);
        if (streq(argv[1], "df"))
                return verb_system_df(argc - 1, argv + 1);
        return log_error_errno(-EINVAL, "conmanctl system: unknown verb '%s'. See 'conmanctl system --help'.",
                               argv[1]);
}
