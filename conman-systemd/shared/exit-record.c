/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exit-record.c — see exit-record.h.
 */
#include "shared/exit-record.h"
#include "shared/fileio.h"
#include "shared/util.h"

#define EXIT_RECORD_FILE "exit.json"

void exit_record_done(ExitRecord *e) {
        free(e->result);
        *e = (ExitRecord){ .exit_code = -1 };
}

int exit_record_from_env(const char *exit_code, const char *exit_status, const char *service_result,
                         uint64_t finished_at, ExitRecord *ret) {
        ExitRecord e = { .exit_code = -1, .finished_at = finished_at };
        int n;

        if (exit_code && streq(exit_code, "exited") && exit_status && safe_atoi(exit_status, &n) >= 0)
                e.exit_code = n;
        else if (exit_code && (streq(exit_code, "killed") || streq(exit_code, "dumped")) && exit_status) {
                n = signal_from_string(exit_status);
                if (n > 0)
                        e.exit_code = 128 + n;
        }
        e.oom_killed = service_result && streq(service_result, "oom-kill");
        e.result = strdup(service_result ?: "unknown");
        if (!e.result)
                return -ENOMEM;
        *ret = e;
        return 0;
}

int exit_record_write(int dir_fd, const ExitRecord *e) {
        _cleanup_json_ struct json_object *j = json_object_new_object();

        json_object_object_add(j, "exitCode", json_object_new_int(e->exit_code));
        json_object_object_add(j, "oomKilled", json_object_new_boolean(e->oom_killed));
        json_object_object_add(j, "result", json_object_new_string(strempty(e->result)));
        json_object_object_add(j, "finishedAt", json_object_new_uint64(e->finished_at));
        return json_write_file_atomic_at(dir_fd, EXIT_RECORD_FILE, j);
}

int exit_record_read(int dir_fd, ExitRecord *ret) {
        _cleanup_json_ struct json_object *j = NULL;
        struct json_object *v;
        int r;

        r = json_read_file_at(dir_fd, EXIT_RECORD_FILE, &j);
        if (r < 0)
                return r;
        *ret = (ExitRecord){ .exit_code = -1 };
        if (json_object_object_get_ex(j, "exitCode", &v))
                ret->exit_code = json_object_get_int(v);
        if (json_object_object_get_ex(j, "oomKilled", &v))
                ret->oom_killed = json_object_get_boolean(v);
        if (json_object_object_get_ex(j, "finishedAt", &v))
                ret->finished_at = json_object_get_uint64(v);
        /* "result": null gives a NULL string: a damaged record must not crash conmand at every start */
        ret->result = strdup((json_object_object_get_ex(j, "result", &v) ? json_object_get_string(v) : NULL)
                                     ?: "unknown");
        return ret->result ? 0 : -ENOMEM;
}

int exit_record_remove(int dir_fd) {
        if (unlinkat(dir_fd, EXIT_RECORD_FILE, 0) < 0 && errno != ENOENT)
                return negative_errno();
        return 0;
}
