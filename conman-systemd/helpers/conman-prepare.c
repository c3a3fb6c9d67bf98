/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-prepare.c — the first ExecStartPre= of a unit conman-generator wrote:
 * turns the spec the generator left (<generator dir>/conman/<name>.json) into the
 * container's state directory, as `conmanctl create` would have made it, on every
 * start: container.json (marked "generated" with its SourcePath), config.json, and
 * for an image container the image (pulled when the store lacks it, per Pull=),
 * its config merged as docker does (its VOLUMEs become anonymous volumes, filled from the image on first
 * use, as named volumes are), and the overlay root mounted. A pod's member
 * joins the namespaces its pod's pin unit (conman-pod@NAME.service) pinned.
 *
 * conmand need not run: it reads the directory when it starts or when it sees the
 * unit change (docs/generator.md).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "conman-config.h"
#include "shared/container-file.h"
#include "shared/copy-tree.h"
#include "shared/exit-record.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/oci-config.h"
#include "shared/pod-spec.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "shared/volume-store.h"
#include "image/digest.h"
#include "image/idmap.h"
#include "image/overlay.h"
#include "image/pull.h"
#include "image/store.h"
#include "network/network-attach.h"

typedef struct Prepared {
        char *name, *id, *unit, *source_path;
        PullPolicy pull;
        char **entrypoint; /* NULL: the image's */
        bool has_entrypoint;
        ContainerSpec spec;
} Prepared;

static void prepared_done(Prepared *p) {
        free(p->name);
        free(p->id);
        free(p->unit);
        free(p->source_path);
        strv_freep(&p->entrypoint);
        container_spec_done(&p->spec);
}

static int get_str(struct json_object *j, const char *key, char **ret) {
        struct json_object *v;

        if (!json_object_object_get_ex(j, key, &v) || !json_object_is_type(v, json_type_string))
                return -EBADMSG;
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

static int load_spec(const char *path, Prepared *p) {
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_free_ char *pull = NULL;
        struct json_object *ep;
        int r;

        r = json_read_file_at(AT_FDCWD, path, &j);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s (run 'systemctl daemon-reload'?): %m", path);
        r = get_str(j, "name", &p->name);
        if (r >= 0)
                r = get_str(j, "id", &p->id);
        if (r >= 0)
                r = get_str(j, "unit", &p->unit);
        if (r >= 0)
                r = get_str(j, "sourcePath", &p->source_path);
        if (r >= 0)
                r = get_str(j, "pull", &pull);
        if (r >= 0)
                r = container_spec_from_json(json_object_object_get(j, "spec"), &p->spec);
        if (r < 0)
                return log_error_errno(r, "%s is not a spec conman-generator wrote: %m", path);
        p->pull = pull_policy_from_string(pull);
        if (json_object_object_get_ex(j, "entrypoint", &ep) && json_object_is_type(ep, json_type_array)) {
                p->has_entrypoint = true;
                for (size_t i = 0; i < json_object_array_length(ep); i++)
                        if (strv_push(&p->entrypoint,
                                      json_object_get_string(json_object_array_get_idx(ep, i))) < 0)
                                return log_oom();
        }
        return p->pull < 0 ? log_error_errno(-EBADMSG, "%s: unknown pull policy.", path) : 0;
}

static int pull_image(ImageStore *s, const char *ref) {
        _cleanup_free_ char *message = NULL;
        char id[IMAGE_ID_LENGTH + 1];
        RegistryOptions opts = { .tls_verify = true };
        int r;

        log_info("Pulling image %s.", ref);
        r = registry_global_init();
        if (r >= 0)
                r = image_pull(s, ref, &opts, NULL, NULL, id, &message);
        if (r < 0)
                return log_error_errno(r, "Failed to pull image %s: %s", ref, message ?: "%m");
        log_info("Pulled image %s (%.12s).", ref, id);
        return 0;
}

/* docker's rule: Entrypoint (Entrypoint= or the image's) then Exec= (or, without Entrypoint=, the image's
 * Cmd); image environment before the file's; WorkingDir/User from the image unless the file set them. */
static int merge_image_config(Prepared *p, const ImageConfig *cfg) {
        _cleanup_strv_free_ char **cmd = NULL, **env = NULL;
        char **entry = p->has_entrypoint ? p->entrypoint : cfg->entrypoint;
        char **args = p->spec.command ?: p->has_entrypoint ? NULL : cfg->cmd;

        for (char **e = entry; e && *e; e++)
                if (strv_push(&cmd, *e) < 0)
                        return -ENOMEM;
        for (char **a = args; a && *a; a++)
                if (strv_push(&cmd, *a) < 0)
                        return -ENOMEM;
        for (char **e = cfg->env; e && *e; e++)
                if (strv_push(&env, *e) < 0)
                        return -ENOMEM;
        for (char **e = p->spec.env; e && *e; e++)
                if (strv_push(&env, *e) < 0)
                        return -ENOMEM;
        strv_freep(&p->spec.command);
        strv_freep(&p->spec.env);
        p->spec.command = TAKE_PTR(cmd);
        p->spec.env = TAKE_PTR(env);
        if (!p->spec.working_dir && !isempty(cfg->working_dir) &&
            !(p->spec.working_dir = strdup(cfg->working_dir)))
                return -ENOMEM;
        if (!p->spec.user && !isempty(cfg->user) && !(p->spec.user = strdup(cfg->user)))
                return -ENOMEM;
        return 0;
}

static int resolve_image(Prepared *p, ImageStore *s, ResolvedImage **ret) {
        int r;

        if (p->pull == PULL_ALWAYS) {
                r = pull_image(s, p->spec.image);
                if (r < 0)
                        return r;
        }
        r = image_store_resolve(s, p->spec.image, ret);
        if (r == -ENOENT && p->pull == PULL_MISSING) {
                r = pull_image(s, p->spec.image);
                if (r >= 0)
                        r = image_store_resolve(s, p->spec.image, ret);
        }
        if (r == -ENOENT)
                return log_error_errno(r, "Image %s is not in the store, and Pull=never.", p->spec.image);
        if (r < 0)
                return log_error_errno(r, "Failed to resolve image %s: %m", p->spec.image);
        free(p->spec.image_id);
        p->spec.image_id = strdup((*ret)->id);
        if (!p->spec.image_id)
                return log_oom();
        r = (*ret)->config ? merge_image_config(p, (*ret)->config) : 0;
        return r < 0 ? log_oom() : 0;
}

/* UserNS=auto: the range recorded by an earlier start of this container, else the lowest one no
 * container on disk records, picked under the lock conmand takes too (userns.h). The lock stays held
 * (*ret_lock) until container.json records the range. */
static int assign_userns(Prepared *p, int *ret_lock) {
        _cleanup_(userns_pool_done) UsernsPool pool = {};
        _cleanup_close_ int state_fd = -EBADF, containers_fd = -EBADF;
        _cleanup_json_ struct json_object *old = NULL;
        _cleanup_free_ char *path = NULL;
        struct json_object *spec;
        UsernsMode mode;
        UsernsRange range;
        int r;

        if (p->spec.userns != USERNS_AUTO)
                return 0;
        state_fd = open(CONMAN_STATE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (state_fd < 0)
                return log_error_errno(negative_errno(), "Failed to open %s: %m", CONMAN_STATE_DIR);
        /* the runtime reaches the rootfs as the container's root: search permission only */
        if (fchmod(state_fd, 0711) < 0 || fchmodat(state_fd, "containers", 0711, 0) < 0)
                return log_error_errno(negative_errno(), "Failed to make %s searchable: %m",
                                       CONMAN_STATE_DIR);
        *ret_lock = userns_lock(state_fd);
        if (*ret_lock < 0)
                return log_error_errno(*ret_lock, "Failed to lock %s/" USERNS_LOCK_FILE ": %m",
                                       CONMAN_STATE_DIR);
        if (asprintf(&path, "%s/containers/%s/container.json", CONMAN_STATE_DIR, p->id) < 0)
                return log_oom();
        if (json_read_file_at(AT_FDCWD, path, &old) >= 0 && json_object_object_get_ex(old, "spec", &spec) &&
            userns_from_json(json_object_object_get(spec, "userns"), &mode, &range) >= 0 &&
            mode == USERNS_AUTO && range.size > 0) {
                p->spec.userns_range = range;
                return 0;
        }
        r = userns_pool_load(&pool, "/etc/subuid", "/etc/subgid", USERNS_SUBID_USER, USERNS_SIZE_DEFAULT);
        if (r < 0)
                return log_error_errno(r,
                                       "UserNS=auto needs subordinate IDs for the user '" USERNS_SUBID_USER
                                       "': add a line like '" USERNS_SUBID_USER ":2147483648:2147483648' to "
                                       "/etc/subuid and /etc/subgid: %m");
        containers_fd = openat(state_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (containers_fd < 0)
                return log_error_errno(negative_errno(), "Failed to open %s/containers: %m",
                                       CONMAN_STATE_DIR);
        r = userns_pool_reserve_recorded(&pool, containers_fd, p->id);
        if (r >= 0)
                r = userns_pool_allocate(&pool, &p->spec.userns_range);
        if (r == -ENOSPC)
                return log_error_errno(
                        r,
                        "All %u user namespace ranges are in use; remove containers or give '" USERNS_SUBID_USER
                        "' more IDs in /etc/subuid and /etc/subgid.",
                        pool.n_slots);
        return r < 0 ? log_error_errno(r, "Failed to pick a user namespace range: %m") : 0;
}

static int open_container_dir(const Prepared *p, int *ret) {
        _cleanup_free_ char *dir = NULL;
        int fd;

        if (asprintf(&dir, "%s/containers/%s", CONMAN_STATE_DIR, p->id) < 0)
                return log_oom();
        if (mkdir_p(dir, 0700) < 0)
                return log_error_errno(negative_errno(), "Failed to create %s: %m", dir);
        if (p->spec.userns == USERNS_AUTO && chmod(dir, 0711) < 0)
                return log_error_errno(negative_errno(), "Failed to make %s searchable: %m", dir);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(negative_errno(), "Failed to open %s: %m", dir);
        *ret = fd;
        return 0;
}

/* container.json as container_save() writes it, plus "generated" and "sourcePath". */
static int write_container_json(const Prepared *p, int dir_fd) {
        _cleanup_json_ struct json_object *old = NULL, *j = json_object_new_object();
        struct json_object *v;
        uint64_t created = now_realtime_usec();

        if (json_read_file_at(dir_fd, "container.json", &old) >= 0 &&
            json_object_object_get_ex(old, "createdAt", &v))
                created = json_object_get_uint64(v);
        json_object_object_add(j, "id", json_object_new_string(p->id));
        json_object_object_add(j, "name", json_object_new_string(p->name));
        json_object_object_add(j, "createdAt", json_object_new_uint64(created));
        json_object_object_add(j, "startedAt", json_object_new_uint64(now_realtime_usec()));
        json_object_object_add(j, "spec", container_spec_to_json(&p->spec));
        json_object_object_add(j, "generated", json_object_new_boolean(true));
        json_object_object_add(j, "sourcePath", json_object_new_string(p->source_path));
        return json_write_file_atomic_at(dir_fd, "container.json", j);
}

/* A pod's member joins the pod's pinned namespaces (pod-spec.h): its pin unit, which the member's unit is
 * After= and BindsTo=, wrote <state>/pods/<id>/pod.json. The paths borrow the pod's host name from *pod. */
static int pod_paths(const Prepared *p, PodSpec *pod, PodMemberPaths *ret) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&dir, "%s/pods/%s", CONMAN_STATE_DIR, p->spec.pod_id) < 0)
                return log_oom();
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(negative_errno(),
                                       "Pod %s is not set up (%s: %m); conman-pod@%s.service makes it.",
                                       p->spec.pod_name, dir, p->spec.pod_name);
        r = pod_spec_load(fd, pod);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s/" POD_SPEC_FILE ": %m", dir);
        r = pod_member_paths(pod, CONMAN_RUN_DIR, ret);
        return r < 0 ? log_oom() : 0;
}

/* The namespaces and /etc files to join: a pod's, or those conman-netns sets up in the next ExecStartPre=
 * for a container on a bridge. */
static int network_paths(const Prepared *p, PodSpec *pod, PodMemberPaths *ret) {
        if (p->spec.pod_id)
                return pod_paths(p, pod, ret);
        if (p->spec.network == NETWORK_BRIDGE &&
            network_container_paths(CONMAN_RUN_DIR, p->id, &ret->netns_path, &ret->etc_dir) < 0)
                return log_oom();
        return 0;
}

static int write_config_json(const Prepared *p, int dir_fd, const ResolvedImage *img) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ struct json_object *config = NULL;
        _cleanup_(pod_member_paths_done) PodMemberPaths ns = {};
        _cleanup_(pod_spec_done) PodSpec pod;
        _cleanup_free_ char *cgroup = NULL, *root = NULL, *slice = NULL;
        _cleanup_strv_free_ char **roots = NULL;
        int r;

        pod_spec_init(&pod);
        r = network_paths(p, &pod, &ns);
        if (r < 0)
                return r;
        if (container_spec_slice(&p->spec, &slice) < 0 ||
            container_cgroup_path(p->unit, slice, &cgroup) < 0 ||
            (img || p->spec.userns == USERNS_AUTO
                     ? asprintf(&root, "%s/containers/%s/rootfs", CONMAN_STATE_DIR, p->id) < 0
                     : !(root = strdup(p->spec.rootfs))))
                return log_oom();
        for (size_t i = img ? img->n_layers : 0; i > 0; i--)
                if (strv_push(&roots, img->layer_dirs[i - 1]) < 0)
                        return log_oom();
        if (!img && strv_push(&roots, p->spec.rootfs) < 0)
                return log_oom();
        r = oci_config_build(&p->spec, p->id,
                             &(OciPaths){ .root = root,
                                          .user_roots = roots,
                                          .cgroups_path = cgroup,
                                          .netns_path = ns.netns_path,
                                          .network_etc_dir = ns.etc_dir,
                                          .ipc_ns_path = ns.ipc_path,
                                          .uts_ns_path = ns.uts_path,
                                          .pod_hostname = ns.hostname },
                             &config, &error);
        if (r < 0)
                return log_error_errno(r, "Container %s cannot be set up: %s", p->name,
                                       error.message ?: "%m");
        r = json_write_file_atomic_at(dir_fd, "config.json", config);
        return r < 0 ? log_error_errno(r, "Failed to write config.json: %m") : 0;
}

static int mount_rootfs(const Prepared *p, int dir_fd, const ResolvedImage *img) {
        static const char *const dirs[] = { "rootfs", "upper", "work" };
        _cleanup_free_ char *base = NULL, *target = NULL, *upper = NULL, *work = NULL;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                if (mkdirat(dir_fd, dirs[i], 0755) < 0 && errno != EEXIST)
                        return log_error_errno(negative_errno(), "Failed to create %s: %m", dirs[i]);
        if (asprintf(&base, "%s/containers/%s", CONMAN_STATE_DIR, p->id) < 0 ||
            asprintf(&target, "%s/rootfs", base) < 0 || asprintf(&upper, "%s/upper", base) < 0 ||
            asprintf(&work, "%s/work", base) < 0)
                return log_oom();
        (void) rootfs_umount(target); /* left from a run that did not stop cleanly */
        if (!img)
                r = idmap_bind(&p->spec.userns_range, p->spec.rootfs, target);
        else if (p->spec.userns == USERNS_AUTO)
                r = idmap_overlay_mount(&p->spec.userns_range, (const char *const *) img->layer_dirs, upper,
                                        work, target);
        else
                r = overlay_mount((const char *const *) img->layer_dirs, upper, work, target);
        if (r < 0 && p->spec.userns == USERNS_AUTO && (r == -EINVAL || r == -EPERM || r == -EOPNOTSUPP))
                return log_error_errno(
                        r,
                        "Failed to mount the root filesystem of %s with an ID mapping: %m. " IDMAP_REQUIREMENTS,
                        p->name);
        return r < 0 ? log_error_errno(r, "Failed to mount the root filesystem of %s: %m", p->name) : 0;
}

/* Tty=yes: the terminal lives in conmand, as for `conmanctl run -t` (it drains it, logs it, keeps it in
 * its fd store and lets clients attach). conmand listens on <run>/<id>.console before it answers; the
 * unit's `runtime create --console-socket` connects to it next. */
static int prepare_console(const Prepared *p) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_call_method(bus, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                       "PrepareContainerConsole", &error, &reply, "s", p->id);
        if (r < 0)
                return log_error_errno(r,
                                       "Container %s has Tty=yes, and conmand cannot take its terminal: %s",
                                       p->name, error.message ?: strerror(-r));
        return 0;
}

/* The image's VOLUMEs that the file's Volume=, Mount= and Tmpfs= do not cover, and Volume=/path, are
 * anonymous volumes, named after the container and the path: the same volume at every start, as docker's
 * container keeps its anonymous volumes across restarts. */
static int name_anonymous_volumes(Prepared *p, const ResolvedImage *img) {
        int r = img && img->config ? container_spec_add_image_volumes(&p->spec, img->config->volumes) : 0;

        for (size_t i = 0; r >= 0 && i < p->spec.n_volumes; i++) {
                VolumeSpec *v = &p->spec.volumes[i];
                _cleanup_free_ char *seed = NULL;
                char d[DIGEST_STRING_MAX];

                if (!v->anonymous || v->volume_name)
                        continue;
                if (asprintf(&seed, "conman-anonymous-volume:%s:%s", p->id, v->destination) < 0)
                        return log_oom();
                r = digest_buffer(seed, strlen(seed), d);
                if (r >= 0)
                        r = (v->volume_name = strdup(digest_hex(d))) ? 0 : -ENOMEM;
                if (r >= 0)
                        r = volume_data_path(CONMAN_STATE_DIR, v->volume_name, &v->source);
        }
        return r < 0 ? log_error_errno(r, "Failed to name the anonymous volumes of %s: %m", p->name) : 0;
}

/* Volume=NAME:/path, Mount=type=volume and the anonymous volumes: made on first use, as conmand does. */
static int create_volumes(const Prepared *p) {
        _cleanup_close_ int state_fd = open(CONMAN_STATE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (state_fd < 0)
                return log_error_errno(negative_errno(), "Failed to open %s: %m", CONMAN_STATE_DIR);
        for (size_t i = 0; i < p->spec.n_volumes; i++) {
                const VolumeSpec *v = &p->spec.volumes[i];
                int r = v->volume_name ? volume_dir_create(state_fd, v->volume_name, NULL, v->anonymous)
                                       : -EEXIST;
                if (r >= 0)
                        log_info("Created volume %s.", v->volume_name);
                else if (r != -EEXIST)
                        return log_error_errno(r, "Failed to create volume %s: %m", v->volume_name);
        }
        return 0;
}

/* After the root is mounted: an empty volume gets the image's content at its path (docker's copy on first
 * use, as conmand's units do with conman-rootfs copy-up). */
static int copy_up_volumes(const Prepared *p, int dir_fd) {
        _cleanup_close_ int root_fd = openat(dir_fd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (root_fd < 0)
                return log_error_errno(negative_errno(), "Failed to open the root of %s: %m", p->name);
        for (size_t i = 0; i < p->spec.n_volumes; i++) {
                const VolumeSpec *v = &p->spec.volumes[i];
                _cleanup_close_ int data_fd = -EBADF;
                int r;

                if (!v->volume_name)
                        continue;
                data_fd = open(v->source, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                r = data_fd < 0 ? negative_errno() : copy_up_at(root_fd, v->destination, data_fd);
                if (r < 0)
                        return log_error_errno(r, "Failed to copy %s of the image into volume %s: %m",
                                               v->destination, v->volume_name);
                if (r > 0)
                        log_info("Copied %s of the image into volume %s.", v->destination, v->volume_name);
        }
        return 0;
}

static int run(const char *spec_path) {
        _cleanup_(prepared_done) Prepared p = {};
        _cleanup_(image_store_freep) ImageStore *store = NULL;
        _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
        _cleanup_close_ int dir_fd = -EBADF, userns_lock = -EBADF;
        int r;

        container_spec_init(&p.spec);
        r = load_spec(spec_path, &p);
        if (r < 0)
                return r;
        if (mkdir_p(CONMAN_RUN_DIR, 0700) < 0 || mkdir_p(CONMAN_STATE_DIR "/containers", 0700) < 0)
                return log_error_errno(negative_errno(), "Failed to create conman's directories: %m");
        if (p.spec.image) {
                r = image_store_open(CONMAN_STATE_DIR, &store);
                if (r < 0)
                        return log_error_errno(r, "Failed to open the image store: %m");
                r = resolve_image(&p, store, &img);
                if (r < 0)
                        return r;
        }
        r = name_anonymous_volumes(&p, img);
        if (r >= 0)
                r = create_volumes(&p);
        if (r >= 0)
                r = assign_userns(&p, &userns_lock);
        if (r >= 0)
                r = open_container_dir(&p, &dir_fd);
        if (r >= 0)
                r = write_config_json(&p, dir_fd, img);
        if (r >= 0 && (img || p.spec.userns == USERNS_AUTO))
                r = mount_rootfs(&p, dir_fd, img);
        if (r >= 0 && img)
                r = copy_up_volumes(&p, dir_fd);
        if (r < 0)
                return r;
        (void) exit_record_remove(dir_fd);
        r = write_container_json(&p, dir_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to write container.json: %m");
        return p.spec.tty ? prepare_console(&p) : 0;
}

int main(int argc, char *argv[]) {
        log_setup("conman-prepare", LOG_TARGET_AUTO);
        if (argc == 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
                printf("Usage: conman-prepare SPEC.json\n\n"
                       "Creates or refreshes the state directory of a container from a .container file;\n"
                       "run by its unit as ExecStartPre= (conman-generator(8)).\n");
                return EXIT_SUCCESS;
        }
        if (argc != 2) {
                log_error("conman-prepare: expected one argument, the spec conman-generator wrote.");
                return EXIT_FAILURE;
        }
        return run(argv[1]) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
