/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-pod-top.c — `conmanctl pod top POD`: every process in the pod's slice, as systemd's
 * GetUnitProcesses lists it (the slice's whole cgroup subtree), each with the container it runs in
 * (the unit its cgroup is in, mapped to a container through ListContainers), its PID and command line.
 * A pod that has no running container lists no process.
 */
#include <getopt.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"

/* The unit → container name of every container, from ListContainers (all). */
static int container_units(sd_bus *bus, struct json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *map = json_object_new_object();
        const char *name, *unit;
        int r;

        if (!map)
                return log_oom();
        r = ctl_call(bus, "ListContainers", &error, &reply, "b", 1);
        if (r < 0)
                return ctl_log_bus_error("cannot list containers", &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(sssssitttuso)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sssssitttuso)", NULL, &name, NULL, NULL, NULL,
                                                  NULL, NULL, NULL, NULL, NULL, &unit, NULL)) > 0)
                json_object_object_add(map, unit, json_object_new_string(name));
        if (r < 0)
                return log_error_errno(r, "conmanctl pod top: malformed reply: %m");
        *ret = TAKE_PTR(map);
        return 0;
}

static int pod_slice(sd_bus *bus, const char *ref, char **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *path;
        int r;

        r = ctl_call(bus, "GetPod", &error, &reply, "s", ref);
        if (r >= 0)
                r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "io.conman1", path, "io.conman1.Pod", "Slice", &error,
                                               ret);
        if (r < 0) {
                _cleanup_free_ char *what = NULL;
                if (asprintf(&what, "cannot find pod %s", ref) < 0)
                        return log_oom();
                return ctl_log_bus_error(what, &error, r);
        }
        return 0;
}

/* The unit a process's cgroup is in below the slice: the path component after "/<slice>/". Returns
 * the slice itself for a process directly in it. */
static char *unit_below_slice(const char *cgroup, const char *slice) {
        size_t n = strlen(slice);
        const char *p = cgroup;

        while ((p = strstr(p, slice))) {
                if (p > cgroup && p[-1] == '/' && (p[n] == '/' || p[n] == 0))
                        break;
                p += n;
        }
        if (!p || p[n] == 0)
                return strdup(slice);
        p += n + 1;
        return strndup(p, strcspn(p, "/"));
}

int ctl_systemd_bus(sd_bus *conman_bus, sd_bus **ret) {
        int r;

        if (!getenv("CONMAN_BUS_ADDRESS")) {
                *ret = sd_bus_ref(conman_bus);
                return 0;
        }
        r = sd_bus_open_system(ret);
        return r < 0 ? log_error_errno(r, "conmanctl: cannot connect to the system bus (systemd): %m") : 0;
}

static int unit_processes(sd_bus *bus, const char *unit, sd_bus_message **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "GetUnitProcesses", &error, ret, "s",
                               unit);
        if (r >= 0)
                return 1;
        if (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit"))
                return 0; /* a stopped pod: its slice is gone, no processes */
        return ctl_log_bus_error("cannot list the pod's processes", &error, r);
}

static int print_processes(sd_bus_message *reply, const char *slice, struct json_object *units) {
        const char *cgroup, *cmdline;
        uint32_t pid;
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "(sus)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sus)", &cgroup, &pid, &cmdline)) > 0) {
                _cleanup_free_ char *unit = unit_below_slice(cgroup, slice);
                struct json_object *name;

                if (!unit)
                        return log_oom();
                if (json_object_object_get_ex(units, unit, &name))
                        printf("%-24s %-8u %s\n", json_object_get_string(name), pid, cmdline);
                else
                        printf("%-24s %-8u %s\n", unit, pid, cmdline);
        }
        return r < 0 ? log_error_errno(r, "conmanctl pod top: malformed reply from systemd: %m") : 0;
}

int verb_pod_top(int argc, char *argv[]) {
        static const struct option options[] = { CTL_HELP_OPTION, {} };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL, *systemd = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ struct json_object *units = NULL;
        _cleanup_free_ char *slice = NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                if (c != 'h')
                        return ctl_usage_error();
                printf("Usage: conmanctl pod top POD\n\n"
                       "List the processes of the pod's containers: every process in its slice\n"
                       "(conman-pod-NAME.slice), with the container (or other unit) it runs in.\n");
                return 0;
        }
        if (argc - optind != 1)
                return log_error_errno(-EINVAL, "conmanctl pod top: name one pod.");
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = pod_slice(bus, argv[optind], &slice);
        if (r >= 0)
                r = container_units(bus, &units);
        if (r >= 0)
                r = ctl_systemd_bus(bus, &systemd);
        if (r >= 0)
                r = unit_processes(systemd, slice, &reply);
        if (r < 0)
                return r;
        printf("%-24s %-8s %s\n", "CONTAINER/UNIT", "PID", "COMMAND");
        return r == 0 ? 0 : print_processes(reply, slice, units);
}
