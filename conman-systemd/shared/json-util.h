/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-util.h — the small json-c conversions every state file needs: string lists both ways and typed
 * reads of an object's member, strict about types (a file is not trusted: -EBADMSG for a wrong type).
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* A new array of the strings of l (NULL: empty). */
struct json_object *json_strv_new(char *const *l);
/* The strings of array a into *ret (a NULL: *ret untouched, 0). -EBADMSG for a non-array or a non-string. */
int json_strv_get(struct json_object *a, char ***ret);
/* A copy of o[key] into *ret; a missing or null member leaves *ret untouched. -EBADMSG for a non-string. */
int json_get_string(struct json_object *o, const char *key, char **ret);
bool json_get_bool(struct json_object *o, const char *key);
uint64_t json_get_u64(struct json_object *o, const char *key, uint64_t def);
