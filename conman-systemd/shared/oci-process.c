/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oci-process.c — see oci-process.h.
 */
#include <string.h>

#include "shared/json-util.h"
#include "shared/macro.h"
#include "shared/oci-process.h"
#include "shared/util.h"

/* Does the array entry "KEY=..." set the same variable as assignment ("KEY=...")? */
static bool env_same_key(const char *entry, const char *assignment) {
        size_t n = strcspn(assignment, "=");

        return strncmp(entry, assignment, n) == 0 && (entry[n] == '=' || entry[n] == 0);
}

/* The container's environment with each of env set: an existing KEY is replaced in place, a new one appended.
 */
static int merge_env(struct json_object *process, char **env) {
        struct json_object *a = NULL, *merged;

        if (!json_object_object_get_ex(process, "env", &a) || !json_object_is_type(a, json_type_array))
                a = NULL;
        merged = json_object_new_array();
        if (!merged)
                return -ENOMEM;
        for (size_t i = 0; a && i < json_object_array_length(a); i++) {
                struct json_object *v = json_object_array_get_idx(a, i);
                const char *entry = json_object_get_string(v);
                bool replaced = false;

                for (char **e = env; e && *e && !replaced; e++)
                        replaced = env_same_key(entry, *e);
                if (!replaced)
                        json_object_array_add(merged, json_object_get(v));
        }
        for (char **e = env; e && *e; e++)
                json_object_array_add(merged, json_object_new_string(*e));
        json_object_object_add(process, "env", merged);
        return 0;
}

static int set_user(struct json_object *process, const OciUser *u) {
        struct json_object *user = json_object_new_object(), *gids = json_object_new_array();

        if (!user || !gids) {
                json_object_put(user);
                json_object_put(gids);
                return -ENOMEM;
        }
        json_object_object_add(user, "uid", json_object_new_int64(u->uid));
        json_object_object_add(user, "gid", json_object_new_int64(u->gid));
        for (size_t i = 0; i < u->n_extra_gids; i++)
                json_object_array_add(gids, json_object_new_int64(u->extra_gids[i]));
        if (u->n_extra_gids > 0)
                json_object_object_add(user, "additionalGids", gids);
        else
                json_object_put(gids);
        json_object_object_add(process, "user", user);
        return 0;
}

int oci_exec_process_build(struct json_object *config, const ExecProcessParams *p, struct json_object **ret) {
        struct json_object *process = NULL, *copy = NULL;
        int r;

        if (!p->args || !p->args[0])
                return -EINVAL;
        if (!json_object_object_get_ex(config, "process", &process) ||
            !json_object_is_type(process, json_type_object))
                return -EBADMSG;
        if (json_object_deep_copy(process, &copy, NULL) < 0)
                return -ENOMEM;
        json_object_object_add(copy, "args", json_strv_new(p->args));
        json_object_object_add(copy, "terminal", json_object_new_boolean(p->tty));
        json_object_object_del(copy, "consoleSize");
        if (p->cwd)
                json_object_object_add(copy, "cwd", json_object_new_string(p->cwd));
        r = merge_env(copy, p->env);
        if (r >= 0 && p->user)
                r = set_user(copy, p->user);
        if (r < 0) {
                json_object_put(copy);
                return r;
        }
        *ret = copy;
        return 0;
}
