/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-events.c — `conmanctl events`: prints container events as they happen, from
 * conmand's signals (ContainerNew, ContainerRemoved, PropertiesChanged of State, and of Health: docker's
 * health_status events).
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"

static void print_event(const char *action, const char *id, const char *name, const char *extra) {
        char ts[40];
        printf("%s container %s %s (name=%s%s%s)\n", format_timestamp(now_realtime_usec(), ts), action, id,
               strempty(name), extra ? ", " : "", strempty(extra));
        fflush(stdout);
}

static int on_container_signal(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *id, *name;

        if (sd_bus_message_read(m, "sso", &id, &name, NULL) < 0)
                return 0;
        print_event(streq(sd_bus_message_get_member(m), "ContainerNew") ? "create" : "destroy", id, name,
                    NULL);
        return 0;
}

static const char *state_to_action(const char *state) {
        static const char *const map[][2] = {
                { "running", "start" },      { "exited", "die" },        { "stopping", "stop" },
                { "restarting", "restart" }, { "starting", "starting" }, { "created", "created" },
        };
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (streq(map[i][0], state))
                        return map[i][1];
        return state;
}

/* conmand sends Id, Name, State and ExitCode in every PropertiesChanged, so nothing needs a lookup (the
 * container may be gone by the time we would ask). */
static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *iface, *id = NULL, *name = NULL, *state = NULL, *health = NULL;
        _cleanup_free_ char *extra = NULL;
        int32_t exit_code = 0;
        int r;

        if (sd_bus_message_read(m, "s", &iface) < 0 || !streq(iface, "io.conman1.Container"))
                return 0;
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *key;
                if (sd_bus_message_read(m, "s", &key) < 0)
                        return 0;
                if (streq(key, "Id"))
                        r = sd_bus_message_read(m, "v", "s", &id);
                else if (streq(key, "Name"))
                        r = sd_bus_message_read(m, "v", "s", &name);
                else if (streq(key, "State"))
                        r = sd_bus_message_read(m, "v", "s", &state);
                else if (streq(key, "Health"))
                        r = sd_bus_message_read(m, "v", "s", &health);
                else if (streq(key, "ExitCode"))
                        r = sd_bus_message_read(m, "v", "i", &exit_code);
                else
                        r = sd_bus_message_skip(m, "v");
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
        }
        if (r >= 0 && !state && !isempty(health)) { /* docker's "health_status: healthy" */
                if (asprintf(&extra, "health_status: %s", health) >= 0)
                        print_event(extra, strempty(id), name, NULL);
                return 0;
        }
        if (r < 0 || !state)
                return 0;
        if (streq(state, "exited") && asprintf(&extra, "exitCode=%i", exit_code) < 0)
                return 0;
        print_event(state_to_action(state), strempty(id), name, extra);
        return 0;
}

int verb_events(int argc, char *argv[]) {
        static const struct option options[] = { { "help", no_argument, NULL, 'H' }, {} };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage: conmanctl events\n\nPrint container events (create, start, die, destroy, ...) "
                               "as they happen, until interrupted.\n");
                        return 0;
                default: return ctl_usage_error();
                }
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = sd_event_default(&event);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, 0);
        if (r >= 0)
                r = sd_bus_match_signal(bus, NULL, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                        "ContainerNew", on_container_signal, NULL);
        if (r >= 0)
                r = sd_bus_match_signal(bus, NULL, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                        "ContainerRemoved", on_container_signal, NULL);
        if (r >= 0)
                r = sd_bus_add_match(
                        bus, NULL,
                        "type='signal',sender='io.conman1',interface='org.freedesktop.DBus.Properties',"
                        "member='PropertiesChanged',path_namespace='/io/conman1/container'",
                        on_properties_changed, NULL);
        if (r < 0)
                return log_error_errno(r, "conmanctl events: cannot subscribe: %m");
        return sd_event_loop(event);
}
