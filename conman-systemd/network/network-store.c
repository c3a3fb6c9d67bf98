/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * network-store.c — see network-store.h.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/network-spec.h"
#include "shared/util.h"
#include "network/cni.h"
#include "network/network-store.h"

#define CONFLIST_SUFFIX   ".conflist"
#define CONFLIST_SIZE_MAX (1024 * 1024)

static const char *const network_driver_table[_NETWORK_DRIVER_MAX] = {
        [NETWORK_DRIVER_CNI] = "cni",
        [NETWORK_DRIVER_NATIVE] = "native",
};

DEFINE_STRING_TABLE_LOOKUP(network_driver, NetworkDriver);

Network *network_free(Network *n) {
        if (!n)
                return NULL;
        free(n->name);
        free(n->bridge);
        free(n->subnet);
        free(n->gateway);
        json_object_put(n->conflist);
        free(n);
        return NULL;
}

void network_free_many(Network **l, size_t n) {
        for (size_t i = 0; i < n; i++)
                network_free(l[i]);
        free(l);
}

static int ipv4_parse(const char *s, uint32_t *ret) {
        struct in_addr a;

        if (isempty(s) || strlen(s) > 15 || inet_pton(AF_INET, s, &a) != 1)
                return -EINVAL;
        *ret = ntohl(a.s_addr);
        return 0;
}

static int ipv4_format(uint32_t addr, char **ret) {
        struct in_addr a = { .s_addr = htonl(addr) };
        char buf[INET_ADDRSTRLEN];

        if (!inet_ntop(AF_INET, &a, buf, sizeof(buf)))
                return -EINVAL;
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

static uint32_t prefix_mask(unsigned prefix) {
        return prefix == 0 ? 0 : UINT32_MAX << (32 - prefix);
}

int subnet_parse(const char *s, uint32_t *ret_addr, unsigned *ret_prefix) {
        _cleanup_free_ char *addr = NULL;
        const char *slash;
        uint64_t prefix;
        uint32_t a;

        if (isempty(s) || strlen(s) > 18 || !(slash = strchr(s, '/')))
                return -EINVAL;
        addr = strndup(s, (size_t) (slash - s));
        if (!addr)
                return -ENOMEM;
        if (ipv4_parse(addr, &a) < 0 || strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
            safe_atou64(slash + 1, &prefix) < 0 || prefix < 8 || prefix > 30)
                return -EINVAL;
        if ((a & ~prefix_mask((unsigned) prefix)) != 0)
                return -EINVAL;
        *ret_addr = a;
        *ret_prefix = (unsigned) prefix;
        return 0;
}

bool subnets_overlap(uint32_t a, unsigned pa, uint32_t b, unsigned pb) {
        uint32_t m = prefix_mask(MIN(pa, pb));
        return (a & m) == (b & m);
}

static void set_message(char **ret_message, const char *msg) {
        if (ret_message)
                *ret_message = strdup(msg);
}

int network_address_plan(const char *subnet, const char *gateway, char **ret_gateway, char **ret_message) {
        uint32_t net, gw, mask;
        unsigned prefix;

        if (subnet_parse(subnet, &net, &prefix) < 0) {
                set_message(ret_message,
                            "The subnet must be an IPv4 network like 10.79.0.0/24 (prefix 8 to 30, "
                            "no host bits set).");
                return -EINVAL;
        }
        mask = prefix_mask(prefix);
        if (isempty(gateway))
                return ipv4_format(net + 1, ret_gateway);
        if (ipv4_parse(gateway, &gw) < 0 || (gw & mask) != net || gw == net || gw == (net | ~mask)) {
                set_message(ret_message, "The gateway must be an IPv4 host address inside the subnet.");
                return -EINVAL;
        }
        return ipv4_format(gw, ret_gateway);
}

static struct json_object *ipam_json(const char *subnet, const char *gateway, const char *ipam_dir) {
        struct json_object *ipam = json_object_new_object(), *ranges = json_object_new_array(),
                           *set = json_object_new_array(), *range = json_object_new_object(),
                           *routes = json_object_new_array(), *route = json_object_new_object();

        json_object_object_add(range, "subnet", json_object_new_string(subnet));
        json_object_object_add(range, "gateway", json_object_new_string(gateway));
        json_object_array_add(set, range);
        json_object_array_add(ranges, set);
        json_object_object_add(route, "dst", json_object_new_string("0.0.0.0/0"));
        json_object_array_add(routes, route);
        json_object_object_add(ipam, "type", json_object_new_string("host-local"));
        json_object_object_add(ipam, "ranges", ranges);
        json_object_object_add(ipam, "routes", routes);
        json_object_object_add(ipam, "dataDir", json_object_new_string(ipam_dir));
        return ipam;
}

static struct json_object *plugin(const char *type) {
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "type", json_object_new_string(type));
        return p;
}

int network_conflist_build(const char *name, const char *bridge, const char *subnet, const char *gateway,
                           const char *ipam_dir, NetworkDriver driver, struct json_object **ret) {
        struct json_object *l = json_object_new_object(), *plugins = json_object_new_array(),
                           *br = plugin("bridge"), *pm = plugin("portmap"), *caps = json_object_new_object();

        if (!l || !plugins || !br || !pm || !caps)
                return -ENOMEM;
        json_object_object_add(br, "bridge", json_object_new_string(bridge));
        json_object_object_add(br, "isGateway", json_object_new_boolean(true));
        json_object_object_add(br, "ipMasq", json_object_new_boolean(true));
        json_object_object_add(br, "hairpinMode", json_object_new_boolean(true));
        json_object_object_add(br, "ipam", ipam_json(subnet, gateway, ipam_dir));
        json_object_object_add(caps, "portMappings", json_object_new_boolean(true));
        json_object_object_add(pm, "capabilities", caps);
        json_object_array_add(plugins, br);
        json_object_array_add(plugins, pm);
        json_object_array_add(plugins, plugin("firewall"));
        json_object_object_add(l, "cniVersion", json_object_new_string(CNI_VERSION));
        json_object_object_add(l, "name", json_object_new_string(name));
        if (driver == NETWORK_DRIVER_NATIVE)
                json_object_object_add(l, "driver", json_object_new_string(network_driver_to_string(driver)));
        json_object_object_add(l, "plugins", plugins);
        *ret = l;
        return 0;
}

static const char *member(struct json_object *o, const char *key) {
        struct json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : NULL;
}

static int dup_member(struct json_object *o, const char *key, char **ret) {
        const char *v = o ? member(o, key) : NULL;

        if (!v)
                return 0;
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

/* The first range of the bridge plugin's host-local IPAM. */
static struct json_object *first_range(struct json_object *br) {
        struct json_object *ipam, *ranges, *set;

        if (!json_object_object_get_ex(br, "ipam", &ipam) ||
            !json_object_object_get_ex(ipam, "ranges", &ranges) ||
            !json_object_is_type(ranges, json_type_array) || json_object_array_length(ranges) == 0)
                return NULL;
        set = json_object_array_get_idx(ranges, 0);
        if (!json_object_is_type(set, json_type_array) || json_object_array_length(set) == 0)
                return NULL;
        return json_object_array_get_idx(set, 0);
}

int network_from_conflist(struct json_object *conflist, Network **ret) {
        _cleanup_(network_freep) Network *n = calloc(1, sizeof(Network));
        struct json_object *plugins, *br = NULL;
        int r;

        if (!n)
                return -ENOMEM;
        r = cni_conflist_validate(conflist, NULL);
        if (r < 0)
                return r;
        r = dup_member(conflist, "name", &n->name);
        if (r < 0)
                return r;
        plugins = json_object_object_get(conflist, "plugins");
        for (size_t i = 0; !br && i < json_object_array_length(plugins); i++) {
                struct json_object *p = json_object_array_get_idx(plugins, i);
                if (streq(member(p, "type"), "bridge"))
                        br = p;
        }
        r = dup_member(br, "bridge", &n->bridge);
        if (r >= 0)
                r = dup_member(br ? first_range(br) : NULL, "subnet", &n->subnet);
        if (r >= 0)
                r = dup_member(br ? first_range(br) : NULL, "gateway", &n->gateway);
        if (r < 0)
                return r;
        if (streq(strempty(member(conflist, "driver")), "native") && n->bridge && n->subnet && n->gateway)
                n->driver = NETWORK_DRIVER_NATIVE;
        n->conflist = json_object_get(conflist);
        *ret = TAKE_PTR(n);
        return 0;
}

static int builtin_default(const NetworkStore *s, Network **ret) {
        _cleanup_json_ struct json_object *l = NULL;
        int r;

        r = network_conflist_build(NETWORK_DEFAULT_NAME, NETWORK_DEFAULT_BRIDGE, NETWORK_DEFAULT_SUBNET,
                                   "10.77.0.1", s->ipam_dir, NETWORK_DRIVER_NATIVE, &l);
        if (r >= 0)
                r = network_from_conflist(l, ret);
        if (r >= 0)
                (*ret)->builtin = true;
        return r;
}

static int load_file(const NetworkStore *s, const char *name, Network **ret) {
        _cleanup_free_ char *path = NULL, *buf = NULL;
        _cleanup_json_ struct json_object *j = NULL;
        Network *n;
        int r;

        if (asprintf(&path, "%s/%s" CONFLIST_SUFFIX, s->dir, name) < 0)
                return -ENOMEM;
        r = read_file(path, CONFLIST_SIZE_MAX, &buf, NULL);
        if (r < 0)
                return r;
        j = json_tokener_parse(buf);
        if (!j)
                return -EBADMSG;
        r = network_from_conflist(j, &n);
        if (r < 0)
                return r == -EINVAL ? -EBADMSG : r;
        if (!streq(n->name, name)) {
                network_free(n);
                return -EBADMSG; /* the file name is the network's name */
        }
        *ret = n;
        return 0;
}

int network_store_load(const NetworkStore *s, const char *name, Network **ret) {
        int r;

        if (!network_name_is_valid(name))
                return -EINVAL;
        r = load_file(s, name, ret);
        if (r == -ENOENT && streq(name, NETWORK_DEFAULT_NAME))
                return builtin_default(s, ret);
        return r;
}

static int push_network(Network ***l, size_t *n, Network *net) {
        Network **m = realloc(*l, sizeof(Network *) * (*n + 1));

        if (!m) {
                network_free(net);
                return -ENOMEM;
        }
        *l = m;
        m[(*n)++] = net;
        return 0;
}

static int compare_networks(const void *a, const void *b) {
        const Network *x = *(Network *const *) a, *y = *(Network *const *) b;

        if (streq(x->name, NETWORK_DEFAULT_NAME) != streq(y->name, NETWORK_DEFAULT_NAME))
                return streq(x->name, NETWORK_DEFAULT_NAME) ? -1 : 1;
        return strcmp(x->name, y->name);
}

/* Adds NAME.conflist of one directory entry, if it is one. */
static int list_one(const NetworkStore *s, const char *file, Network ***l, size_t *n) {
        _cleanup_free_ char *name = NULL;
        size_t len = strlen(file), sl = strlen(CONFLIST_SUFFIX);
        Network *net;
        int r;

        if (len <= sl || !streq(file + len - sl, CONFLIST_SUFFIX))
                return 0;
        name = strndup(file, len - sl);
        if (!name)
                return -ENOMEM;
        if (!network_name_is_valid(name))
                return 0;
        r = load_file(s, name, &net);
        if (r < 0) {
                log_warning_errno(r, "Ignoring network file %s/%s: %m", s->dir, file);
                return 0;
        }
        return push_network(l, n, net);
}

int network_store_list(const NetworkStore *s, Network ***ret, size_t *ret_n) {
        _cleanup_closedir_ DIR *d = opendir(s->dir);
        Network **l = NULL;
        size_t n = 0;
        bool have_default = false;
        struct dirent *de;
        int r = 0;

        while (d && r >= 0 && (de = readdir(d)))
                r = list_one(s, de->d_name, &l, &n);
        for (size_t i = 0; r >= 0 && i < n; i++)
                have_default = have_default || streq(l[i]->name, NETWORK_DEFAULT_NAME);
        if (r >= 0 && !have_default) {
                Network *def;
                r = builtin_default(s, &def);
                if (r >= 0)
                        r = push_network(&l, &n, def);
        }
        if (r < 0) {
                network_free_many(l, n);
                return r;
        }
        qsort(l, n, sizeof(Network *), compare_networks);
        *ret = l;
        *ret_n = n;
        return 0;
}

/* A subnet and bridge no other network has. */
static int check_free(Network **l, size_t n, const char *subnet, char **ret_message) {
        uint32_t a, b;
        unsigned pa, pb;

        if (subnet_parse(subnet, &a, &pa) < 0)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (l[i]->subnet && subnet_parse(l[i]->subnet, &b, &pb) >= 0 &&
                    subnets_overlap(a, pa, b, pb)) {
                        if (ret_message)
                                (void) asprintf(ret_message,
                                                "Subnet %s overlaps %s of network %s; choose another.",
                                                subnet, l[i]->subnet, l[i]->name);
                        return -EADDRINUSE;
                }
        return 0;
}

static int pick_subnet(Network **l, size_t n, char **ret) {
        uint32_t base = 0;

        (void) ipv4_parse(NETWORK_AUTO_SUBNET_BASE, &base);
        for (uint32_t i = 0; i < 256; i++) {
                _cleanup_free_ char *addr = NULL, *s = NULL;
                if (ipv4_format(base + (i << 8), &addr) < 0 || asprintf(&s, "%s/24", addr) < 0)
                        return -ENOMEM;
                if (check_free(l, n, s, NULL) >= 0) {
                        *ret = TAKE_PTR(s);
                        return 0;
                }
        }
        return -EADDRINUSE;
}

static int pick_bridge(Network **l, size_t n, char **ret) {
        for (unsigned i = 1; i < 10000; i++) {
                _cleanup_free_ char *b = NULL;
                bool used = false;
                if (asprintf(&b, "conman%u", i) < 0)
                        return -ENOMEM;
                for (size_t j = 0; j < n && !used; j++)
                        used = l[j]->bridge && streq(l[j]->bridge, b);
                if (!used) {
                        *ret = TAKE_PTR(b);
                        return 0;
                }
        }
        return -EADDRINUSE;
}

static int write_conflist(const NetworkStore *s, const char *name, struct json_object *l) {
        _cleanup_free_ char *file = NULL;
        _cleanup_close_ int dfd = -EBADF;
        int r;

        r = mkdir_p(s->dir, 0755);
        if (r < 0)
                return r;
        dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return negative_errno();
        if (asprintf(&file, "%s" CONFLIST_SUFFIX, name) < 0)
                return -ENOMEM;
        return json_write_file_atomic_at(dfd, file, l);
}

/* Picks or checks the subnet, gateway and bridge of a new network. */
static int plan_network(Network **l, size_t n, const char *subnet, const char *gateway, char **ret_subnet,
                        char **ret_gateway, char **ret_bridge, char **ret_message) {
        int r;

        if (subnet)
                *ret_subnet = strdup(subnet);
        else if (pick_subnet(l, n, ret_subnet) < 0) {
                set_message(ret_message, "No free subnet in 10.78.0.0/16 is left; give one with --subnet.");
                return -EADDRINUSE;
        }
        if (!*ret_subnet)
                return -ENOMEM;
        r = network_address_plan(*ret_subnet, gateway, ret_gateway, ret_message);
        if (r >= 0)
                r = check_free(l, n, *ret_subnet, ret_message);
        if (r >= 0)
                r = pick_bridge(l, n, ret_bridge);
        return r;
}

int network_store_create(const NetworkStore *s, const char *name, const char *subnet, const char *gateway,
                         Network **ret, char **ret_message) {
        _cleanup_free_ char *sub = NULL, *gw = NULL, *bridge = NULL;
        _cleanup_json_ struct json_object *conflist = NULL;
        Network **l = NULL;
        size_t n = 0;
        int r;

        if (!network_name_is_valid(name))
                return -EINVAL;
        r = network_store_list(s, &l, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r >= 0; i++)
                if (streq(l[i]->name, name))
                        r = -EEXIST;
        if (r >= 0)
                r = plan_network(l, n, subnet, gateway, &sub, &gw, &bridge, ret_message);
        network_free_many(l, n);
        if (r >= 0)
                r = network_conflist_build(name, bridge, sub, gw, s->ipam_dir, NETWORK_DRIVER_NATIVE,
                                           &conflist);
        if (r >= 0)
                r = write_conflist(s, name, conflist);
        if (r >= 0 && ret)
                r = network_from_conflist(conflist, ret);
        return r;
}

int network_store_import(const NetworkStore *s, const char *name, const char *text, Network **ret,
                         char **ret_message) {
        _cleanup_json_ struct json_object *conflist = json_tokener_parse(text), *plugins = NULL;
        _cleanup_(network_freep) Network *old = NULL;
        const char *listed;
        int r;

        if (!network_name_is_valid(name))
                return -EINVAL;
        if (!conflist || !json_object_is_type(conflist, json_type_object)) {
                set_message(ret_message, "The configuration list is not a JSON object.");
                return -EINVAL;
        }
        /* a single-plugin .conf as a list of one, as CNI's libcni does */
        if (!json_object_object_get_ex(conflist, "plugins", NULL) &&
            json_object_object_get_ex(conflist, "type", NULL)) {
                struct json_object *list = json_object_new_object();
                plugins = json_object_new_array();
                if (!list || !plugins) {
                        json_object_put(list);
                        return -ENOMEM;
                }
                json_object_object_add(list, "cniVersion",
                                       json_object_get(json_object_object_get(conflist, "cniVersion")));
                json_object_object_add(list, "name",
                                       json_object_get(json_object_object_get(conflist, "name")));
                json_object_array_add(plugins, json_object_get(conflist));
                json_object_object_add(list, "plugins", TAKE_PTR(plugins));
                json_object_put(conflist);
                conflist = list;
        }
        r = cni_conflist_validate(conflist, ret_message);
        if (r < 0)
                return r;
        listed = json_object_get_string(json_object_object_get(conflist, "name"));
        if (!streq(listed, name)) {
                set_message(ret_message, "The configuration list is named differently.");
                return -EINVAL;
        }
        json_object_object_del(conflist, "driver"); /* its own plugins, never the native driver */
        r = network_store_load(s, name, &old);
        if (r >= 0) /* the same list again is no change (conman-cri offers the node's at every pod) */
                return json_object_equal(old->conflist, conflist) ? network_from_conflist(conflist, ret)
                                                                  : -EEXIST;
        if (r != -ENOENT)
                return r;
        r = write_conflist(s, name, conflist);
        if (r >= 0 && ret)
                r = network_from_conflist(conflist, ret);
        return r;
}

int network_store_remove(const NetworkStore *s, const char *name) {
        _cleanup_free_ char *path = NULL;

        if (!network_name_is_valid(name))
                return -EINVAL;
        if (asprintf(&path, "%s/%s" CONFLIST_SUFFIX, s->dir, name) < 0)
                return -ENOMEM;
        if (unlink(path) >= 0)
                return 0;
        if (errno == ENOENT && streq(name, NETWORK_DEFAULT_NAME))
                return -EPERM;
        return negative_errno();
}

struct json_object *network_to_json(const Network *n) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "Name", json_object_new_string(n->name));
        json_object_object_add(o, "Driver", json_object_new_string(n->bridge ? "bridge" : "cni"));
        json_object_object_add(o, "Bridge", json_object_new_string(strempty(n->bridge)));
        json_object_object_add(o, "Subnet", json_object_new_string(strempty(n->subnet)));
        json_object_object_add(o, "Gateway", json_object_new_string(strempty(n->gateway)));
        json_object_object_add(o, "Builtin", json_object_new_boolean(n->builtin));
        json_object_object_add(o, "Backend", json_object_new_string(network_driver_to_string(n->driver)));
        json_object_object_add(o, "ConfigList", json_object_get(n->conflist));
        return o;
}
