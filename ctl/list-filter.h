/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list-filter.h — `--filter KEY=VALUE` of `volume ls` and `network ls`, as docker's: values of one key
 * are alternatives (any matches), different keys must all match. volume ls: dangling=true|false (no
 * container uses it), driver=, label=KEY[=VALUE], name= (a regular expression, docker's partial match).
 * network ls: name=, driver=, label=KEY[=VALUE], id= (a prefix).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"

#define LIST_FILTER_MAX_KEYS 8

typedef struct ListFilters {
        const char *const *keys; /* the keys this verb knows, NULL-terminated */
        char **values[LIST_FILTER_MAX_KEYS];
} ListFilters;

extern const char *const volume_filter_keys[];
extern const char *const network_filter_keys[];

/* Adds "KEY=VALUE" for a key of f->keys; -EINVAL with *ret_message (static text) otherwise, and for a
 * dangling= that is not true/false/1/0. */
int list_filters_add(ListFilters *f, const char *spec, const char **ret_message);
void list_filters_done(ListFilters *f);

typedef struct VolumeFilterItem {
        const char *name, *driver;
        char **labels; /* "key=value" */
        uint32_t users;
} VolumeFilterItem;
bool volume_filters_match(const ListFilters *f, const VolumeFilterItem *v);

typedef struct NetworkFilterItem {
        const char *id, *name, *driver;
        char **labels;
} NetworkFilterItem;
bool network_filters_match(const ListFilters *f, const NetworkFilterItem *n);

/* docker's label=KEY or label=KEY=VALUE against "key=value" strings; name= as a regular expression. */
bool filter_label_matches(const char *want, char *const *labels);
bool filter_name_matches(const char *pattern, const char *name);
bool filter_name_pattern_is_valid(const char *pattern);
