/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unit-health.c — see unit-health.h.
 */
#include "shared/unit-health.h"

#define HEALTH_TIMER_ACCURACY_USEC 10000

static int append_common(sd_bus_message *m, const char *description) {
        return sd_bus_message_append(m, "(sv)(sv)", "Description", "s", description, "CollectMode", "s",
                                     "inactive-or-failed");
}

/* Description=, CollectMode=, bound to the container's unit and ordered after it. */
static int append_timer_common(sd_bus_message *m, const char *description, const char *container_unit) {
        int r = append_common(m, description);

        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)", "BindsTo", "as", 1, container_unit, "After", "as", 1,
                                          container_unit);
        return r;
}

/* TimersMonotonic= with an OnActiveSec per trigger: systemd disables each once it elapsed, so the timer
 * runs at each. */
static int append_on_active_triggers(sd_bus_message *m, const uint64_t *triggers, size_t n) {
        int r;

        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "TimersMonotonic");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(st)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(st)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "(st)", "OnActiveSec", triggers[i]);
        for (int i = 0; r >= 0 && i < 3; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

int unit_append_health_start_timer_properties(sd_bus_message *m, const char *description,
                                              const char *container_unit, const uint64_t *triggers,
                                              size_t n) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_timer_common(m, description, container_unit);
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)", "AccuracyUSec", "t",
                                          (uint64_t) HEALTH_TIMER_ACCURACY_USEC, "RemainAfterElapse", "b", 0);
        if (r >= 0)
                r = append_on_active_triggers(m, triggers, n);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int unit_append_health_timer_properties(sd_bus_message *m, const char *description,
                                        const char *container_unit, uint64_t interval_usec) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_timer_common(m, description, container_unit);
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "OnActiveSec", "t", interval_usec,
                                          "OnUnitInactiveSec", "t", interval_usec, "AccuracyUSec", "t",
                                          (uint64_t) HEALTH_TIMER_ACCURACY_USEC, "RemainAfterElapse", "b", 0);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_exec_start(sd_bus_message *m, char **argv) {
        int r;

        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "ExecStart");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(sasb)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sasb)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'r', "sasb");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", argv[0]);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, argv);
        if (r >= 0)
                r = sd_bus_message_append(m, "b", 1); /* ignore failure: exit 1 is "unhealthy" */
        for (int i = 0; r >= 0 && i < 4; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

int unit_append_health_service(sd_bus_message *m, const char *service, const char *description, char **argv) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "(sa(sv))");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'r', "sa(sv)");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", service);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_common(m, description);
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)", "Type", "s", "oneshot", "StartLimitIntervalUSec",
                                          "t", (uint64_t) 0, "StartLimitBurst", "u", (uint32_t) 0);
        if (r >= 0)
                r = append_exec_start(m, argv);
        for (int i = 0; r >= 0 && i < 3; i++)
                r = sd_bus_message_close_container(m);
        return r;
}
