/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-spec.h — what a user asked for when creating a pod, and the names and paths
 * derived from it (docs/pods.md).
 *
 * A pod costs no process: it is the slice conman-pod-<name>.slice (pod-level limits
 * are its MemoryMax=/CPUQuota=/TasksMax=) plus the oneshot unit conman-pod@<name>.service
 * (RemainAfterExit=yes) whose ExecStart= pins the shared namespaces with
 * `conman-podns pin` and whose ExecStop= unpins them. Pinned namespaces are files
 * under <run>/pods/<id>/ (ipc, uts: bind mounts of nsfs) and the named network
 * namespace /run/netns/conman-<id12>; members join them by path in config.json.
 *
 * One PodSpec is filled from a D-Bus options dictionary (CreatePod), from a .pod file
 * (conman-generator) or from pod.json on disk (<state>/pods/<id>/pod.json).
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "shared/container-spec.h"

#define POD_SLICE_PREFIX    "conman-pod-"
#define POD_PIN_UNIT_PREFIX "conman-pod@"
#define POD_SPEC_FILE       "pod.json"

/* The namespaces a pod can share; net, ipc and uts by default (podman's default). */
typedef enum PodShare {
        POD_SHARE_NET = 1 << 0,
        POD_SHARE_IPC = 1 << 1,
        POD_SHARE_UTS = 1 << 2,
        POD_SHARE_DEFAULT = POD_SHARE_NET | POD_SHARE_IPC | POD_SHARE_UTS,
} PodShare;

/* CreatePod's Pid: each member its own PID namespace (the default), one for the pod held by a pause process
 * as PID 1 in the pin unit (the only pods with a process), or the host's. */
typedef enum PodPidMode {
        POD_PID_PRIVATE,
        POD_PID_POD,
        POD_PID_HOST,
        _POD_PID_MODE_MAX,
        _POD_PID_MODE_INVALID = -EINVAL,
} PodPidMode;

#define POD_DNS_MAX 32 /* servers, search domains, options: at most this many each */

typedef struct PodSpec {
        char *id;           /* 64 hex chars */
        char *name;         /* CONTAINER_NAME_RULE */
        char *hostname;     /* NULL: the pod's name */
        char **labels;      /* "key=value" */
        char **annotations; /* "key=value" (annotations_validate(), container-spec.h) */
        NetworkMode network;
        char *network_name;  /* NETWORK_BRIDGE: a network from `conmanctl network create`; NULL = conman0 */
        char **ports;        /* canonical "[IP:]HOSTPORT:PORT/PROTO" (network-spec.h) */
        unsigned share;      /* PodShare bits */
        uint64_t memory_max; /* bytes; 0 = none → the slice's MemoryMax= */
        uint64_t cpu_quota_usec; /* per second; 0 = none → the slice's CPUQuota= */
        uint64_t pids_limit;     /* 0 = none → the slice's TasksMax= */
        char **dns_servers;      /* the pod's resolv.conf: nameserver lines (addresses), else the network's */
        char **dns_searches;     /* search domains */
        char **dns_options;      /* "options" words (ndots:5) */
        PodPidMode pid;          /* Pid */
        bool ipc_host;           /* Ipc host: members in the host's IPC namespace (share has no ipc) */
        char *cgroup_parent; /* CgroupParent: a slice unit name the pod's slice is, NULL = conman-pod-NAME */
        bool slice_made;     /* conmand started cgroup_parent (transient): RemovePod stops it */
        uint64_t created_at; /* CLOCK_REALTIME usec */
        char *source_path;   /* the .pod file of a pod conman-generator made, else NULL */
        bool removing;       /* rm -f began: finished by whoever loads this next */
} PodSpec;

const char *pod_pid_mode_to_string(PodPidMode m);
PodPidMode pod_pid_mode_from_string(const char *s);

void pod_spec_init(PodSpec *s);
void pod_spec_done(PodSpec *s);

/* Refuses what cannot work, with a message a person can act on (InvalidArgument). */
int pod_spec_validate(const PodSpec *s, sd_bus_error *error);

/* "net,ipc,uts" ↔ bits; -EINVAL for an unknown or unsupported name ("pid" says so in pod_share_parse_bus). */
int pod_share_parse(const char *s, unsigned *ret);
int pod_share_format(unsigned share, char **ret);

/* pod.json */
struct json_object *pod_spec_to_json(const PodSpec *s);
int pod_spec_from_json(struct json_object *j, PodSpec *s);
/* <dir_fd>/pod.json, read and written atomically (write to a temporary file, fsync, rename). */
int pod_spec_load(int dir_fd, PodSpec *ret);
int pod_spec_save(int dir_fd, const PodSpec *s);

/* The pod's slice: cgroup_parent, or conman-pod-<name>.slice. */
int pod_spec_slice(const PodSpec *s, char **ret);
/* CgroupParent as given: a slice name, or the slice's cgroup path as kubelet's systemd driver spells it
 * ("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice"); -EINVAL otherwise. */
int pod_cgroup_parent_parse(const char *v, char **ret_slice);
/* "conman-pod-<name>.slice" with '-' in the name escaped as systemd wants (\x2d), so the slice is a child
 * of conman-pod.slice, itself a child of conman.slice. */
int pod_slice_name(const char *pod_name, char **ret);
/* "conman-pod@<name>.service": the unit that pins the namespaces. '@' is never in a container's name,
 * so it cannot collide with conman-<container>.service. */
int pod_pin_unit_name(const char *pod_name, char **ret);
/* "/conman.slice/conman-pod.slice/conman-pod-<name>.slice": the slice's cgroup. */
int pod_slice_cgroup_path(const char *pod_name, char **ret);

/* <run>/pods/<id> and the pinned files in it ("ipc", "uts"). */
int pod_run_dir(const char *run_dir, const char *pod_id, char **ret);
int pod_ns_path(const char *run_dir, const char *pod_id, const char *ns, char **ret);

/* Where a member container finds the pod's namespaces and /etc files: filled for oci_config_build().
 * Strings owned by the struct. */
typedef struct PodMemberPaths {
        char *netns_path; /* NULL for a pod on the host's network or one that does not share net */
        char *ipc_path;   /* NULL when the pod does not share ipc */
        char *uts_path;   /* NULL when the pod does not share uts */
        char *etc_dir;    /* hosts, hostname, resolv.conf of the pod; NULL on the host's network */
        char *pid_path;   /* the pause process's PID namespace (Pid pod), pinned by path; NULL otherwise */
        bool pid_host, ipc_host; /* members in the host's PID / IPC namespace */
        const char *hostname;    /* the pod's host name (borrowed from the spec) */
} PodMemberPaths;
int pod_member_paths(const PodSpec *s, const char *run_dir, PodMemberPaths *ret);
void pod_member_paths_done(PodMemberPaths *p);
