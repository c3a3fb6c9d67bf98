/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * health.c — see health.h.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "shared/bus-errors.h"
#include "shared/health.h"
#include "shared/json-util.h"
#include "shared/macro.h"
#include "shared/util.h"

static const char *const health_on_failure_table[_HEALTH_ON_FAILURE_MAX] = {
        [HEALTH_ON_FAILURE_NONE] = "none",
        [HEALTH_ON_FAILURE_KILL] = "kill",
        [HEALTH_ON_FAILURE_RESTART] = "restart",
        [HEALTH_ON_FAILURE_STOP] = "stop",
};
DEFINE_STRING_TABLE_LOOKUP(health_on_failure, HealthOnFailure);

static const char *const health_status_table[_HEALTH_STATUS_MAX] = {
        [HEALTH_NONE] = "none",
        [HEALTH_STARTING] = "starting",
        [HEALTH_HEALTHY] = "healthy",
        [HEALTH_UNHEALTHY] = "unhealthy",
};
DEFINE_STRING_TABLE_LOOKUP(health_status, HealthStatus);

static int duration_unit(const char **p, double *ret_usec) {
        static const struct {
                const char *name;
                double usec;
        } units[] = {
                /* longest first: "ms" before "m" */
                { "ns", 0.001 }, { "us", 1 },   { "\xc2\xb5s", 1 }, { "ms", 1000 },
                { "s", 1e6 },    { "m", 60e6 }, { "h", 3600e6 },
        };

        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (strneq(*p, units[i].name, strlen(units[i].name))) {
                        *p += strlen(units[i].name);
                        *ret_usec = units[i].usec;
                        return 0;
                }
        return -EINVAL;
}

int health_parse_duration(const char *s, uint64_t *ret_usec) {
        double total = 0;
        const char *p = s;

        if (isempty(s))
                return -EINVAL;
        if (*p == '-')
                return -ERANGE;
        if (*p == '+')
                p++;
        if (streq(p, "0")) {
                *ret_usec = 0;
                return 0;
        }
        while (*p) {
                double v = 0, scale = 1, unit;
                bool digits = false;

                for (; *p >= '0' && *p <= '9'; p++, digits = true)
                        v = v * 10 + (*p - '0');
                if (*p == '.')
                        for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
                                v += (*p - '0') * (scale /= 10);
                if (!digits)
                        return -EINVAL;
                if (duration_unit(&p, &unit) < 0 || v > (double) HEALTH_DURATION_MAX_USEC)
                        return v > (double) HEALTH_DURATION_MAX_USEC ? -ERANGE : -EINVAL;
                total += v * unit;
                if (total > (double) HEALTH_DURATION_MAX_USEC)
                        return -ERANGE;
        }
        *ret_usec = (uint64_t) (total + 0.5);
        return 0;
}

void health_spec_done(HealthSpec *h) {
        strv_freep(&h->test);
        *h = (HealthSpec){};
}

bool health_spec_enabled(const HealthSpec *h) {
        return !h->disabled && h->test && h->test[0] && !streq(h->test[0], "NONE");
}

#define invalid(error, ...) sd_bus_error_setf((error), CONMAN_ERROR_INVALID_ARGUMENT, __VA_ARGS__)

static bool duration_ok(uint64_t v) {
        return v == 0 || (v >= HEALTH_DURATION_MIN_USEC && v <= HEALTH_DURATION_MAX_USEC);
}

int health_spec_validate(const HealthSpec *h, sd_bus_error *error) {
        size_t n = strv_length(h->test);

        if (h->test) {
                if (n == 0 || (!streq(h->test[0], "NONE") && !streq(h->test[0], "CMD") &&
                               !streq(h->test[0], "CMD-SHELL")))
                        return invalid(error, "A health check test starts with CMD, CMD-SHELL or NONE.");
                if ((streq(h->test[0], "CMD-SHELL") && (n != 2 || isempty(h->test[1]))) ||
                    (streq(h->test[0], "CMD") && (n < 2 || isempty(h->test[1]))))
                        return invalid(error, "The health check command is empty.");
                for (size_t i = 0; i < n; i++)
                        if (strlen(h->test[i]) > 65536 || !utf8_is_valid(h->test[i]))
                                return invalid(error, "The health check command is not valid UTF-8.");
        }
        if (!duration_ok(h->interval_usec))
                return invalid(error, "The health check interval must be at least 1ms (0: the default 30s).");
        if (!duration_ok(h->timeout_usec))
                return invalid(error, "The health check timeout must be at least 1ms (0: the default 30s).");
        if (h->start_period_usec > HEALTH_DURATION_MAX_USEC)
                return invalid(error, "The health check start period is too long.");
        if (!duration_ok(h->start_interval_usec))
                return invalid(error,
                               "The health check start interval must be at least 1ms (0: the interval).");
        if (h->retries > 1000000)
                return invalid(error, "The health check retries must be at most 1000000.");
        if (h->on_failure < 0 || h->on_failure >= _HEALTH_ON_FAILURE_MAX)
                return invalid(error, "Unknown health-on-failure action: use none, kill, restart or stop.");
        return 0;
}

uint64_t health_spec_interval(const HealthSpec *h) {
        return h->interval_usec ?: HEALTH_INTERVAL_DEFAULT_USEC;
}

size_t health_spec_start_triggers(const HealthSpec *h, uint64_t ret[static HEALTH_START_TRIGGERS_MAX]) {
        size_t n = 0;

        if (h->start_interval_usec == 0)
                return 0;
        for (uint64_t t = h->start_interval_usec; t < h->start_period_usec && n < HEALTH_START_TRIGGERS_MAX;
             t += h->start_interval_usec)
                ret[n++] = t;
        return n;
}

uint64_t health_spec_timeout(const HealthSpec *h) {
        return h->timeout_usec ?: HEALTH_TIMEOUT_DEFAULT_USEC;
}

unsigned health_spec_retries(const HealthSpec *h) {
        return h->retries ?: HEALTH_RETRIES_DEFAULT;
}

int health_spec_argv(const HealthSpec *h, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;

        if (!health_spec_enabled(h))
                return -ENOENT;
        if (streq(h->test[0], "CMD-SHELL"))
                argv = strv_copy((char *[]){ (char *) "/bin/sh", (char *) "-c", h->test[1], NULL });
        else
                argv = strv_copy(h->test + 1);
        if (!argv)
                return -ENOMEM;
        *ret = TAKE_PTR(argv);
        return 0;
}

int health_spec_merge_image(HealthSpec *h, const HealthSpec *image) {
        if (!h->test && image->test && !(h->test = strv_copy(image->test)))
                return -ENOMEM;
        if (h->interval_usec == 0)
                h->interval_usec = image->interval_usec;
        if (h->timeout_usec == 0)
                h->timeout_usec = image->timeout_usec;
        if (h->start_period_usec == 0)
                h->start_period_usec = image->start_period_usec;
        if (h->start_interval_usec == 0)
                h->start_interval_usec = image->start_interval_usec;
        if (h->retries == 0)
                h->retries = image->retries;
        return 0;
}

static void add_nonzero(struct json_object *o, const char *key, uint64_t v) {
        if (v != 0)
                json_object_object_add(o, key, json_object_new_uint64(v));
}

struct json_object *health_spec_to_json(const HealthSpec *h) {
        struct json_object *o;

        if (!h->test && !h->disabled && h->on_failure == HEALTH_ON_FAILURE_NONE && h->interval_usec == 0 &&
            h->timeout_usec == 0 && h->start_period_usec == 0 && h->start_interval_usec == 0 &&
            h->retries == 0)
                return NULL;
        o = json_object_new_object();
        if (h->test)
                json_object_object_add(o, "test", json_strv_new(h->test));
        add_nonzero(o, "intervalUSec", h->interval_usec);
        add_nonzero(o, "timeoutUSec", h->timeout_usec);
        add_nonzero(o, "startPeriodUSec", h->start_period_usec);
        add_nonzero(o, "startIntervalUSec", h->start_interval_usec);
        add_nonzero(o, "retries", h->retries);
        if (h->disabled)
                json_object_object_add(o, "disabled", json_object_new_boolean(true));
        if (h->on_failure != HEALTH_ON_FAILURE_NONE)
                json_object_object_add(o, "onFailure",
                                       json_object_new_string(health_on_failure_to_string(h->on_failure)));
        return o;
}

int health_spec_from_json(struct json_object *o, HealthSpec *h) {
        _cleanup_free_ char *on_failure = NULL;
        int r;

        *h = (HealthSpec){};
        if (!o)
                return 0;
        if (!json_object_is_type(o, json_type_object))
                return -EBADMSG;
        r = json_strv_get(json_object_object_get(o, "test"), &h->test);
        if (r >= 0)
                r = json_get_string(o, "onFailure", &on_failure);
        if (r < 0)
                return r;
        h->interval_usec = json_get_u64(o, "intervalUSec", 0);
        h->timeout_usec = json_get_u64(o, "timeoutUSec", 0);
        h->start_period_usec = json_get_u64(o, "startPeriodUSec", 0);
        h->start_interval_usec = json_get_u64(o, "startIntervalUSec", 0);
        h->retries = (unsigned) json_get_u64(o, "retries", 0);
        h->disabled = json_get_bool(o, "disabled");
        h->on_failure = on_failure ? health_on_failure_from_string(on_failure) : HEALTH_ON_FAILURE_NONE;
        return h->on_failure < 0 ? -EBADMSG : 0;
}

static uint64_t docker_ns_to_usec(struct json_object *o, const char *key) {
        struct json_object *v = json_object_object_get(o, key);
        int64_t ns = v ? json_object_get_int64(v) : 0;
        return ns > 0 ? (uint64_t) ns / 1000 : 0;
}

int health_spec_from_docker_json(struct json_object *o, HealthSpec *h) {
        struct json_object *retries;
        int r;

        *h = (HealthSpec){};
        if (!o || json_object_is_type(o, json_type_null))
                return 0;
        if (!json_object_is_type(o, json_type_object))
                return -EBADMSG;
        r = json_strv_get(json_object_object_get(o, "Test"), &h->test);
        if (r < 0)
                return r;
        h->interval_usec = docker_ns_to_usec(o, "Interval");
        h->timeout_usec = docker_ns_to_usec(o, "Timeout");
        h->start_period_usec = docker_ns_to_usec(o, "StartPeriod");
        h->start_interval_usec = docker_ns_to_usec(o, "StartInterval");
        retries = json_object_object_get(o, "Retries");
        h->retries =
                retries && json_object_get_int64(retries) > 0 ? (unsigned) json_object_get_int64(retries) : 0;
        if (health_spec_validate(h, NULL) < 0) {
                health_spec_done(h);
                return -EBADMSG;
        }
        return 0;
}

struct json_object *health_spec_to_docker_json(const HealthSpec *h) {
        struct json_object *o;

        if (!h->test && !h->disabled)
                return NULL;
        o = json_object_new_object();
        json_object_object_add(o, "Test",
                               json_strv_new(h->disabled ? (char *[]){ (char *) "NONE", NULL } : h->test));
        json_object_object_add(o, "Interval", json_object_new_uint64(health_spec_interval(h) * 1000));
        json_object_object_add(o, "Timeout", json_object_new_uint64(health_spec_timeout(h) * 1000));
        json_object_object_add(o, "StartPeriod", json_object_new_uint64(h->start_period_usec * 1000));
        json_object_object_add(o, "StartInterval", json_object_new_uint64(h->start_interval_usec * 1000));
        json_object_object_add(o, "Retries", json_object_new_int64(health_spec_retries(h)));
        json_object_object_add(o, "OnFailure",
                               json_object_new_string(health_on_failure_to_string(h->on_failure)));
        return o;
}

void health_state_init(HealthState *s, const HealthSpec *h) {
        health_state_done(s);
        s->status = health_spec_enabled(h) ? HEALTH_STARTING : HEALTH_NONE;
}

void health_state_done(HealthState *s) {
        for (size_t i = 0; i < s->n_log; i++)
                free(s->log[i].output);
        *s = (HealthState){};
}

static void log_append(HealthState *s, HealthLogEntry *entry) {
        if (s->n_log == HEALTH_LOG_MAX) {
                free(s->log[0].output);
                memmove(s->log, s->log + 1, sizeof(HealthLogEntry) * (HEALTH_LOG_MAX - 1));
                s->n_log--;
        }
        s->log[s->n_log++] = *entry;
        entry->output = NULL;
}

bool health_state_record(HealthState *s, const HealthSpec *h, uint64_t started_at, HealthLogEntry *entry) {
        HealthStatus old = s->status;
        bool in_start_period = entry->start < started_at + h->start_period_usec;

        log_append(s, entry);
        if (s->log[s->n_log - 1].exit_code == 0) {
                s->failing_streak = 0;
                s->status = HEALTH_HEALTHY;
        } else if (!(in_start_period && s->status == HEALTH_STARTING)) {
                s->failing_streak++;
                if (s->failing_streak >= health_spec_retries(h))
                        s->status = HEALTH_UNHEALTHY;
        }
        return s->status == HEALTH_UNHEALTHY && old != HEALTH_UNHEALTHY;
}

static struct json_object *timestamp_json(uint64_t usec) {
        char buf[40];
        return json_object_new_string(format_timestamp(usec, buf));
}

struct json_object *health_state_to_json(const HealthState *s) {
        struct json_object *o = json_object_new_object(), *log = json_object_new_array();

        json_object_object_add(o, "Status", json_object_new_string(health_status_to_string(s->status)));
        json_object_object_add(o, "FailingStreak", json_object_new_int64(s->failing_streak));
        for (size_t i = 0; i < s->n_log; i++) {
                struct json_object *e = json_object_new_object();
                json_object_object_add(e, "Start", timestamp_json(s->log[i].start));
                json_object_object_add(e, "End", timestamp_json(s->log[i].end));
                json_object_object_add(e, "ExitCode", json_object_new_int(s->log[i].exit_code));
                json_object_object_add(e, "Output", json_object_new_string(strempty(s->log[i].output)));
                /* what health_state_from_json() reads back, exact to the microsecond */
                json_object_object_add(e, "StartUSec", json_object_new_uint64(s->log[i].start));
                json_object_object_add(e, "EndUSec", json_object_new_uint64(s->log[i].end));
                json_object_array_add(log, e);
        }
        json_object_object_add(o, "Log", log);
        return o;
}

int health_state_from_json(struct json_object *o, HealthState *s) {
        _cleanup_free_ char *status = NULL;
        struct json_object *log;
        int r;

        *s = (HealthState){};
        if (!json_object_is_type(o, json_type_object))
                return -EBADMSG;
        r = json_get_string(o, "Status", &status);
        if (r < 0)
                return r;
        s->status = status ? health_status_from_string(status) : HEALTH_NONE;
        if (s->status < 0)
                return -EBADMSG;
        s->failing_streak = (unsigned) json_get_u64(o, "FailingStreak", 0);
        log = json_object_object_get(o, "Log");
        for (size_t i = 0; json_object_is_type(log, json_type_array) && i < json_object_array_length(log) &&
                           s->n_log < HEALTH_LOG_MAX;
             i++) {
                struct json_object *e = json_object_array_get_idx(log, i);
                HealthLogEntry *l = &s->log[s->n_log];
                r = json_get_string(e, "Output", &l->output);
                if (r < 0)
                        return r;
                l->start = json_get_u64(e, "StartUSec", 0);
                l->end = json_get_u64(e, "EndUSec", 0);
                l->exit_code = json_object_get_int(json_object_object_get(e, "ExitCode"));
                s->n_log++;
        }
        return 0;
}
