/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nft-rules.c — see nft-rules.h.
 */
#include <nftables/libnftables.h>
#include <stdio.h>

#include "shared/util.h"
#include "network/nft-rules.h"

#define FAMILY_TABLE "inet " NFT_TABLE

static const char nft_header[] =
        "add table " FAMILY_TABLE "\n"
        "add chain " FAMILY_TABLE " prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
        "add chain " FAMILY_TABLE " output { type nat hook output priority -100; policy accept; }\n"
        "add chain " FAMILY_TABLE
        " postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
        "add chain " FAMILY_TABLE " forward { type filter hook forward priority filter; policy accept; }\n";

static void add_port_rules(FILE *f, const NftContainer *c, const PortMapping *p) {
        const char *proto = port_protocol_to_string(p->protocol);
        char match[64];

        if (p->host_ip[0] && !streq(p->host_ip, "0.0.0.0"))
                snprintf(match, sizeof(match), "ip daddr %s", p->host_ip);
        else
                snprintf(match, sizeof(match), "fib daddr type local");
        for (int i = 0; i < 2; i++)
                fprintf(f, "add rule " FAMILY_TABLE " %s %s %s dport %u dnat ip to %s:%u comment \"%s%s\"\n",
                        i == 0 ? "prerouting" : "output", match, proto, p->host_port, c->ip,
                        p->container_port, NFT_COMMENT_PREFIX, c->id);
        fprintf(f,
                "add rule " FAMILY_TABLE " postrouting ip saddr { 127.0.0.0/8, %s } ip daddr %s %s dport %u "
                "masquerade comment \"%s%s\"\n",
                c->subnet, c->ip, proto, p->container_port, NFT_COMMENT_PREFIX, c->id);
}

int nft_rules_build(const NftContainer *c, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (!c->id || !c->ip || !c->subnet || strchr(c->id, '"'))
                return -EINVAL;
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fputs(nft_header, f);
        for (size_t i = 0; i < c->n_ports; i++)
                add_port_rules(f, c, &c->ports[i]);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

int nft_network_rules_build(const char *network, const char *subnet, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (!network || !subnet || strchr(network, '"') || strlen(network) > NFT_OWNER_MAX - 8)
                return -EINVAL;
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fputs(nft_header, f);
        fprintf(f, "add rule " FAMILY_TABLE " forward ip daddr %s accept comment \"%s%s\"\n", subnet,
                NFT_NETWORK_COMMENT_PREFIX, network);
        fprintf(f, "add rule " FAMILY_TABLE " forward ip saddr %s accept comment \"%s%s\"\n", subnet,
                NFT_NETWORK_COMMENT_PREFIX, network);
        fprintf(f,
                "add rule " FAMILY_TABLE
                " postrouting ip saddr %s ip daddr != { %s, 224.0.0.0/4 } masquerade comment \"%s%s\"\n",
                subnet, subnet, NFT_NETWORK_COMMENT_PREFIX, network);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* "\tchain NAME {" starts a chain's rules. */
static bool parse_chain(const char *line, char *chain, size_t size) {
        const char *s = line + strspn(line, " \t");
        size_t n;

        if (!string_has_prefix(s, "chain "))
                return false;
        s += strlen("chain ");
        n = strcspn(s, " {");
        if (n == 0 || n >= size)
                return false;
        memcpy(chain, s, n);
        chain[n] = 0;
        return true;
}

/* A rule line: ... comment "PREFIXOWNER" # handle N; calls fn with OWNER. */
static int parse_rule(const char *line, const char *chain, const char *prefix, NftRuleFn fn, void *userdata) {
        const char *c = strstr(line, "comment \""), *h = strstr(line, "# handle ");
        char owner[NFT_OWNER_MAX + 1];
        size_t n;

        if (!c || !h || !chain[0])
                return 0;
        c += strlen("comment \"");
        if (!string_has_prefix(c, prefix))
                return 0;
        c += strlen(prefix);
        n = strcspn(c, "\"");
        if (n == 0 || n >= sizeof(owner) || c[n] != '"')
                return 0;
        memcpy(owner, c, n);
        owner[n] = 0;
        return fn(chain, strtoul(h + strlen("# handle "), NULL, 10), owner, userdata);
}

int nft_listing_parse_owners(const char *listing, const char *prefix, NftRuleFn fn, void *userdata) {
        char chain[64] = "";

        for (const char *line = listing; line && *line;) {
                const char *end = strchrnul(line, '\n');
                _cleanup_free_ char *l = strndup(line, (size_t) (end - line));
                int r;

                if (!l)
                        return -ENOMEM;
                if (!parse_chain(l, chain, sizeof(chain))) {
                        r = parse_rule(l, chain, prefix, fn, userdata);
                        if (r < 0)
                                return r;
                }
                line = *end ? end + 1 : end;
        }
        return 0;
}

typedef struct DeleteScript {
        const char *owner;
        FILE *f;
} DeleteScript;

static int delete_cb(const char *chain, unsigned long handle, const char *id, void *userdata) {
        DeleteScript *d = userdata;

        if (!d->owner || streq(d->owner, id))
                fprintf(d->f, "delete rule " FAMILY_TABLE " %s handle %lu\n", chain, handle);
        return 0;
}

int nft_delete_script(const char *listing, const char *prefix, const char *owner, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        DeleteScript d = { .owner = owner, .f = open_memstream(&buf, &size) };
        int r;

        if (!d.f)
                return -ENOMEM;
        r = nft_listing_parse_owners(listing, prefix, delete_cb, &d);
        if (fclose(d.f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(buf);
        return 0;
}

static struct nft_ctx *nft_open(void) {
        struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);

        if (!nft)
                return NULL;
        if (nft_ctx_buffer_output(nft) < 0 || nft_ctx_buffer_error(nft) < 0) {
                nft_ctx_free(nft);
                return NULL;
        }
        return nft;
}

static void nft_ctx_freep(struct nft_ctx **p) {
        if (*p)
                nft_ctx_free(*p);
}

int nft_run(const char *script, char **ret_message) {
        _cleanup_(nft_ctx_freep) struct nft_ctx *nft = nft_open();

        if (!nft)
                return -ENOMEM;
        if (nft_run_cmd_from_buffer(nft, script) == 0)
                return 0;
        if (ret_message)
                (void) asprintf(ret_message, "nftables refused the rules: %s", nft_ctx_get_error_buffer(nft));
        return -EIO;
}

int nft_container_add(const NftContainer *c, char **ret_message) {
        _cleanup_free_ char *script = NULL;
        int r = nft_rules_build(c, &script);

        return r < 0 ? r : nft_run(script, ret_message);
}

/* The table with rule handles; "" when there is no table. */
static int nft_list(struct nft_ctx *nft, char **ret) {
        unsigned flags = nft_ctx_output_get_flags(nft);
        int r;

        nft_ctx_output_set_flags(nft, flags | NFT_CTX_OUTPUT_HANDLE);
        r = nft_run_cmd_from_buffer(nft, "list table " FAMILY_TABLE);
        nft_ctx_output_set_flags(nft, flags);
        *ret = strdup(r != 0 ? "" : nft_ctx_get_output_buffer(nft)); /* r != 0: no such table */
        return *ret ? 0 : -ENOMEM;
}

/* One context (one netlink socket: closing one costs the kernel an RCU grace period) for the listing
 * and the deletes. */
int nft_owner_remove(const char *prefix, const char *owner) {
        _cleanup_(nft_ctx_freep) struct nft_ctx *nft = nft_open();
        _cleanup_free_ char *listing = NULL, *script = NULL;
        int r;

        if (!nft)
                return -ENOMEM;
        r = nft_list(nft, &listing);
        if (r >= 0)
                r = nft_delete_script(listing, prefix, owner, &script);
        if (r < 0 || isempty(script))
                return r;
        return nft_run_cmd_from_buffer(nft, script) == 0 ? 0 : -EIO;
}

static int owner_cb(const char *chain, unsigned long handle, const char *id, void *userdata) {
        (void) chain, (void) handle;
        return strv_contains(*(char ***) userdata, id) ? 0 : strv_push((char ***) userdata, id);
}

int nft_rule_owners(const char *prefix, char ***ret) {
        _cleanup_(nft_ctx_freep) struct nft_ctx *nft = nft_open();
        _cleanup_free_ char *listing = NULL;
        _cleanup_strv_free_ char **l = NULL;
        int r;

        if (!nft)
                return -ENOMEM;
        r = nft_list(nft, &listing);
        if (r >= 0)
                r = nft_listing_parse_owners(listing, prefix, owner_cb, &l);
        if (r < 0)
                return r;
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}
