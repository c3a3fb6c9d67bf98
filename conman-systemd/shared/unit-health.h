/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unit-health.h — the unit properties of a container's health check schedule (daemon/container-health.h):
 * a transient timer bound to the container's unit, and its service as an auxiliary unit of the same
 * StartTransientUnit call, as `systemd-run --on-unit-inactive=` makes them.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>

/* The timer's properties, appended to a StartTransientUnit call (after name and mode): BindsTo=/After= the
 * container's unit, the first run interval after it starts (OnActiveSec=), then interval after each run
 * ended (OnUnitInactiveSec=), with 10 ms accuracy. */
int unit_append_health_timer_properties(sd_bus_message *m, const char *description,
                                        const char *container_unit, uint64_t interval_usec);
/* The start period's timer (--health-start-interval): bound to the container's unit as the other, it starts
 * its service (an auxiliary unit as the other's; systemd 252 cannot point a transient timer at another unit)
 * once at each of the n triggers (OnActiveSec=, health_spec_start_triggers()) and then, elapsed, goes away by
 * itself. */
int unit_append_health_start_timer_properties(sd_bus_message *m, const char *description,
                                              const char *container_unit, const uint64_t *triggers, size_t n);
/* Appends the auxiliary units array with the service: Type=oneshot, ExecStart=-argv (its exit code, 1 for
 * unhealthy, is no failure of the unit), no start rate limit, collected when inactive or failed. */
int unit_append_health_service(sd_bus_message *m, const char *service, const char *description, char **argv);
