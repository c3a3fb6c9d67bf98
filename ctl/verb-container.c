/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-container.c — `conmanctl container prune` (docker's: remove every stopped container, print what was
 * removed and how many), and the container list `rm -a`, `stop -a` and prune share.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "help.h"

static bool state_in(const char *state, char *const *states) {
        for (char *const *s = states; s && *s; s++)
                if (streq(*s, state))
                        return true;
        return !states;
}

int ctl_list_container_ids(sd_bus *bus, bool all, char *const *states, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **ids = NULL;
        const char *id, *state;
        int r;

        r = ctl_call(bus, "ListContainers", &error, &reply, "b", all);
        if (r < 0)
                return ctl_log_bus_error("cannot list containers", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(sssssitttuso)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sssssitttuso)", &id, NULL, NULL, NULL, &state,
                                                  NULL, NULL, NULL, NULL, NULL, NULL, NULL)) > 0)
                if (state_in(state, states) && strv_push(&ids, id) < 0)
                        return log_oom();
        if (r < 0)
                return log_error_errno(r, "conmanctl: malformed container list: %m");
        *ret = TAKE_PTR(ids);
        return 0;
}

bool ctl_confirm(const char *warning) {
        char answer[16] = "";

        printf("WARNING! This will remove %s.\nAre you sure you want to continue? [y/N] ", warning);
        fflush(stdout);
        if (!fgets(answer, sizeof(answer), stdin))
                return false;
        return answer[0] == 'y' || answer[0] == 'Y';
}

int ctl_prune_containers(sd_bus *bus) {
        char *stopped[] = { "created", "exited", NULL };
        _cleanup_strv_free_ char **ids = NULL;
        size_t n = 0;
        int r, ret = 0;

        r = ctl_list_container_ids(bus, true, stopped, &ids);
        if (r < 0)
                return r;
        for (char **id = ids; id && *id; id++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                r = ctl_call(bus, "RemoveContainer", &error, NULL, "sb", *id, 0);
                if (r < 0 && sd_bus_error_has_name(&error, "io.conman1.Error.NoSuchContainer"))
                        continue; /* gone meanwhile (--rm) */
                if (r < 0) {
                        ret = ctl_log_bus_error("cannot remove container", &error, r);
                        continue;
                }
                if (n++ == 0)
                        printf("Deleted Containers:\n");
                printf("%s\n", *id);
        }
        printf("%sTotal: %zu container%s removed\n", n > 0 ? "\n" : "", n, n == 1 ? "" : "s");
        return ret;
}

int verb_container_prune(int argc, char *argv[]) {
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
                        printf("Usage: conmanctl container prune [-f]\n\n"
                               "Remove all stopped containers (created or exited).\n\n"
                               "  -f, --force       Do not prompt for confirmation\n");
                        return 0;
                case 'f': force = true; break;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl container prune: takes no arguments.");
        if (!force && !ctl_confirm("all stopped containers"))
                return 0;
        r = ctl_bus_open(&bus);
        return r < 0 ? r : ctl_prune_containers(bus);
}
