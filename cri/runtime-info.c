/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * runtime-info.c — the RuntimeService's Version, Status and UpdateRuntimeConfig.
 *
 * Version asks conmand (io.conman1) for its Version property only when conmand runs (crictl asks Version
 * before every command; conmand is bus-activatable). Status asks it whether or not it runs: conmand starts
 * on the first call of any client, so a conmand that is merely not started yet is ready; the runtime is not
 * ready when conmand cannot be started or does not answer (masked, failing, the bus down).
 */
#include <json-c/json.h>

#include "conman-config.h"
#include "shared/json-util.h"
#include "shared/util.h"
#include "cri/cri-server.h"
#include "cri/cri.h"

#define CRI_RUNTIME_NAME        "conman"
#define CRI_API_VERSION         "v1"
#define CRI_KUBELET_API_VERSION "0.1.0"
#define CONMAN_BUS_NAME         "io.conman1"
#define CONMAN_BUS_PATH         "/io/conman1"
#define CONMAN_MANAGER_IFACE    "io.conman1.Manager"

/* conmand's version; starts conmand if it does not run. */
static int conmand_version(sd_bus *bus, sd_bus_error *error, char **ret) {
        return sd_bus_get_property_string(bus, CONMAN_BUS_NAME, CONMAN_BUS_PATH, CONMAN_MANAGER_IFACE,
                                          "Version", error, ret);
}

/* conmand's version if it runs, without starting it: -ESRCH when it does not run. */
static int conmand_version_if_running(sd_bus *bus, sd_bus_error *error, char **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int has_owner, r;

        r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", error, &reply, "s", CONMAN_BUS_NAME);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "b", &has_owner);
        if (r < 0)
                return r;
        if (!has_owner)
                return -ESRCH;
        return conmand_version(bus, error, ret);
}

static int method_version(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret_response,
                          CriStatus *status) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *version = NULL;
        Runtime__V1__VersionResponse *resp;
        int r;

        /* Every crictl command asks Version first: it must neither start conmand (Status would never see
         * it down) nor fail when conmand is down; the version then is this build's, conmand's too. */
        r = conmand_version_if_running(ctx->bus, &error, &version);
        if (r == -ESRCH)
                version = strdup(CONMAN_VERSION);
        else if (r < 0)
                return cri_fail_bus(status, &error, r, "Failed to get conmand's version");
        if (!version)
                return cri_fail(status, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(status, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__version_response__init(resp);
        *ret_response = &resp->base; /* freed whole, also if a strdup() below fails */
        resp->version = strdup(CRI_KUBELET_API_VERSION);
        resp->runtime_name = strdup(CRI_RUNTIME_NAME);
        resp->runtime_version = TAKE_PTR(version);
        resp->runtime_api_version = strdup(CRI_API_VERSION);
        if (!resp->version || !resp->runtime_name || !resp->runtime_api_version) {
                protobuf_c_message_free_unpacked(TAKE_PTR(*ret_response), NULL);
                return cri_fail(status, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        }
        return GRPC_OK;
}

static Runtime__V1__RuntimeCondition *condition_new(const char *type, bool ready, const char *message) {
        Runtime__V1__RuntimeCondition *c = malloc(sizeof(*c));

        if (!c)
                return NULL;
        runtime__v1__runtime_condition__init(c);
        c->status = ready;
        c->type = strdup(type);
        c->reason = strdup(ready ? "" : "ConmandNotRunning");
        c->message = strdup(ready ? "" : message);
        if (!c->type || !c->reason || !c->message) {
                protobuf_c_message_free_unpacked(&c->base, NULL);
                return NULL;
        }
        return c;
}

/* The verbose "config" entry: what this server was told and found, as JSON. */
static char *status_config_json(CriServer *server, const char *conmand_version) {
        _cleanup_json_ struct json_object *j = json_object_new_object();
        _cleanup_free_ char *cidr = NULL;

        if (!j || cri_server_get_pod_cidr(server, &cidr) < 0)
                return NULL;
        json_object_object_add(j, "runtimeName", json_object_new_string(CRI_RUNTIME_NAME));
        json_object_object_add(j, "conmandVersion",
                               conmand_version ? json_object_new_string(conmand_version) : NULL);
        json_object_object_add(j, "podCIDR", cidr ? json_object_new_string(cidr) : NULL);
        json_object_object_add(j, "streamServer",
                               server->stream_addr ? json_object_new_string(server->stream_addr) : NULL);
        return strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
}

static int status_add_info(Runtime__V1__StatusResponse *resp, CriServer *server, const char *version) {
        Runtime__V1__StatusResponse__InfoEntry *e;

        resp->info = calloc(1, sizeof(*resp->info));
        if (!resp->info)
                return -ENOMEM;
        e = malloc(sizeof(*e));
        if (!e)
                return -ENOMEM;
        runtime__v1__status_response__info_entry__init(e);
        resp->info[resp->n_info++] = e;
        e->key = strdup("config");
        e->value = status_config_json(server, version);
        return e->key && e->value ? 0 : -ENOMEM;
}

static int status_build(CriContext *ctx, bool verbose, Runtime__V1__StatusResponse *resp) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *version = NULL, *message = NULL;
        int r;

        r = conmand_version(ctx->bus, &error, &version);
        if (r < 0 && asprintf(&message, "conmand (io.conman1) does not answer on the system bus: %s",
                              error.message ?: strerror(-r)) < 0)
                return -ENOMEM;
        resp->status = malloc(sizeof(*resp->status));
        if (!resp->status)
                return -ENOMEM;
        runtime__v1__runtime_status__init(resp->status);
        resp->status->conditions = calloc(2, sizeof(*resp->status->conditions));
        if (!resp->status->conditions)
                return -ENOMEM;
        /* every conman container and pod network goes through conmand: both stand or fall with it */
        for (size_t i = 0; i < 2; i++) {
                Runtime__V1__RuntimeCondition *c =
                        condition_new(i == 0 ? "RuntimeReady" : "NetworkReady", r >= 0, message);
                if (!c)
                        return -ENOMEM;
                resp->status->conditions[resp->status->n_conditions++] = c;
        }
        return verbose ? status_add_info(resp, ctx->server, version) : 0;
}

static int method_status(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret_response,
                         CriStatus *status) {
        const Runtime__V1__StatusRequest *req = (const Runtime__V1__StatusRequest *) request;
        Runtime__V1__StatusResponse *resp;

        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(status, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__status_response__init(resp);
        if (status_build(ctx, req->verbose, resp) < 0) {
                protobuf_c_message_free_unpacked(&resp->base, NULL);
                return cri_fail(status, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        }
        *ret_response = &resp->base;
        return GRPC_OK;
}

static int method_update_runtime_config(CriContext *ctx, const ProtobufCMessage *request,
                                        ProtobufCMessage **ret_response, CriStatus *status) {
        const Runtime__V1__UpdateRuntimeConfigRequest *req =
                (const Runtime__V1__UpdateRuntimeConfigRequest *) request;
        Runtime__V1__UpdateRuntimeConfigResponse *resp;
        const char *cidr = NULL;
        int r;

        if (req->runtime_config && req->runtime_config->network_config)
                cidr = req->runtime_config->network_config->pod_cidr;
        if (cidr) {
                r = cri_server_set_pod_cidr(ctx->server, cidr);
                if (r == -EINVAL)
                        return cri_fail(status, GRPC_INVALID_ARGUMENT, "pod CIDR '%s' is not a CIDR", cidr);
                if (r < 0)
                        return cri_fail(status, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        }
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(status, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__update_runtime_config_response__init(resp);
        *ret_response = &resp->base;
        return GRPC_OK;
}

const CriMethod cri_runtime_info_methods[] = {
        { "/runtime.v1.RuntimeService/Version", &runtime__v1__version_request__descriptor, method_version },
        { "/runtime.v1.RuntimeService/Status", &runtime__v1__status_request__descriptor, method_status },
        { "/runtime.v1.RuntimeService/UpdateRuntimeConfig",
          &runtime__v1__update_runtime_config_request__descriptor, method_update_runtime_config },
        {},
};
