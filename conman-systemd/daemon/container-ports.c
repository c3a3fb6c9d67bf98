/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-ports.c — see container-ports.h.
 */
#include "daemon/container-ports.h"
#include "shared/bus-errors.h"
#include "shared/json-util.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "network/free-port.h"
#include "daemon/container-network.h"

/* Host ports already published: by the other containers conmand started, and in every attachment. */
typedef struct Claimed {
        char **ports; /* canonical specs */
} Claimed;

static void claimed_add_attachments(Manager *m, const char *self_id, Claimed *cl) {
        _cleanup_(network_context_done) NetworkContext ctx = {};
        _cleanup_strv_free_ char **ids = NULL;

        if (container_network_context(m, &ctx) < 0 || network_attached_ids(&ctx, &ids) < 0)
                return;
        for (char **id = ids; *id; id++) {
                _cleanup_json_ struct json_object *att = NULL;
                _cleanup_strv_free_ char **l = NULL;
                if (streq(*id, self_id) || network_attachment_json(&ctx, *id, &att) < 0 ||
                    json_strv_get(json_object_object_get(att, "Ports"), &l) < 0)
                        continue;
                for (char **p = l; p && *p; p++)
                        (void) strv_push(&cl->ports, *p);
        }
}

static void claimed_collect(Container *self, Claimed *cl) {
        for (Container *c = self->manager->containers; c; c = c->next)
                if (c != self && (container_state_is_active(c->state) || c->start_pending))
                        for (char **p = c->published_ports; p && *p; p++)
                                (void) strv_push(&cl->ports, *p);
        claimed_add_attachments(self->manager, self->id, cl);
}

static bool port_taken(PortProtocol protocol, uint16_t port, void *userdata) {
        Claimed *cl = userdata;

        for (char **p = cl->ports; p && *p; p++) {
                PortMapping pm;
                if (port_mapping_parse(*p, &pm) >= 0 && pm.host_port == port && pm.protocol == protocol)
                        return true;
        }
        return !port_is_bindable(protocol, "", port);
}

/* With -P: "PORT/PROTO" of every exposed port that no -p publishes, appended as a free port. */
static int add_publish_all(const ContainerSpec *s, char ***l) {
        for (char **e = s->net.expose; e && *e; e++) {
                PortMapping want, pm;
                bool published = false;
                if (port_mapping_parse(*e, &want) < 0)
                        continue;
                for (char **p = s->ports; p && *p && !published; p++)
                        published = port_mapping_parse(*p, &pm) >= 0 &&
                                    pm.container_port == want.container_port && pm.protocol == want.protocol;
                if (!published && strv_push(l, *e) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Gives every mapping without a host port a free one, and records it as claimed. */
static int choose_ports(char **l, Claimed *cl, sd_bus_error *error) {
        uint16_t low, high;

        ephemeral_port_range(&low, &high);
        for (char **p = l; p && *p; p++) {
                PortMapping pm;
                char *s;
                if (port_mapping_parse(*p, &pm) < 0 || pm.host_port != 0)
                        continue;
                if (port_choose_free(pm.protocol, low, high, port_taken, cl, &pm.host_port) < 0)
                        return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                                 "No free host port left in %u-%u for port %s.", low, high,
                                                 *p);
                if (port_mapping_format(&pm, &s) < 0)
                        return -ENOMEM;
                free(*p);
                *p = s;
                if (strv_push(&cl->ports, s) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int container_ports_resolve(Container *c, char ***ret, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = strv_copy(c->spec.ports);
        _cleanup_strv_free_ char **copy = NULL;
        Claimed cl = {};
        int r;

        if (c->spec.ports && !l)
                return -ENOMEM;
        r = c->spec.net.publish_all ? add_publish_all(&c->spec, &l) : 0;
        if (r >= 0) {
                claimed_collect(c, &cl);
                r = choose_ports(l, &cl, error);
        }
        strv_freep(&cl.ports);
        if (r < 0)
                return r;
        copy = strv_copy(l);
        if (l && !copy)
                return -ENOMEM;
        strv_freep(&c->published_ports);
        c->published_ports = TAKE_PTR(copy);
        *ret = TAKE_PTR(l);
        return 0;
}

static void add_binding(struct json_object *o, const PortMapping *pm) {
        struct json_object *a, *b = json_object_new_object();
        char key[16], port[8] = "";

        snprintf(key, sizeof(key), "%u/%s", pm->container_port, port_protocol_to_string(pm->protocol));
        if (pm->host_port)
                snprintf(port, sizeof(port), "%u", pm->host_port);
        if (!json_object_object_get_ex(o, key, &a) || !a) {
                a = json_object_new_array();
                json_object_object_add(o, key, a);
        }
        json_object_object_add(b, "HostIp", json_object_new_string(pm->host_ip[0] ? pm->host_ip : "0.0.0.0"));
        json_object_object_add(b, "HostPort", json_object_new_string(port));
        json_object_array_add(a, b);
}

struct json_object *ports_json(char **ports, bool skip_free) {
        struct json_object *o = json_object_new_object();

        for (char **p = ports; p && *p; p++) {
                PortMapping pm;
                if (port_mapping_parse(*p, &pm) >= 0 && !(skip_free && pm.host_port == 0))
                        add_binding(o, &pm);
        }
        return o;
}

void container_ports_add_config_json(Container *c, struct json_object *config) {
        struct json_object *o = json_object_new_object();

        for (char **e = c->spec.net.expose; e && *e; e++)
                json_object_object_add(o, *e, json_object_new_object());
        for (char **p = c->spec.ports; p && *p; p++) {
                PortMapping pm;
                char key[16];
                if (port_mapping_parse(*p, &pm) < 0)
                        continue;
                snprintf(key, sizeof(key), "%u/%s", pm.container_port, port_protocol_to_string(pm.protocol));
                json_object_object_add(o, key, json_object_new_object());
        }
        json_object_object_add(config, "ExposedPorts", o);
        if (c->spec.net.mac_address)
                json_object_object_add(config, "MacAddress", json_object_new_string(c->spec.net.mac_address));
}

void container_ports_add_host_config_json(Container *c, struct json_object *hc) {
        const NetworkOptions *n = &c->spec.net;

        json_object_object_add(hc, "PortBindings", ports_json(c->spec.ports, false));
        json_object_object_add(hc, "PublishAllPorts", json_object_new_boolean(n->publish_all));
        json_object_object_add(hc, "Dns", json_strv_new(n->dns_servers));
        json_object_object_add(hc, "DnsSearch", json_strv_new(n->dns_searches));
        json_object_object_add(hc, "DnsOptions", json_strv_new(n->dns_options));
        json_object_object_add(hc, "ExtraHosts", json_strv_new(n->add_hosts));
}
