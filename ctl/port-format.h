/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * port-format.h — `conmanctl port`'s lines, as docker prints them, from a container's published ports
 * (inspect's NetworkSettings.Ports: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}). Pure: json-c only.
 */
#pragma once

struct json_object;

/* "80", "80/tcp", "53/udp" → "80/tcp" (tcp when no protocol is given) in ret; -EINVAL for anything else. */
int port_filter_normalize(const char *filter, char **ret);

/* The lines to print: without a filter "80/tcp -> 0.0.0.0:8080" for every binding; with one (normalized)
 * only "0.0.0.0:8080" of the bindings of that port. An empty HostIp is 0.0.0.0, an IPv6 one is written
 * in brackets. -ENOENT when a filter matches nothing; ret is a NULL-terminated list (may be empty). */
int port_format_lines(struct json_object *ports, const char *filter, char ***ret);
