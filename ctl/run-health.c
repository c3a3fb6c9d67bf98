/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-health.c — see run-health.h.
 */
#include <inttypes.h>

#include "shared/health.h"
#include "shared/log.h"
#include "shared/util.h"
#include "run-health.h"

const char *const run_health_flag_names[_RUN_HEALTH_FLAG_MAX] = {
        [RUN_HEALTH_CMD] = "health-cmd",
        [RUN_HEALTH_INTERVAL] = "health-interval",
        [RUN_HEALTH_TIMEOUT] = "health-timeout",
        [RUN_HEALTH_RETRIES] = "health-retries",
        [RUN_HEALTH_START_PERIOD] = "health-start-period",
        [RUN_HEALTH_START_INTERVAL] = "health-start-interval",
        [RUN_HEALTH_ON_FAILURE] = "health-on-failure",
        [RUN_NO_HEALTHCHECK] = "no-healthcheck",
};

const char run_health_help[] =
        "      --health-cmd CMD       A health check, run as /bin/sh -c CMD in the container (exit 0: healthy)\n"
        "      --health-interval DURATION  Time between checks, e.g. 30s, 1m30s, 500ms (default 30s)\n"
        "      --health-timeout DURATION   Time a check may take (default 30s)\n"
        "      --health-retries N     Consecutive failures that make it unhealthy (default 3)\n"
        "      --health-start-period DURATION  Failures before then do not count (default 0s)\n"
        "      --health-start-interval DURATION  Time between checks in the start period (default: interval)\n"
        "      --health-on-failure ACTION  none (default), kill, restart or stop when it turns unhealthy\n"
        "      --no-healthcheck       Disable any health check, also the image's\n";

static int invalid(RunHealthFlag flag, const char *value, const char *rule) {
        return log_error_errno(-EINVAL, "conmanctl: invalid value '%s' for --%s: %s.", value,
                               run_health_flag_names[flag], rule);
}

static int parse_duration_flag(RunHealthFlag flag, const char *value, uint64_t min, uint64_t *ret,
                               bool *have) {
        uint64_t v;
        int r = health_parse_duration(value, &v);

        if (r == -ERANGE)
                return invalid(flag, value, "a duration may not be negative");
        if (r < 0)
                return invalid(flag, value, "use a duration such as 30s, 1m30s or 500ms");
        if (v < min)
                return invalid(flag, value, "use at least 1ms");
        *ret = v;
        *have = true;
        return 0;
}

int run_health_parse(RunHealthFlag flag, const char *value, RunHealth *h) {
        uint64_t n;

        switch (flag) {
        case RUN_HEALTH_CMD:
                if (isempty(value))
                        return invalid(flag, value, "give a command");
                h->cmd = value;
                return 0;
        case RUN_HEALTH_INTERVAL:
                return parse_duration_flag(flag, value, HEALTH_DURATION_MIN_USEC, &h->interval,
                                           &h->have_interval);
        case RUN_HEALTH_TIMEOUT:
                return parse_duration_flag(flag, value, HEALTH_DURATION_MIN_USEC, &h->timeout,
                                           &h->have_timeout);
        case RUN_HEALTH_START_PERIOD:
                return parse_duration_flag(flag, value, 0, &h->start_period, &h->have_start_period);
        case RUN_HEALTH_START_INTERVAL:
                return parse_duration_flag(flag, value, HEALTH_DURATION_MIN_USEC, &h->start_interval,
                                           &h->have_start_interval);
        case RUN_HEALTH_RETRIES:
                if (safe_atou64(value, &n) < 0 || n < 1 || n > 1000000)
                        return invalid(flag, value, "use a number from 1 to 1000000");
                h->retries = (uint32_t) n;
                h->have_retries = true;
                return 0;
        case RUN_HEALTH_ON_FAILURE:
                if (health_on_failure_from_string(value) < 0)
                        return invalid(flag, value, "use none, kill, restart or stop");
                h->on_failure = value;
                return 0;
        case RUN_NO_HEALTHCHECK: h->disabled = true; return 0;
        default: return -EINVAL;
        }
}

int run_health_check(const RunHealth *h) {
        if (h->disabled && h->cmd)
                return log_error_errno(-EINVAL, "conmanctl: --no-healthcheck conflicts with --health-cmd.");
        return 0;
}

#define APPEND(key, sig, value) sd_bus_message_append(m, "{sv}", key, sig, value)

int run_health_append(sd_bus_message *m, const RunHealth *h) {
        int r = 0;

        if (h->cmd)
                r = APPEND("HealthCmd", "s", h->cmd);
        if (r >= 0 && h->have_interval)
                r = APPEND("HealthInterval", "t", h->interval);
        if (r >= 0 && h->have_timeout)
                r = APPEND("HealthTimeout", "t", h->timeout);
        if (r >= 0 && h->have_start_period)
                r = APPEND("HealthStartPeriod", "t", h->start_period);
        if (r >= 0 && h->have_start_interval)
                r = APPEND("HealthStartInterval", "t", h->start_interval);
        if (r >= 0 && h->have_retries)
                r = APPEND("HealthRetries", "u", h->retries);
        if (r >= 0 && h->on_failure)
                r = APPEND("HealthOnFailure", "s", h->on_failure);
        if (r >= 0 && h->disabled)
                r = APPEND("NoHealthcheck", "b", 1);
        return r;
}
