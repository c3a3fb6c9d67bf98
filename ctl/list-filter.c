/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list-filter.c — see list-filter.h.
 */
#include <regex.h>
#include <string.h>

#include "shared/util.h"
#include "list-filter.h"

const char *const volume_filter_keys[] = { "dangling", "driver", "label", "name", NULL };
const char *const network_filter_keys[] = { "driver", "id", "label", "name", NULL };

static int key_index(const ListFilters *f, const char *key, size_t len) {
        for (size_t i = 0; f->keys[i] && i < LIST_FILTER_MAX_KEYS; i++)
                if (strlen(f->keys[i]) == len && strneq(f->keys[i], key, len))
                        return (int) i;
        return -ENOENT;
}

static int parse_boolean_filter(const char *v) {
        if (streq(v, "true") || streq(v, "1"))
                return 1;
        if (streq(v, "false") || streq(v, "0"))
                return 0;
        return -EINVAL;
}

bool filter_name_pattern_is_valid(const char *pattern) {
        regex_t re;

        if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
                return false;
        regfree(&re);
        return true;
}

int list_filters_add(ListFilters *f, const char *spec, const char **ret_message) {
        const char *eq = strchr(spec, '=');
        int k;

        if (!eq || eq == spec || !eq[1]) {
                *ret_message = "a filter is KEY=VALUE";
                return -EINVAL;
        }
        k = key_index(f, spec, eq - spec);
        if (k < 0) {
                *ret_message = "unknown filter key";
                return -EINVAL;
        }
        if (streq(f->keys[k], "dangling") && parse_boolean_filter(eq + 1) < 0) {
                *ret_message = "dangling is true or false";
                return -EINVAL;
        }
        if (streq(f->keys[k], "name") && !filter_name_pattern_is_valid(eq + 1)) {
                *ret_message = "name takes a regular expression, and this one does not compile";
                return -EINVAL;
        }
        return strv_push(&f->values[k], eq + 1);
}

void list_filters_done(ListFilters *f) {
        for (size_t i = 0; i < LIST_FILTER_MAX_KEYS; i++)
                strv_freep(&f->values[i]);
}

bool filter_name_matches(const char *pattern, const char *name) {
        regex_t re;
        bool m;

        if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
                return false;
        m = regexec(&re, name, 0, NULL, 0) == 0;
        regfree(&re);
        return m;
}

bool filter_label_matches(const char *want, char *const *labels) {
        size_t n = strlen(want);
        bool with_value = strchr(want, '=');

        for (char *const *l = labels; l && *l; l++) {
                if (with_value && streq(*l, want))
                        return true;
                if (!with_value && strneq(*l, want, n) && (*l)[n] == '=')
                        return true;
        }
        return false;
}

typedef bool (*MatchOne)(const char *key, const char *value, const void *item);

/* Each key with values must match one of them. */
static bool filters_match(const ListFilters *f, MatchOne match, const void *item) {
        for (size_t k = 0; f->keys[k] && k < LIST_FILTER_MAX_KEYS; k++) {
                bool any = !f->values[k];

                for (char **v = f->values[k]; v && *v && !any; v++)
                        any = match(f->keys[k], *v, item);
                if (!any)
                        return false;
        }
        return true;
}

static bool volume_match_one(const char *key, const char *value, const void *item) {
        const VolumeFilterItem *v = item;

        if (streq(key, "dangling"))
                return parse_boolean_filter(value) == (v->users == 0);
        if (streq(key, "driver"))
                return streq(value, v->driver);
        if (streq(key, "label"))
                return filter_label_matches(value, v->labels);
        return filter_name_matches(value, v->name);
}

bool volume_filters_match(const ListFilters *f, const VolumeFilterItem *v) {
        return filters_match(f, volume_match_one, v);
}

static bool network_match_one(const char *key, const char *value, const void *item) {
        const NetworkFilterItem *n = item;

        if (streq(key, "driver"))
                return streq(value, n->driver);
        if (streq(key, "id"))
                return string_has_prefix(n->id, value);
        if (streq(key, "label"))
                return filter_label_matches(value, n->labels);
        return filter_name_matches(value, n->name);
}

bool network_filters_match(const ListFilters *f, const NetworkFilterItem *n) {
        return filters_match(f, network_match_one, n);
}
