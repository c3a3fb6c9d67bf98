/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * node-network.h — the node's CNI network for pods, as kubelet's other runtimes find it: the first file
 * (by name) ending in .conflist, .conf or .json in the CNI configuration directory conman-cri was given
 * (--cni-conf-dir, or $CONMAN_CRI_CNI_CONF_DIR; none: pods join conman's own conman0). conmand is handed
 * the list (CreateNetwork with ConfList, no change when it has it already) and pods name it as their
 * network, so their namespaces go through the node's plugins.
 */
#pragma once

#include <systemd/sd-bus.h>

/* The directory, or NULL (set once at start, read by every worker). */
extern const char *cri_cni_conf_dir;

/* The network pods join: *ret_name is the node's list's name, or NULL for conmand's default (no directory
 * given, or no file in it). */
int cri_node_network(sd_bus *bus, char **ret_name, sd_bus_error *error);
