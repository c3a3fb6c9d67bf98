/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cri-conman.h — conman-cri's side of conmand, shared by the method files: the D-Bus calls on pods and
 * containers (io.conman1.Manager), the JSON of InspectPod/InspectContainer, the CRI documents kept in
 * the reserved Annotations (CRI_ANNOTATION_SANDBOX/_CONTAINER), the a{sv} option builders, and the pure
 * helpers every RPC needs (label selectors, CRI maps ⇄ JSON, names, timestamps).
 *
 * Conventions: functions return >= 0 or -errno. A failed call to conmand leaves its error in the
 * sd_bus_error the caller passes (turn it into a gRPC status with cri_fail_bus()). JSON objects returned
 * through ret_* are new references (json_object_put() them, _cleanup_json_).
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "cri/cri.h"

/* ---- calls to conmand ---- */

/* A method call to io.conman1.Manager on /io/conman1, to be filled and sent with cri_call(). */
int cri_call_new(sd_bus *bus, const char *method, sd_bus_message **ret);
/* Sends m and waits for the reply (a long timeout: conmand replies when the job is done). */
int cri_call(sd_bus *bus, sd_bus_message *m, sd_bus_error *error, sd_bus_message **ret_reply);

/* StartPod, StopPod(timeout_usec), RemovePod(force), and the same for containers. ref: id, id prefix, name.
 */
int cri_pod_start(sd_bus *bus, const char *ref, sd_bus_error *error);
int cri_pod_stop(sd_bus *bus, const char *ref, uint64_t timeout_usec, sd_bus_error *error);
int cri_pod_remove(sd_bus *bus, const char *ref, bool force, sd_bus_error *error);
int cri_container_start(sd_bus *bus, const char *ref, sd_bus_error *error);
int cri_container_stop(sd_bus *bus, const char *ref, uint64_t timeout_usec, sd_bus_error *error);
int cri_container_remove(sd_bus *bus, const char *ref, bool force, sd_bus_error *error);

/* The parsed InspectPod / InspectContainer / InspectImage document. */
int cri_pod_inspect(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret);
int cri_container_inspect(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret);
int cri_image_inspect(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret);

/* The ids of every pod (ListPods) / every container (ListContainers(all)), a NULL-terminated strv. */
int cri_pod_list_ids(sd_bus *bus, sd_bus_error *error, char ***ret);
int cri_container_list_ids(sd_bus *bus, sd_bus_error *error, char ***ret);

/* A sandbox (pod) or CRI container by id, id prefix or name: its inspect document and its CRI document
 * (the annotation CRI_ANNOTATION_SANDBOX / _CONTAINER, parsed). -ENOENT, the error cleared, for an
 * unknown object and for one conman-cri did not make (no annotation); other failures keep their error. */
int cri_sandbox_find(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret_inspect,
                     struct json_object **ret_doc);
int cri_container_find(sd_bus *bus, const char *ref, sd_bus_error *error, struct json_object **ret_inspect,
                       struct json_object **ret_doc);

/* Stops a systemd unit (StopUnit "replace") and waits until its job is done; an unloaded unit (or "") is
 * fine. conman-cri uses it for a sandbox's pin unit: conmand's StopPod keeps the namespaces. */
int cri_unit_stop(sd_bus *bus, const char *unit, sd_bus_error *error);

/* True for conmand's "no such object" errors (NoSuchPod, NoSuchContainer): idempotent stops and removes. */
bool cri_error_is_not_found(const sd_bus_error *error);

/* ---- a{sv} options: each appends one dictionary entry to an open "a{sv}" container ---- */
int cri_opt_string(sd_bus_message *m, const char *key, const char *value);
int cri_opt_bool(sd_bus_message *m, const char *key, bool value);
int cri_opt_u64(sd_bus_message *m, const char *key, uint64_t value);
int cri_opt_i32(sd_bus_message *m, const char *key, int32_t value);
/* "as" from a NULL-terminated strv, or from n strings. */
int cri_opt_strv(sd_bus_message *m, const char *key, char *const *l);
int cri_opt_strn(sd_bus_message *m, const char *key, size_t n, char *const *l);
/* "a{ss}" from a JSON object whose members are strings. */
int cri_opt_map(sd_bus_message *m, const char *key, struct json_object *map);

/* ---- the inspect documents ---- */

/* o[key] as a string, "" when missing or not a string (never NULL). */
const char *cri_json_str(struct json_object *o, const char *key);
/* o[key] as an object, NULL when missing or not an object (borrowed). */
struct json_object *cri_json_obj(struct json_object *o, const char *key);
int64_t cri_json_int(struct json_object *o, const char *key);
/* An RFC 3339 UTC timestamp ("2026-12-07T03:17:16.123456Z") in ns since the epoch; 0 for year 1 or junk. */
int64_t cri_parse_timestamp_ns(const char *s);
/* The CRI document an inspect document carries under its Annotations[key] (InspectPod: top level;
 * InspectContainer: Config.Annotations, or top level), parsed; -ENOENT without one
 * (an object conman-cri did not make), -EBADMSG when it is not a JSON object. */
int cri_annotation_doc(struct json_object *inspect, const char *key, struct json_object **ret);

/* Appends message (a malloc()ed message, NULL: out of memory) to a repeated message field: n, and array_ptr
 * the address of the field's pointer array. On failure frees message and returns -ENOMEM. */
int cri_repeated_append(size_t *n, void *array_ptr, ProtobufCMessage *message);

/* ---- CRI maps (map<string,string>: repeated entries of {base, key, value}) ---- */

/* Every CRI map entry type has this layout; only the descriptor differs. */
typedef struct CriMapEntry {
        ProtobufCMessage base;
        char *key;
        char *value;
} CriMapEntry;

/* A JSON object of the n entries (entries are CriMapEntry-shaped). */
struct json_object *cri_map_to_json(size_t n, void *const *entries);
/* The string members of a JSON object (NULL: none) as malloc()ed entries of descriptor d. */
int cri_map_from_json(struct json_object *o, const ProtobufCMessageDescriptor *d, size_t *ret_n, void ***ret);
/* One malloc()ed entry of descriptor d appended to *entries. */
int cri_map_add(const ProtobufCMessageDescriptor *d, size_t *n, void ***entries, const char *key,
                const char *value);
/* A label selector (every key present with an equal value) against the labels of a JSON object. */
bool cri_labels_match(struct json_object *labels, size_t n, void *const *selector);

/* ---- names and ids ---- */

/* The conman pod name of a sandbox: "k8s-NAME-NAMESPACE-HASH12" squeezed into 63 characters of
 * [a-zA-Z0-9_.-], HASH12 the first 12 hex of sha256("namespace/name/uid/attempt"). */
int cri_sandbox_name(const char *name, const char *namespace, const char *uid, uint32_t attempt, char **ret);
/* The conman name of a container: "k8s-NAME-HASH12" in 63 characters, HASH12 from
 * sha256("sandbox_id/name/attempt"). */
int cri_container_name(const char *sandbox_id, const char *name, uint32_t attempt, char **ret);
/* True when id starts with prefix (an empty prefix matches everything). */
bool cri_id_matches(const char *id, const char *prefix);
/* A malloc()ed copy of s (NULL → ""), for response fields. NULL on ENOMEM. */
char *cri_strdup(const char *s);
/* Nanoseconds since the epoch, now. */
int64_t cri_now_ns(void);
