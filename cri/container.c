/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container.c — CRI containers: CreateContainer, StartContainer, StopContainer, RemoveContainer,
 * ListContainers, ContainerStatus, each a conman container in its sandbox's pod.
 *
 * The conman name is k8s-NAME-HASH (cri_container_name()); the id is conman's. CRI's metadata, labels,
 * annotations, image as asked, log path and mounts are the JSON document under the container's annotation
 * io.conman.cri.container (the user's annotations are also conman Annotations, so config.json carries
 * them as containerd's do). The options conmand takes are in dbus/io.conman1.Manager.xml.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "cri/cri-conman.h"

typedef Runtime__V1__ContainerConfig ContainerConfig;
typedef Runtime__V1__LinuxContainerSecurityContext SecurityContext;

/* ---- the container document (io.conman.cri.container) ---- */

static struct json_object *mounts_json(const ContainerConfig *cfg) {
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < cfg->n_mounts; i++) {
                const Runtime__V1__Mount *mt = cfg->mounts[i];
                struct json_object *o = json_object_new_object();

                json_object_object_add(o, "container_path",
                                       json_object_new_string(strempty(mt->container_path)));
                json_object_object_add(o, "host_path", json_object_new_string(strempty(mt->host_path)));
                json_object_object_add(o, "readonly", json_object_new_boolean(mt->readonly));
                json_object_object_add(o, "selinux_relabel", json_object_new_boolean(mt->selinux_relabel));
                json_object_object_add(o, "propagation", json_object_new_int(mt->propagation));
                json_object_array_add(a, o);
        }
        return a;
}

static struct json_object *container_doc_new(const ContainerConfig *cfg, const char *sandbox_id,
                                             const char *image_ref, const char *log_path) {
        struct json_object *o = json_object_new_object(), *m = json_object_new_object();

        json_object_object_add(m, "name", json_object_new_string(strempty(cfg->metadata->name)));
        json_object_object_add(m, "attempt", json_object_new_int64(cfg->metadata->attempt));
        json_object_object_add(o, "metadata", m);
        json_object_object_add(o, "sandbox_id", json_object_new_string(sandbox_id));
        json_object_object_add(o, "image", json_object_new_string(cfg->image->image));
        json_object_object_add(o, "image_ref", json_object_new_string(image_ref));
        json_object_object_add(o, "labels", cri_map_to_json(cfg->n_labels, (void *const *) cfg->labels));
        json_object_object_add(o, "annotations",
                               cri_map_to_json(cfg->n_annotations, (void *const *) cfg->annotations));
        json_object_object_add(o, "log_path", json_object_new_string(strempty(log_path)));
        json_object_object_add(o, "mounts", mounts_json(cfg));
        json_object_object_add(o, "tty", json_object_new_boolean(cfg->tty));
        json_object_object_add(o, "stdin", json_object_new_boolean(cfg->stdin));
        json_object_object_add(o, "stdin_once", json_object_new_boolean(cfg->stdin_once));
        return o;
}

static Runtime__V1__ContainerMetadata *metadata_from_doc(struct json_object *doc) {
        struct json_object *m = cri_json_obj(doc, "metadata");
        Runtime__V1__ContainerMetadata *md = malloc(sizeof(*md));

        if (!md)
                return NULL;
        runtime__v1__container_metadata__init(md);
        md->name = cri_strdup(cri_json_str(m, "name"));
        md->attempt = (uint32_t) cri_json_int(m, "attempt");
        return md;
}

static Runtime__V1__ImageSpec *image_spec_from_doc(struct json_object *doc) {
        Runtime__V1__ImageSpec *i = malloc(sizeof(*i));

        if (!i)
                return NULL;
        runtime__v1__image_spec__init(i);
        i->image = cri_strdup(cri_json_str(doc, "image"));
        return i;
}

static int mounts_from_doc(struct json_object *doc, size_t *ret_n, Runtime__V1__Mount ***ret) {
        struct json_object *a;

        if (!json_object_object_get_ex(doc, "mounts", &a) || !json_object_is_type(a, json_type_array))
                return 0;
        *ret = calloc(json_object_array_length(a) + 1, sizeof(**ret));
        if (!*ret)
                return -ENOMEM;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                struct json_object *o = json_object_array_get_idx(a, i);
                Runtime__V1__Mount *mt = malloc(sizeof(*mt));

                if (!mt)
                        return -ENOMEM;
                runtime__v1__mount__init(mt);
                mt->container_path = cri_strdup(cri_json_str(o, "container_path"));
                mt->host_path = cri_strdup(cri_json_str(o, "host_path"));
                mt->readonly = cri_json_int(o, "readonly") != 0;
                mt->selinux_relabel = cri_json_int(o, "selinux_relabel") != 0;
                mt->propagation = (Runtime__V1__MountPropagation) cri_json_int(o, "propagation");
                (*ret)[(*ret_n)++] = mt;
        }
        return 0;
}

/* ---- CreateContainer: the options ---- */

/* CRI's propagation as conmand's VolumePropagation word; NULL: PROPAGATION_PRIVATE, conmand's default. */
static const char *propagation_word(Runtime__V1__MountPropagation p) {
        return p == RUNTIME__V1__MOUNT_PROPAGATION__PROPAGATION_HOST_TO_CONTAINER ? "rslave"
               : p == RUNTIME__V1__MOUNT_PROPAGATION__PROPAGATION_BIDIRECTIONAL   ? "rshared"
                                                                                  : NULL;
}

/* VolumePropagation: only the volumes that are not private (the usual case sends no option at all). */
static int append_volume_propagation(sd_bus_message *m, const ContainerConfig *cfg) {
        bool any = false;
        int r = 0;

        for (size_t i = 0; i < cfg->n_mounts; i++)
                any = any || propagation_word(cfg->mounts[i]->propagation);
        if (!any)
                return 0;
        r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "VolumePropagation");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a{ss}");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{ss}");
        for (size_t i = 0; r >= 0 && i < cfg->n_mounts; i++)
                if (propagation_word(cfg->mounts[i]->propagation))
                        r = sd_bus_message_append(m, "{ss}", strempty(cfg->mounts[i]->container_path),
                                                  propagation_word(cfg->mounts[i]->propagation));
        for (int i = 0; r >= 0 && i < 3; i++)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_volumes(sd_bus_message *m, const ContainerConfig *cfg) {
        int r = sd_bus_message_open_container(m, 'e', "sv");

        if (r >= 0)
                r = sd_bus_message_append(m, "s", "Volumes");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(ssb)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(ssb)");
        for (size_t i = 0; r >= 0 && i < cfg->n_mounts; i++) {
                /* A host path that is a symlink mounts what it points to (containerd resolves it too). */
                _cleanup_free_ char *real = realpath(strempty(cfg->mounts[i]->host_path), NULL);

                r = sd_bus_message_append(m, "(ssb)", real ?: strempty(cfg->mounts[i]->host_path),
                                          strempty(cfg->mounts[i]->container_path),
                                          (int) cfg->mounts[i]->readonly);
        }
        for (int i = 0; r >= 0 && i < 3; i++)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : append_volume_propagation(m, cfg);
}

static int append_env(sd_bus_message *m, const ContainerConfig *cfg) {
        _cleanup_strv_free_ char **env = NULL;

        for (size_t i = 0; i < cfg->n_envs; i++) {
                _cleanup_free_ char *kv = NULL;
                if (asprintf(&kv, "%s=%s", strempty(cfg->envs[i]->key), strempty(cfg->envs[i]->value)) < 0 ||
                    strv_push_take(&env, TAKE_PTR(kv)) < 0)
                        return -ENOMEM;
        }
        return env ? cri_opt_strv(m, "Env", env) : 0;
}

static int append_devices(sd_bus_message *m, const ContainerConfig *cfg) {
        _cleanup_strv_free_ char **devices = NULL;

        for (size_t i = 0; i < cfg->n_devices; i++) {
                const Runtime__V1__Device *d = cfg->devices[i];
                _cleanup_free_ char *s = NULL;

                if (asprintf(&s, "%s:%s%s%s", strempty(d->host_path), strempty(d->container_path),
                             isempty(d->permissions) ? "" : ":", strempty(d->permissions)) < 0 ||
                    strv_push_take(&devices, TAKE_PTR(s)) < 0)
                        return -ENOMEM;
        }
        return devices ? cri_opt_strv(m, "Devices", devices) : 0;
}

/* Sysctls are the sandbox's in CRI; conman sets them per container (every member of the pod gets them). */
static int append_sysctls(sd_bus_message *m, const Runtime__V1__PodSandboxConfig *sandbox) {
        _cleanup_strv_free_ char **l = NULL;

        if (!sandbox || !sandbox->linux)
                return 0;
        for (size_t i = 0; i < sandbox->linux->n_sysctls; i++) {
                _cleanup_free_ char *s = NULL;
                if (asprintf(&s, "%s=%s", sandbox->linux->sysctls[i]->key,
                             sandbox->linux->sysctls[i]->value) < 0 ||
                    strv_push_take(&l, TAKE_PTR(s)) < 0)
                        return -ENOMEM;
        }
        return l ? cri_opt_strv(m, "Sysctls", l) : 0;
}

static int append_resources(sd_bus_message *m, const Runtime__V1__LinuxContainerResources *res) {
        int r = 0;

        if (!res)
                return 0;
        if (res->memory_limit_in_bytes > 0)
                r = cri_opt_u64(m, "Memory", (uint64_t) res->memory_limit_in_bytes);
        if (r >= 0 && res->cpu_quota > 0 && res->cpu_period > 0) /* usec per period → usec per second */
                r = cri_opt_u64(m, "CPUQuota",
                                (uint64_t) res->cpu_quota * USEC_PER_SEC / (uint64_t) res->cpu_period);
        if (r >= 0 && res->cpu_shares > 0)
                r = cri_opt_u64(m, "CPUShares", (uint64_t) res->cpu_shares);
        if (r >= 0 && !isempty(res->cpuset_cpus))
                r = cri_opt_string(m, "CpusetCpus", res->cpuset_cpus);
        if (r >= 0 && !isempty(res->cpuset_mems))
                r = cri_opt_string(m, "CpusetMems", res->cpuset_mems);
        if (r >= 0 && res->oom_score_adj != 0)
                r = cri_opt_i32(m, "OomScoreAdj", (int32_t) res->oom_score_adj);
        return r;
}

/* User: run_as_username or run_as_user, with run_as_group as ":gid". */
static int append_user(sd_bus_message *m, const SecurityContext *sc) {
        _cleanup_free_ char *user = NULL;
        char gid[32] = "";

        if (sc->run_as_group)
                snprintf(gid, sizeof(gid), ":%lld", (long long) sc->run_as_group->value);
        if (!isempty(sc->run_as_username)) {
                if (asprintf(&user, "%s%s", sc->run_as_username, gid) < 0)
                        user = NULL;
        } else if (sc->run_as_user) {
                if (asprintf(&user, "%lld%s", (long long) sc->run_as_user->value, gid) < 0)
                        user = NULL;
        } else if (sc->run_as_group)
                return -EINVAL; /* CRI: a group needs a user */
        else
                return 0;
        return user ? cri_opt_string(m, "User", user) : -ENOMEM;
}

/* The SecurityOpt for seccomp: NULL for conman's default profile (RuntimeDefault), "seccomp=unconfined",
 * or "seccomp=/PATH" (Localhost). CRI: no profile at all is unconfined (critest checks it). */
static int seccomp_opt(const SecurityContext *sc, char **ret) {
        const Runtime__V1__SecurityProfile *p = sc->seccomp;
        const char *path = NULL, *old;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        old = sc->seccomp_profile_path; /* kubelet before 1.19, and crictl's config files */
#pragma GCC diagnostic pop

        if (p && p->profile_type == RUNTIME__V1__SECURITY_PROFILE__PROFILE_TYPE__RuntimeDefault)
                return 0;
        if (p && p->profile_type == RUNTIME__V1__SECURITY_PROFILE__PROFILE_TYPE__Localhost)
                path = p->localhost_ref;
        else if (!p && !isempty(old) && (streq(old, "runtime/default") || streq(old, "docker/default")))
                return 0;
        else if (!p && !isempty(old) && string_has_prefix(old, "localhost/"))
                path = old + strlen("localhost");
        else if (!p && !isempty(old) && !streq(old, "unconfined"))
                return -EINVAL; /* a profile file must be named localhost/PATH (critest checks the refusal) */
        if (path && path[0] != '/')
                return -EINVAL;
        if (!path)
                *ret = strdup("seccomp=unconfined");
        else if (asprintf(ret, "seccomp=%s", path) < 0)
                *ret = NULL;
        return *ret ? 1 : -ENOMEM;
}

/* The SecurityOpt for AppArmor: only a Localhost profile ("apparmor=NAME"); RuntimeDefault and Unconfined
 * are conman's own behaviour (its default where AppArmor is enabled; nothing where it is not). */
static int apparmor_opt(const SecurityContext *sc, char **ret) {
        const char *name = NULL, *old;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        old = sc->apparmor_profile;
#pragma GCC diagnostic pop
        if (sc->apparmor &&
            sc->apparmor->profile_type == RUNTIME__V1__SECURITY_PROFILE__PROFILE_TYPE__Localhost)
                name = sc->apparmor->localhost_ref;
        else if (!sc->apparmor && !isempty(old) && string_has_prefix(old, "localhost/"))
                name = old + strlen("localhost/");
        if (isempty(name))
                return 0;
        return asprintf(ret, "apparmor=%s", name) < 0 ? -ENOMEM : 1;
}

static int append_security_opts(sd_bus_message *m, const SecurityContext *sc) {
        _cleanup_strv_free_ char **opts = NULL;
        _cleanup_free_ char *seccomp = NULL, *apparmor = NULL;
        int r;

        r = apparmor_opt(sc, &apparmor);
        if (r < 0)
                return r;
        if (apparmor && strv_push_take(&opts, TAKE_PTR(apparmor)) < 0)
                return -ENOMEM;

        if (sc->no_new_privs && strv_push(&opts, "no-new-privileges") < 0)
                return -ENOMEM;
        r = seccomp_opt(sc, &seccomp);
        if (r < 0)
                return r;
        if (seccomp && strv_push_take(&opts, TAKE_PTR(seccomp)) < 0)
                return -ENOMEM;
        return opts ? cri_opt_strv(m, "SecurityOpt", opts) : 0;
}

static int append_groups(sd_bus_message *m, const SecurityContext *sc) {
        _cleanup_strv_free_ char **groups = NULL;

        for (size_t i = 0; i < sc->n_supplemental_groups; i++) {
                char buf[32];
                snprintf(buf, sizeof(buf), "%lld", (long long) sc->supplemental_groups[i]);
                if (strv_push(&groups, buf) < 0)
                        return -ENOMEM;
        }
        return groups ? cri_opt_strv(m, "GroupAdd", groups) : 0;
}

static int append_security(sd_bus_message *m, const SecurityContext *sc) {
        const Runtime__V1__NamespaceOption *ns = sc->namespace_options;
        int r;

        r = append_user(m, sc);
        if (r >= 0)
                r = append_groups(m, sc);
        if (r >= 0 && sc->privileged)
                r = cri_opt_bool(m, "Privileged", true);
        if (r >= 0 && sc->capabilities && sc->capabilities->n_add_capabilities > 0)
                r = cri_opt_strn(m, "CapAdd", sc->capabilities->n_add_capabilities,
                                 sc->capabilities->add_capabilities);
        if (r >= 0 && sc->capabilities && sc->capabilities->n_drop_capabilities > 0)
                r = cri_opt_strn(m, "CapDrop", sc->capabilities->n_drop_capabilities,
                                 sc->capabilities->drop_capabilities);
        if (r >= 0 && sc->readonly_rootfs)
                r = cri_opt_bool(m, "ReadOnly", true);
        if (r >= 0)
                r = append_security_opts(m, sc);
        /* CRI gives the whole lists; empty ones mean the runtime's defaults (as containerd reads them). */
        if (r >= 0 && sc->n_masked_paths > 0)
                r = cri_opt_strn(m, "MaskedPaths", sc->n_masked_paths, sc->masked_paths);
        if (r >= 0 && sc->n_readonly_paths > 0)
                r = cri_opt_strn(m, "ReadonlyPaths", sc->n_readonly_paths, sc->readonly_paths);
        /* POD (CRI's default) is conmand's default too: the pod's PID namespace when it has one. */
        if (r >= 0 && ns && ns->pid != RUNTIME__V1__NAMESPACE_MODE__POD)
                r = cri_opt_string(m, "PidMode",
                                   ns->pid == RUNTIME__V1__NAMESPACE_MODE__NODE ? "host" : "private");
        return r;
}

typedef struct CreateArgs {
        const ContainerConfig *cfg;
        const Runtime__V1__PodSandboxConfig *sandbox; /* the request's, for sysctls; may be NULL */
        const char *pod_id;
        const char *image; /* what conmand gets: the reference as given, or the id without "sha256:" */
        const char *log_path;
        const char *doc;
} CreateArgs;

static int append_annotations(sd_bus_message *m, const CreateArgs *a) {
        _cleanup_json_ struct json_object *o =
                cri_map_to_json(a->cfg->n_annotations, (void *const *) a->cfg->annotations);

        if (!o)
                return -ENOMEM;
        json_object_object_add(o, CRI_ANNOTATION_CONTAINER, json_object_new_string(a->doc));
        return cri_opt_map(m, "Annotations", o);
}

static int append_labels(sd_bus_message *m, const ContainerConfig *cfg) {
        _cleanup_json_ struct json_object *o = cri_map_to_json(cfg->n_labels, (void *const *) cfg->labels);

        return o ? cri_opt_map(m, "Labels", o) : -ENOMEM;
}

static int append_container_options(sd_bus_message *m, const CreateArgs *a) {
        const ContainerConfig *cfg = a->cfg;
        const Runtime__V1__LinuxContainerConfig *lx = cfg->linux;
        int r;

        r = cri_opt_string(m, "Pod", a->pod_id);
        if (r >= 0)
                r = cri_opt_string(m, "Image", a->image);
        if (r >= 0 && cfg->n_command > 0) /* CRI command: the entrypoint; args: docker's CMD */
                r = cri_opt_strn(m, "Entrypoint", cfg->n_command, cfg->command);
        if (r >= 0)
                r = append_env(m, cfg);
        if (r >= 0 && !isempty(cfg->working_dir))
                r = cri_opt_string(m, "WorkingDir", cfg->working_dir);
        if (r >= 0 && cfg->n_mounts > 0)
                r = append_volumes(m, cfg);
        if (r >= 0)
                r = append_devices(m, cfg);
        if (r >= 0)
                r = append_labels(m, cfg);
        if (r >= 0)
                r = append_annotations(m, a);
        if (r >= 0 && !isempty(a->log_path))
                r = cri_opt_string(m, "LogPath", a->log_path);
        if (r >= 0 && cfg->tty)
                r = cri_opt_bool(m, "Tty", true);
        if (r >= 0 && cfg->stdin)
                r = cri_opt_bool(m, "Interactive", true);
        if (r >= 0)
                r = append_sysctls(m, a->sandbox);
        if (r >= 0 && lx)
                r = append_resources(m, lx->resources);
        if (r >= 0) { /* no security context is CRI's defaults: among them, no seccomp profile (unconfined) */
                static const SecurityContext none = RUNTIME__V1__LINUX_CONTAINER_SECURITY_CONTEXT__INIT;
                r = append_security(m, lx && lx->security_context ? lx->security_context : &none);
        }
        return r;
}

static int create_container(sd_bus *bus, const CreateArgs *a, const char *name, sd_bus_error *error,
                            char **ret_id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *id;
        int r;

        r = cri_call_new(bus, "CreateContainer", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "s");
        for (size_t i = 0; r >= 0 && i < a->cfg->n_args; i++)
                r = sd_bus_message_append(m, "s", a->cfg->args[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0)
                r = append_container_options(m, a);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        r = cri_call(bus, m, error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &id);
        if (r < 0)
                return r;
        *ret_id = strdup(id);
        return *ret_id ? 0 : -ENOMEM;
}

/* The image's id ("sha256:<hex>") for image_ref, and what conmand gets as Image. */
static int resolve_image(sd_bus *bus, const char *image, sd_bus_error *error, char **ret_ref,
                         const char **ret_conman) {
        _cleanup_json_ struct json_object *inspect = NULL;
        const char *id;
        int r;

        *ret_conman = string_has_prefix(image, "sha256:") ? image + strlen("sha256:") : image;
        r = cri_image_inspect(bus, *ret_conman, error, &inspect);
        if (r < 0)
                return r;
        id = cri_json_str(inspect, "id"); /* the image record's key */
        if (isempty(id))
                id = cri_json_str(inspect, "Id");
        if (asprintf(ret_ref, "%s%s", string_has_prefix(id, "sha256:") ? "" : "sha256:", id) < 0)
                return -ENOMEM;
        return 0;
}

/* The log file: the sandbox's log directory + "/" + the container's log_path (both from kubelet). Its
 * directory is made here, as containerd does (kubelet makes it too; crictl and critest may not). */
static int log_path_of(struct json_object *sandbox_doc, const ContainerConfig *cfg, char **ret) {
        const char *dir = cri_json_str(sandbox_doc, "log_directory");
        _cleanup_free_ char *path = NULL;
        char *slash;
        int r;

        *ret = NULL;
        if (isempty(dir) || isempty(cfg->log_path))
                return 0;
        if (asprintf(&path, "%s/%s", dir, cfg->log_path) < 0)
                return -ENOMEM;
        slash = strrchr(path, '/');
        *slash = 0;
        r = mkdir_p(path, 0755);
        *slash = '/';
        if (r < 0)
                return r;
        *ret = TAKE_PTR(path);
        return 0;
}

static int method_create_container(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                   CriStatus *st) {
        const Runtime__V1__CreateContainerRequest *req = (const void *) request;
        const ContainerConfig *cfg = req->config;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *pod = NULL, *sandbox_doc = NULL, *doc = NULL;
        _cleanup_free_ char *name = NULL, *id = NULL, *image_ref = NULL, *log_path = NULL;
        Runtime__V1__CreateContainerResponse *resp;
        CreateArgs a = { .cfg = cfg, .sandbox = req->sandbox_config };
        int r;

        if (!cfg || !cfg->metadata || isempty(cfg->metadata->name) || !cfg->image ||
            isempty(cfg->image->image))
                return cri_fail(st, GRPC_INVALID_ARGUMENT,
                                "the container config needs metadata with a name and an image");
        r = cri_sandbox_find(ctx->bus, req->pod_sandbox_id, &error, &pod, &sandbox_doc);
        if (r == -ENOENT)
                return cri_fail(st, GRPC_NOT_FOUND, "pod sandbox %s not found",
                                strempty(req->pod_sandbox_id));
        if (r < 0)
                return cri_fail_bus(st, &error, r, "InspectPod");
        r = resolve_image(ctx->bus, cfg->image->image, &error, &image_ref, &a.image);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "image");
        a.pod_id = cri_json_str(pod, "Id");
        r = log_path_of(sandbox_doc, cfg, &log_path);
        if (r < 0 && r != -ENOMEM)
                return cri_fail(st, GRPC_INVALID_ARGUMENT, "log directory of %s/%s: %s",
                                cri_json_str(sandbox_doc, "log_directory"), cfg->log_path, strerror(-r));
        if (r < 0 || cri_container_name(a.pod_id, cfg->metadata->name, cfg->metadata->attempt, &name) < 0 ||
            !(doc = container_doc_new(cfg, a.pod_id, image_ref, log_path)))
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        a.log_path = log_path;
        a.doc = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
        r = create_container(ctx->bus, &a, name, &error, &id);
        if (r == -EINVAL && !sd_bus_error_is_set(&error))
                return cri_fail(st, GRPC_INVALID_ARGUMENT,
                                "invalid security context (user, group or seccomp)");
        if (r < 0)
                return cri_fail_bus(st, &error, r, "CreateContainer");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__create_container_response__init(resp);
        resp->container_id = TAKE_PTR(id);
        *ret = &resp->base;
        return GRPC_OK;
}

/* ---- state ---- */

static Runtime__V1__ContainerState container_state(struct json_object *inspect) {
        const char *s = cri_json_str(cri_json_obj(inspect, "State"), "Status");

        if (streq(s, "created"))
                return RUNTIME__V1__CONTAINER_STATE__CONTAINER_CREATED;
        if (streq(s, "exited"))
                return RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED;
        if (streq(s, "running") || streq(s, "starting") || streq(s, "stopping") || streq(s, "restarting"))
                return RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING;
        return RUNTIME__V1__CONTAINER_STATE__CONTAINER_UNKNOWN;
}

static int fail_lookup(CriStatus *st, const sd_bus_error *error, int r, const char *ref) {
        if (r == -ENOENT)
                return cri_fail(st, GRPC_NOT_FOUND, "container %s not found", strempty(ref));
        return cri_fail_bus(st, error, r, "InspectContainer");
}

/* Every response without fields (Start/Stop/RemoveContainerResponse): a malloc()ed, initialized one. */
static int empty_response(const ProtobufCMessageDescriptor *d, ProtobufCMessage **ret, CriStatus *st) {
        ProtobufCMessage *m = malloc(d->sizeof_message);

        if (!m)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        protobuf_c_message_init(d, m);
        *ret = m;
        return GRPC_OK;
}

/* ---- StartContainer, StopContainer, RemoveContainer ---- */

static int method_start_container(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                  CriStatus *st) {
        const Runtime__V1__StartContainerRequest *req = (const void *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;
        int r;

        r = cri_container_find(ctx->bus, req->container_id, &error, &inspect, &doc);
        if (r < 0)
                return fail_lookup(st, &error, r, req->container_id);
        r = cri_container_start(ctx->bus, cri_json_str(inspect, "Id"), &error);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "StartContainer");
        return empty_response(&runtime__v1__start_container_response__descriptor, ret, st);
}

static int method_stop_container(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                 CriStatus *st) {
        const Runtime__V1__StopContainerRequest *req = (const void *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;
        uint64_t timeout = req->timeout > 0 ? (uint64_t) req->timeout * USEC_PER_SEC : 0;
        int r;

        r = cri_container_find(ctx->bus, req->container_id, &error, &inspect, &doc);
        if (r < 0)
                return fail_lookup(st, &error, r, req->container_id);
        r = cri_container_stop(ctx->bus, cri_json_str(inspect, "Id"), timeout, &error);
        /* CRI: stopping a stopped container is fine. */
        if (r < 0 && !sd_bus_error_has_name(&error, CONMAN_ERROR_NOT_RUNNING) &&
            !cri_error_is_not_found(&error))
                return cri_fail_bus(st, &error, r, "StopContainer");
        return empty_response(&runtime__v1__stop_container_response__descriptor, ret, st);
}

static int method_remove_container(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                   CriStatus *st) {
        const Runtime__V1__RemoveContainerRequest *req = (const void *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;
        int r;

        r = cri_container_find(ctx->bus, req->container_id, &error, &inspect, &doc);
        if (r < 0 && r != -ENOENT)
                return fail_lookup(st, &error, r, req->container_id);
        if (r >= 0) { /* CRI: removing an unknown container is fine */
                r = cri_container_remove(ctx->bus, cri_json_str(inspect, "Id"), true, &error);
                if (r < 0 && !cri_error_is_not_found(&error))
                        return cri_fail_bus(st, &error, r, "RemoveContainer");
        }
        return empty_response(&runtime__v1__remove_container_response__descriptor, ret, st);
}

/* ---- ContainerStatus ---- */

static const char *exit_reason(struct json_object *state) {
        if (cri_json_int(state, "OOMKilled"))
                return "OOMKilled";
        return cri_json_int(state, "ExitCode") == 0 ? "Completed" : "Error";
}

static Runtime__V1__ContainerStatus *container_status(struct json_object *inspect, struct json_object *doc) {
        struct json_object *state = cri_json_obj(inspect, "State");
        Runtime__V1__ContainerStatus *s = malloc(sizeof(*s));

        if (!s)
                return NULL;
        runtime__v1__container_status__init(s);
        s->id = cri_strdup(cri_json_str(inspect, "Id"));
        s->metadata = metadata_from_doc(doc);
        s->state = container_state(inspect);
        s->created_at = cri_parse_timestamp_ns(cri_json_str(inspect, "Created"));
        s->started_at = cri_parse_timestamp_ns(cri_json_str(state, "StartedAt"));
        if (s->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED) {
                s->finished_at = cri_parse_timestamp_ns(cri_json_str(state, "FinishedAt"));
                s->exit_code = (int32_t) cri_json_int(state, "ExitCode");
                s->reason = cri_strdup(exit_reason(state));
                s->message = cri_strdup(cri_json_str(state, "Result"));
        }
        s->image = image_spec_from_doc(doc);
        s->image_ref = cri_strdup(cri_json_str(doc, "image_ref"));
        (void) cri_map_from_json(cri_json_obj(doc, "labels"),
                                 &runtime__v1__container_status__labels_entry__descriptor, &s->n_labels,
                                 (void ***) &s->labels);
        (void) cri_map_from_json(cri_json_obj(doc, "annotations"),
                                 &runtime__v1__container_status__annotations_entry__descriptor,
                                 &s->n_annotations, (void ***) &s->annotations);
        (void) mounts_from_doc(doc, &s->n_mounts, &s->mounts);
        s->log_path = cri_strdup(cri_json_str(doc, "log_path"));
        return s;
}

/* verbose: "info", with the pid crictl inspect shows and what conmand knows. */
static void add_verbose_info(Runtime__V1__ContainerStatusResponse *resp, struct json_object *inspect,
                             struct json_object *doc) {
        _cleanup_json_ struct json_object *info = json_object_new_object();

        if (!info)
                return;
        json_object_object_add(info, "sandboxID", json_object_new_string(cri_json_str(inspect, "Pod")));
        json_object_object_add(info, "pid",
                               json_object_new_int64(cri_json_int(cri_json_obj(inspect, "State"), "Pid")));
        json_object_object_add(info, "unit", json_object_new_string(cri_json_str(inspect, "Unit")));
        json_object_object_add(info, "config", json_object_get(doc));
        json_object_object_add(info, "conman", json_object_get(inspect));
        (void) cri_map_add(&runtime__v1__container_status_response__info_entry__descriptor, &resp->n_info,
                           (void ***) &resp->info, "info",
                           json_object_to_json_string_ext(info, JSON_C_TO_STRING_PLAIN));
}

static int method_container_status(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                   CriStatus *st) {
        const Runtime__V1__ContainerStatusRequest *req = (const void *) request;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;
        Runtime__V1__ContainerStatusResponse *resp;
        int r;

        r = cri_container_find(ctx->bus, req->container_id, &error, &inspect, &doc);
        if (r < 0)
                return fail_lookup(st, &error, r, req->container_id);
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__container_status_response__init(resp);
        *ret = &resp->base;
        resp->status = container_status(inspect, doc);
        if (req->verbose)
                add_verbose_info(resp, inspect, doc);
        return resp->status ? GRPC_OK : cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
}

/* ---- ListContainers ---- */

static bool container_filtered_out(const Runtime__V1__ContainerFilter *f, struct json_object *inspect,
                                   struct json_object *doc) {
        if (!f)
                return false;
        if (!cri_id_matches(cri_json_str(inspect, "Pod"), f->pod_sandbox_id))
                return true;
        if (f->state && f->state->state != container_state(inspect))
                return true;
        return !cri_labels_match(cri_json_obj(doc, "labels"), f->n_label_selector,
                                 (void *const *) f->label_selector);
}

static Runtime__V1__Container *container_item(struct json_object *inspect, struct json_object *doc) {
        Runtime__V1__Container *c = malloc(sizeof(*c));

        if (!c)
                return NULL;
        runtime__v1__container__init(c);
        c->id = cri_strdup(cri_json_str(inspect, "Id"));
        c->pod_sandbox_id = cri_strdup(cri_json_str(inspect, "Pod"));
        c->metadata = metadata_from_doc(doc);
        c->image = image_spec_from_doc(doc);
        c->image_ref = cri_strdup(cri_json_str(doc, "image_ref"));
        c->state = container_state(inspect);
        c->created_at = cri_parse_timestamp_ns(cri_json_str(inspect, "Created"));
        (void) cri_map_from_json(cri_json_obj(doc, "labels"),
                                 &runtime__v1__container__labels_entry__descriptor, &c->n_labels,
                                 (void ***) &c->labels);
        (void) cri_map_from_json(cri_json_obj(doc, "annotations"),
                                 &runtime__v1__container__annotations_entry__descriptor, &c->n_annotations,
                                 (void ***) &c->annotations);
        return c;
}

static int method_list_containers(CriContext *ctx, const ProtobufCMessage *request, ProtobufCMessage **ret,
                                  CriStatus *st) {
        const Runtime__V1__ListContainersRequest *req = (const void *) request;
        const Runtime__V1__ContainerFilter *f = req->filter;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **ids = NULL;
        Runtime__V1__ListContainersResponse *resp;
        int r;

        r = cri_container_list_ids(ctx->bus, &error, &ids);
        if (r < 0)
                return cri_fail_bus(st, &error, r, "ListContainers");
        resp = malloc(sizeof(*resp));
        if (!resp)
                return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        runtime__v1__list_containers_response__init(resp);
        *ret = &resp->base;
        for (char **id = ids; *id; id++) {
                _cleanup_json_ struct json_object *inspect = NULL, *doc = NULL;

                if (f && !cri_id_matches(*id, f->id))
                        continue;
                r = cri_container_find(ctx->bus, *id, &error, &inspect, &doc);
                if (r == -ENOENT)
                        continue; /* removed meanwhile, or not a CRI container */
                if (r < 0)
                        return fail_lookup(st, &error, r, *id);
                if (container_filtered_out(f, inspect, doc))
                        continue;
                if (cri_repeated_append(&resp->n_containers, &resp->containers,
                                        (ProtobufCMessage *) container_item(inspect, doc)) < 0)
                        return cri_fail(st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        }
        return GRPC_OK;
}

const CriMethod cri_container_methods[] = {
        { "/runtime.v1.RuntimeService/CreateContainer", &runtime__v1__create_container_request__descriptor,
          method_create_container },
        { "/runtime.v1.RuntimeService/StartContainer", &runtime__v1__start_container_request__descriptor,
          method_start_container },
        { "/runtime.v1.RuntimeService/StopContainer", &runtime__v1__stop_container_request__descriptor,
          method_stop_container },
        { "/runtime.v1.RuntimeService/RemoveContainer", &runtime__v1__remove_container_request__descriptor,
          method_remove_container },
        { "/runtime.v1.RuntimeService/ListContainers", &runtime__v1__list_containers_request__descriptor,
          method_list_containers },
        { "/runtime.v1.RuntimeService/ContainerStatus", &runtime__v1__container_status_request__descriptor,
          method_container_status },
        {},
};
