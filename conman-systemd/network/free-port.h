/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * free-port.h — a free host port for `-p CONTAINERPORT` and -P, as docker chooses one: from the kernel's
 * ephemeral range (net.ipv4.ip_local_port_range), the first one that no container has published and that
 * can be bound on the host now. conmand chooses when a container starts (container-ports.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "shared/network-spec.h"

#define EPHEMERAL_PORT_LOW  32768 /* the kernel's default range, when /proc cannot be read */
#define EPHEMERAL_PORT_HIGH 60999

/* The range of /proc/sys/net/ipv4/ip_local_port_range (or the default). */
void ephemeral_port_range(uint16_t *ret_low, uint16_t *ret_high);
/* Whether a socket of the protocol can bind host_ip ("" = any):port right now. */
bool port_is_bindable(PortProtocol protocol, const char *host_ip, uint16_t port);

/* Whether a port is not to be chosen (published by another container, not bindable, ...). */
typedef bool (*PortTakenFn)(PortProtocol protocol, uint16_t port, void *userdata);
/* The first port of [low, high] that taken() does not refuse. -EADDRNOTAVAIL when none is left. Pure apart
 * from taken: for tests. */
int port_choose_free(PortProtocol protocol, uint16_t low, uint16_t high, PortTakenFn taken, void *userdata,
                     uint16_t *ret);
