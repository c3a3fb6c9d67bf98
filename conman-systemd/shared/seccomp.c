/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seccomp.c — see seccomp.h.
 */
#include <sys/utsname.h>

#include "shared/bus-errors.h"
#include "shared/capabilities.h"
#include "shared/fileio.h"
#include "shared/seccomp.h"
#include "shared/util.h"

static const struct {
        const char *machine; /* uname -m */
        const char *goarch;  /* the name docker profiles use in "arches" */
        const char *scmp;    /* the name in "archMap" */
        const char *profile;
} machines[] = {
        { "x86_64", "amd64", "SCMP_ARCH_X86_64", seccomp_profile_x86_64 },
        { "aarch64", "arm64", "SCMP_ARCH_AARCH64", seccomp_profile_aarch64 },
};

static const char *const actions[] = {
        "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
        "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
        "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY",
};

static int machine_index(const char *machine) {
        for (size_t i = 0; i < ELEMENTSOF(machines); i++)
                if (streq(machines[i].machine, machine))
                        return (int) i;
        return -EOPNOTSUPP;
}

int seccomp_default_profile(const char *machine, struct json_object **ret) {
        int i = machine_index(machine);
        if (i < 0)
                return i;
        *ret = json_tokener_parse(machines[i].profile);
        return *ret ? 0 : -ENOMEM;
}

static bool action_is_valid(struct json_object *a) {
        if (!json_object_is_type(a, json_type_string))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(actions); i++)
                if (streq(actions[i], json_object_get_string(a)))
                        return true;
        return false;
}

static bool strings_array_ok(struct json_object *a) {
        if (!json_object_is_type(a, json_type_array))
                return false;
        for (size_t i = 0; i < json_object_array_length(a); i++)
                if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
                        return false;
        return true;
}

static int check_rule(struct json_object *r, size_t i, const char *what, sd_bus_error *error) {
        struct json_object *names, *v;

        if (!json_object_is_type(r, json_type_object))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Seccomp profile %s: syscalls[%zu] is not an object.", what, i);
        if (!json_object_object_get_ex(r, "names", &names) && !json_object_object_get_ex(r, "name", &names))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Seccomp profile %s: syscalls[%zu] has no \"names\".", what, i);
        if (!strings_array_ok(names) && !json_object_is_type(names, json_type_string))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Seccomp profile %s: syscalls[%zu].names must be a list of strings.",
                                         what, i);
        if (!json_object_object_get_ex(r, "action", &v) || !action_is_valid(v))
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Seccomp profile %s: syscalls[%zu].action must be one of SCMP_ACT_ALLOW, "
                        "SCMP_ACT_ERRNO, SCMP_ACT_KILL ...",
                        what, i);
        if (json_object_object_get_ex(r, "args", &v) && !json_object_is_type(v, json_type_null) &&
            !json_object_is_type(v, json_type_array))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Seccomp profile %s: syscalls[%zu].args must be a list.", what, i);
        return 0;
}

int seccomp_profile_check(struct json_object *p, const char *what, sd_bus_error *error) {
        struct json_object *v, *rules;

        if (!json_object_is_type(p, json_type_object))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Seccomp profile %s is not a JSON object.", what);
        if (!json_object_object_get_ex(p, "defaultAction", &v) || !action_is_valid(v))
                return sd_bus_error_setf(
                        error, CONMAN_ERROR_INVALID_ARGUMENT,
                        "Seccomp profile %s: \"defaultAction\" must be an SCMP_ACT_* action.", what);
        if (!json_object_object_get_ex(p, "syscalls", &rules) || json_object_is_type(rules, json_type_null))
                return 0;
        if (!json_object_is_type(rules, json_type_array))
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Seccomp profile %s: \"syscalls\" must be a list.", what);
        for (size_t i = 0; i < json_object_array_length(rules); i++) {
                int r = check_rule(json_object_array_get_idx(rules, i), i, what, error);
                if (r < 0)
                        return r;
        }
        return 0;
}

int seccomp_profile_load(const char *path, struct json_object **ret, sd_bus_error *error) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_json_ struct json_object *p = NULL;
        enum json_tokener_error jerr;
        int r;

        r = read_file(path, SECCOMP_PROFILE_MAX, &buf, NULL);
        if (r < 0)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Cannot read seccomp profile %s: %s.", path, strerror(-r));
        p = json_tokener_parse_verbose(buf, &jerr);
        if (!p)
                return sd_bus_error_setf(error, CONMAN_ERROR_INVALID_ARGUMENT,
                                         "Seccomp profile %s is not valid JSON: %s.", path,
                                         json_tokener_error_desc(jerr));
        r = seccomp_profile_check(p, path, error);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(p);
        return 0;
}

static bool list_has(struct json_object *a, const char *s) {
        for (size_t i = 0; json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++)
                if (streq(json_object_get_string(json_object_array_get_idx(a, i)) ?: "", s))
                        return true;
        return false;
}

static bool caps_all_in(struct json_object *a, uint64_t caps) {
        for (size_t i = 0; json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++) {
                int c = capability_from_name(json_object_get_string(json_object_array_get_idx(a, i)));
                if (c < 0 || !(caps & (UINT64_C(1) << c)))
                        return false;
        }
        return true;
}

static bool caps_any_in(struct json_object *a, uint64_t caps) {
        for (size_t i = 0; json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++) {
                int c = capability_from_name(json_object_get_string(json_object_array_get_idx(a, i)));
                if (c >= 0 && (caps & (UINT64_C(1) << c)))
                        return true;
        }
        return false;
}

static bool kernel_at_least(const char *kernel, const char *min) {
        unsigned a = 0, b = 0, x = 0, y = 0;
        if (sscanf(kernel, "%u.%u", &a, &b) < 2 || sscanf(min, "%u.%u", &x, &y) < 2)
                return true;
        return a > x || (a == x && b >= y);
}

/* moby's rules: every "includes" condition must hold, no "excludes" condition may. */
static bool rule_applies(struct json_object *r, const char *goarch, uint64_t caps, const char *kernel) {
        struct json_object *inc = json_object_object_get(r, "includes"),
                           *exc = json_object_object_get(r, "excludes");
        struct json_object *v;

        if (inc) {
                if ((v = json_object_object_get(inc, "arches")) && json_object_array_length(v) > 0 &&
                    !list_has(v, goarch))
                        return false;
                if ((v = json_object_object_get(inc, "caps")) && !caps_all_in(v, caps))
                        return false;
                if ((v = json_object_object_get(inc, "minKernel")) &&
                    !kernel_at_least(kernel, json_object_get_string(v) ?: ""))
                        return false;
        }
        if (exc) {
                if ((v = json_object_object_get(exc, "arches")) && list_has(v, goarch))
                        return false;
                if ((v = json_object_object_get(exc, "caps")) && caps_any_in(v, caps))
                        return false;
        }
        return true;
}

static void copy_key(struct json_object *from, struct json_object *to, const char *key) {
        struct json_object *v;
        if (json_object_object_get_ex(from, key, &v) && !json_object_is_type(v, json_type_null))
                json_object_object_add(to, key, json_object_get(v));
}

static struct json_object *compose_rule(struct json_object *r) {
        struct json_object *o = json_object_new_object(), *names;

        if (json_object_object_get_ex(r, "names", &names) && json_object_is_type(names, json_type_array))
                json_object_object_add(o, "names", json_object_get(names));
        else {
                names = json_object_new_array();
                json_object_array_add(names, json_object_get(json_object_object_get(r, "name")));
                json_object_object_add(o, "names", names);
        }
        copy_key(r, o, "action");
        copy_key(r, o, "errnoRet");
        if (json_object_is_type(json_object_object_get(r, "args"), json_type_array) &&
            json_object_array_length(json_object_object_get(r, "args")) > 0)
                copy_key(r, o, "args");
        return o;
}

/* "architectures" as given, or the native one and its sub-architectures from "archMap". */
static struct json_object *compose_architectures(struct json_object *p, const char *scmp) {
        struct json_object *v, *a;

        if (json_object_object_get_ex(p, "architectures", &v) && json_object_is_type(v, json_type_array))
                return json_object_get(v);
        if (!json_object_object_get_ex(p, "archMap", &v) || !json_object_is_type(v, json_type_array))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(v); i++) {
                struct json_object *e = json_object_array_get_idx(v, i), *subs;
                if (!streq(json_object_get_string(json_object_object_get(e, "architecture")) ?: "", scmp))
                        continue;
                a = json_object_new_array();
                json_object_array_add(a, json_object_new_string(scmp));
                subs = json_object_object_get(e, "subArchitectures");
                for (size_t j = 0;
                     json_object_is_type(subs, json_type_array) && j < json_object_array_length(subs); j++)
                        json_object_array_add(a, json_object_get(json_object_array_get_idx(subs, j)));
                return a;
        }
        return NULL;
}

int seccomp_compose(struct json_object *p, const char *machine, uint64_t caps, const char *kernel,
                    struct json_object **ret) {
        struct json_object *o, *rules, *out, *archs;
        struct utsname u;
        int m = machine_index(machine);
        const char *goarch = m >= 0 ? machines[m].goarch : machine, *scmp = m >= 0 ? machines[m].scmp : "";

        if (!kernel)
                kernel = uname(&u) >= 0 ? u.release : "0.0";
        o = json_object_new_object();
        copy_key(p, o, "defaultAction");
        copy_key(p, o, "defaultErrnoRet");
        archs = compose_architectures(p, scmp);
        if (archs)
                json_object_object_add(o, "architectures", archs);
        out = json_object_new_array();
        rules = json_object_object_get(p, "syscalls");
        for (size_t i = 0; json_object_is_type(rules, json_type_array) && i < json_object_array_length(rules);
             i++) {
                struct json_object *r = json_object_array_get_idx(rules, i);
                if (rule_applies(r, goarch, caps, kernel))
                        json_object_array_add(out, compose_rule(r));
        }
        json_object_object_add(o, "syscalls", out);
        *ret = o;
        return 0;
}
