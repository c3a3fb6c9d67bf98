/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-spec.h — what a user asked for when creating a container: command,
 * root filesystem, environment, mounts, limits, stop and restart behaviour.
 *
 * One ContainerSpec is filled from a D-Bus options dictionary (bus-options.c), from a
 * .container file (the generator), or from container.json on disk, and turned into
 * an OCI config.json (oci-config.c) and unit properties (unit.c). Validation lives
 * here so every entry point refuses the same things with the same words.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "shared/health.h"
#include "shared/macro.h"
#include "shared/network-options.h"
#include "shared/run-limits.h"
#include "shared/security-spec.h"
#include "shared/userns.h"

typedef enum RestartPolicy {
        RESTART_NO,
        RESTART_ON_FAILURE,
        RESTART_ALWAYS,
        RESTART_UNLESS_STOPPED,
        _RESTART_POLICY_MAX,
        _RESTART_POLICY_INVALID = -EINVAL,
} RestartPolicy;

typedef enum NetworkMode {
        NETWORK_NONE,   /* a private network namespace with only lo */
        NETWORK_HOST,   /* the host's network namespace */
        NETWORK_BRIDGE, /* own namespace on a CNI bridge network: network_name, NULL = conman0 */
        _NETWORK_MODE_MAX,
        _NETWORK_MODE_INVALID = -EINVAL,
} NetworkMode;

/* A volume's mount propagation (docker's and the OCI spec's words); rprivate is the default. */
typedef enum VolumePropagation {
        PROPAGATION_RPRIVATE,
        PROPAGATION_PRIVATE,
        PROPAGATION_RSLAVE,
        PROPAGATION_SLAVE,
        PROPAGATION_RSHARED,
        PROPAGATION_SHARED,
        _PROPAGATION_MAX,
        _PROPAGATION_INVALID = -EINVAL,
} VolumePropagation;

typedef struct VolumeSpec {
        char *source;      /* absolute host path that exists (a named volume's _data once resolved) */
        char *destination; /* absolute, normalized container path */
        bool read_only;
        VolumePropagation propagation;
        char *volume_name; /* a named volume's name (docs/volumes.md), NULL for a host path */
        bool anonymous;    /* the volume was made for this container (-v /path, an image's VOLUME) */
} VolumeSpec;

typedef struct ContainerSpec {
        char *rootfs;      /* absolute host directory */
        char *image;       /* image reference as the user gave it, for display */
        char *image_id;    /* the image in the store; its layers become an overlay root */
        char **command;    /* argv of the container's init */
        char **entrypoint; /* at create only: replaces the image's Entrypoint (and drops its Cmd when no
                              command is given), prefixes command for a rootfs; never stored */
        char **env;        /* KEY=VALUE */
        char *working_dir; /* absolute container path, NULL = "/" */
        char *user;        /* "uid[:gid]" or a name from the rootfs' /etc/passwd */
        char *hostname;
        char **labels;      /* "key=value" */
        char **annotations; /* "key=value" (a key has no '='): CRI's, into config.json's annotations */
        VolumeSpec *volumes;
        size_t n_volumes;
        char **volume_propagation; /* at create only: "DEST=propagation" (D-Bus VolumePropagation), put into
                                      volumes by bus-options.c; never stored */
        char **tmpfs;              /* --tmpfs "DEST[:OPTIONS]" (volume-spec.h) */
        bool read_only;            /* root filesystem mounted read-only */
        bool auto_remove;          /* --rm */
        bool tty;                  /* allocate a terminal */
        bool interactive;          /* keep stdin open */
        NetworkMode network;
        char *network_name; /* NETWORK_BRIDGE: a network from `conmanctl network create`; NULL = conman0 */
        char **ports;       /* published ports, canonical "[IP:]HOSTPORT:PORT/PROTO" (network-spec.h); a
                               port without HOSTPORT gets a free one at each start (container-ports.h) */
        NetworkOptions net; /* --expose, -P, --add-host, --dns*, --ip, --mac-address (network-options.h) */
        char *pod_id; /* the pod the container belongs to (pod-spec.h), fixed at create; NULL = none. A member
                       */
        char *pod_name;  /* joins the pod's namespaces: network is NONE (or HOST for a pod on the host's) */
        char *pid_mode;  /* a member's PidMode: "pod", "private", "host"; NULL = the pod's (pod if it has one)
                          */
        char *pod_slice; /* the slice the pod was given (CreatePod's CgroupParent); NULL:
                            conman-pod-NAME.slice */
        char *ipc_mode;  /* --ipc: "host" or "private"; NULL = private (or the pod's) */
        char *uts_mode;  /* --uts: "host" or "private"; NULL = private (or the pod's) */
        char *cgroupns_mode;    /* --cgroupns: "host" or "private"; NULL = host (the runtime's default) */
        char *cgroup_parent;    /* --cgroup-parent: the unit's Slice= (not in a pod); NULL = conman.slice */
        char *domainname;       /* --domainname → config.json's domainname (dns_name_is_valid()) */
        char **network_aliases; /* --network-alias: more names of the container in its network peers'
                                   /etc/hosts (dns_name_is_valid() each) */

        uint64_t memory_max;      /* bytes; 0 = no limit → MemoryMax= */
        uint64_t cpu_quota_usec;  /* per second of wall time; 0 = none → CPUQuota= */
        uint64_t cpu_weight;      /* 1..10000; 0 = default → CPUWeight= */
        uint64_t pids_limit;      /* 0 = the default (2048), UINT64_MAX = none → TasksMax= */
        char *cpuset_cpus;        /* "0-3,5": → AllowedCPUs=; NULL = all */
        char *cpuset_mems;        /* memory nodes, the same syntax → AllowedMemoryNodes= */
        uint64_t cpu_period_usec; /* --cpu-period: 0 = systemd's (100 ms) → CPUQuotaPeriodSec= */
        uint64_t memory_swap;     /* --memory-swap, docker's memory + swap total: 0 = none, UINT64_MAX =
                                     unlimited → MemorySwapMax= (the swap alone, run-limits.h) */
        uint64_t memory_low;      /* --memory-reservation: bytes, 0 = none → MemoryLow= */
        uint64_t io_weight;       /* --blkio-weight: 10..1000, 0 = default → IOWeight= */
        char **device_rates[_DEVICE_RATE_KIND_MAX]; /* "/dev/sda:RATE" each (run-limits.h) →
                                                       IOReadBandwidthMax= ... IOWriteIOPSMax= */
        char **ulimits;    /* "nofile=SOFT:HARD" (run-limits.h) → LimitNOFILE= ... */
        uint64_t shm_size; /* --shm-size: bytes of the /dev/shm tmpfs, 0 = 64 MiB */
        bool init;         /* --init: catatonit (or tini) runs the command as the container's init */

        int stop_signal;              /* → KillSignal= */
        uint64_t stop_timeout_usec;   /* → TimeoutStopSec= */
        RestartPolicy restart;        /* → Restart= */
        unsigned restart_max_retries; /* on-failure:N; 0 = unlimited → StartLimitBurst= */

        char *runtime;  /* "runc" or "crun"; NULL = the daemon's default */
        char *log_path; /* absolute: kubelet's CRI log of the output (daemon/stdio/cri-log.h), or NULL */

        UsernsMode userns;        /* --userns: host (none) or auto (userns.h) */
        UsernsRange userns_range; /* auto: the host IDs allocated at create (size 0 = not yet) */
        SecuritySpec security;    /* capabilities, devices, seccomp ... (security-spec.h) */
        HealthSpec health;        /* --health-cmd & co. (health.h) */
} ContainerSpec;

#define CONTAINER_STOP_TIMEOUT_DEFAULT_USEC (10 * UINT64_C(1000000))
#define CONTAINER_STOP_TIMEOUT_MAX_USEC     (24 * 3600 * UINT64_C(1000000))
#define CONTAINER_MEMORY_MIN                (6 * 1024 * 1024) /* like docker: below this nothing starts */
#define CONTAINER_LIMIT_MAX                 (UINT64_C(1) << 50)
#define CONTAINER_PIDS_LIMIT_DEFAULT        2048 /* podman's */
#define CONTAINER_PIDS_LIMIT_UNLIMITED      UINT64_MAX
#define CONTAINER_ARGS_MAX                  4096
#define CONTAINER_STRING_MAX                65536

void container_spec_init(ContainerSpec *s);
void container_spec_done(ContainerSpec *s);

/* Refuses what cannot work, with a message a person can act on (InvalidArgument). */
int container_spec_validate(const ContainerSpec *s, sd_bus_error *error);
/* Annotations ("key=value" each): a key is 1..253 printable bytes without '=', a value valid UTF-8 of at most
 * 64 KiB, at most 256 of them (InvalidArgument). */
#define ANNOTATIONS_MAX      256
#define ANNOTATION_KEY_MAX   253
#define ANNOTATION_VALUE_MAX 65536
int annotations_validate(char *const *annotations, sd_bus_error *error);
/* The resource limits alone (UpdateContainer): memory, CPU, pids, cpusets. */
int container_spec_validate_resources(const ContainerSpec *s, sd_bus_error *error);
/* The part a pod shares with a container: labels, host name, limits, network and ports (pod-spec.c). */
int container_spec_validate_common(const ContainerSpec *s, sd_bus_error *error);

/* Serialization for container.json. */
struct json_object *container_spec_to_json(const ContainerSpec *s);
int container_spec_from_json(struct json_object *j, ContainerSpec *s);

/* bridge, none, host or a network's name (a bridge network); -EINVAL for anything else. Shared by the
 * D-Bus options and the generator, as are the port specs ([HOSTIP:]HOSTPORT:PORT[/PROTO], stored in their
 * canonical spelling). */
int container_spec_set_network(ContainerSpec *s, const char *v);
int container_spec_add_port(ContainerSpec *s, const char *v);

/* A cpuset list ("0-3,5", at most CPUSET_MAX) as systemd's bitmask (byte i, bit j: CPU 8i+j): -EINVAL for
 * anything else. */
#define CPUSET_MAX 1024
int cpuset_parse(const char *s, uint8_t **ret_mask, size_t *ret_size);

/* "64m" "on-failure:3" style parsing shared by conmanctl and the generator. */
int restart_policy_parse(const char *s, RestartPolicy *ret_policy, unsigned *ret_max_retries);
/* docker's --cpu-shares (2..262144, default 1024) → systemd's CPUWeight (1..10000, default 100). */
uint64_t cpu_shares_to_weight(uint64_t shares);

const char *restart_policy_to_string(RestartPolicy p);
RestartPolicy restart_policy_from_string(const char *s);
const char *network_mode_to_string(NetworkMode n);
NetworkMode network_mode_from_string(const char *s);
void volume_spec_done(VolumeSpec *v);
const char *volume_propagation_to_string(VolumePropagation p);
VolumePropagation volume_propagation_from_string(const char *s);
/* A volume's options as docker spells them after SRC:DST: "ro" or "rw" and a propagation, joined by ','
 * (NULL or "": rw, rprivate). -EINVAL for anything else or one given twice. */
int volume_options_parse(const char *options, bool *ret_read_only, VolumePropagation *ret_propagation);
static inline bool volume_propagation_is_shared(VolumePropagation p) {
        return p == PROPAGATION_RSHARED || p == PROPAGATION_SHARED;
}
static inline bool volume_propagation_is_slave(VolumePropagation p) {
        return p == PROPAGATION_RSLAVE || p == PROPAGATION_SLAVE;
}
