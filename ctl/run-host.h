/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-host.h — run/create's flags about where a container sits on the host and how the CLI behaves:
 * --pid/--ipc/--uts/--cgroupns (host or private namespaces), --cgroup-parent (the unit's slice),
 * --domainname, --network-alias, -q/--quiet and --sig-proxy. Parsed with docker's spelling and appended
 * to CreateContainer's a{sv} (PidMode, IpcMode, UTSMode, CgroupnsMode, CgroupParent, Domainname,
 * NetworkAliases); quiet and sig_proxy stay in conmanctl.
 */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

typedef enum RunHostFlag {
        RUN_HOST_PID,
        RUN_HOST_IPC,
        RUN_HOST_UTS,
        RUN_HOST_CGROUPNS,
        RUN_HOST_CGROUP_PARENT,
        RUN_HOST_DOMAINNAME,
        RUN_HOST_NETWORK_ALIAS,
        RUN_HOST_QUIET,
        RUN_HOST_SIG_PROXY,
        _RUN_HOST_FLAG_MAX,
} RunHostFlag;

typedef struct RunHost {
        const char *modes[RUN_HOST_CGROUPNS + 1]; /* "host" or "private"; NULL: the default */
        const char *cgroup_parent;                /* a slice name ending in .slice */
        const char *domainname;
        char **network_aliases;
        bool quiet;
        bool no_sig_proxy; /* --sig-proxy=false */
} RunHost;

/* The help lines of these flags, for run's and create's --help. */
extern const char run_host_help[];

/* Takes one flag's value (arg NULL for -q). Logs and returns -EINVAL for a bad value. */
int run_host_parse(RunHost *h, RunHostFlag flag, const char *arg);
/* Appends the entries of CreateContainer's options (inside the open a{sv}). */
int run_host_append(sd_bus_message *m, const RunHost *h);
void run_host_done(RunHost *h);
