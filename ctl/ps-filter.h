/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ps-filter.h — `conmanctl ps --filter KEY=VALUE` as docker's: values of one key are alternatives (any
 * matches), different keys must all match. Keys: id (prefix), name (a regular expression, as docker's
 * partial match), status, exited (exit code), label (KEY or KEY=VALUE), ancestor (image reference, with or
 * without docker.io/library/ and :latest), network, pod (id prefix or name), publish
 * (PORT[/PROTO] published), before/since (a container created after/before the one named).
 * Also docker's PORTS column text.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"

typedef enum PsFilterKey {
        PS_FILTER_ID,
        PS_FILTER_NAME,
        PS_FILTER_STATUS,
        PS_FILTER_EXITED,
        PS_FILTER_LABEL,
        PS_FILTER_ANCESTOR,
        PS_FILTER_NETWORK,
        PS_FILTER_POD,
        PS_FILTER_PUBLISH,
        PS_FILTER_BEFORE,
        PS_FILTER_SINCE,
        _PS_FILTER_MAX,
} PsFilterKey;

typedef struct PsFilters {
        char **values[_PS_FILTER_MAX];
} PsFilters;

/* One container as ps sees it; labels/ports may be NULL when the details were not fetched. */
typedef struct PsItem {
        const char *id, *name, *image, *state;
        int exit_code;
        uint64_t created;
        char **labels; /* "key=value" */
        char **ports;  /* canonical "[IP:]HOSTPORT:PORT/PROTO" */
        const char *network, *pod_id, *pod_name;
} PsItem;

void ps_filters_done(PsFilters *f);
/* Adds "KEY=VALUE"; -EINVAL with *ret_message (static text) for an unknown key, no '=' or a bad value. */
int ps_filters_add(PsFilters *f, const char *spec, const char **ret_message);
bool ps_filters_any(const PsFilters *f, PsFilterKey k);
/* Whether matching needs labels, ports, network or pod (ListContainerDetails). */
bool ps_filters_need_details(const PsFilters *f);
/* Whether a filter (status=exited...) asks for containers that are not running, as docker's -a. */
bool ps_filters_imply_all(const PsFilters *f);
/* before/since name containers: resolve them to creation times against the whole list first. */
bool ps_filters_match(const PsFilters *f, const PsItem *e, const PsItem *all, size_t n_all);

/* docker's PORTS column: "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp"; "" without ports. */
char *ps_format_ports(char *const *ports);
