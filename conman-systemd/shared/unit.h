/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unit.h — the systemd unit of a container: its name, and every property
 * StartTransientUnit gets. This is THE place where a container option becomes a
 * unit property (MemoryMax=, KillSignal=, Restart=, ...); docs/units.md lists them.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "shared/container-spec.h"

#define CONMAN_SLICE       "conman.slice"
#define CONMAN_UNIT_PREFIX "conman-"

/* One ExecStartPre=/ExecStopPost= command a subsystem needs around the container (overlay rootfs,
 * network namespace, ...). Gathered by container_collect_hooks() (container-hooks.c). */
typedef struct ExecHook {
        char **argv;         /* argv[0] is an absolute path; owned */
        bool ignore_failure; /* the "-" prefix */
        bool no_env_expand;  /* the ":" prefix: sent as ExecXYZEx= with the "no-env-expand" flag */
} ExecHook;

typedef struct UnitHooks {
        ExecHook *start_pre; /* run in order before ExecStart= */
        size_t n_start_pre;
        ExecHook *stop_post; /* run in order after the exit record and `runtime delete` */
        size_t n_stop_post;
        char **after; /* extra After=+Wants= units (e.g. network-online.target) */
} UnitHooks;

void unit_hooks_done(UnitHooks *h);
/* Appends a command; argv is copied. */
int unit_hooks_add(UnitHooks *h, bool stop_post, bool ignore_failure, char *const *argv);

typedef struct UnitParams {
        const char *unit_name; /* conman-<name>.service */
        const char *container_id;
        const char *container_name;
        const char *runtime_path;   /* absolute path of runc/crun */
        const char *runtime_root;   /* --root of the runtime */
        const char *bundle;         /* directory holding config.json */
        const char *pid_file;       /* where the runtime writes the container init's PID */
        const char *state_dir;      /* conmand's state directory, for the exit record */
        const char *console_socket; /* TTY containers: --console-socket of the runtime
                                       (daemon/stdio/console-socket.h); or NULL */
        int stdin_fd;               /* -EBADF: /dev/null */
        int stdout_fd;              /* write ends handed to the unit */
        int stderr_fd;
        const ContainerSpec *spec;
        const UnitHooks *hooks; /* may be NULL */
} UnitParams;

/* "conman-<name>.service" */
int unit_name_from_container_name(const char *name, char **ret);
/* The unit's D-Bus object path below /org/freedesktop/systemd1/unit. */
int unit_object_path(const char *unit_name, char **ret);
/* "/conman.slice/conman-<name>.service/container" (a pod's member: below the pod's slice, pod-spec.h): where
 * the runtime puts the container — inside the unit's (delegated) cgroup, so systemd accounts and limits it,
 * yet apart from the unit's own control processes (ExecStopPost= runs in .control), so `runtime delete` only
 * removes what the runtime made. */
int container_cgroup_path(const char *unit_name, const char *slice, char **ret);
/* The slice a container's unit is in: conman.slice, its pod's conman-pod-NAME.slice, or the slice its pod
 * was given (CreatePod's CgroupParent, recorded in the member's spec). */
int container_spec_slice(const ContainerSpec *s, char **ret);
/* The cgroup of a slice, from its name as systemd places it: "a-b-c.slice" →
 * "/a.slice/a-b.slice/a-b-c.slice". */
int slice_cgroup_path(const char *slice, char **ret);

/* The unit's properties as one list, shared by StartTransientUnit (unit_append_properties()) and the
 * unit files conman-generator writes (unit_property_format()), so both have the same shape. */
typedef enum UnitPropertyType {
        UNIT_PROPERTY_STRING,    /* s */
        UNIT_PROPERTY_BOOL,      /* b */
        UNIT_PROPERTY_U64,       /* t */
        UNIT_PROPERTY_U32,       /* u */
        UNIT_PROPERTY_SIGNAL,    /* i, a signal number */
        UNIT_PROPERTY_USEC,      /* t, a time span ("...Sec=" in a file) */
        UNIT_PROPERTY_CPU_QUOTA, /* t, usec per second ("CPUQuota=N%" in a file) */
        UNIT_PROPERTY_STRV,      /* as */
        UNIT_PROPERTY_EXEC,      /* a(sasb) */
        UNIT_PROPERTY_FD,        /* h; transient units only */
        UNIT_PROPERTY_CPUSET,    /* ay, a bitmask from the list in str ("0-3,5" in a file) */
        UNIT_PROPERTY_I32,       /* i */
        UNIT_PROPERTY_RLIMIT,    /* t: u is the hard limit; sent with "<name>Soft" t of soft ("SOFT:HARD") */
        UNIT_PROPERTY_DEVICE_RATE, /* a(st) of (str, u): one device's throttle ("PATH RATE" in a file) */
} UnitPropertyType;

typedef struct UnitProperty {
        const char *name; /* the D-Bus property name: "TimeoutStopUSec" */
        UnitPropertyType type;
        char *str;      /* owned */
        uint64_t u;     /* numbers, booleans, signals */
        uint64_t soft;  /* UNIT_PROPERTY_RLIMIT: the soft limit */
        char **strv;    /* owned */
        ExecHook *exec; /* owned */
        size_t n_exec;
        int fd; /* borrowed from UnitParams */
} UnitProperty;

typedef struct UnitPropertyList {
        UnitProperty *items;
        size_t n;
} UnitPropertyList;

void unit_property_list_done(UnitPropertyList *l);
/* The resource limits of a container (MemoryMax=, CPUQuota=, CPUWeight=, TasksMax=, AllowedCPUs=,
 * AllowedMemoryNodes=) for SetUnitProperties on its running unit: a limit the spec does not have is set to
 * systemd's "none" (infinity, all CPUs), so the unit ends up with exactly the spec's. */
int unit_append_resource_properties(sd_bus_message *m, const ContainerSpec *s);
int unit_properties_build(const UnitParams *p, UnitPropertyList *ret);

/* Appends the a(sv) property array of StartTransientUnit. */
int unit_append_properties(sd_bus_message *m, const UnitParams *p);

/* The unit of an exec (`conmanctl exec`): conman-<name>-exec-<id>.service runs the runtime's `exec`. */
typedef struct ExecUnitParams {
        const char *description;
        char **argv; /* the runtime's command line (behind conman-exec-wait with a TTY): ExecStart= */
        int stdin_fd, stdout_fd, stderr_fd; /* the client's, borrowed */
} ExecUnitParams;
int unit_exec_properties_build(const ExecUnitParams *p, UnitPropertyList *ret);
/* Appends the a(sv) property array of StartTransientUnit for an exec's unit. */
int unit_append_exec_unit_properties(sd_bus_message *m, const ExecUnitParams *p);

/* A property as unit-file lines ("TimeoutStopSec=10s"; one line per command of an Exec list), and the
 * section it belongs in ("Unit" or "Service"). ret_lines is NULL for what a file cannot carry (fds).
 * unit-file.c. */
int unit_property_format(const UnitProperty *p, const char **ret_section, char ***ret_lines);
/* Quotes one word for an ExecXYZ= line: %-specifiers and $-expansion escaped, "..." when needed. */
char *unit_exec_word_quote(const char *word);
/* Escapes a value for a setting that expands %-specifiers (Description=, Environment= entries). */
char *unit_value_escape(const char *value, bool quote);

/* "runc" → "/usr/sbin/runc" (searched in PATH and the usual sbin dirs). */
int runtime_find_binary(const char *runtime, char **ret);

/* Pods (pod-spec.h). A member's unit is in the pod's slice, BindsTo= and After= the pod's pin unit
 * (unit_properties_build() does that from spec->pod_name); its ExecStartPre= `conman-podns join` names it
 * in the pod's /etc/hosts. No-op for a container outside a pod. */
int unit_add_pod_member_hooks(const char *state_dir, const char *run_dir, const ContainerSpec *s,
                              const char *container_name, UnitHooks *hooks);

struct PodSpec;
typedef struct PodUnitParams {
        const struct PodSpec *spec;
        const char *state_dir;
        const char *run_dir;
        const char
                *spec_file; /* conman-generator's pod.json for `conman-podns pin --spec`; NULL: the state's */
        char **member_units; /* Wants=: a boot-time pod starts its members (Quadlet's shape); or NULL */
} PodUnitParams;
/* conman-pod-<name>.slice: Description=, MemoryMax=, CPUQuota=, TasksMax= (a file's [Slice] section:
 * unit_property_format() says "Service" for these, the writer of a .slice file puts them under [Slice]). */
int unit_pod_slice_properties_build(const struct PodSpec *s, UnitPropertyList *ret);
/* conman-pod@<name>.service: Type=oneshot, RemainAfterExit=yes, ExecStart=conman-podns pin, ExecStop=unpin.
 */
int unit_pod_pin_properties_build(const PodUnitParams *p, UnitPropertyList *ret);
int unit_append_pod_slice_properties(sd_bus_message *m, const struct PodSpec *s);
int unit_append_pod_pin_properties(sd_bus_message *m, const PodUnitParams *p);
