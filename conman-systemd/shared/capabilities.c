/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * capabilities.c — see capabilities.h.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <strings.h>

#include "shared/capabilities.h"
#include "shared/fileio.h"
#include "shared/util.h"

static const char *const capability_table[] = {
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_DAC_READ_SEARCH",
        "CAP_FOWNER",
        "CAP_FSETID",
        "CAP_KILL",
        "CAP_SETGID",
        "CAP_SETUID",
        "CAP_SETPCAP",
        "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",
        "CAP_NET_RAW",
        "CAP_IPC_LOCK",
        "CAP_IPC_OWNER",
        "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN",
        "CAP_SYS_BOOT",
        "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD",
        "CAP_LEASE",
        "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN",
        "CAP_SYSLOG",
        "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ",
        "CAP_PERFMON",
        "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
};

static const char *const default_capabilities[] = {
        "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",     "CAP_FSETID",
        "CAP_KILL",    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",    "CAP_SETGID",
        "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT",
};

int capability_from_name(const char *name) {
        char buf[64] = "CAP_";
        size_t off = 4;

        if (!name || strlen(name) > 40)
                return -EINVAL;
        if (strncasecmp(name, "CAP_", 4) == 0)
                off = 0;
        for (size_t i = 0; name[i]; i++)
                buf[off + i] = (char) toupper((unsigned char) name[i]);
        for (size_t i = 0; i < ELEMENTSOF(capability_table); i++)
                if (streq(capability_table[i], buf))
                        return (int) i;
        return -EINVAL;
}

const char *capability_to_name(int cap) {
        return cap >= 0 && (size_t) cap < ELEMENTSOF(capability_table) ? capability_table[cap] : NULL;
}

int capability_normalize(const char *name, char **ret) {
        int cap;

        if (name && strcasecmp(name, "ALL") == 0) {
                *ret = strdup("ALL");
                return *ret ? 0 : -ENOMEM;
        }
        cap = capability_from_name(name);
        if (cap < 0)
                return cap;
        *ret = strdup(capability_table[cap]);
        return *ret ? 0 : -ENOMEM;
}

uint64_t capability_default_set(void) {
        uint64_t set = 0;
        for (size_t i = 0; i < ELEMENTSOF(default_capabilities); i++)
                set |= UINT64_C(1) << capability_from_name(default_capabilities[i]);
        return set;
}

uint64_t capability_all(unsigned cap_last) {
        return cap_last >= 63 ? UINT64_MAX : (UINT64_C(1) << (cap_last + 1)) - 1;
}

unsigned capability_last_cap(void) {
        _cleanup_free_ char *buf = NULL;
        uint64_t v;

        if (read_file("/proc/sys/kernel/cap_last_cap", 64, &buf, NULL) >= 0) {
                buf[strcspn(buf, "\n")] = 0;
                if (safe_atou64(buf, &v) >= 0 && v < CAPABILITY_MAX)
                        return (unsigned) v;
        }
        return ELEMENTSOF(capability_table) - 1;
}

uint64_t capability_available(void) {
        _cleanup_free_ char *buf = NULL;
        uint64_t all = capability_all(capability_last_cap());
        const char *p;

        if (read_file("/proc/self/status", 1024 * 1024, &buf, NULL) < 0 || !(p = strstr(buf, "\nCapBnd:")))
                return all;
        return all & strtoull(p + 9, NULL, 16);
}

static uint64_t names_to_set(char *const *l, uint64_t all) {
        uint64_t set = 0;
        for (size_t i = 0; l && l[i]; i++) {
                int cap = capability_from_name(l[i]);
                if (streq(l[i], "ALL"))
                        set |= all;
                else if (cap >= 0)
                        set |= UINT64_C(1) << cap;
        }
        return set;
}

uint64_t capability_set_compute(bool privileged, char *const *add, char *const *drop, uint64_t all) {
        if (privileged)
                return all;
        if (strv_contains(add, "ALL"))
                return all & ~names_to_set(drop, all);
        if (strv_contains(drop, "ALL"))
                return names_to_set(add, all);
        return (capability_default_set() | names_to_set(add, all)) & ~names_to_set(drop, all);
}

struct json_object *capability_set_to_json(uint64_t set) {
        struct json_object *a = json_object_new_array();
        for (int i = 0; i < CAPABILITY_MAX; i++)
                if ((set & (UINT64_C(1) << i)) && capability_to_name(i))
                        json_object_array_add(a, json_object_new_string(capability_to_name(i)));
        return a;
}
