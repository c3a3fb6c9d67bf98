/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ps-health.h — the health status `ps` shows after "Up ..." as docker ("Up 5 seconds (healthy)"), from
 * ListContainerHealth (docs/health.md).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

/* The statuses as pairs [id, status, id, status, ..., NULL]; an empty list from a conmand without the
 * method. Logs on failure. */
int ps_health_read(sd_bus *bus, bool all, char ***ret_pairs);
/* The status of container id in pairs, or NULL. */
const char *ps_health_find(char *const *pairs, const char *id);
/* Appends docker's words for a running container's status to buf: " (healthy)", " (unhealthy)",
 * " (health: starting)". */
void ps_health_append_status(const char *status, char *buf, size_t size);
