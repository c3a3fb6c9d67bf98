/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * etc-files.h — the contents of a networked container's /etc/hosts, /etc/hostname and
 * /etc/resolv.conf, built from strings so they are easy to test. Lines that name a
 * peer end in "# conman:<id12>" so they can be found and removed again.
 */
#pragma once

#include "shared/macro.h"

typedef struct HostsEntry {
        const char *ip;
        const char *name;     /* the container's name */
        const char *hostname; /* may be NULL or equal to name */
        const char *id;       /* container id; its first 12 characters mark the line */
        char *const *aliases; /* --network-alias: more names on the line peers see; may be NULL */
} HostsEntry;

/* localhost lines, the container itself, then one line per peer. */
int hosts_file_build(const HostsEntry *self, const HostsEntry *peers, size_t n_peers, char **ret);
/* One peer line ("IP\tNAME [HOSTNAME]\t# conman:ID12\n"). */
int hosts_line(const HostsEntry *e, char **ret);
/* contents without the lines marked for id. */
int hosts_remove(const char *contents, const char *id, char **ret);

/* From the host's resolv.conf: nameservers on loopback (a local stub such as systemd-resolved's
 * 127.0.0.53) cannot be reached from the container and are dropped; if none remain, the public
 * resolvers 8.8.8.8 and 8.8.4.4 are used (as docker and podman do). CNI-given nameservers and
 * search domains, when present, come first. */
int resolv_conf_build(const char *host_resolv, char *const *nameservers, char *const *search, char **ret);

/* resolv.conf with the given nameservers, search domains and options words; what is not given (NULL) is
 * kept from old (may be NULL). header: the first line(s), a comment. For --dns* and CreatePod's Dns*. */
int resolv_conf_override(const char *header, char *const *servers, char *const *searches,
                         char *const *options, const char *old, char **ret);
/* contents with a line "IP\tNAME" appended for each "NAME:IP" of add_hosts (--add-host); IP
 * host-gateway becomes gateway. -EINVAL for a malformed entry. */
int hosts_add_extra(const char *contents, char *const *add_hosts, const char *gateway, char **ret);
