/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-conman.c — the D-Bus calls to conmand (and the one to systemd: stopping a sandbox's pin unit) that
 * the CRI method files share, and the a{sv} option builders (see cri-conman.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/bus-errors.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "cri/cri-conman.h"

#define CONMAN_SERVICE    "io.conman1"
#define CONMAN_PATH       "/io/conman1"
#define CONMAN_MANAGER    "io.conman1.Manager"
#define CALL_TIMEOUT_USEC (10ULL * 60 * USEC_PER_SEC) /* a stop waits for the container's own timeout */

int cri_call_new(sd_bus *bus, const char *method, sd_bus_message **ret) {
        return sd_bus_message_new_method_call(bus, ret, CONMAN_SERVICE, CONMAN_PATH, CONMAN_MANAGER, method);
}

int cri_call(sd_bus *bus, sd_bus_message *m, sd_bus_error *error, sd_bus_message **ret_reply) {
        return sd_bus_call(bus, m, CALL_TIMEOUT_USEC, error, ret_reply);
}

static int call_simple(sd_bus *bus, const char *method, sd_bus_error *error, sd_bus_message **ret_reply,
                       const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = cri_call_new(bus, method, &m);
        if (r < 0)
                return r;
        va_start(ap, types);
        r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
        if (r < 0)
                return r;
        return cri_call(bus, m, error, ret_reply);
}

int cri_pod_start(sd_bus *bus, const char *ref, sd_bus_error *error) {
        return call_simple(bus, "StartPod", error, NULL, "s", ref);
}

int cri_pod_stop(sd_bus *bus, const char *ref, uint64_t timeout_usec, sd_bus_error *error) {
        return call_simple(bus, "StopPod", error, NULL, "st", ref, timeout_usec);
}

int cri_pod_remove(sd_bus *bus, const char *ref, bool force, sd_bus_error *error) {
        return call_simple(bus, "RemovePod", error, NULL, "sb", ref, (int) force);
}

int cri_container_start(sd_bus *bus, const char *ref, sd_bus_error *error) {
        return call_simple(bus, "StartContainer", error, NULL, "s", ref);
}

int cri_container_stop(sd_bus *bus, const char *ref, uint64_t timeout_usec, sd_bus_error *error) {
        return call_simple(bus, "StopContainer", error, NULL, "st", ref, timeout_usec);
}

int cri_container_remove(sd_bus *bus, const char *ref, bool force, sd_bus_error *error) {
        return call_simple(bus, "RemoveContainer", error, NULL, "sb", ref, (int) force);
}

static int inspect(sd_bus *bus, const char *method, const char *ref, sd_bus_error *error,
                   struct json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        struct json_object *o;
        const char *text;
        int r;

        r = call_simple(bus, method, error, &reply, "s", ref);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &text);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return -EBADMSG;
        }
        *ret = o;
        return 0;
}

int cri_pod_inspect(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret) {
        return inspect(bus, "InspectPod", ref, error, ret);
}

int cri_container_inspect(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret) {
        return inspect(bus, "InspectContainer", ref, error, ret);
}

int cri_image_inspect(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret) {
        return inspect(bus, "InspectImage", ref, error, ret);
}

/* Reads the first string of each struct of an array reply of signature "a(<types>)". */
static int read_ids(sd_bus_message *reply, const char *types, char ***ret) {
        _cleanup_strv_free_ char **ids = NULL;
        _cleanup_free_ char *array = NULL;
        int r;

        if (asprintf(&array, "(%s)", types) < 0)
                return -ENOMEM;
        r = sd_bus_message_enter_container(reply, 'a', array);
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(reply, 'r', types)) > 0) {
                const char *id;

                r = sd_bus_message_read(reply, "s", &id);
                if (r < 0)
                        return r;
                r = strv_push(&ids, id);
                if (r < 0)
                        return r;
                r = sd_bus_message_skip(reply, types + 1); /* the rest of the struct */
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(reply);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        if (!ids && !(ids = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(ids);
        return 0;
}

int cri_pod_list_ids(sd_bus *bus, sd_bus_error *error, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r = call_simple(bus, "ListPods", error, &reply, "");

        return r < 0 ? r : read_ids(reply, "ssstuo", ret);
}

int cri_container_list_ids(sd_bus *bus, sd_bus_error *error, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r = call_simple(bus, "ListContainers", error, &reply, "b", 1);

        return r < 0 ? r : read_ids(reply, "sssssitttuso", ret);
}

bool cri_error_is_not_found(const sd_bus_error *error) {
        return sd_bus_error_has_name(error, CONMAN_ERROR_NO_SUCH_POD) ||
               sd_bus_error_has_name(error, CONMAN_ERROR_NO_SUCH_CONTAINER);
}

/* The inspect document and the CRI document under key of a pod or container (inspect_fn). */
static int find_object(sd_bus *bus, const char *ref, const char *key,
                       int (*inspect_fn)(sd_bus *, const char *, sd_bus_error *, struct json_object **),
                       sd_bus_error *error, struct json_object **ret_inspect, struct json_object **ret_doc) {
        _cleanup_json_ struct json_object *inspect = NULL;
        int r;

        if (isempty(ref))
                return -ENOENT;
        r = inspect_fn(bus, ref, error, &inspect);
        if (r < 0 && cri_error_is_not_found(error)) {
                sd_bus_error_free(error);
                return -ENOENT;
        }
        if (r < 0)
                return r;
        if (cri_annotation_doc(inspect, key, ret_doc) < 0)
                return -ENOENT;
        *ret_inspect = TAKE_PTR(inspect);
        return 0;
}

int cri_sandbox_find(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret_inspect,
                     struct json_object **ret_doc) {
        return find_object(bus, ref, CRI_ANNOTATION_SANDBOX, cri_pod_inspect, error, ret_inspect, ret_doc);
}

int cri_container_find(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret_inspect,
                       struct json_object **ret_doc) {
        return find_object(bus, ref, CRI_ANNOTATION_CONTAINER, cri_container_inspect, error, ret_inspect,
                           ret_doc);
}

/* ---- systemd: stop a unit and wait for its job ---- */

typedef struct JobWait {
        const char *job;
        bool done;
} JobWait;

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        JobWait *w = userdata;
        const char *path;
        uint32_t id;

        (void) error;
        if (sd_bus_message_read(m, "uo", &id, &path) >= 0 && w->job && streq(path, w->job))
                w->done = true;
        return 0;
}

static int wait_job(sd_bus *bus, JobWait *w) {
        uint64_t end = now_monotonic_usec() + CALL_TIMEOUT_USEC;

        while (!w->done) {
                int r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (now_monotonic_usec() >= end)
                        return -ETIMEDOUT;
                r = sd_bus_wait(bus, end - now_monotonic_usec());
                if (r < 0)
                        return r;
        }
        return 0;
}

int cri_unit_stop(sd_bus *bus, const char *unit, sd_bus_error *error) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *job = NULL;
        JobWait w = {};
        const char *path;
        int r;

        r = sd_bus_match_signal(bus, &slot, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, &w);
        if (r < 0)
                return r;
        /* Signals only come to subscribers; the subscription ends with this connection. */
        (void) sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                  "org.freedesktop.systemd1.Manager", "Subscribe", NULL, NULL, "");
        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "StopUnit", error, &reply, "ss", unit,
                               "replace");
        if (r < 0)
                return sd_bus_error_has_name(error, "org.freedesktop.systemd1.NoSuchUnit") ? 0 : r;
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;
        job = strdup(path);
        if (!job)
                return -ENOMEM;
        w.job = job;
        return wait_job(bus, &w);
}

/* ---- a{sv} options ---- */

static int opt_open(sd_bus_message *m, const char *key, const char *type) {
        int r = sd_bus_message_open_container(m, 'e', "sv");

        if (r >= 0)
                r = sd_bus_message_append(m, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', type);
        return r;
}

static int opt_close(sd_bus_message *m) {
        int r = sd_bus_message_close_container(m);

        return r < 0 ? r : sd_bus_message_close_container(m);
}

int cri_opt_string(sd_bus_message *m, const char *key, const char *value) {
        return sd_bus_message_append(m, "{sv}", key, "s", value);
}

int cri_opt_bool(sd_bus_message *m, const char *key, bool value) {
        return sd_bus_message_append(m, "{sv}", key, "b", (int) value);
}

int cri_opt_u64(sd_bus_message *m, const char *key, uint64_t value) {
        return sd_bus_message_append(m, "{sv}", key, "t", value);
}

int cri_opt_i32(sd_bus_message *m, const char *key, int32_t value) {
        return sd_bus_message_append(m, "{sv}", key, "i", value);
}

int cri_opt_strn(sd_bus_message *m, const char *key, size_t n, char *const *l) {
        int r = opt_open(m, key, "as");

        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "s");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "s", l[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : opt_close(m);
}

int cri_opt_strv(sd_bus_message *m, const char *key, char *const *l) {
        return cri_opt_strn(m, key, strv_length(l), l);
}

int cri_opt_map(sd_bus_message *m, const char *key, struct json_object *map) {
        int r = opt_open(m, key, "a{ss}");

        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{ss}");
        if (r >= 0 && map) {
                json_object_object_foreach(map, k, v) {
                        if (!json_object_is_type(v, json_type_string))
                                continue;
                        r = sd_bus_message_append(m, "{ss}", k, json_object_get_string(v));
                        if (r < 0)
                                return r;
                }
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : opt_close(m);
}
