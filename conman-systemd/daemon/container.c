/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container.c — the container model: identity, on-disk state and lookup.
 * What a container does on systemd (start, stop, kill, rm) is in container-ops.c.
 *
 * On disk: <state>/containers/<id>/container.json (this file's), config.json (the
 * OCI bundle), exit.json (written by systemd's ExecStopPost=). A container directory
 * is built under a temporary name and renamed into place, so it exists whole or not
 * at all.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "shared/bus-errors.h"
#include "shared/container-file-format.h"
#include "shared/exit-record.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/oci-config.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "image/store.h"
#include "daemon/container-health.h"
#include "daemon/container-image.h"
#include "daemon/container-index.h"
#include "daemon/container-network.h"
#include "daemon/container-userns.h"
#include "daemon/container.h"
#include "daemon/pod.h"
#include "daemon/volume.h"
#include "daemon/stdio/container-stdio.h"

static const char *const container_state_table[_CONTAINER_STATE_MAX] = {
        [CONTAINER_CREATED] = "created",       [CONTAINER_STARTING] = "starting",
        [CONTAINER_RUNNING] = "running",       [CONTAINER_STOPPING] = "stopping",
        [CONTAINER_RESTARTING] = "restarting", [CONTAINER_EXITED] = "exited",
};

DEFINE_STRING_TABLE_LOOKUP(container_state, ContainerState);

bool container_state_is_active(ContainerState s) {
        return s == CONTAINER_STARTING || s == CONTAINER_RUNNING || s == CONTAINER_STOPPING ||
               s == CONTAINER_RESTARTING;
}

static Container *container_alloc(Manager *m, const char *id, const char *name) {
        Container *c = calloc(1, sizeof(Container));

        if (!c)
                return NULL;
        c->manager = m;
        c->dir_fd = -EBADF;
        c->exit_code = -1;
        container_spec_init(&c->spec);
        c->id = strdup(id);
        c->name = strdup(name);
        if (!c->id || !c->name || unit_name_from_container_name(name, &c->unit) < 0 ||
            unit_object_path(c->unit, &c->unit_path) < 0 ||
            sd_bus_path_encode("/io/conman1/container", id, &c->object_path) < 0)
                return container_free(c);
        return c;
}

/* Makes c one of the manager's containers: in the list and in the index. */
static int container_link(Manager *m, Container *c) {
        int r;

        r = container_index_add(m, c);
        if (r < 0)
                return r;
        container_userns_hold(c);
        c->next = m->containers;
        if (c->next)
                c->next->prev = c;
        m->containers = c;
        m->n_containers++;
        pod_member_changed(m, c->spec.pod_id);
        return 0;
}

void container_unlink(Container *c) {
        if (!c->manager || !(c->prev || c->next || c->manager->containers == c))
                return;
        if (c->prev)
                c->prev->next = c->next;
        else
                c->manager->containers = c->next;
        if (c->next)
                c->next->prev = c->prev;
        c->prev = c->next = NULL;
        c->manager->n_containers--;
        container_index_remove(c->manager, c);
        container_userns_drop(c);
        pod_member_changed(c->manager, c->spec.pod_id);
}

Container *container_free(Container *c) {
        if (!c)
                return NULL;
        container_unlink(c);
        sd_event_source_disable_unref(c->kill_timer);
        sd_event_source_disable_unref(c->start_wait_timer);
        if (c->start_after_gc)
                (void) sd_bus_reply_method_errorf(c->start_after_gc, CONMAN_ERROR_NO_SUCH_CONTAINER,
                                                  "Container %s was removed.", c->name);
        sd_bus_message_unref(c->start_after_gc);
        if (c->start_request)
                (void) sd_bus_reply_method_errorf(c->start_request, CONMAN_ERROR_RUNTIME_FAILED,
                                                  "Container %s was removed while starting.", c->name);
        sd_bus_message_unref(c->start_request);
        container_health_free(c);
        c->stdio = output_release(c->stdio); /* the fd store keeps its copies for the next conmand */
        for (size_t i = 0; i < c->n_waiters; i++)
                sd_bus_message_unref(c->waiters[i]);
        free(c->waiters);
        safe_close(c->dir_fd);
        container_spec_done(&c->spec);
        free(c->id);
        free(c->name);
        free(c->unit);
        free(c->unit_path);
        free(c->object_path);
        free(c->exit_result);
        free(c->source_path);
        strv_freep(&c->published_ports);
        free(c->news_active);
        free(c->news_sub);
        container_jobs_free(c->news_jobs);
        free(c);
        return NULL;
}

ContainerStdio *container_stdio(Container *c) {
        if (!c->stdio)
                c->stdio = container_stdio_new(&(StdioOwner){
                        .event = c->manager->event,
                        .run_dir = c->manager->run_dir,
                        .id = c->id,
                        .name = c->name,
                        .unit = c->unit,
                        .main_pid = &c->main_pid,
                        .tty = &c->spec.tty,
                        .log_path = &c->spec.log_path,
                });
        return c->stdio;
}

int container_save(Container *c) {
        _cleanup_json_ struct json_object *j = json_object_new_object();

        json_object_object_add(j, "id", json_object_new_string(c->id));
        json_object_object_add(j, "name", json_object_new_string(c->name));
        json_object_object_add(j, "createdAt", json_object_new_uint64(c->created_at));
        json_object_object_add(j, "startedAt", json_object_new_uint64(c->started_at));
        json_object_object_add(j, "spec", container_spec_to_json(&c->spec));
        if (container_is_generated(c)) { /* written by conman-prepare; kept as it is */
                json_object_object_add(j, "generated", json_object_new_boolean(true));
                json_object_object_add(j, "sourcePath", json_object_new_string(c->source_path));
        }
        return json_write_file_atomic_at(c->dir_fd, "container.json", j);
}

static bool name_in_use(Manager *m, const char *name) {
        return manager_get_container_by_name(m, name) != NULL;
}

static int generate_name(Manager *m, char **ret) {
        static const char *const adjectives[] = { "brave", "calm", "eager", "fancy", "gentle", "happy",
                                                  "jolly", "keen", "lucid", "merry", "nimble", "proud" };
        static const char *const nouns[] = { "ant", "bee", "cat",  "dog", "elk", "fox",
                                             "gnu", "hen", "ibis", "jay", "koi", "lynx" };

        for (unsigned attempt = 0; attempt < 1000; attempt++) {
                HexBuf h = random_hex_stack(3);
                _cleanup_free_ char *n = NULL;
                unsigned v = (unsigned) strtoul(h.s, NULL, 16);
                if (asprintf(&n, "%s_%s_%u", adjectives[v % ELEMENTSOF(adjectives)],
                             nouns[(v / 16) % ELEMENTSOF(nouns)], v % 1000) < 0)
                        return -ENOMEM;
                if (!name_in_use(m, n)) {
                        *ret = TAKE_PTR(n);
                        return 0;
                }
        }
        return -EBUSY;
}

/* Where user names are looked up: the rootfs, or the image's layers from the top. */
static int user_roots(Container *c, char ***ret) {
        _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
        _cleanup_strv_free_ char **roots = NULL;
        int r;

        if (!c->spec.image_id)
                return strv_push(ret, c->spec.rootfs);
        r = image_store_resolve(c->manager->image_store, c->spec.image_id, &img);
        if (r < 0)
                return r;
        for (size_t i = img->n_layers; i > 0; i--)
                if (strv_push(&roots, img->layer_dirs[i - 1]) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(roots);
        return 0;
}

/* A member joins its pod's namespaces and /etc files by path (pod_member_paths()). */
static int pod_paths(Container *c, PodMemberPaths *ret, sd_bus_error *error) {
        Pod *p;

        *ret = (PodMemberPaths){};
        if (!c->spec.pod_id)
                return 0;
        p = manager_get_pod_by_id(c->manager, c->spec.pod_id);
        if (!p)
                return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_POD,
                                         "The pod '%s' of container %s does not exist any more.",
                                         strna(c->spec.pod_name), c->name);
        return pod_member_paths(&p->spec, c->manager->run_dir, ret);
}

/* The PID namespace of a container: PidMode host, private, or pod (the pod's pinned one); without a PidMode a
 * member takes the pod's (its pause process's, or the host's for Pid host). */
static void pid_namespace(const ContainerSpec *s, const PodMemberPaths *pod, const char **ret_path,
                          bool *ret_host) {
        const char *mode = s->pid_mode;

        *ret_path = NULL;
        *ret_host = mode ? streq(mode, "host") : pod->pid_host;
        if (!mode || streq(mode, "pod"))
                *ret_path = pod->pid_path;
}

/* Builds config.json for the container. */
int container_build_oci_config(Container *c, struct json_object **ret, sd_bus_error *error) {
        _cleanup_free_ char *cgroup = NULL, *root = NULL, *netns_path = NULL, *etc_dir = NULL, *slice = NULL;
        _cleanup_(pod_member_paths_done) PodMemberPaths pod = {};
        _cleanup_strv_free_ char **roots = NULL;
        const char *pid_path;
        bool pid_host;
        int r;

        r = container_spec_slice(&c->spec, &slice);
        if (r >= 0)
                r = container_cgroup_path(c->unit, slice, &cgroup);
        if (r >= 0)
                r = container_network_paths(c, &netns_path, &etc_dir);
        if (r >= 0)
                r = pod_paths(c, &pod, error);
        if (r >= 0)
                r = container_image_rootfs_path(c, &root);
        if (r >= 0)
                r = user_roots(c, &roots);
        if (r < 0)
                return r;
        /* conmand's mounts are the host's, where the container's runtime runs */
        r = oci_check_volume_propagation(&c->spec, "/proc/self/mountinfo", error);
        if (r < 0)
                return r;
        pid_namespace(&c->spec, &pod, &pid_path, &pid_host);
        return oci_config_build(&c->spec, c->id,
                                &(OciPaths){ .root = root,
                                             .user_roots = roots,
                                             .cgroups_path = cgroup,
                                             .netns_path = pod.netns_path ?: netns_path,
                                             .network_etc_dir = pod.etc_dir ?: etc_dir,
                                             .ipc_ns_path = pod.ipc_path,
                                             .uts_ns_path = pod.uts_path,
                                             .pod_hostname = pod.uts_path ? pod.hostname : NULL,
                                             .pid_ns_path = pid_path,
                                             .pid_host = pid_host,
                                             .ipc_host = pod.ipc_host || (c->spec.ipc_mode &&
                                                                          streq(c->spec.ipc_mode, "host")) },
                                ret, error);
}

/* Writes config.json and container.json into a temporary directory, then renames it into place. */
static int container_write_new_dir(Container *c, sd_bus_error *error) {
        _cleanup_json_ struct json_object *config = NULL;
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int containers_fd = -EBADF;
        int r;

        containers_fd = openat(c->manager->state_dir_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (containers_fd < 0)
                return negative_errno();
        r = container_build_oci_config(c, &config, error);
        if (r < 0)
                return r;

        if (asprintf(&tmp, ".new-%s", c->id) < 0)
                return -ENOMEM;
        /* with a user namespace the runtime reaches the rootfs as the container's root: search only */
        if (mkdirat(containers_fd, tmp, c->spec.userns == USERNS_AUTO ? 0711 : 0700) < 0)
                return negative_errno();
        c->dir_fd = openat(containers_fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (c->dir_fd < 0)
                r = negative_errno();
        if (r >= 0)
                r = json_write_file_atomic_at(c->dir_fd, "config.json", config);
        if (r >= 0)
                r = container_save(c);
        if (r >= 0 && renameat(containers_fd, tmp, containers_fd, c->id) < 0)
                r = negative_errno();
        if (r >= 0 && fsync(containers_fd) < 0)
                r = negative_errno();
        if (r < 0)
                (void) rm_rf_at(containers_fd, tmp);
        return r;
}

int container_create(Manager *m, const char *name, ContainerSpec *spec, Container **ret,
                     sd_bus_error *error) {
        _cleanup_free_ char *generated = NULL;
        _cleanup_close_ int userns_lock = -EBADF; /* held until container.json records the range */
        Container *c;
        int r;

        if (name && !container_name_is_valid(name))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Invalid container name '%s': names must match %s.", name,
                                         CONTAINER_NAME_RULE);
        if (name && name_in_use(m, name))
                return sd_bus_error_setf(error, CONMAN_ERROR_NAME_IN_USE,
                                         "The name '%s' is already in use by another container; remove it or "
                                         "choose another name.",
                                         name);
        r = container_image_apply(m, spec, error);
        if (r >= 0)
                r = container_volumes_resolve(m, spec);
        if (r < 0)
                return r;
        r = container_spec_validate(spec, error);
        if (r >= 0)
                r = container_network_check(m, spec, error);
        if (r >= 0)
                r = container_userns_assign(m, spec, &userns_lock, error);
        if (r >= 0)
                r = container_volumes_create(m, spec);
        if (r < 0)
                return r;
        if (!name) {
                r = generate_name(m, &generated);
                if (r < 0)
                        return r;
                name = generated;
        }

        c = container_alloc(m, random_hex_stack(32).s, name);
        if (!c)
                return -ENOMEM;
        c->spec = *spec;
        container_spec_init(spec); /* ownership moved */
        c->created_at = now_realtime_usec();
        c->state = CONTAINER_CREATED;

        /* linked first: container_free() unlinks it again if writing fails */
        r = container_link(m, c);
        if (r >= 0)
                r = container_write_new_dir(c, error);
        if (r < 0) {
                container_free(c);
                if (r == -ENOSPC || r == -EDQUOT)
                        return sd_bus_error_setf(
                                error, CONMAN_ERROR_NO_SPACE,
                                "No space left in the state directory %s; free some and retry.",
                                m->state_dir);
                return r;
        }
        *ret = c;
        return 0;
}

/* A crash between writing a temporary file and renaming it leaves ".#name.XXXX" behind (fileio.c). */
static void remove_stale_temp_files(int dir_fd) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;

        if (opendir_at(dir_fd, ".", &d) < 0)
                return;
        while ((de = readdir(d)))
                if (string_has_prefix(de->d_name, ".#"))
                        (void) unlinkat(dir_fd, de->d_name, 0);
}

int container_load(Manager *m, const char *id, Container **ret) {
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_close_ int dfd = -EBADF;
        struct json_object *v;
        _cleanup_(exit_record_done) ExitRecord e = { .exit_code = -1 };
        Container *c;
        const char *name;
        int r;

        dfd = openat(m->state_dir_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                int sub = openat(dfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                safe_close(dfd);
                dfd = sub;
        }
        if (dfd < 0)
                return negative_errno();
        remove_stale_temp_files(dfd);
        r = json_read_file_at(dfd, "container.json", &j);
        if (r < 0)
                return r;
        if (!json_object_object_get_ex(j, "name", &v) || !(name = json_object_get_string(v)) ||
            !container_name_is_valid(name) || name_in_use(m, name))
                return -EBADMSG;

        c = container_alloc(m, id, name);
        if (!c)
                return -ENOMEM;
        c->dir_fd = TAKE_FD(dfd);
        c->created_at = json_object_object_get_ex(j, "createdAt", &v) ? json_object_get_uint64(v) : 0;
        c->started_at = json_object_object_get_ex(j, "startedAt", &v) ? json_object_get_uint64(v) : 0;
        r = container_spec_from_json(json_object_object_get(j, "spec"), &c->spec);
        if (r >= 0 && json_object_object_get_ex(j, "generated", &v) && json_object_get_boolean(v) &&
            json_object_object_get_ex(j, "sourcePath", &v) &&
            !(c->source_path = strdup(json_object_get_string(v))))
                r = -ENOMEM;
        if (r < 0) {
                container_free(c);
                return r;
        }
        c->state = c->started_at > 0 ? CONTAINER_EXITED : CONTAINER_CREATED;
        if (exit_record_read(c->dir_fd, &e) >= 0) {
                c->exit_code = e.exit_code;
                c->oom_killed = e.oom_killed;
                c->finished_at = e.finished_at;
                c->exit_result = TAKE_PTR(e.result);
        }
        if (container_health_load(c) < 0)
                log_warning("Cannot read the health of container %s; it starts afresh.", c->name);
        r = container_link(m, c);
        if (r < 0) {
                container_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

int container_reload_generated(Container *c) {
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_(container_spec_done) ContainerSpec spec = {};
        struct json_object *v;
        int r;

        if (!c->source_path || c->dir_fd < 0)
                return 0;
        r = json_read_file_at(c->dir_fd, "container.json", &j);
        if (r < 0)
                return r;
        container_spec_init(&spec);
        r = container_spec_from_json(json_object_object_get(j, "spec"), &spec);
        if (r < 0)
                return r;
        container_userns_drop(c); /* the file may now ask for another range (or none) */
        container_spec_done(&c->spec);
        c->spec = spec;
        spec = (ContainerSpec){};
        container_userns_hold(c);
        if (json_object_object_get_ex(j, "startedAt", &v))
                c->started_at = json_object_get_uint64(v);
        return 0;
}

Container *container_by_id(Manager *m, const char *id) {
        return manager_get_container_by_id(m, id);
}

Container *container_by_unit_path(Manager *m, const char *unit_path) {
        return manager_get_container_by_unit_path(m, unit_path);
}

int container_find(Manager *m, const char *ref, Container **ret, sd_bus_error *error) {
        Container *found = NULL;
        size_t n;

        if (isempty(ref) || strlen(ref) > 256 || !utf8_is_valid(ref))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "A container is named by its name, its id or a unique id prefix.");
        found = manager_get_container_by_name(m, ref) ?: manager_get_container_by_id(m, ref);
        if (found) {
                *ret = found;
                return 0;
        }
        /* a unique id prefix: the one lookup that stays a walk over the list */
        n = strlen(ref);
        if (container_id_prefix_is_valid(ref))
                for (Container *c = m->containers; c; c = c->next)
                        if (strneq(c->id, ref, n)) {
                                if (found)
                                        return sd_bus_error_setf(
                                                error, CONMAN_ERROR_AMBIGUOUS,
                                                "The id prefix '%s' matches several containers; "
                                                "give more characters.",
                                                ref);
                                found = c;
                        }
        if (!found)
                return sd_bus_error_setf(error, CONMAN_ERROR_NO_SUCH_CONTAINER,
                                         "No such container: '%s'. 'conmanctl ps -a' lists them.", ref);
        *ret = found;
        return 0;
}

int container_to_container_file(Container *c, char **ret, sd_bus_error *error) {
        ContainerSpec spec = c->spec; /* shallow: only read */

        /* the runtime it runs with, also when that is conmand's default (conmand --runtime) */
        spec.runtime = c->spec.runtime ?: c->manager->default_runtime;
        return container_file_format(c->name, &spec, ret, error);
}
