/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cni.c — configuration lists and plugin invocation (see cni.h).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "network/cni.h"

static const char *const cni_command_table[_CNI_COMMAND_MAX] = {
        [CNI_COMMAND_ADD] = "ADD",
        [CNI_COMMAND_DEL] = "DEL",
        [CNI_COMMAND_CHECK] = "CHECK",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(cni_command, CniCommand);

static bool plugin_type_is_valid(const char *t) {
        return !isempty(t) && strlen(t) <= 64 && !strchr(t, '/') && t[0] != '.';
}

static struct json_object *plugins_of(struct json_object *conflist) {
        struct json_object *p;
        return json_object_object_get_ex(conflist, "plugins", &p) && json_object_is_type(p, json_type_array)
                       ? p
                       : NULL;
}

static const char *string_member(struct json_object *o, const char *key) {
        struct json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : NULL;
}

int cni_conflist_validate(struct json_object *conflist, char **ret_message) {
        struct json_object *plugins = plugins_of(conflist);
        const char *what = NULL;

        if (!json_object_is_type(conflist, json_type_object))
                what = "it is not a JSON object";
        else if (isempty(string_member(conflist, "cniVersion")))
                what = "it has no cniVersion";
        else if (isempty(string_member(conflist, "name")))
                what = "it has no name";
        else if (!plugins || json_object_array_length(plugins) == 0 || json_object_array_length(plugins) > 32)
                what = "it needs a \"plugins\" array of 1 to 32 plugins";
        for (size_t i = 0; !what && i < json_object_array_length(plugins); i++) {
                struct json_object *p = json_object_array_get_idx(plugins, i);
                if (!json_object_is_type(p, json_type_object) ||
                    !plugin_type_is_valid(string_member(p, "type")))
                        what = "a plugin has no valid \"type\" (a file name in the CNI plugin directories)";
        }
        if (!what)
                return 0;
        if (ret_message)
                *ret_message = strdup(what);
        return -EINVAL;
}

/* Copies the capability arguments the plugin asks for ("capabilities": {"portMappings": true}). */
static struct json_object *runtime_config_for(struct json_object *plugin, struct json_object *args) {
        struct json_object *caps, *rc = NULL;

        if (!args || !json_object_object_get_ex(plugin, "capabilities", &caps) ||
            !json_object_is_type(caps, json_type_object))
                return NULL;
        json_object_object_foreach(caps, key, wanted) {
                struct json_object *v;
                if (!json_object_get_boolean(wanted) || !json_object_object_get_ex(args, key, &v))
                        continue;
                if (!rc)
                        rc = json_object_new_object();
                json_object_object_add(rc, key, json_object_get(v));
        }
        return rc;
}

int cni_plugin_config(struct json_object *conflist, size_t index, struct json_object *prev_result,
                      struct json_object *capability_args, struct json_object **ret) {
        struct json_object *plugins = plugins_of(conflist), *plugin, *copy = NULL, *rc;

        if (!plugins || index >= json_object_array_length(plugins))
                return -EINVAL;
        plugin = json_object_array_get_idx(plugins, index);
        if (json_object_deep_copy(plugin, &copy, NULL) < 0 || !copy)
                return -ENOMEM;
        json_object_object_del(copy, "capabilities");
        json_object_object_add(copy, "cniVersion",
                               json_object_new_string(string_member(conflist, "cniVersion")));
        json_object_object_add(copy, "name", json_object_new_string(string_member(conflist, "name")));
        if (prev_result)
                json_object_object_add(copy, "prevResult", json_object_get(prev_result));
        rc = runtime_config_for(plugin, capability_args);
        if (rc)
                json_object_object_add(copy, "runtimeConfig", rc);
        *ret = copy;
        return 0;
}

static int find_plugin(const char *type, const char *cni_path, char **ret) {
        _cleanup_free_ char *dirs = strdup(cni_path ?: CNI_DEFAULT_PATH);
        char *save = NULL;

        if (!dirs)
                return -ENOMEM;
        for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *p = NULL;
                if (d[0] != '/')
                        continue;
                if (asprintf(&p, "%s/%s", d, type) < 0)
                        return -ENOMEM;
                if (access(p, X_OK) >= 0) {
                        *ret = TAKE_PTR(p);
                        return 0;
                }
        }
        return -ENOENT;
}

static int build_env(CniCommand cmd, const CniRuntime *rt, char ***ret) {
        _cleanup_strv_free_ char **env = NULL;
        const char *path = getenv("PATH");
        char *e;

        if (asprintf(&e, "CNI_COMMAND=%s", cni_command_to_string(cmd)) < 0 || strv_push_take(&env, e) < 0 ||
            asprintf(&e, "CNI_CONTAINERID=%s", rt->container_id) < 0 || strv_push_take(&env, e) < 0 ||
            asprintf(&e, "CNI_NETNS=%s", rt->netns) < 0 || strv_push_take(&env, e) < 0 ||
            asprintf(&e, "CNI_IFNAME=%s", rt->ifname) < 0 || strv_push_take(&env, e) < 0 ||
            asprintf(&e, "CNI_PATH=%s", rt->cni_path ?: CNI_DEFAULT_PATH) < 0 ||
            strv_push_take(&env, e) < 0 ||
            asprintf(&e, "PATH=%s", path ?: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") <
                    0 ||
            strv_push_take(&env, e) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(env);
        return 0;
}

/* The config travels in a memfd: no writer to keep alive and no pipe-size deadlock. */
static int make_stdin(const char *config) {
        _cleanup_close_ int fd = memfd_create("cni-config", MFD_CLOEXEC);
        size_t n = strlen(config);
        int r;

        if (fd < 0)
                return negative_errno();
        r = write_all(fd, config, n);
        if (r < 0)
                return r;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return negative_errno();
        return TAKE_FD(fd);
}

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* Reads the plugin's stdout until EOF, CNI_OUTPUT_MAX or the timeout. */
static int read_output(int fd, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = malloc(CNI_OUTPUT_MAX + 1);
        uint64_t deadline = now_usec() + CNI_TIMEOUT_USEC;
        size_t n = 0;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                uint64_t now = now_usec();
                ssize_t k;

                if (now >= deadline)
                        return -ETIMEDOUT;
                int k_poll = poll(&p, 1, (int) ((deadline - now) / 1000 + 1));
                if (k_poll < 0 && errno != EINTR)
                        return negative_errno();
                if (k_poll <= 0)
                        continue;
                k = read(fd, buf + n, CNI_OUTPUT_MAX - n);
                if (k < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (k < 0)
                        return negative_errno();
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n == CNI_OUTPUT_MAX)
                        return -E2BIG;
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}

static int wait_child(pid_t pid) {
        int status;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        return 128 + WTERMSIG(status);
}

/* Runs one plugin. Returns its exit status (>= 0) with its stdout in *ret_output, or -errno when it
 * could not be run at all. */
static int exec_plugin(const char *path, char **env, const char *config, char **ret_output) {
        _cleanup_close_ int in = -EBADF;
        _cleanup_close_pair_ int out[2] = { -EBADF, -EBADF };
        char *argv[] = { (char *) path, NULL };
        size_t size;
        pid_t pid;
        int r, status;

        in = make_stdin(config);
        if (in < 0)
                return in;
        if (pipe2(out, O_CLOEXEC) < 0)
                return negative_errno();
        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                if (dup2(in, STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0)
                        _exit(127);
                execve(path, argv, env);
                _exit(127);
        }
        out[1] = safe_close(out[1]);
        r = read_output(out[0], ret_output, &size);
        if (r < 0)
                (void) kill(pid, SIGKILL);
        status = wait_child(pid);
        return r < 0 ? r : status;
}

char *cni_error_message(const char *plugin, int exit_status, const char *output) {
        _cleanup_json_ struct json_object *j = output ? json_tokener_parse(output) : NULL;
        const char *msg = j ? string_member(j, "msg") : NULL,
                   *details = j ? string_member(j, "details") : NULL;
        char *s = NULL;

        if (msg && !isempty(details))
                (void) asprintf(&s, "CNI plugin %s failed: %s (%s)", plugin, msg, details);
        else if (msg)
                (void) asprintf(&s, "CNI plugin %s failed: %s", plugin, msg);
        else
                (void) asprintf(&s,
                                "CNI plugin %s failed with exit status %d; see the journal for its output.",
                                plugin, exit_status);
        return s;
}

static void set_message(char **ret_message, char *msg) {
        if (ret_message && !*ret_message)
                *ret_message = msg;
        else
                free(msg);
}

/* Invokes plugin `index` of the list; *ret_result gets its parsed stdout for ADD. */
static int invoke(struct json_object *conflist, size_t index, CniCommand cmd, const CniRuntime *rt,
                  struct json_object *prev, struct json_object **ret_result, char **ret_message) {
        _cleanup_json_ struct json_object *config = NULL;
        _cleanup_free_ char *path = NULL, *output = NULL;
        _cleanup_strv_free_ char **env = NULL;
        const char *type;
        int r;

        r = cni_plugin_config(conflist, index, prev, rt->capability_args, &config);
        if (r < 0)
                return r;
        type = string_member(config, "type");
        r = find_plugin(type, rt->cni_path, &path);
        if (r < 0) {
                char *m = NULL;
                (void) asprintf(
                        &m, "CNI plugin '%s' is not installed in %s; install containernetworking-plugins.",
                        type, rt->cni_path ?: CNI_DEFAULT_PATH);
                set_message(ret_message, m);
                return r;
        }
        r = build_env(cmd, rt, &env);
        if (r < 0)
                return r;
        r = exec_plugin(path, env, json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN), &output);
        if (r < 0) {
                char *m = NULL;
                (void) asprintf(&m, "CNI plugin %s did not answer: %s", type, strerror(-r));
                set_message(ret_message, m);
                return r;
        }
        if (r > 0) {
                set_message(ret_message, cni_error_message(type, r, output));
                return -EPROTO;
        }
        if (cmd != CNI_COMMAND_ADD || !ret_result)
                return 0;
        *ret_result = json_tokener_parse(output);
        if (!*ret_result || !json_object_is_type(*ret_result, json_type_object)) {
                json_object_put(*ret_result);
                *ret_result = NULL;
                set_message(ret_message, cni_error_message(type, 0, NULL));
                return -EBADMSG;
        }
        return 0;
}

static size_t n_plugins(struct json_object *conflist) {
        struct json_object *p = plugins_of(conflist);
        return p ? json_object_array_length(p) : 0;
}

int cni_conflist_add(struct json_object *conflist, const CniRuntime *rt, struct json_object **ret_result,
                     char **ret_message) {
        _cleanup_json_ struct json_object *prev = NULL;
        int r;

        r = cni_conflist_validate(conflist, ret_message);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n_plugins(conflist); i++) {
                struct json_object *result = NULL;
                r = invoke(conflist, i, CNI_COMMAND_ADD, rt, prev, &result, ret_message);
                if (r < 0) {
                        (void) cni_conflist_del(conflist, rt, prev, NULL);
                        return r;
                }
                json_object_put(prev);
                prev = result;
        }
        *ret_result = TAKE_PTR(prev);
        return 0;
}

int cni_conflist_del(struct json_object *conflist, const CniRuntime *rt, struct json_object *prev_result,
                     char **ret_message) {
        int r, ret = 0;

        r = cni_conflist_validate(conflist, ret_message);
        if (r < 0)
                return r;
        for (size_t i = n_plugins(conflist); i > 0; i--) {
                r = invoke(conflist, i - 1, CNI_COMMAND_DEL, rt, prev_result, NULL, ret_message);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

int cni_conflist_check(struct json_object *conflist, const CniRuntime *rt, struct json_object *prev_result,
                       char **ret_message) {
        int r;

        r = cni_conflist_validate(conflist, ret_message);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n_plugins(conflist); i++) {
                r = invoke(conflist, i, CNI_COMMAND_CHECK, rt, prev_result, NULL, ret_message);
                if (r < 0)
                        return r;
        }
        return 0;
}
