/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * security-spec.c — see security-spec.h.
 */
#include <sys/stat.h>

#include "shared/bus-errors.h"
#include "shared/capabilities.h"
#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/names.h"
#include "shared/seccomp.h"
#include "shared/security-spec.h"
#include "shared/util.h"

#define invalid(error, ...) sd_bus_error_setf((error), CONMAN_ERROR_INVALID_ARGUMENT, __VA_ARGS__)

void security_spec_done(SecuritySpec *s) {
        strv_freep(&s->cap_add);
        strv_freep(&s->cap_drop);
        strv_freep(&s->devices);
        free(s->seccomp_profile);
        free(s->apparmor_profile);
        strv_freep(&s->sysctls);
        strv_freep(&s->group_add);
        strv_freep(&s->masked_paths);
        strv_freep(&s->readonly_paths);
        *s = (SecuritySpec){};
}

int security_spec_add_capability(char ***list, const char *name) {
        char *n;
        int r;

        if (strv_length(*list) >= SECURITY_LIST_MAX)
                return -E2BIG;
        r = capability_normalize(name, &n);
        if (r < 0)
                return r;
        if (strv_contains(*list, n)) {
                free(n);
                return 0;
        }
        return strv_push_take(list, n);
}

static bool permissions_ok(const char *p) {
        return !isempty(p) && strlen(p) <= 3 && strspn(p, "rwm") == strlen(p);
}

int device_spec_parse(const char *v, DeviceSpec *ret) {
        _cleanup_free_ char *copy = strdup(v ?: "");
        char *host, *cont, *perms;

        if (!copy)
                return -ENOMEM;
        host = copy;
        cont = strchr(host, ':');
        if (cont)
                *cont++ = 0;
        perms = cont ? strchr(cont, ':') : NULL;
        if (perms)
                *perms++ = 0;
        /* docker: HOST:PERMS is also accepted when the second part is only permissions */
        if (cont && !perms && permissions_ok(cont) && cont[0] != '/') {
                perms = cont;
                cont = NULL;
        }
        if (host[0] != '/' || (cont && !isempty(cont) && cont[0] != '/') || (perms && !permissions_ok(perms)))
                return -EINVAL;
        *ret = (DeviceSpec){
                .host = strdup(host),
                .container = strdup(isempty(cont) ? host : cont),
                .permissions = strdup(perms ?: "rwm"),
        };
        if (!ret->host || !ret->container || !ret->permissions) {
                device_spec_done(ret);
                return -ENOMEM;
        }
        return 0;
}

void device_spec_done(DeviceSpec *d) {
        free(d->host);
        free(d->container);
        free(d->permissions);
        *d = (DeviceSpec){};
}

int security_spec_add_device(SecuritySpec *s, const char *v) {
        _cleanup_(device_spec_done) DeviceSpec d = {};
        char *canonical;
        int r;

        if (strv_length(s->devices) >= SECURITY_LIST_MAX)
                return -E2BIG;
        r = device_spec_parse(v, &d);
        if (r < 0)
                return r;
        if (asprintf(&canonical, "%s:%s:%s", d.host, d.container, d.permissions) < 0)
                return -ENOMEM;
        return strv_push_take(&s->devices, canonical);
}

int security_spec_add_security_opt(SecuritySpec *s, const char *v) {
        const char *eq = strchr(v, '='), *val = eq ? eq + 1 : NULL;
        size_t klen = eq ? (size_t) (eq - v) : strlen(v);

        /* docker also accepts "key:value" (the old spelling) */
        if (!eq && (eq = strchr(v, ':'))) {
                klen = (size_t) (eq - v);
                val = eq + 1;
        }
        if (klen == 7 && strneq(v, "seccomp", 7) && !isempty(val)) {
                if (!streq(val, "unconfined") && val[0] != '/')
                        return -EINVAL;
                return free_and_strdup(&s->seccomp_profile, val);
        }
        if (klen == 17 && strneq(v, "no-new-privileges", 17)) {
                if (val && !streq(val, "true") && !streq(val, "false"))
                        return -EINVAL;
                s->no_new_privileges = !val || streq(val, "true");
                return 0;
        }
        if (klen == 8 && strneq(v, "apparmor", 8) && !isempty(val)) {
                if (strlen(val) > 255 || strpbrk(val, " \t\n/"))
                        return -EINVAL;
                return free_and_strdup(&s->apparmor_profile, val);
        }
        return -EINVAL;
}

int security_spec_add_sysctl(SecuritySpec *s, const char *v) {
        const char *eq = strchr(v, '=');

        if (!eq || eq == v || strlen(v) > 4096 || strv_length(s->sysctls) >= SECURITY_LIST_MAX)
                return -EINVAL;
        return strv_push(&s->sysctls, v);
}

int security_spec_add_group(SecuritySpec *s, const char *v) {
        if (isempty(v) || strlen(v) > 256 || strpbrk(v, ":/ \t\n") ||
            strv_length(s->group_add) >= SECURITY_LIST_MAX)
                return -EINVAL;
        return strv_push(&s->group_add, v);
}

bool sysctl_is_namespaced(const char *key, bool host_network) {
        static const char *const ipc[] = {
                "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
        };

        for (size_t i = 0; i < ELEMENTSOF(ipc); i++)
                if (streq(key, ipc[i]))
                        return true;
        if (string_has_prefix(key, "fs.mqueue."))
                return true;
        return string_has_prefix(key, "net.") && !host_network;
}

static int validate_device(const char *canonical, sd_bus_error *error) {
        _cleanup_(device_spec_done) DeviceSpec d = {};
        struct stat st;

        if (device_spec_parse(canonical, &d) < 0)
                return invalid(error,
                               "Device '%s' must be HOST[:CONTAINER[:PERMS]] with absolute paths and PERMS "
                               "of r, w, m.",
                               canonical);
        if (stat(d.host, &st) < 0)
                return invalid(error, "Device %s does not exist on the host.", d.host);
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
                return invalid(error,
                               "%s is not a character or block device node; --device takes device nodes "
                               "(use --volume for files and directories).",
                               d.host);
        if (!container_path_is_valid(d.container) || !string_has_prefix(d.container, "/dev/"))
                return invalid(error,
                               "Device path '%s' in the container must be an absolute path under /dev "
                               "without '.' or '..'.",
                               d.container);
        return 0;
}

static int validate_apparmor(const char *profile, sd_bus_error *error) {
        _cleanup_free_ char *buf = NULL;

        if (!profile || streq(profile, "unconfined"))
                return 0;
        if (read_file("/sys/module/apparmor/parameters/enabled", 64, &buf, NULL) < 0 || buf[0] != 'Y')
                return invalid(error,
                               "AppArmor is not enabled on this host (/sys/module/apparmor/parameters/"
                               "enabled is not Y), so profile '%s' cannot be applied. Leave out "
                               "--security-opt apparmor=.",
                               profile);
        return 0;
}

static int validate_lists(const SecuritySpec *s, bool host_network, sd_bus_error *error) {
        for (char **c = s->cap_add; c && *c; c++)
                if (!streq(*c, "ALL") && capability_from_name(*c) < 0)
                        return invalid(error, "Unknown capability '%s'.", *c);
        for (char **c = s->cap_drop; c && *c; c++)
                if (!streq(*c, "ALL") && capability_from_name(*c) < 0)
                        return invalid(error, "Unknown capability '%s'.", *c);
        for (char **l = s->sysctls; l && *l; l++) {
                _cleanup_free_ char *k = strndup(*l, strcspn(*l, "="));
                if (!k)
                        return -ENOMEM;
                if (!strchr(*l, '=') || !utf8_is_valid(*l))
                        return invalid(error, "Sysctl '%.64s' must be key=value.", *l);
                if (!sysctl_is_namespaced(k, host_network))
                        return invalid(error,
                                       "Sysctl '%s' is not namespaced (or is net.* with --network host): "
                                       "it would change the host. Allowed: kernel.msg*, kernel.sem, "
                                       "kernel.shm*, fs.mqueue.*, net.* with a private network.",
                                       k);
        }
        for (char **g = s->group_add; g && *g; g++)
                if (strpbrk(*g, ":/ \t\n") || !utf8_is_valid(*g))
                        return invalid(error, "Group '%.64s' must be a group name or number.", *g);
        return 0;
}

int security_spec_validate(const SecuritySpec *s, bool host_network, sd_bus_error *error) {
        int r;

        if (strv_length(s->cap_add) > SECURITY_LIST_MAX || strv_length(s->cap_drop) > SECURITY_LIST_MAX ||
            strv_length(s->devices) > SECURITY_LIST_MAX || strv_length(s->sysctls) > SECURITY_LIST_MAX ||
            strv_length(s->group_add) > SECURITY_LIST_MAX)
                return invalid(error, "Too many capabilities, devices, sysctls or groups (at most %d each).",
                               SECURITY_LIST_MAX);
        if (strv_length(s->masked_paths) > SECURITY_LIST_MAX ||
            strv_length(s->readonly_paths) > SECURITY_LIST_MAX)
                return invalid(error, "Too many masked or read-only paths (at most %d each).",
                               SECURITY_LIST_MAX);
        for (char **p = s->masked_paths; p && *p; p++)
                if (!container_path_is_valid(*p) || streq(*p, "/"))
                        return invalid(error, "Masked path '%.128s' must be an absolute container path.", *p);
        for (char **p = s->readonly_paths; p && *p; p++)
                if (!container_path_is_valid(*p) || streq(*p, "/"))
                        return invalid(error, "Read-only path '%.128s' must be an absolute container path.",
                                       *p);
        if (s->has_oom_score_adj && (s->oom_score_adj < -1000 || s->oom_score_adj > 1000))
                return invalid(error, "OomScoreAdj %i is not between -1000 and 1000.", s->oom_score_adj);
        r = validate_lists(s, host_network, error);
        for (char **d = s->devices; r >= 0 && d && *d; d++)
                r = validate_device(*d, error);
        if (r >= 0 && s->seccomp_profile && !streq(s->seccomp_profile, "unconfined")) {
                _cleanup_json_ struct json_object *p = NULL;
                if (s->seccomp_profile[0] != '/')
                        return invalid(error, "Seccomp profile '%s' must be an absolute path or unconfined.",
                                       s->seccomp_profile);
                r = seccomp_profile_load(s->seccomp_profile, &p, error);
        }
        if (r >= 0)
                r = validate_apparmor(s->apparmor_profile, error);
        return r;
}

struct json_object *security_spec_to_json(const SecuritySpec *s) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "privileged", json_object_new_boolean(s->privileged));
        json_object_object_add(o, "noNewPrivileges", json_object_new_boolean(s->no_new_privileges));
        json_object_object_add(o, "capAdd", json_strv_new(s->cap_add));
        json_object_object_add(o, "capDrop", json_strv_new(s->cap_drop));
        json_object_object_add(o, "devices", json_strv_new(s->devices));
        if (s->seccomp_profile)
                json_object_object_add(o, "seccompProfile", json_object_new_string(s->seccomp_profile));
        if (s->apparmor_profile)
                json_object_object_add(o, "apparmorProfile", json_object_new_string(s->apparmor_profile));
        json_object_object_add(o, "sysctls", json_strv_new(s->sysctls));
        json_object_object_add(o, "groupAdd", json_strv_new(s->group_add));
        if (s->has_masked_paths)
                json_object_object_add(o, "maskedPaths", json_strv_new(s->masked_paths));
        if (s->has_readonly_paths)
                json_object_object_add(o, "readonlyPaths", json_strv_new(s->readonly_paths));
        if (s->has_oom_score_adj)
                json_object_object_add(o, "oomScoreAdj", json_object_new_int(s->oom_score_adj));
        return o;
}

static int strv_from(struct json_object *o, const char *key, char ***ret) {
        struct json_object *a = json_object_object_get(o, key);

        if (a && !json_object_is_type(a, json_type_array))
                return -EBADMSG;
        for (size_t i = 0; a && i < json_object_array_length(a); i++) {
                struct json_object *e = json_object_array_get_idx(a, i);
                if (!json_object_is_type(e, json_type_string))
                        return -EBADMSG;
                if (strv_push(ret, json_object_get_string(e)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int string_from(struct json_object *o, const char *key, char **ret) {
        struct json_object *v = json_object_object_get(o, key);
        if (!v)
                return 0;
        if (!json_object_is_type(v, json_type_string))
                return -EBADMSG;
        return free_and_strdup(ret, json_object_get_string(v));
}

int security_spec_from_json(struct json_object *o, SecuritySpec *s) {
        int r;

        if (!o)
                return 0; /* written before these existed: the defaults */
        if (!json_object_is_type(o, json_type_object))
                return -EBADMSG;
        s->privileged = json_object_get_boolean(json_object_object_get(o, "privileged"));
        s->no_new_privileges = json_object_get_boolean(json_object_object_get(o, "noNewPrivileges"));
        r = strv_from(o, "capAdd", &s->cap_add);
        if (r >= 0)
                r = strv_from(o, "capDrop", &s->cap_drop);
        if (r >= 0)
                r = strv_from(o, "devices", &s->devices);
        if (r >= 0)
                r = string_from(o, "seccompProfile", &s->seccomp_profile);
        if (r >= 0)
                r = string_from(o, "apparmorProfile", &s->apparmor_profile);
        if (r >= 0)
                r = strv_from(o, "sysctls", &s->sysctls);
        if (r >= 0)
                r = strv_from(o, "groupAdd", &s->group_add);
        s->has_masked_paths = json_object_object_get(o, "maskedPaths") != NULL;
        s->has_readonly_paths = json_object_object_get(o, "readonlyPaths") != NULL;
        if (r >= 0)
                r = strv_from(o, "maskedPaths", &s->masked_paths);
        if (r >= 0)
                r = strv_from(o, "readonlyPaths", &s->readonly_paths);
        s->has_oom_score_adj = json_object_object_get(o, "oomScoreAdj") != NULL;
        s->oom_score_adj = json_object_get_int(json_object_object_get(o, "oomScoreAdj"));
        return r;
}
