/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-util.h — small helpers shared by the bus faces.
 */
#pragma once

#include <systemd/sd-bus.h>

/* The second lock after the bus policy: mutating calls are for root only. Sets AccessDenied. */
int bus_verify_root(sd_bus_message *m, sd_bus_error *error);

/* Finishes a handler whose operation returned r: <0 error, 0 done (empty reply now), >0 answered later. */
int bus_reply_when_done(sd_bus_message *m, int r);
