/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * generator-unit.c — see generator-unit.h.
 *
 * The unit is unit_properties_build() (the transient unit's shape) written out with
 * unit_property_format(), plus what only a boot-time unit needs: SourcePath=, the
 * conman-prepare ExecStartPre= that builds the container's state directory, journal
 * fields for its output, a start timeout that leaves room for a pull, and the
 * user's [Unit]/[Service]/[Install] lines last, so they win.
 */
#include "generator-unit.h"
#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "image/digest.h"
#include "network/network-attach.h"

#define PULL_START_TIMEOUT "15min"

void generated_unit_done(GeneratedUnit *g) {
        free(g->unit_name);
        free(g->unit_text);
        free(g->spec_name);
        free(g->spec_text);
        *g = (GeneratedUnit){};
}

static int generated_id(const char *prefix, const char *name, char **ret) {
        _cleanup_free_ char *seed = NULL;
        char d[DIGEST_STRING_MAX];
        int r;

        if (asprintf(&seed, "%s:%s", prefix, name) < 0)
                return -ENOMEM;
        r = digest_buffer(seed, strlen(seed), d);
        if (r < 0)
                return r;
        *ret = strdup(digest_hex(d));
        return *ret ? 0 : -ENOMEM;
}

int generated_container_id(const char *name, char **ret) {
        return generated_id("conman-generator", name, ret);
}

int generated_pod_id(const char *name, char **ret) {
        return generated_id("conman-generator-pod", name, ret);
}

/* container_spec_validate() as conmand runs it at create; an image's command and layers come at start, and
 * the names of anonymous volumes (conman-prepare gives them). */
static int validate(const ContainerFile *f) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char *placeholder[] = { "image-command", NULL };
        ContainerSpec v = f->spec; /* shallow: never freed */
        _cleanup_free_ VolumeSpec *volumes = NULL;
        int r;

        if (v.n_volumes > 0) {
                volumes = malloc(sizeof(VolumeSpec) * v.n_volumes);
                if (!volumes)
                        return log_oom();
                memcpy(volumes, v.volumes, sizeof(VolumeSpec) * v.n_volumes);
                for (size_t i = 0; i < v.n_volumes; i++)
                        if (volumes[i].anonymous && !volumes[i].source)
                                volumes[i].volume_name = "anonymous",
                                volumes[i].source = CONMAN_STATE_DIR "/volumes/anonymous/_data";
                v.volumes = volumes;
        }
        if (v.image) {
                v.image_id = "image";
                if (!v.command)
                        v.command = placeholder;
        } else if (f->entrypoint && !v.command)
                v.command = f->entrypoint;
        r = container_spec_validate(&v, &error);
        if (r < 0) {
                log_error("%s: %s", f->path, error.message ?: "invalid container");
                return -EINVAL;
        }
        return 0;
}

static bool wants_network(const ContainerFile *f) {
        return f->spec.network == NETWORK_HOST || (f->spec.image && f->pull != PULL_NEVER);
}

/* conman-netns setup/teardown, as conmand's transient units have them. */
static int network_hooks(const ContainerFile *f, const char *id, UnitHooks *h) {
        if (f->spec.network != NETWORK_BRIDGE)
                return 0;
        return network_add_unit_hooks(CONMAN_STATE_DIR, CONMAN_RUN_DIR,
                                      &(NetworkAttachRequest){ .container_id = id,
                                                               .network = f->spec.network_name,
                                                               .name = f->name,
                                                               .hostname = f->spec.hostname,
                                                               .ports = f->spec.ports,
                                                               .options = &f->spec.net },
                                      h);
}

static int build_hooks(const ContainerFile *f, const char *id, const char *spec_path, UnitHooks *h) {
        char *prepare[] = { CONMAN_LIBEXECDIR "/conman-prepare", (char *) spec_path, NULL };
        char *umount[] = { CONMAN_LIBEXECDIR "/conman-rootfs", "umount", NULL, NULL };
        _cleanup_free_ char *rootfs = NULL;
        int r;

        r = unit_hooks_add(h, false, false, prepare);
        if (r >= 0 && (f->spec.image || f->spec.userns == USERNS_AUTO)) { /* overlay or idmapped bind */
                if (asprintf(&rootfs, "%s/containers/%s/rootfs", CONMAN_STATE_DIR, id) < 0)
                        return -ENOMEM;
                umount[2] = rootfs;
                r = unit_hooks_add(h, true, true, umount);
        }
        if (r >= 0)
                r = network_hooks(f, id, h);
        if (r >= 0) /* a pod's member: conman-podns join */
                r = unit_add_pod_member_hooks(CONMAN_STATE_DIR, CONMAN_RUN_DIR, &f->spec, f->name, h);
        if (r >= 0 && wants_network(f))
                r = strv_push(&h->after, "network-online.target");
        if (r >= 0 && f->spec.tty) /* the terminal lives in conmand (conman-prepare asks it to listen) */
                r = strv_push(&h->after, "conmand.service");
        return r;
}

int generated_property_lines(const UnitPropertyList *l, char ***unit_lines, char ***other_lines) {
        int r = 0;

        for (size_t i = 0; r >= 0 && i < l->n; i++) {
                _cleanup_strv_free_ char **lines = NULL;
                const char *section;
                r = unit_property_format(&l->items[i], &section, &lines);
                for (char **s = lines; r >= 0 && s && *s; s++)
                        r = strv_push(streq(section, "Unit") ? unit_lines : other_lines, *s);
        }
        return r;
}

/* The transient unit's properties for this container, sorted into [Unit] and [Service] lines. */
static int property_lines(const UnitParams *p, char ***unit_lines, char ***service_lines) {
        _cleanup_(unit_property_list_done) UnitPropertyList l = {};
        int r;

        r = unit_properties_build(p, &l);
        return r < 0 ? r : generated_property_lines(&l, unit_lines, service_lines);
}

static int journal_lines(const ContainerFile *f, const char *id, char ***lines) {
        _cleanup_free_ char *ident = NULL, *name = NULL, *sid = NULL, *full = NULL, *esc = NULL;

        esc = unit_value_escape(f->name, false);
        if (!esc || asprintf(&ident, "SyslogIdentifier=%s", esc) < 0 ||
            asprintf(&name, "LogExtraFields=CONTAINER_NAME=%s", esc) < 0 ||
            asprintf(&sid, "LogExtraFields=CONTAINER_ID=%.12s", id) < 0 ||
            asprintf(&full, "LogExtraFields=CONTAINER_ID_FULL=%s", id) < 0)
                return -ENOMEM;
        if (strv_push(lines, ident) < 0 || strv_push(lines, name) < 0 || strv_push(lines, sid) < 0 ||
            strv_push(lines, full) < 0)
                return -ENOMEM;
        if (f->spec.image && f->pull != PULL_NEVER)
                return strv_push(lines, "TimeoutStartSec=" PULL_START_TIMEOUT);
        return 0;
}

void generated_write_section(FILE *out, const char *name, char **generated, char **user) {
        if (strv_length(generated) == 0 && strv_length(user) == 0)
                return;
        fprintf(out, "\n[%s]\n", name);
        for (char **l = generated; l && *l; l++)
                fprintf(out, "%s\n", *l);
        for (char **l = user; l && *l; l++)
                fprintf(out, "%s\n", *l);
}

static int format_unit(const ContainerFile *f, const UnitParams *p, char **ret) {
        _cleanup_strv_free_ char **unit = NULL, **service = NULL;
        _cleanup_free_ char *source = NULL, *source_line = NULL, *text = NULL;
        size_t size = 0;
        FILE *out;
        int r;

        source = unit_value_escape(f->path, false);
        if (!source || asprintf(&source_line, "SourcePath=%s", source) < 0 ||
            strv_push(&unit, source_line) < 0)
                return -ENOMEM;
        r = property_lines(p, &unit, &service);
        if (r >= 0)
                r = journal_lines(f, p->container_id, &service);
        if (r < 0)
                return r;

        out = open_memstream(&text, &size);
        if (!out)
                return -ENOMEM;
        fprintf(out,
                "# Automatically generated by conman-generator from %s\n"
                "# Edit that file (or a drop-in) and run 'systemctl daemon-reload'; changes here are lost.\n",
                f->path);
        generated_write_section(out, "Unit", unit, f->unit_lines);
        generated_write_section(out, "Service", service, f->service_lines);
        generated_write_section(out, "Install", NULL, f->install_lines);
        if (fclose(out) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(text);
        return 0;
}

static int format_spec(const ContainerFile *f, const char *id, const char *unit_name, char **ret) {
        _cleanup_json_ struct json_object *j = json_object_new_object(), *ep = NULL;

        if (!j)
                return -ENOMEM;
        json_object_object_add(j, "name", json_object_new_string(f->name));
        json_object_object_add(j, "id", json_object_new_string(id));
        json_object_object_add(j, "unit", json_object_new_string(unit_name));
        json_object_object_add(j, "sourcePath", json_object_new_string(f->path));
        json_object_object_add(j, "pull", json_object_new_string(pull_policy_to_string(f->pull)));
        if (f->entrypoint) {
                ep = json_object_new_array();
                for (char **e = f->entrypoint; *e; e++)
                        json_object_array_add(ep, json_object_new_string(*e));
                json_object_object_add(j, "entrypoint", TAKE_PTR(ep));
        }
        json_object_object_add(j, "spec", container_spec_to_json(&f->spec));
        *ret = strdup(
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        return *ret ? 0 : -ENOMEM;
}

int generated_unit_build(const ContainerFile *f, const char *output_dir, GeneratedUnit *ret) {
        _cleanup_free_ char *id = NULL, *runtime = NULL, *runtime_root = NULL, *bundle = NULL,
                            *pid_file = NULL, *spec_path = NULL, *console_socket = NULL;
        _cleanup_(unit_hooks_done) UnitHooks hooks = {};
        _cleanup_(generated_unit_done) GeneratedUnit g = {};
        const char *rt = f->spec.runtime ?: CONMAN_DEFAULT_RUNTIME;
        int r;

        r = validate(f);
        if (r < 0)
                return r;
        if (runtime_find_binary(rt, &runtime) < 0) {
                log_error("%s: the OCI runtime '%s' is not installed; install it or set Runtime=.", f->path,
                          rt);
                return -ENOENT;
        }
        r = generated_container_id(f->name, &id);
        if (r < 0)
                return r;
        if (unit_name_from_container_name(f->name, &g.unit_name) < 0 ||
            asprintf(&g.spec_name, "%s.json", f->name) < 0 ||
            asprintf(&spec_path, "%s/" GENERATOR_SPEC_SUBDIR "/%s", output_dir, g.spec_name) < 0 ||
            asprintf(&runtime_root, "%s/%s", CONMAN_RUN_DIR, rt) < 0 ||
            asprintf(&bundle, "%s/containers/%s", CONMAN_STATE_DIR, id) < 0 ||
            asprintf(&pid_file, "%s/%s.pid", CONMAN_RUN_DIR, id) < 0 ||
            (f->spec.tty && asprintf(&console_socket, "%s/%s.console", CONMAN_RUN_DIR, id) < 0))
                return -ENOMEM;
        r = build_hooks(f, id, spec_path, &hooks);
        if (r < 0)
                return r;

        UnitParams p = {
                .unit_name = g.unit_name,
                .container_id = id,
                .container_name = f->name,
                .runtime_path = runtime,
                .runtime_root = runtime_root,
                .bundle = bundle,
                .pid_file = pid_file,
                .state_dir = CONMAN_STATE_DIR,
                .console_socket = console_socket,
                .stdin_fd = -EBADF,
                .stdout_fd = -EBADF,
                .stderr_fd = -EBADF,
                .spec = &f->spec,
                .hooks = &hooks,
        };
        r = format_unit(f, &p, &g.unit_text);
        if (r >= 0)
                r = format_spec(f, id, g.unit_name, &g.spec_text);
        if (r < 0)
                return r;
        *ret = g;
        g = (GeneratedUnit){};
        return 0;
}
