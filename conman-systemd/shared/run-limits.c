/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-limits.c — see run-limits.h.
 */
#include <inttypes.h>

#include "shared/run-limits.h"
#include "shared/util.h"

static const struct {
        const char *name, *property;
} ulimit_names[] = {
        { "as", "LimitAS" },           { "core", "LimitCORE" },         { "cpu", "LimitCPU" },
        { "data", "LimitDATA" },       { "fsize", "LimitFSIZE" },       { "locks", "LimitLOCKS" },
        { "memlock", "LimitMEMLOCK" }, { "msgqueue", "LimitMSGQUEUE" }, { "nice", "LimitNICE" },
        { "nofile", "LimitNOFILE" },   { "nproc", "LimitNPROC" },       { "rss", "LimitRSS" },
        { "rtprio", "LimitRTPRIO" },   { "rttime", "LimitRTTIME" },     { "sigpending", "LimitSIGPENDING" },
        { "stack", "LimitSTACK" },
};

/* A plain number, or -1 for unlimited (docker's). */
static int rlimit_value_parse(const char *s, uint64_t *ret) {
        if (streq(s, "-1")) {
                *ret = RLIMIT_VALUE_INFINITY;
                return 0;
        }
        if (safe_atou64(s, ret) < 0 || *ret == RLIMIT_VALUE_INFINITY)
                return -EINVAL;
        return 0;
}

int ulimit_parse(const char *s, Ulimit *ret) {
        const char *eq = strchr(s, '='), *colon;
        _cleanup_free_ char *soft = NULL;
        Ulimit u = {};

        if (!eq)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(ulimit_names); i++)
                if (strlen(ulimit_names[i].name) == (size_t) (eq - s) &&
                    strneq(ulimit_names[i].name, s, (size_t) (eq - s))) {
                        u.name = ulimit_names[i].name;
                        u.property = ulimit_names[i].property;
                }
        if (!u.name)
                return -EINVAL;
        colon = strchr(eq + 1, ':');
        soft = colon ? strndup(eq + 1, (size_t) (colon - eq - 1)) : strdup(eq + 1);
        if (!soft)
                return -ENOMEM;
        if (rlimit_value_parse(soft, &u.soft) < 0)
                return -EINVAL;
        u.hard = u.soft;
        if (colon && rlimit_value_parse(colon + 1, &u.hard) < 0)
                return -EINVAL;
        if (u.soft > u.hard)
                return -EINVAL;
        *ret = u;
        return 0;
}

static int format_rlimit_value(uint64_t v, char *buf, size_t n) {
        if (v == RLIMIT_VALUE_INFINITY)
                return snprintf(buf, n, "-1");
        return snprintf(buf, n, "%" PRIu64, v);
}

int ulimit_format(const Ulimit *u, char **ret) {
        char soft[32], hard[32];

        format_rlimit_value(u->soft, soft, sizeof(soft));
        format_rlimit_value(u->hard, hard, sizeof(hard));
        return asprintf(ret, "%s=%s:%s", u->name, soft, hard) < 0 ? -ENOMEM : 0;
}

static const char *const device_rate_properties[_DEVICE_RATE_KIND_MAX] = {
        [DEVICE_READ_BPS] = "IOReadBandwidthMax", [DEVICE_WRITE_BPS] = "IOWriteBandwidthMax",
        [DEVICE_READ_IOPS] = "IOReadIOPSMax",     [DEVICE_WRITE_IOPS] = "IOWriteIOPSMax",
        [DEVICE_WEIGHT] = "IODeviceWeight",
};

static const char *const device_rate_options[_DEVICE_RATE_KIND_MAX] = {
        [DEVICE_READ_BPS] = "device-read-bps",   [DEVICE_WRITE_BPS] = "device-write-bps",
        [DEVICE_READ_IOPS] = "device-read-iops", [DEVICE_WRITE_IOPS] = "device-write-iops",
        [DEVICE_WEIGHT] = "blkio-weight-device",
};

const char *device_rate_property(DeviceRateKind k) {
        return k >= 0 && k < _DEVICE_RATE_KIND_MAX ? device_rate_properties[k] : NULL;
}

const char *device_rate_option(DeviceRateKind k) {
        return k >= 0 && k < _DEVICE_RATE_KIND_MAX ? device_rate_options[k] : NULL;
}

int device_rate_parse(DeviceRateKind k, const char *s, char **ret_path, uint64_t *ret_rate) {
        const char *colon = strrchr(s, ':');
        bool bytes = k == DEVICE_READ_BPS || k == DEVICE_WRITE_BPS;
        _cleanup_free_ char *path = NULL;
        uint64_t rate;

        if (!colon || !string_has_prefix(s, "/dev/") || colon - s <= 5)
                return -EINVAL;
        path = strndup(s, (size_t) (colon - s));
        if (!path)
                return -ENOMEM;
        if (strpbrk(path, " \t\n\\\"'") || strstr(path, "/../"))
                return -EINVAL;
        if ((bytes ? parse_size(colon + 1, &rate) : safe_atou64(colon + 1, &rate)) < 0 || rate == 0 ||
            rate == UINT64_MAX)
                return -EINVAL;
        if (k == DEVICE_WEIGHT && (rate < 10 || rate > 1000))
                return -EINVAL;
        *ret_path = TAKE_PTR(path);
        *ret_rate = rate;
        return 0;
}

int device_rate_canonical(DeviceRateKind k, const char *s, char **ret) {
        _cleanup_free_ char *path = NULL;
        uint64_t rate;
        int r = device_rate_parse(k, s, &path, &rate);

        if (r < 0)
                return r;
        return asprintf(ret, "%s:%" PRIu64, path, rate) < 0 ? -ENOMEM : 0;
}

int memory_swap_parse(const char *s, uint64_t *ret) {
        if (streq(s, "-1")) {
                *ret = UINT64_MAX;
                return 0;
        }
        if (parse_size(s, ret) < 0 || *ret == 0 || *ret == UINT64_MAX)
                return -EINVAL;
        return 0;
}

int memory_swap_max(uint64_t memory_swap, uint64_t memory_max, uint64_t *ret) {
        if (memory_max == 0)
                return -EINVAL;
        if (memory_swap == UINT64_MAX) {
                *ret = UINT64_MAX;
                return 0;
        }
        if (memory_swap < memory_max)
                return -EINVAL;
        *ret = memory_swap - memory_max;
        return 0;
}
