/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-ports.h — a container's published and exposed ports: the host ports that `-p CONTAINERPORT`
 * and -P leave open are chosen when the container starts (free-port.h: the ephemeral range, not published
 * by another container, bindable now), handed to conman-netns and kept in the attachment, where inspect
 * finds them; and docker's inspect fields for them and for the other network options.
 */
#pragma once

#include <json-c/json.h>

#include "daemon/container.h"

/* The ports conman-netns publishes for this start: the spec's, and with -P every exposed port not
 * published otherwise; each without a host port gets a free one. Kept in c->published_ports too. */
int container_ports_resolve(Container *c, char ***ret, sd_bus_error *error);

/* docker's {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "32768"}]} from canonical port specs (a free host
 * port not chosen yet: "", or left out with skip_free). Exposed ports that are not published are left out
 * (docker shows them as null, which readers of this object, such as conmanctl port, need not expect). */
struct json_object *ports_json(char **ports, bool skip_free);

/* Config.ExposedPorts; HostConfig.PortBindings, PublishAllPorts, Dns, DnsSearch, DnsOptions, ExtraHosts. */
void container_ports_add_config_json(Container *c, struct json_object *config);
void container_ports_add_host_config_json(Container *c, struct json_object *host_config);
