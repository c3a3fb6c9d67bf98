/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-options.h — the options `conmanctl create` and `conmanctl run` share, parsed
 * with docker's spelling and turned into CreateContainer's a{sv} dictionary.
 */
#pragma once

#include "shared/platform.h"

#include <systemd/sd-bus.h>

#include "shared/macro.h"
#include "shared/run-limits.h"
#include "run-health.h"
#include "run-host.h"

typedef struct RunOptions {
        bool detach;
        bool auto_remove;
        bool read_only;
        bool tty, interactive;
        const char *name;
        const char *rootfs; /* absolute, made so from a relative argument */
        const char *image;
        const char *working_dir;
        const char *user;
        const char *hostname;
        const char *network; /* NULL unless --network was given: a pod member must not send it */
        const char *pod;     /* --pod: name, id or unique id prefix */
        const char *runtime;
        const char *userns; /* --userns: auto or host */
        const char *restart;
        const char *stop_signal;
        const char *detach_keys; /* run: NULL = ctrl-p,ctrl-q */
        const char *pull;        /* always, missing (default), never */
        bool tls_verify;
        char platform[PLATFORM_STRING_MAX]; /* --platform, normalized; "" for the host's */
        char **env;
        char **labels;    /* key=value */
        char **publish;   /* -p [[IP:][HOSTPORT]:]PORT[/PROTO] as typed (ranges too), checked while parsing */
        bool publish_all; /* -P */
        char **expose, **add_hosts;             /* --expose, --add-host */
        char **dns, **dns_search, **dns_option; /* --dns, --dns-search, --dns-option */
        const char *ip, *mac_address;           /* --ip, --mac-address */
        char **volumes;                         /* SRC:DST[:ro] as typed */
        char **mounts;                          /* --mount as typed (run-mounts.h) */
        char **tmpfs;                           /* --tmpfs DST[:OPTIONS] as typed */
        bool privileged; /* the confinement options (docs/security.md); conmand validates */
        char **cap_add, **cap_drop, **devices, **security_opts, **sysctls, **group_add;
        uint64_t memory, cpu_quota, cpu_weight, cpu_shares, pids_limit, stop_timeout;
        bool have_memory, have_cpu_quota, have_cpu_weight, have_cpu_shares, have_pids_limit,
                have_stop_timeout;
        const char *entrypoint; /* --entrypoint: NULL = the image's, "" = none */
        bool init;              /* --init */
        const char *cidfile;    /* --cidfile: written with the id */
        const char *cpuset_cpus, *cpuset_mems;
        char **annotations; /* key=value */
        char **ulimits;     /* as typed, checked while parsing */
        char **device_rates[_DEVICE_RATE_KIND_MAX];
        bool env_host;
        int oom_score_adj;
        bool have_oom_score_adj;
        uint64_t memory_swap, memory_reservation, blkio_weight, cpu_period, cpu_quota_docker, shm_size;
        bool have_memory_swap, have_memory_reservation, have_blkio_weight, have_cpu_period,
                have_cpu_quota_docker, have_shm_size;
        RunHealth health; /* --health-* (run-health.h) */
        RunHost host;     /* --pid, --cgroup-parent, -q, --sig-proxy & co. (run-host.h) */
        char **command;   /* borrowed from argv */
        char *rootfs_abs; /* owned storage behind rootfs */
} RunOptions;

void run_options_done(RunOptions *o);
/* Pulls o->image as --pull says: when missing (default), always, or never. */
int run_options_pull(sd_bus *bus, const RunOptions *o);

/* Parses argv (argv[0] is the verb). Returns 0 after --help, 1 to go on, <0 on error (printed). */
int run_options_parse(int argc, char *argv[], bool is_run, RunOptions *o);

/* Appends a{ss} of "KEY=VALUE" strings (a missing '=' is an empty value). */
int ctl_append_labels(sd_bus_message *m, char **labels);

/* --cidfile: creates the file (refusing an existing one, as docker) before the container is made. Returns
 * the fd, -EBADF without --cidfile, <0 on error (printed). */
int run_options_cidfile_open(const RunOptions *o);
/* Writes the id into it (fd from run_options_cidfile_open(); id NULL: creating failed, remove it). */
int run_options_cidfile_finish(const RunOptions *o, int fd, const char *id);

/* Appends a{sv} for CreateContainer. Returns <0 on invalid input (printed). */
int run_options_append(sd_bus_message *m, const RunOptions *o);
