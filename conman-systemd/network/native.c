/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native.c — see native.h.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/network-options.h"
#include "shared/util.h"
#include "network/cni.h"
#include "network/ipam.h"
#include "network/native.h"
#include "network/netlink.h"
#include "network/nft-rules.h"

#define IFNAME "eth0"

int native_veth_name(const char *container_id, char **ret) {
        return asprintf(ret, NATIVE_VETH_PREFIX "%.12s", container_id) < 0 ? -ENOMEM : 0;
}

#define set_message(ret, ...) (void) error_setf((ret), 0, __VA_ARGS__)

static int parse_ipv4(const char *s, uint32_t *ret) {
        struct in_addr in;

        if (!s || inet_pton(AF_INET, s, &in) != 1)
                return -EINVAL;
        *ret = ntohl(in.s_addr);
        return 0;
}

/* Best effort, like the bridge and portmap plugins: forwarding on, and localnet routing on the bridge
 * so that connections to a published port on 127.0.0.1 can leave through it. */
static void write_sysctl(const char *path) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0 || write_all(fd, "1", 1) < 0)
                log_debug("Cannot write 1 to %s: %m", path);
}

static void enable_forwarding(const char *bridge, bool localnet) {
        _cleanup_free_ char *p = NULL;

        write_sysctl("/proc/sys/net/ipv4/ip_forward");
        if (localnet && asprintf(&p, "/proc/sys/net/ipv4/conf/%s/route_localnet", bridge) >= 0)
                write_sysctl(p);
}

typedef struct Plan {
        uint32_t gateway, addr;
        unsigned prefix;
        char *ip; /* dotted */
} Plan;

static int host_side(const Network *net, const NativeAttach *a, const Plan *p, char **ret_message) {
        _cleanup_(netlink_closep) Netlink *nl = NULL;
        _cleanup_free_ char *veth = NULL;
        _cleanup_close_ int nsfd = open(a->netns_path, O_RDONLY | O_CLOEXEC);
        int bridge, ifindex, r;

        if (nsfd < 0)
                return negative_errno();
        r = native_veth_name(a->container_id, &veth);
        if (r >= 0)
                r = netlink_open(&nl);
        if (r < 0)
                return r;
        bridge = netlink_bridge_ensure(nl, net->bridge, p->gateway, p->prefix);
        if (bridge < 0) {
                set_message(ret_message, "Cannot set up bridge %s: %s", net->bridge, strerror(-bridge));
                return bridge;
        }
        enable_forwarding(net->bridge, a->ports && a->ports[0]);
        r = netlink_veth_create(nl, veth, bridge, IFNAME, nsfd);
        if (r >= 0)
                r = netlink_link_get(nl, veth, &ifindex, NULL);
        if (r >= 0)
                r = netlink_bridge_port_hairpin(nl, ifindex, true);
        if (r >= 0)
                r = netlink_link_up(nl, ifindex);
        if (r < 0)
                set_message(ret_message, "Cannot set up veth %s: %s", veth, strerror(-r));
        return r;
}

static int container_side(const NativeAttach *a, const Plan *p, uint8_t mac[6], char **ret_message) {
        _cleanup_(netlink_closep) Netlink *nl = NULL;
        int lo, eth, r;

        r = netlink_open_in(a->netns_path, &nl);
        if (r >= 0)
                r = netlink_link_get(nl, "lo", &lo, NULL);
        if (r >= 0)
                r = netlink_link_up(nl, lo);
        if (r >= 0)
                r = netlink_link_get(nl, IFNAME, &eth, mac);
        if (r >= 0 && a->mac_address && mac_address_parse(a->mac_address, mac) >= 0)
                r = netlink_link_set_mac(nl, eth, mac);
        if (r >= 0)
                r = netlink_address_add(nl, eth, p->addr, p->prefix);
        if (r >= 0)
                r = netlink_link_up(nl, eth);
        if (r >= 0)
                r = netlink_default_route_add(nl, eth, p->gateway);
        if (r < 0)
                set_message(ret_message, "Cannot configure eth0 in the container's namespace: %s",
                            strerror(-r));
        return r;
}

/* The network's own rules (forward, masquerade of its subnet), added once per network and boot by its first
 * container: a mark beside its leases on /run says they are in (conmand's start checks the mark against
 * the table), and the leases' lock makes two first containers add them once. */
static int ensure_network_rules(const Network *net, const char *ipam_dir, char **ret_message) {
        _cleanup_close_ int dfd = -EBADF, lock = ipam_network_lock(ipam_dir, net->name, true, &dfd);
        _cleanup_free_ char *script = NULL;
        _cleanup_close_ int mark = -EBADF;
        int r;

        if (lock < 0)
                return lock;
        if (faccessat(dfd, NATIVE_RULES_MARK, F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                return 0;
        r = nft_network_rules_build(net->name, net->subnet, &script);
        if (r >= 0)
                r = nft_run(script, ret_message);
        if (r < 0)
                return r;
        mark = openat(dfd, NATIVE_RULES_MARK, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        return mark < 0 ? negative_errno() : 0;
}

static int add_rules(const Network *net, const NativeAttach *a, const Plan *p, char **ret_message) {
        _cleanup_free_ PortMapping *ports = calloc(strv_length(a->ports) + 1, sizeof(PortMapping));
        size_t n = 0;
        int r;

        if (!ports)
                return -ENOMEM;
        r = ensure_network_rules(net, a->ipam_dir, ret_message);
        if (r < 0 || !a->ports || !a->ports[0])
                return r;
        for (char **s = a->ports; *s; s++)
                if (port_mapping_parse(*s, &ports[n++]) < 0)
                        return -EINVAL;
        NftContainer c = {
                .id = a->container_id, .ip = p->ip, .subnet = net->subnet, .ports = ports, .n_ports = n
        };
        return nft_container_add(&c, ret_message);
}

/* The bridge plugin's result shape: interfaces [bridge, host veth, eth0], ips, routes, dns. */
static struct json_object *result_json(const Network *net, const NativeAttach *a, const Plan *p,
                                       const uint8_t mac[6]) {
        struct json_object *o = json_object_new_object(), *ifs = json_object_new_array(),
                           *ips = json_object_new_array(), *ip = json_object_new_object(),
                           *routes = json_object_new_array(), *route = json_object_new_object(),
                           *eth = json_object_new_object(), *br = json_object_new_object();
        _cleanup_free_ char *cidr = NULL;
        char macs[18];

        snprintf(macs, sizeof(macs), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                 mac[5]);
        json_object_object_add(br, "name", json_object_new_string(net->bridge));
        json_object_object_add(eth, "name", json_object_new_string(IFNAME));
        json_object_object_add(eth, "mac", json_object_new_string(macs));
        json_object_object_add(eth, "sandbox", json_object_new_string(a->netns_path));
        json_object_array_add(ifs, br);
        json_object_array_add(ifs, eth);
        (void) asprintf(&cidr, "%s/%u", p->ip, p->prefix);
        json_object_object_add(ip, "address", json_object_new_string(strempty(cidr)));
        json_object_object_add(ip, "gateway", json_object_new_string(net->gateway));
        json_object_object_add(ip, "interface", json_object_new_int(1));
        json_object_array_add(ips, ip);
        json_object_object_add(route, "dst", json_object_new_string("0.0.0.0/0"));
        json_object_object_add(route, "gw", json_object_new_string(net->gateway));
        json_object_array_add(routes, route);
        json_object_object_add(o, "cniVersion", json_object_new_string(CNI_VERSION));
        json_object_object_add(o, "interfaces", ifs);
        json_object_object_add(o, "ips", ips);
        json_object_object_add(o, "routes", routes);
        json_object_object_add(o, "dns", json_object_new_object());
        return o;
}

int native_attach(const Network *net, const NativeAttach *a, struct json_object **ret_result,
                  char **ret_message) {
        Plan p = {};
        uint8_t mac[6] = {};
        int r;

        if (!net->bridge || !net->subnet || !net->gateway ||
            subnet_parse(net->subnet, &p.addr, &p.prefix) < 0 || parse_ipv4(net->gateway, &p.gateway) < 0) {
                set_message(ret_message, "Network '%s' lacks a bridge, subnet or gateway.", net->name);
                return -EINVAL;
        }
        r = ipam_reserve_address(a->ipam_dir, net->name, net->subnet, net->gateway, a->container_id, a->ip,
                                 &p.ip);
        if (r < 0 && a->ip) {
                set_message(ret_message, "Cannot give the container the address %s on network '%s' (%s): %s",
                            a->ip, net->name, net->subnet,
                            r == -EADDRINUSE ? "another container or the gateway has it"
                            : r == -EDOM     ? "it is not a host address of the subnet"
                                             : strerror(-r));
                return r;
        }
        if (r < 0) {
                set_message(ret_message, "No address left in %s on network '%s': %s", net->subnet, net->name,
                            strerror(-r));
                return r;
        }
        r = parse_ipv4(p.ip, &p.addr);
        if (r >= 0)
                r = host_side(net, a, &p, ret_message);
        if (r >= 0)
                r = container_side(a, &p, mac, ret_message);
        if (r >= 0)
                r = add_rules(net, a, &p, ret_message);
        if (r >= 0)
                *ret_result = result_json(net, a, &p, mac);
        free(p.ip);
        return r;
}

/* The namespace takes the veth pair with it when it goes (the kernel's clean-up deletes both ends, off
 * teardown's path): deleting the host end here would cost an RCU grace period, ~25 ms. Its address goes
 * now, so even a namespace someone still holds open cannot answer for an address the lease gives back. */
static int unaddress_in(const char *netns_path) {
        _cleanup_(netlink_closep) Netlink *nl = NULL;
        int eth, r;

        r = netlink_open_in(netns_path, &nl);
        if (r >= 0)
                r = netlink_link_get(nl, IFNAME, &eth, NULL);
        return r < 0 ? r : netlink_addresses_flush(nl, eth);
}

static int delete_host_end(const char *container_id) {
        _cleanup_(netlink_closep) Netlink *nl = NULL;
        _cleanup_free_ char *veth = NULL;
        int r;

        r = native_veth_name(container_id, &veth);
        if (r >= 0)
                r = netlink_open(&nl);
        return r < 0 ? r : netlink_link_delete(nl, veth);
}

int native_detach(const NativeDetach *d) {
        int r, ret = d->rules ? nft_owner_remove(NFT_COMMENT_PREFIX, d->container_id) : 0;

        if (!d->netns_path || unaddress_in(d->netns_path) < 0) { /* no namespace (left) to take it along */
                r = delete_host_end(d->container_id);
                if (r < 0 && ret >= 0)
                        ret = r;
        }
        r = ipam_release(d->ipam_dir, d->network, d->container_id);
        return r < 0 && ret >= 0 ? r : ret;
}

int native_network_remove(const char *ipam_dir, const char *network) {
        _cleanup_close_ int dfd = -EBADF, lock = ipam_network_lock(ipam_dir, network, false, &dfd);
        int r;

        if (lock == -ENOENT) /* no container was ever on it this boot */
                return 0;
        if (lock < 0)
                return lock;
        r = nft_owner_remove(NFT_NETWORK_COMMENT_PREFIX, network);
        if (unlinkat(dfd, NATIVE_RULES_MARK, 0) < 0 && errno != ENOENT && r >= 0)
                r = negative_errno();
        return r;
}

int native_check(const char *container_id, const char *netns_path, char **ret_message) {
        _cleanup_(netlink_closep) Netlink *host = NULL, *inside = NULL;
        _cleanup_free_ char *veth = NULL;
        int ifindex, r;

        r = native_veth_name(container_id, &veth);
        if (r >= 0)
                r = netlink_open(&host);
        if (r >= 0 && netlink_link_get(host, veth, &ifindex, NULL) < 0) {
                set_message(ret_message, "The host end %s of the veth pair is missing.", veth);
                return -ENODEV;
        }
        if (r >= 0)
                r = netlink_open_in(netns_path, &inside);
        if (r >= 0 && netlink_link_get(inside, IFNAME, &ifindex, NULL) < 0) {
                set_message(ret_message, "The container's namespace has no " IFNAME ".");
                return -ENODEV;
        }
        return r;
}

static int cleanup_rules(NativeOwnerActiveFn active, void *userdata) {
        _cleanup_strv_free_ char **ids = NULL;
        int r, ret = 0;

        r = nft_rule_owners(NFT_COMMENT_PREFIX, &ids);
        if (r < 0)
                return r;
        for (char **id = ids; *id; id++) {
                if (active(*id, strlen(*id), userdata))
                        continue;
                log_info("Removing orphaned nftables rules of container %.12s.", *id);
                r = nft_owner_remove(NFT_COMMENT_PREFIX, *id);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

static bool veth_is_ours(const char *name) {
        const char *id = name + strlen(NATIVE_VETH_PREFIX);
        return strlen(id) == 12 && strspn(id, "0123456789abcdef") == 12;
}

static int cleanup_veths(NativeOwnerActiveFn active, void *userdata) {
        _cleanup_(netlink_closep) Netlink *nl = NULL;
        _cleanup_strv_free_ char **names = NULL;
        int r, ret = 0;

        r = netlink_open(&nl);
        if (r >= 0)
                r = netlink_veth_names(nl, NATIVE_VETH_PREFIX, &names);
        if (r < 0)
                return r;
        for (char **n = names; *n; n++) {
                if (!veth_is_ours(*n) || active(*n + strlen(NATIVE_VETH_PREFIX), 12, userdata))
                        continue;
                log_info("Removing orphaned veth %s.", *n);
                r = netlink_link_delete(nl, *n);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

/* A mark whose rules are not in the table (someone flushed the ruleset) goes: the next container adds them.
 */
static int cleanup_marks(const char *ipam_dir) {
        _cleanup_strv_free_ char **owners = NULL;
        _cleanup_closedir_ DIR *d = opendir(ipam_dir);
        struct dirent *de;
        int r;

        if (!d)
                return errno == ENOENT ? 0 : negative_errno();
        r = nft_rule_owners(NFT_NETWORK_COMMENT_PREFIX, &owners);
        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                _cleanup_close_ int dfd = -EBADF;

                if (de->d_name[0] == '.' || strv_contains(owners, de->d_name))
                        continue;
                dfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (dfd >= 0 && unlinkat(dfd, NATIVE_RULES_MARK, 0) >= 0)
                        log_info(
                                "The rules of network %s are gone from the nftables table: they come back with "
                                "its next container.",
                                de->d_name);
        }
        return 0;
}

static int cleanup_leases(const char *ipam_dir, NativeOwnerActiveFn active, void *userdata) {
        _cleanup_strv_free_ char **ids = NULL;
        int r, ret = 0;

        r = ipam_lease_owners(ipam_dir, &ids);
        if (r < 0)
                return r;
        for (char **id = ids; *id; id++) {
                if (active(*id, strlen(*id), userdata))
                        continue;
                log_info("Releasing orphaned address leases of container %.12s.", *id);
                r = ipam_release(ipam_dir, NULL, *id);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

int native_cleanup_orphans(const char *ipam_dir, NativeOwnerActiveFn active, void *userdata) {
        int r, ret;

        ret = cleanup_rules(active, userdata);
        r = cleanup_veths(active, userdata);
        if (r < 0 && ret == 0)
                ret = r;
        r = cleanup_leases(ipam_dir, active, userdata);
        if (r < 0 && ret == 0)
                ret = r;
        r = cleanup_marks(ipam_dir);
        return r < 0 && ret == 0 ? r : ret;
}
