/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctl.h — what the conmanctl verbs share: the verb table entry, the bus
 * connection to conmand, and error reporting for failed calls.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "shared/macro.h"
#include "help.h"

typedef struct Verb {
        const char *name;
        const char *summary; /* one line, for `conmanctl --help` */
        int (*run)(int argc, char *argv[]);
        const char *const *subverbs; /* a group verb's (image, network, ...); NULL-terminated */
        bool command_after_operand;  /* run, create, exec: the first operand starts a command */
        bool h_is_hostname;          /* run, create: -h is --hostname, as in docker */
} Verb;

/* Connects to the bus conmand is on (system bus, or $CONMAN_BUS_ADDRESS). Logs on failure. */
int ctl_bus_open(sd_bus **ret);

/* Prints "conmanctl: <what>: <message>" for a failed call and returns a negative errno. Unreachable
 * daemons get a hint on how to start one. */
int ctl_log_bus_error(const char *what, const sd_bus_error *error, int r);

/* The exit code for a failed call, as docker's: 127 when the container's command was not found, 126 when
 * it is not executable, else 125 (conmanctl's or conmand's own error). */
int ctl_exit_code_from_error(const sd_bus_error *error);

/* A connection to systemd (the system bus): conman_bus again, or a new one when conmand is elsewhere
 * ($CONMAN_BUS_ADDRESS). Logs on failure (verb-pod-top.c). */
int ctl_systemd_bus(sd_bus *conman_bus, sd_bus **ret);

/* Runs action on each container reference of refs (NULL-terminated), printing the reference after a
 * success as docker does, "conmanctl: <failure> <ref>: <message>" after a failure; returns the last
 * failure (verb-pause.c). */
typedef int (*CtlContainerAction)(sd_bus *bus, const char *ref, void *userdata, sd_bus_error *error);
int ctl_each_container(sd_bus *bus, char **refs, const char *failure, CtlContainerAction action,
                       void *userdata);

/* Calls a method on io.conman1.Manager. */
int ctl_call(sd_bus *bus, const char *method, sd_bus_error *error, sd_bus_message **reply, const char *types,
             ...);

/* inspect.c: one document per reference from `method` (InspectContainer, InspectPod), printed as a JSON
 * array, or each through the template format (NULL: the array). Logs; the last failure is returned. */
typedef struct CtlInspect {
        const char *verb;   /* "conmanctl inspect": for messages */
        const char *method; /* the Manager's method: s ref → s json */
        const char *noun;   /* "pod": "cannot inspect pod: ..."; NULL: "cannot inspect: ..." */
} CtlInspect;
int ctl_inspect_print(const CtlInspect *what, char **refs, const char *format);

/* Attaches to a container's output, starts it, and returns its exit code when it ends (run, start -a). */
int ctl_run_attached(sd_bus *bus, const char *ref);

/* Pulls an image for run/create, reporting on stderr (verb-image.c). */
int ctl_pull_image(sd_bus *bus, const char *ref, bool tls_verify, const char *platform, bool quiet);

/* Verbs; each parses its own options and prints its own --help. argv[0] is the verb. */
int verb_version(int argc, char *argv[]);
int verb_info(int argc, char *argv[]);
int verb_create(int argc, char *argv[]);
int verb_run(int argc, char *argv[]);
int verb_attach(int argc, char *argv[]);
int verb_exec(int argc, char *argv[]);
int verb_lifecycle(int argc, char *argv[]); /* start stop restart kill rm wait */
int verb_ps(int argc, char *argv[]);
int verb_inspect(int argc, char *argv[]);
int verb_logs(int argc, char *argv[]);
int verb_stats(int argc, char *argv[]);
int verb_events(int argc, char *argv[]);
int verb_pull(int argc, char *argv[]);
int verb_images(int argc, char *argv[]);
int verb_rmi(int argc, char *argv[]);
int verb_history(int argc, char *argv[]); /* history, image history */
int verb_image(int argc, char *argv[]);   /* import inspect prune ls pull rm */
int verb_tag(int argc, char *argv[]);
int verb_untag(int argc, char *argv[]);
int verb_push(int argc, char *argv[]);
int verb_login(int argc, char *argv[]);
int verb_logout(int argc, char *argv[]);
int verb_save(int argc, char *argv[]);
int verb_load(int argc, char *argv[]);
int verb_import(int argc, char *argv[]);
int verb_export(int argc, char *argv[]);
int verb_commit(int argc, char *argv[]);
/* verb-archive.c: LoadImage of the file or directory at path (NULL: stdin); prints each id after prefix. */
int ctl_load(const char *path, const char *ref, const char *prefix);
int verb_network(int argc, char *argv[]); /* create ls inspect rm */
int verb_volume(int argc, char *argv[]);  /* create ls inspect rm prune */
/* rm -v (verb-volume.c): the names of a container's anonymous volumes (-v /path), read before removing it;
 * then removing them (logged; the last failure is returned). */
int ctl_container_anonymous_volumes(sd_bus *bus, const char *ref, char ***ret);
int ctl_remove_volumes(sd_bus *bus, char **names);
/* PruneVolumes(all), printing "Deleted Volumes:" and the names as docker; *ret_n how many. An
 * UnknownMethod error (an older conmand) is returned without a word. */
int ctl_prune_volumes(sd_bus *bus, bool all, sd_bus_error *error, size_t *ret_n);
int verb_generate(int argc, char *argv[]); /* unit */
int verb_pod(int argc, char *argv[]);      /* create start stop restart kill rm ps inspect top */
int verb_pod_ps(int argc, char *argv[]);
int verb_pod_inspect(int argc, char *argv[]);
int verb_pod_top(int argc, char *argv[]);
int verb_container_prune(int argc, char *argv[]); /* container prune */
int verb_healthcheck(int argc, char *argv[]);     /* run */
int verb_pause(int argc, char *argv[]);           /* pause unpause */
int verb_rename(int argc, char *argv[]);
int verb_top(int argc, char *argv[]);
int verb_port(int argc, char *argv[]);
int verb_update(int argc, char *argv[]);

/* The ids of the containers (all: also those not running) whose state is one of states (NULL: any), from
 * ListContainers. Logs on failure. */
int ctl_list_container_ids(sd_bus *bus, bool all, char *const *states, char ***ret);
/* container prune's work: removes every created or exited container, printing docker's lines. */
int ctl_prune_containers(sd_bus *bus);
/* docker's "WARNING! This will remove WHAT. Are you sure you want to continue? [y/N]"; true on y. */
bool ctl_confirm(const char *what);
int verb_system(int argc, char *argv[]); /* system prune */
int verb_diff(int argc, char *argv[]);   /* diff */
int verb_cp(int argc, char *argv[]);     /* cp */
/* "4.3MB", decimal as docker's (verb-image.c). */
char *ctl_format_bytes(uint64_t n, char buf[static 16]);
int verb_network_prune(int argc, char *argv[]); /* network prune */

/* The member container ids of the pod at path (its Containers property). Logs on failure. */
int ctl_pod_containers(sd_bus *bus, const char *path, char ***ret);
/* A JSON object mapping each pod member's container id to {"Pod": pod id, "PodName": name}, from
 * ListPods and each pod's Containers property. Logs on failure. */
struct json_object;
int ctl_pod_membership(sd_bus *bus, struct json_object **ret);

/* A getopt_long() loop helper: returns 0 after printing help when -h/--help was seen. */
#define CTL_HELP_OPTION                                                                                      \
        { "help", no_argument, NULL, 'h' }
