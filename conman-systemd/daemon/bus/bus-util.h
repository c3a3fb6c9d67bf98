/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-util.h — small helpers shared by the bus faces.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

/* The second lock after the bus policy: mutating calls (containers, images, networks) are for root
 * only. The one root check of the daemon: every bus face calls this one. Sets AccessDenied. */
int bus_verify_root(sd_bus_message *m, sd_bus_error *error);

/* Whether the sender of m is root (effective uid 0). Fails closed: a caller whose credentials cannot be
 * read is not root. What non-root callers get to read is redacted with it (docs/security.md, Secrets). */
bool bus_caller_is_root(sd_bus_message *m);

/* The placeholder for a redacted value is BUS_REDACTED (daemon/container.h). */

/* Finishes a handler whose operation returned r: <0 error, 0 done (empty reply now), >0 answered later. */
int bus_reply_when_done(sd_bus_message *m, int r);

/* Reads the t timeout_usec of a Stop/Restart, checks the caller is root, then the value: UINT64_MAX = the
 * container's own, at most 24 hours otherwise (InvalidArgument). */
int bus_read_stop_timeout(sd_bus_message *m, uint64_t *ret, sd_bus_error *error);
/* Reads the s signal of a Kill, checks the caller is root, then parses it: "" = SIGKILL, a name (TERM,
 * SIGTERM) or a number (InvalidArgument for anything else). */
int bus_read_kill_signal(sd_bus_message *m, int *ret, sd_bus_error *error);
/* Appends "key=value" labels as the a{ss} of a Labels property. */
int bus_append_labels(sd_bus_message *reply, char *const *labels);
