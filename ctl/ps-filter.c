/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ps-filter.c — see ps-filter.h.
 */
#include <stdlib.h>
#include <string.h>

#include "shared/network-spec.h"
#include "shared/util.h"
#include "list-filter.h"
#include "ps-filter.h"

static const char *const key_names[_PS_FILTER_MAX] = {
        [PS_FILTER_ID] = "id",           [PS_FILTER_NAME] = "name",   [PS_FILTER_STATUS] = "status",
        [PS_FILTER_EXITED] = "exited",   [PS_FILTER_LABEL] = "label", [PS_FILTER_ANCESTOR] = "ancestor",
        [PS_FILTER_NETWORK] = "network", [PS_FILTER_POD] = "pod",     [PS_FILTER_PUBLISH] = "publish",
        [PS_FILTER_BEFORE] = "before",   [PS_FILTER_SINCE] = "since",
};

static const char *const states[] = { "created",    "starting", "running", "stopping",
                                      "restarting", "exited",   "paused",  NULL };

void ps_filters_done(PsFilters *f) {
        for (size_t i = 0; i < _PS_FILTER_MAX; i++)
                strv_freep(&f->values[i]);
}

static bool is_number(const char *s) {
        if (!*s || strlen(s) > 9)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

int ps_filters_add(PsFilters *f, const char *spec, const char **ret_message) {
        const char *eq = strchr(spec, '=');
        size_t i;

        if (!eq || eq == spec || !eq[1]) {
                *ret_message =
                        "a filter is KEY=VALUE (id, name, status, exited, label, ancestor, network, pod, "
                        "publish, before, since)";
                return -EINVAL;
        }
        for (i = 0; i < _PS_FILTER_MAX; i++)
                if (strlen(key_names[i]) == (size_t) (eq - spec) && strneq(spec, key_names[i], eq - spec))
                        break;
        if (i == _PS_FILTER_MAX) {
                *ret_message = "unknown filter key (id, name, status, exited, label, ancestor, network, pod, "
                               "publish, before, since)";
                return -EINVAL;
        }
        if (i == PS_FILTER_STATUS && !strv_contains((char **) states, eq + 1)) {
                *ret_message = "status is one of created, starting, running, stopping, restarting, exited, "
                               "paused";
                return -EINVAL;
        }
        if (i == PS_FILTER_EXITED && !is_number(eq + 1)) {
                *ret_message = "exited takes an exit code (a number)";
                return -EINVAL;
        }
        if (i == PS_FILTER_NAME && !filter_name_pattern_is_valid(eq + 1)) {
                *ret_message = "name takes a regular expression, and this one does not compile";
                return -EINVAL;
        }
        return strv_push(&f->values[i], eq + 1);
}

bool ps_filters_any(const PsFilters *f, PsFilterKey k) {
        return f->values[k] && f->values[k][0];
}

bool ps_filters_need_details(const PsFilters *f) {
        return ps_filters_any(f, PS_FILTER_LABEL) || ps_filters_any(f, PS_FILTER_NETWORK) ||
               ps_filters_any(f, PS_FILTER_POD) || ps_filters_any(f, PS_FILTER_PUBLISH);
}

bool ps_filters_imply_all(const PsFilters *f) {
        return ps_filters_any(f, PS_FILTER_STATUS) || ps_filters_any(f, PS_FILTER_EXITED) ||
               ps_filters_any(f, PS_FILTER_BEFORE) || ps_filters_any(f, PS_FILTER_SINCE);
}

/* A reference without docker.io/library/ and :latest, which docker's short names leave out. */
static void short_reference(const char *ref, char *buf, size_t size) {
        size_t n;

        if (string_has_prefix(ref, "docker.io/library/"))
                ref += strlen("docker.io/library/");
        else if (string_has_prefix(ref, "docker.io/"))
                ref += strlen("docker.io/");
        snprintf(buf, size, "%s", ref);
        n = strlen(buf);
        if (n > 7 && streq(buf + n - 7, ":latest"))
                buf[n - 7] = 0;
}

/* "busybox" matches "busybox", "busybox:latest" and "docker.io/library/busybox:latest". */
static bool match_ancestor(const char *want, const char *image) {
        char a[512], b[512];

        short_reference(want, a, sizeof(a));
        short_reference(image, b, sizeof(b));
        return streq(a, b);
}

/* "80", "80/tcp" or "8080:80"-less forms: docker's publish filter names the container port. */
static bool match_publish(const char *want, char *const *ports) {
        for (char *const *p = ports; p && *p; p++) {
                PortMapping pm;
                char buf[16];

                if (port_mapping_parse(*p, &pm) < 0)
                        continue;
                snprintf(buf, sizeof(buf), "%u", pm.container_port);
                if (streq(want, buf))
                        return true;
                snprintf(buf, sizeof(buf), "%u/%s", pm.container_port, port_protocol_to_string(pm.protocol));
                if (streq(want, buf))
                        return true;
        }
        return false;
}

static const PsItem *find_ref(const char *ref, const PsItem *all, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (streq(all[i].name, ref) || (strlen(ref) >= 4 && string_has_prefix(all[i].id, ref)))
                        return &all[i];
        return NULL;
}

static bool match_one(PsFilterKey k, const char *v, const PsItem *e, const PsItem *all, size_t n_all) {
        const PsItem *ref;

        switch (k) {
        case PS_FILTER_ID: return string_has_prefix(e->id, v);
        case PS_FILTER_NAME: return filter_name_matches(v, e->name);
        case PS_FILTER_STATUS: return streq(e->state, v);
        case PS_FILTER_EXITED: return streq(e->state, "exited") && e->exit_code == atoi(v);
        case PS_FILTER_LABEL: return filter_label_matches(v, e->labels);
        case PS_FILTER_ANCESTOR: return match_ancestor(v, e->image);
        case PS_FILTER_NETWORK: return e->network && streq(e->network, v);
        case PS_FILTER_POD:
                return e->pod_id && *e->pod_id &&
                       ((strlen(v) >= 4 && string_has_prefix(e->pod_id, v)) ||
                        (e->pod_name && streq(e->pod_name, v)));
        case PS_FILTER_PUBLISH: return match_publish(v, e->ports);
        case PS_FILTER_BEFORE: ref = find_ref(v, all, n_all); return ref && e->created < ref->created;
        case PS_FILTER_SINCE: ref = find_ref(v, all, n_all); return ref && e->created > ref->created;
        default: return false;
        }
}

bool ps_filters_match(const PsFilters *f, const PsItem *e, const PsItem *all, size_t n_all) {
        for (size_t k = 0; k < _PS_FILTER_MAX; k++) {
                bool any = false;

                if (!ps_filters_any(f, k))
                        continue;
                for (char **v = f->values[k]; *v && !any; v++)
                        any = match_one(k, *v, e, all, n_all);
                if (!any)
                        return false;
        }
        return true;
}

char *ps_format_ports(char *const *ports) {
        char *out = strdup("");

        for (char *const *p = ports; out && p && *p; p++) {
                PortMapping pm;
                char *next;

                if (port_mapping_parse(*p, &pm) < 0)
                        continue;
                if (asprintf(&next, "%s%s%s:%u->%u/%s", out, *out ? ", " : "",
                             pm.host_ip[0] ? pm.host_ip : "0.0.0.0", pm.host_port, pm.container_port,
                             port_protocol_to_string(pm.protocol)) < 0)
                        next = NULL;
                free(out);
                out = next;
        }
        return out;
}
