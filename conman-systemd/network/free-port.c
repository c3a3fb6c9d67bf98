/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * free-port.c — see free-port.h.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared/fileio.h"
#include "shared/util.h"
#include "network/free-port.h"

void ephemeral_port_range(uint16_t *ret_low, uint16_t *ret_high) {
        _cleanup_free_ char *buf = NULL;
        unsigned low, high;

        *ret_low = EPHEMERAL_PORT_LOW;
        *ret_high = EPHEMERAL_PORT_HIGH;
        if (read_file("/proc/sys/net/ipv4/ip_local_port_range", 64, &buf, NULL) < 0 ||
            sscanf(buf, "%u %u", &low, &high) != 2 || low == 0 || low > high || high > 65535)
                return;
        *ret_low = (uint16_t) low;
        *ret_high = (uint16_t) high;
}

bool port_is_bindable(PortProtocol protocol, const char *host_ip, uint16_t port) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
        int fd, r;

        if (!isempty(host_ip) && inet_pton(AF_INET, host_ip, &sa.sin_addr) != 1)
                return false;
        fd = socket(AF_INET, (protocol == PORT_PROTOCOL_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return false;
        r = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
        close(fd);
        return r >= 0;
}

int port_choose_free(PortProtocol protocol, uint16_t low, uint16_t high, PortTakenFn taken, void *userdata,
                     uint16_t *ret) {
        for (uint32_t p = low; low > 0 && p <= high; p++)
                if (!taken || !taken(protocol, (uint16_t) p, userdata)) {
                        *ret = (uint16_t) p;
                        return 0;
                }
        return -EADDRNOTAVAIL;
}
