/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netlink.c — see netlink.h.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>

#include "shared/util.h"
#include "network/netlink.h"

struct Netlink {
        struct mnl_socket *sock;
        unsigned seq;
};

#define REQUEST_SIZE 4096
#define RECV_SIZE    32768

typedef struct Request {
        char buf[REQUEST_SIZE] __attribute__((aligned(8)));
        struct nlmsghdr *nlh;
} Request;

int netlink_open(Netlink **ret) {
        _cleanup_(netlink_closep) Netlink *nl = calloc(1, sizeof(Netlink));

        if (!nl)
                return -ENOMEM;
        nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl->sock)
                return negative_errno();
        if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
                return negative_errno();
        nl->seq = (unsigned) now_monotonic_usec();
        *ret = TAKE_PTR(nl);
        return 0;
}

int netlink_open_in(const char *netns_path, Netlink **ret) {
        _cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int target = open(netns_path, O_RDONLY | O_CLOEXEC);
        int r;

        if (self < 0 || target < 0)
                return negative_errno();
        if (setns(target, CLONE_NEWNET) < 0)
                return negative_errno();
        r = netlink_open(ret); /* the socket stays bound to the namespace it was made in */
        if (setns(self, CLONE_NEWNET) < 0)
                abort(); /* cannot happen: our own namespace; carrying on in the wrong one would be worse */
        return r;
}

Netlink *netlink_close(Netlink *nl) {
        if (nl && nl->sock)
                mnl_socket_close(nl->sock);
        free(nl);
        return NULL;
}

static void *request_start(Request *q, uint16_t type, uint16_t flags, size_t header) {
        void *h;

        q->nlh = mnl_nlmsg_put_header(q->buf);
        q->nlh->nlmsg_type = type;
        q->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
        h = mnl_nlmsg_put_extra_header(q->nlh, header);
        return h;
}

/* Sends the request and reads until the kernel's ack (or the end of a dump), calling cb for data. */
static int talk(Netlink *nl, Request *q, mnl_cb_t cb, void *userdata) {
        unsigned portid = mnl_socket_get_portid(nl->sock);
        _cleanup_free_ char *buf = malloc(RECV_SIZE);
        int r;

        if (!buf)
                return -ENOMEM;

        q->nlh->nlmsg_seq = ++nl->seq;
        if (mnl_socket_sendto(nl->sock, q->nlh, q->nlh->nlmsg_len) < 0)
                return negative_errno();
        do {
                ssize_t n = mnl_socket_recvfrom(nl->sock, buf, RECV_SIZE);
                if (n < 0)
                        return negative_errno();
                r = mnl_cb_run(buf, (size_t) n, q->nlh->nlmsg_seq, portid, cb, userdata);
        } while (r > MNL_CB_STOP);
        return r < 0 ? negative_errno() : 0;
}

typedef struct LinkInfo {
        int ifindex;
        uint8_t mac[6];
        bool have_mac;
} LinkInfo;

static int link_attr_cb(const struct nlattr *a, void *userdata) {
        LinkInfo *li = userdata;

        if (mnl_attr_get_type(a) == IFLA_ADDRESS && mnl_attr_get_payload_len(a) == 6) {
                memcpy(li->mac, mnl_attr_get_payload(a), 6);
                li->have_mac = true;
        }
        return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *userdata) {
        const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

        ((LinkInfo *) userdata)->ifindex = ifm->ifi_index;
        mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, userdata);
        return MNL_CB_OK;
}

int netlink_link_get(Netlink *nl, const char *name, int *ret_ifindex, uint8_t ret_mac[6]) {
        Request q;
        LinkInfo li = {};
        int r;

        request_start(&q, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(q.nlh, IFLA_IFNAME, name);
        r = talk(nl, &q, link_cb, &li);
        if (r < 0)
                return r;
        if (li.ifindex <= 0)
                return -ENODEV;
        *ret_ifindex = li.ifindex;
        if (ret_mac)
                memcpy(ret_mac, li.mac, 6);
        return 0;
}

int netlink_link_up(Netlink *nl, int ifindex) {
        Request q;
        struct ifinfomsg *ifm = request_start(&q, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));

        ifm->ifi_index = ifindex;
        ifm->ifi_flags = ifm->ifi_change = IFF_UP;
        return talk(nl, &q, NULL, NULL);
}

int netlink_link_set_mac(Netlink *nl, int ifindex, const uint8_t mac[6]) {
        Request q;
        struct ifinfomsg *ifm = request_start(&q, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));

        ifm->ifi_index = ifindex;
        mnl_attr_put(q.nlh, IFLA_ADDRESS, 6, mac);
        return talk(nl, &q, NULL, NULL);
}

int netlink_link_delete(Netlink *nl, const char *name) {
        Request q;
        int r;

        request_start(&q, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(q.nlh, IFLA_IFNAME, name);
        r = talk(nl, &q, NULL, NULL);
        return r == -ENODEV ? 0 : r;
}

static int bridge_create(Netlink *nl, const char *name) {
        Request q;
        struct nlattr *info;
        int r;

        request_start(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(q.nlh, IFLA_IFNAME, name);
        info = mnl_attr_nest_start(q.nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(q.nlh, IFLA_INFO_KIND, "bridge");
        mnl_attr_nest_end(q.nlh, info);
        r = talk(nl, &q, NULL, NULL);
        return r == -EEXIST ? 0 : r; /* made meanwhile by another setup */
}

int netlink_bridge_ensure(Netlink *nl, const char *name, uint32_t gateway, unsigned prefix) {
        int ifindex, r;

        r = netlink_link_get(nl, name, &ifindex, NULL);
        if (r == -ENODEV) {
                r = bridge_create(nl, name);
                if (r >= 0)
                        r = netlink_link_get(nl, name, &ifindex, NULL);
        }
        if (r >= 0)
                r = netlink_address_add(nl, ifindex, gateway, prefix);
        if (r >= 0)
                r = netlink_link_up(nl, ifindex);
        return r < 0 ? r : ifindex;
}

int netlink_veth_create(Netlink *nl, const char *host_name, int master, const char *peer_name,
                        int peer_netns_fd) {
        Request q;
        struct nlattr *info, *data, *peer;
        struct ifinfomsg *pifm;

        request_start(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(q.nlh, IFLA_IFNAME, host_name);
        mnl_attr_put_u32(q.nlh, IFLA_MASTER, (uint32_t) master);
        info = mnl_attr_nest_start(q.nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(q.nlh, IFLA_INFO_KIND, "veth");
        data = mnl_attr_nest_start(q.nlh, IFLA_INFO_DATA);
        peer = mnl_attr_nest_start(q.nlh, VETH_INFO_PEER);
        pifm = mnl_nlmsg_get_payload_tail(q.nlh); /* the peer's own ifinfomsg, then its attributes */
        memset(pifm, 0, sizeof(*pifm));
        q.nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
        mnl_attr_put_strz(q.nlh, IFLA_IFNAME, peer_name);
        mnl_attr_put_u32(q.nlh, IFLA_NET_NS_FD, (uint32_t) peer_netns_fd);
        mnl_attr_nest_end(q.nlh, peer);
        mnl_attr_nest_end(q.nlh, data);
        mnl_attr_nest_end(q.nlh, info);
        return talk(nl, &q, NULL, NULL);
}

int netlink_bridge_port_hairpin(Netlink *nl, int ifindex, bool on) {
        Request q;
        struct ifinfomsg *ifm = request_start(&q, RTM_SETLINK, 0, sizeof(struct ifinfomsg));
        struct nlattr *prot;

        ifm->ifi_family = AF_BRIDGE;
        ifm->ifi_index = ifindex;
        prot = mnl_attr_nest_start(q.nlh, IFLA_PROTINFO);
        mnl_attr_put_u8(q.nlh, IFLA_BRPORT_MODE, on);
        mnl_attr_nest_end(q.nlh, prot);
        return talk(nl, &q, NULL, NULL);
}

int netlink_address_add(Netlink *nl, int ifindex, uint32_t addr, unsigned prefix) {
        Request q;
        struct ifaddrmsg *ifa = request_start(&q, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
        uint32_t a = htonl(addr), brd = htonl(addr | ~(prefix ? UINT32_MAX << (32 - prefix) : 0));
        int r;

        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = (uint8_t) prefix;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = (uint32_t) ifindex;
        mnl_attr_put(q.nlh, IFA_LOCAL, sizeof(a), &a);
        mnl_attr_put(q.nlh, IFA_ADDRESS, sizeof(a), &a);
        mnl_attr_put(q.nlh, IFA_BROADCAST, sizeof(brd), &brd);
        r = talk(nl, &q, NULL, NULL);
        return r == -EEXIST ? 0 : r;
}

int netlink_addresses_flush(Netlink *nl, int ifindex) {
        for (;;) { /* without attributes, RTM_DELADDR takes the interface's first IPv4 address */
                Request q;
                struct ifaddrmsg *ifa = request_start(&q, RTM_DELADDR, 0, sizeof(*ifa));
                int r;

                ifa->ifa_family = AF_INET;
                ifa->ifa_index = (uint32_t) ifindex;
                r = talk(nl, &q, NULL, NULL);
                if (r == -EADDRNOTAVAIL)
                        return 0;
                if (r < 0)
                        return r;
        }
}

int netlink_default_route_add(Netlink *nl, int ifindex, uint32_t gateway) {
        Request q;
        struct rtmsg *rtm = request_start(&q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rtm));
        uint32_t gw = htonl(gateway);
        int r;

        rtm->rtm_family = AF_INET;
        rtm->rtm_table = RT_TABLE_MAIN;
        rtm->rtm_protocol = RTPROT_BOOT;
        rtm->rtm_scope = RT_SCOPE_UNIVERSE;
        rtm->rtm_type = RTN_UNICAST;
        mnl_attr_put(q.nlh, RTA_GATEWAY, sizeof(gw), &gw);
        mnl_attr_put_u32(q.nlh, RTA_OIF, (uint32_t) ifindex);
        r = talk(nl, &q, NULL, NULL);
        return r == -EEXIST ? 0 : r;
}

typedef struct VethScan {
        const char *prefix;
        char **names;
        int r;
} VethScan;

static int linkinfo_kind_cb(const struct nlattr *a, void *userdata) {
        if (mnl_attr_get_type(a) == IFLA_INFO_KIND)
                *(const char **) userdata = mnl_attr_get_str(a);
        return MNL_CB_OK;
}

typedef struct LinkNames {
        const char *name, *kind;
} LinkNames;

static int link_names_cb(const struct nlattr *a, void *userdata) {
        LinkNames *ln = userdata;

        if (mnl_attr_get_type(a) == IFLA_IFNAME)
                ln->name = mnl_attr_get_str(a);
        else if (mnl_attr_get_type(a) == IFLA_LINKINFO)
                mnl_attr_parse_nested(a, linkinfo_kind_cb, &ln->kind);
        return MNL_CB_OK;
}

static int veth_scan_cb(const struct nlmsghdr *nlh, void *userdata) {
        VethScan *s = userdata;
        LinkNames ln = {};

        mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_names_cb, &ln);
        if (ln.name && ln.kind && streq(ln.kind, "veth") && string_has_prefix(ln.name, s->prefix) &&
            s->r >= 0)
                s->r = strv_push(&s->names, ln.name);
        return MNL_CB_OK;
}

int netlink_veth_names(Netlink *nl, const char *prefix, char ***ret) {
        VethScan s = { .prefix = prefix };
        Request q;
        int r;

        request_start(&q, RTM_GETLINK, NLM_F_DUMP, sizeof(struct ifinfomsg));
        r = talk(nl, &q, veth_scan_cb, &s);
        if (r >= 0)
                r = s.r;
        if (r >= 0 && !s.names && !(s.names = calloc(1, sizeof(char *))))
                r = -ENOMEM;
        if (r < 0) {
                strv_freep(&s.names);
                return r;
        }
        *ret = s.names;
        return 0;
}
