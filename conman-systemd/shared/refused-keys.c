/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * refused-keys.c — see refused-keys.h. What the generated unit is (generator-unit.c, unit.c's
 * unit_properties_build()): `RUNTIME create` as ExecStart= of a Type=forking unit whose PIDFile= is
 * the container's init, `RUNTIME start` in ExecStartPost=, conman-prepare (state directory, image,
 * rootfs mount) in ExecStartPre=, the exit record and `RUNTIME delete` in ExecStopPost=, the
 * container's cgroup at /conman.slice/<unit>/container (config.json's cgroupsPath, so Delegate=yes
 * and Slice=conman.slice), KillMode=mixed, UnsetEnvironment=NOTIFY_SOCKET, and LogExtraFields= by
 * which `conmanctl logs` finds the output.
 */
#include "shared/refused-keys.h"
#include "shared/util.h"

#define AS_ROOT                                                                                              \
        "the OCI runtime runs as root to build the container; set the user of the container's processes "    \
        "with User=UID[:GID] in [Container]"
#define SHAPE "the generated unit runs 'RUNTIME create' as Type=forking with PIDFile= the container's init"
#define NAMESPACES                                                                                           \
        "it would give the OCI runtime namespaces of its own, but the container's root filesystem, state, "  \
        "cgroup and network are the host's; restrict the container with ReadOnly=, Volume=, Network= in "    \
        "[Container]"
#define INHERITED                                                                                            \
        "it would restrict the OCI runtime, which needs the privilege to build the container, and every "    \
        "process of the container after it; the runtime sets the container's own capabilities, seccomp "     \
        "filter and devices"
#define CGROUP                                                                                               \
        "the runtime puts the container's cgroup below the unit's, at /conman.slice/UNIT/container; set "    \
        "limits with Memory=, CPUs=, PidsLimit= in [Container] or MemoryMax=, CPUQuota=, TasksMax= here"
#define DEVICES                                                                                              \
        "the unit's device policy would also bind the container's cgroup below it, where the runtime "       \
        "allows the container's own devices (/dev/null, /dev/pts, ...)"
#define ROOT                                                                                                 \
        "it would run the OCI runtime in another root directory; set the container's root with Image= or "   \
        "Rootfs= in [Container]"

const RefusedKey refused_keys[] = {
        /* who the runtime runs as */
        { "Service", "User", false, AS_ROOT },
        { "Service", "Group", false, AS_ROOT },
        { "Service", "DynamicUser", false, AS_ROOT },
        { "Service", "SupplementaryGroups", false, AS_ROOT },
        { "Service", "PrivateUsers", false, AS_ROOT },
        /* what the generated unit is built on */
        { "Service", "Type", false,
          SHAPE ", so that the unit lives as long as the container; a container that runs once ends its unit "
                "when it exits" },
        { "Service", "PIDFile", false, SHAPE ", so that systemd follows the container's init" },
        { "Service", "ExecStart", false,
          SHAPE "; set the container's command with Exec= or Entrypoint= in [Container]" },
        { "Service", "RemainAfterExit", false,
          "the exit record and 'RUNTIME delete' (ExecStopPost=) must run when the container exits, not when "
          "the unit is stopped" },
        { "Service", "KillMode", false,
          "the unit stops the container as docker does: StopSignal= to its init, after StopTimeout= SIGKILL "
          "to all (KillMode=mixed); set those in [Container]" },
        { "Service", "WatchdogSec", false,
          "the container cannot send WATCHDOG=1 (NOTIFY_SOCKET is kept from the runtime), so the watchdog "
          "would kill it" },
        { "Service", "Slice", false, CGROUP },
        { "Service", "Delegate", false, CGROUP },
        { "Service", "DelegateSubgroup", false, CGROUP },
        /* an empty assignment would drop the generated values; adding values is fine */
        { "Service", "ExecStartPre", true,
          "an empty ExecStartPre= drops conman-prepare, which builds the container's state at each start; "
          "add commands instead" },
        { "Service", "ExecStartPost", true,
          "an empty ExecStartPost= drops 'RUNTIME start', which lets the container run; add commands "
          "instead" },
        { "Service", "ExecStopPost", true,
          "an empty ExecStopPost= drops the exit record and 'RUNTIME delete'; add commands instead" },
        { "Service", "UnsetEnvironment", true,
          "an empty UnsetEnvironment= drops UnsetEnvironment=NOTIFY_SOCKET, and the runtime would then wait "
          "for the container to send READY=1; add names instead" },
        { "Service", "LogExtraFields", true,
          "an empty LogExtraFields= drops CONTAINER_ID_FULL= and the other fields by which 'conmanctl logs' "
          "finds the output; add fields instead" },
        /* another root */
        { "Service", "RootDirectory", false, ROOT },
        { "Service", "RootImage", false, ROOT },
        { "Service", "RootEphemeral", false, ROOT },
        /* namespaces of the runtime's own */
        { "Service", "MountFlags", false, NAMESPACES },
        { "Service", "MountAPIVFS", false, NAMESPACES },
        { "Service", "PrivateMounts", false, NAMESPACES },
        { "Service", "PrivateTmp", false, NAMESPACES },
        { "Service", "PrivateDevices", false, NAMESPACES },
        { "Service", "PrivateNetwork", false, NAMESPACES },
        { "Service", "PrivateIPC", false, NAMESPACES },
        { "Service", "PrivatePIDs", false, NAMESPACES },
        { "Service", "NetworkNamespacePath", false, NAMESPACES },
        { "Service", "IPCNamespacePath", false, NAMESPACES },
        { "Service", "ProtectSystem", false, NAMESPACES },
        { "Service", "ProtectHome", false, NAMESPACES },
        { "Service", "ProtectProc", false, NAMESPACES },
        { "Service", "ProcSubset", false, NAMESPACES },
        { "Service", "ProtectKernelTunables", false, NAMESPACES },
        { "Service", "ProtectKernelModules", false, NAMESPACES },
        { "Service", "ProtectKernelLogs", false, NAMESPACES },
        { "Service", "ProtectControlGroups", false, NAMESPACES },
        { "Service", "ProtectHostname", false, NAMESPACES },
        { "Service", "ProtectClock", false, NAMESPACES },
        { "Service", "ReadWritePaths", false, NAMESPACES },
        { "Service", "ReadOnlyPaths", false, NAMESPACES },
        { "Service", "InaccessiblePaths", false, NAMESPACES },
        { "Service", "ExecPaths", false, NAMESPACES },
        { "Service", "NoExecPaths", false, NAMESPACES },
        { "Service", "ReadWriteDirectories", false, NAMESPACES },
        { "Service", "ReadOnlyDirectories", false, NAMESPACES },
        { "Service", "InaccessibleDirectories", false, NAMESPACES },
        { "Service", "TemporaryFileSystem", false, NAMESPACES },
        { "Service", "BindPaths", false, NAMESPACES },
        { "Service", "BindReadOnlyPaths", false, NAMESPACES },
        { "Service", "MountImages", false, NAMESPACES },
        { "Service", "ExtensionImages", false, NAMESPACES },
        { "Service", "ExtensionDirectories", false, NAMESPACES },
        { "Service", "LogNamespace", false, NAMESPACES },
        /* restrictions the container inherits */
        { "Service", "NoNewPrivileges", false, INHERITED },
        { "Service", "CapabilityBoundingSet", false, INHERITED },
        { "Service", "SecureBits", false, INHERITED },
        { "Service", "SystemCallFilter", false, INHERITED },
        { "Service", "SystemCallArchitectures", false, INHERITED },
        { "Service", "SystemCallLog", false, INHERITED },
        { "Service", "RestrictNamespaces", false, INHERITED },
        { "Service", "RestrictAddressFamilies", false, INHERITED },
        { "Service", "RestrictFileSystems", false, INHERITED },
        { "Service", "RestrictRealtime", false, INHERITED },
        { "Service", "RestrictSUIDSGID", false, INHERITED },
        { "Service", "LockPersonality", false, INHERITED },
        { "Service", "MemoryDenyWriteExecute", false, INHERITED },
        { "Service", "SELinuxContext", false, INHERITED },
        { "Service", "AppArmorProfile", false, INHERITED },
        { "Service", "SmackProcessLabel", false, INHERITED },
        { "Service", "DevicePolicy", false, DEVICES },
        { "Service", "DeviceAllow", false, DEVICES },
};

const size_t refused_keys_n = ELEMENTSOF(refused_keys);

const RefusedKey *refused_key_find(const char *section, const char *key, const char *value) {
        for (size_t i = 0; i < refused_keys_n; i++) {
                const RefusedKey *k = &refused_keys[i];
                if (streq(k->section, section) && streq(k->key, key) && (!k->reset_only || isempty(value)))
                        return k;
        }
        return NULL;
}
