/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-host.c — see run-host.h.
 */
#include <errno.h>
#include <string.h>

#include "shared/ini-file.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/util.h"
#include "run-host.h"

const char run_host_help[] =
        "      --pid host             Share the host's PID namespace (not in a pod that has one)\n"
        "      --ipc host             Share the host's IPC namespace (not in a pod: it has its own)\n"
        "      --uts host             Share the host's UTS namespace: its host name (not with --hostname,\n"
        "                             --domainname or in a pod)\n"
        "      --cgroupns host|private  The host's cgroup namespace (the default) or a private one\n"
        "      --cgroup-parent SLICE  The slice of the container's unit (Slice=), e.g. web.slice (default\n"
        "                             conman.slice; not in a pod: the pod's slice is)\n"
        "      --domainname NAME      The container's NIS domain name (config.json domainname)\n"
        "      --network-alias NAME   Another name of the container in its network's peers' /etc/hosts\n"
        "                             (repeatable)\n"
        "  -q, --quiet                Print nothing while pulling the image\n"
        "      --sig-proxy=BOOL       true (default): Ctrl-C or SIGTERM to run stops the container; false:\n"
        "                             run leaves it running\n";

static const char *const mode_names[] = {
        [RUN_HOST_PID] = "pid",
        [RUN_HOST_IPC] = "ipc",
        [RUN_HOST_UTS] = "uts",
        [RUN_HOST_CGROUPNS] = "cgroupns",
};

static int parse_mode(RunHost *h, RunHostFlag flag, const char *arg) {
        if (!streq(arg, "host") && !streq(arg, "private"))
                return log_error_errno(-EINVAL, "conmanctl: invalid --%s '%s': use host or private%s.",
                                       mode_names[flag], arg,
                                       flag == RUN_HOST_PID ? " (a pod's: --pod)" : "");
        h->modes[flag] = arg;
        return 0;
}

static int parse_domainname(RunHost *h, const char *arg) {
        if (!dns_name_is_valid(arg))
                return log_error_errno(-EINVAL,
                                       "conmanctl: invalid --domainname '%s': use letters, digits, '-' and "
                                       "'.', at most %d characters.",
                                       arg, DNS_NAME_MAX);
        h->domainname = arg;
        return 0;
}

int run_host_parse(RunHost *h, RunHostFlag flag, const char *arg) {
        bool b;

        switch (flag) {
        case RUN_HOST_PID ... RUN_HOST_CGROUPNS: return parse_mode(h, flag, arg);
        case RUN_HOST_CGROUP_PARENT:
                if (!slice_name_is_valid(arg))
                        return log_error_errno(
                                -EINVAL,
                                "conmanctl: invalid --cgroup-parent '%s': give a slice unit name "
                                "such as web.slice or conman-web.slice.",
                                arg);
                h->cgroup_parent = arg;
                return 0;
        case RUN_HOST_DOMAINNAME: return parse_domainname(h, arg);
        case RUN_HOST_NETWORK_ALIAS:
                if (!dns_name_is_valid(arg))
                        return log_error_errno(-EINVAL,
                                               "conmanctl: invalid --network-alias '%s': use a host name "
                                               "(letters, digits, '-' and '.').",
                                               arg);
                return strv_push(&h->network_aliases, arg) < 0 ? log_oom() : 0;
        case RUN_HOST_QUIET: h->quiet = true; return 0;
        case RUN_HOST_SIG_PROXY:
                if (ini_parse_bool(arg, &b) < 0)
                        return log_error_errno(
                                -EINVAL, "conmanctl: invalid --sig-proxy '%s': use true or false.", arg);
                h->no_sig_proxy = !b;
                return 0;
        default: return -EINVAL;
        }
}

int run_host_append(sd_bus_message *m, const RunHost *h) {
        static const char *const keys[] = {
                [RUN_HOST_PID] = "PidMode",
                [RUN_HOST_IPC] = "IpcMode",
                [RUN_HOST_UTS] = "UTSMode",
                [RUN_HOST_CGROUPNS] = "CgroupnsMode",
        };
        int r = 0;

        for (size_t i = 0; r >= 0 && i <= RUN_HOST_CGROUPNS; i++)
                if (h->modes[i])
                        r = sd_bus_message_append(m, "{sv}", keys[i], "s", h->modes[i]);
        if (r >= 0 && h->cgroup_parent)
                r = sd_bus_message_append(m, "{sv}", "CgroupParent", "s", h->cgroup_parent);
        if (r >= 0 && h->domainname)
                r = sd_bus_message_append(m, "{sv}", "Domainname", "s", h->domainname);
        if (r >= 0 && h->network_aliases) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "NetworkAliases");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, h->network_aliases);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        return r;
}

void run_host_done(RunHost *h) {
        strv_freep(&h->network_aliases);
}
