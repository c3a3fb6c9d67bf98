/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-hosts.h — a pod's /etc files: those of a pod without a bridge (<run>/pods/<id>/etc/), and the
 * member lines every pod's hosts file gains when a member joins (pod-namespaces.h). Members bind-mount
 * these files, so a file that exists is only ever rewritten in place, never replaced.
 */
#pragma once

#include "shared/pod-spec.h"

#define POD_MEMBER_MARK "# conman-pod-member"

/* <run>/pods/<id>/etc/{hosts,hostname,resolv.conf}: each one written when it does not exist yet. */
int pod_hosts_write_etc(const char *run_dir, const PodSpec *s);
/* The pod's resolv.conf from CreatePod's DnsServers, DnsSearches and DnsOptions (kubelet's DnsConfig): what
 * is not given is kept from the file the network wrote (old, may be NULL). */
int pod_resolv_conf_build(const PodSpec *s, const char *old, char **ret);
/* <etc_dir>/resolv.conf rewritten (in place when it exists) for a pod with DNS settings; 0 without any. */
int pod_hosts_write_resolv(const char *etc_dir, const PodSpec *s);
/* True when contents have a line "ip ... name ..." (comments ignored). */
bool pod_hosts_has(const char *contents, const char *ip, const char *name);
/* Appends "ip\tname\t# conman-pod-member" to the hosts file at path unless it is there, in place, under
 * an exclusive flock of lock_path. -ENOENT when the hosts file does not exist. */
int pod_hosts_add_member(const char *path, const char *lock_path, const char *ip, const char *name);
