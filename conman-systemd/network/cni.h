/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cni.h — a CNI runtime per the CNI specification (1.0): network configuration lists,
 * plugin invocation (CNI_COMMAND/CNI_CONTAINERID/CNI_NETNS/CNI_IFNAME/CNI_PATH in the
 * environment, the plugin's config on stdin, its result or error as JSON on stdout),
 * ADD in list order with each result as the next plugin's prevResult, DEL in reverse
 * order (every plugin is asked, errors are collected), CHECK against the cached result,
 * and capability arguments (runtimeConfig, e.g. portMappings) for plugins that declare
 * them. Results of untrusted plugins are parsed defensively (cni_result_parse()).
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

#include "shared/macro.h"

#define CNI_VERSION      "1.0.0"
#define CNI_DEFAULT_PATH "/usr/lib/cni:/opt/cni/bin"
#define CNI_OUTPUT_MAX   (1024 * 1024)
#define CNI_TIMEOUT_USEC (60 * UINT64_C(1000000))

typedef enum CniCommand {
        CNI_COMMAND_ADD,
        CNI_COMMAND_DEL,
        CNI_COMMAND_CHECK,
        _CNI_COMMAND_MAX,
        _CNI_COMMAND_INVALID = -EINVAL,
} CniCommand;

const char *cni_command_to_string(CniCommand c);

typedef struct CniInterface {
        char *name;
        char *mac;     /* may be NULL */
        char *sandbox; /* netns path for interfaces inside the container, else NULL */
} CniInterface;

typedef struct CniIp {
        char *address; /* CIDR, e.g. "10.77.0.2/16" */
        char *gateway; /* may be NULL */
        int interface; /* index into interfaces, -1 when absent */
} CniIp;

typedef struct CniResult {
        char *cni_version;
        CniInterface *interfaces;
        size_t n_interfaces;
        CniIp *ips;
        size_t n_ips;
        char **nameservers;
        char **search;
        char *domain;
} CniResult;

/* Parses a plugin's result (any version with "ips"/"interfaces"; 0.3.0 and later). -EBADMSG when
 * it is not valid JSON of that shape, -E2BIG when it is larger than CNI_OUTPUT_MAX. */
int cni_result_parse(const char *data, size_t size, CniResult **ret);
int cni_result_from_json(struct json_object *j, CniResult **ret);
CniResult *cni_result_free(CniResult *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(CniResult *, cni_result_free);

/* The container's address: the first IPv4 on the interface named ifname inside a sandbox (or,
 * failing that, the first IPv4). Returns -ENOENT when there is none; the interface may be NULL. */
int cni_result_primary(const CniResult *r, const char *ifname, const CniIp **ret_ip,
                       const CniInterface **ret_iface);

/* Checks a configuration list: cniVersion, name, and plugins whose "type" is a plain file name.
 * On -EINVAL, *ret_message says what is wrong. */
int cni_conflist_validate(struct json_object *conflist, char **ret_message);

/* The config one plugin of the list receives: the plugin's object plus cniVersion and name,
 * prevResult when given, and runtimeConfig with the capability arguments the plugin declares. */
int cni_plugin_config(struct json_object *conflist, size_t index, struct json_object *prev_result,
                      struct json_object *capability_args, struct json_object **ret);

typedef struct CniRuntime {
        const char *container_id;
        const char *netns; /* path of the network namespace */
        const char *ifname;
        const char *cni_path;                /* colon-separated plugin directories; NULL = CNI_DEFAULT_PATH */
        struct json_object *capability_args; /* e.g. {"portMappings":[...]}; may be NULL */
} CniRuntime;

/* ADD: on success *ret_result is the last plugin's result. On failure the plugins that were
 * added are deleted again (best effort) and *ret_message carries the plugin's error. */
int cni_conflist_add(struct json_object *conflist, const CniRuntime *rt, struct json_object **ret_result,
                     char **ret_message);
/* DEL in reverse order; every plugin is called even when one fails; the first error is returned. */
int cni_conflist_del(struct json_object *conflist, const CniRuntime *rt, struct json_object *prev_result,
                     char **ret_message);
/* CHECK in order with the cached result as prevResult. */
int cni_conflist_check(struct json_object *conflist, const CniRuntime *rt, struct json_object *prev_result,
                       char **ret_message);

/* Turns a plugin's error output ({"code":N,"msg":...,"details":...}) into a sentence. */
char *cni_error_message(const char *plugin, int exit_status, const char *output);
