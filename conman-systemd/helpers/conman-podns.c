/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-podns — pins and unpins a pod's shared namespaces, for ExecStart=/ExecStop= of the pod's
 * unit conman-pod@NAME.service, and adds a member to the pod's /etc/hosts for the member's
 * ExecStartPre= (network/pod-namespaces.h has the details):
 *
 *   conman-podns [--state-dir D] [--run-dir R] pin [--spec FILE] POD_ID
 *   conman-podns [--state-dir D] [--run-dir R] unpin POD_ID
 *   conman-podns [--state-dir D] [--run-dir R] join --name NAME POD_ID
 *
 * The pod is read from <state>/pods/<id>/pod.json; `pin --spec FILE` (a pod conman-generator made)
 * first puts FILE there.
 */
#include <fcntl.h>
#include <getopt.h>
#include <time.h>

#include "conman-config.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/util.h"
#include "network/pod-namespaces.h"

static const char *arg_state_dir = CONMAN_STATE_DIR;
static const char *arg_run_dir = CONMAN_RUN_DIR;
static const char *arg_spec = NULL;
static const char *arg_name = NULL;

static int help(void) {
        printf("Usage: conman-podns [OPTIONS] pin [--spec FILE] POD_ID\n"
               "       conman-podns [OPTIONS] unpin POD_ID\n"
               "       conman-podns [OPTIONS] join --name NAME POD_ID\n\n"
               "Pin a pod's shared namespaces (ipc, uts: <run>/pods/<id>/; net: /run/netns/conman-<id12>\n"
               "and the pod's network attachment), unpin them again (idempotent), or add a member's\n"
               "name to the pod's /etc/hosts.\n\n"
               "  --spec FILE       pin: install FILE (a pod.json) as the pod's spec first\n"
               "  --name NAME       join: the member container's name\n"
               "  --state-dir DIR   conmand's state directory (default " CONMAN_STATE_DIR ")\n"
               "  --run-dir DIR     conmand's runtime directory (default " CONMAN_RUN_DIR ")\n"
               "  -h, --help        Show this help\n");
        return 0;
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_SPEC = 0x100,
                ARG_NAME,
                ARG_STATE_DIR,
                ARG_RUN_DIR
        };
        static const struct option options[] = {
                { "spec", required_argument, NULL, ARG_SPEC },
                { "name", required_argument, NULL, ARG_NAME },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_SPEC: arg_spec = optarg; break;
                case ARG_NAME: arg_name = optarg; break;
                case ARG_STATE_DIR: arg_state_dir = optarg; break;
                case ARG_RUN_DIR: arg_run_dir = optarg; break;
                case 'h': return help();
                default: return -EINVAL;
                }
        return 1;
}

static bool dir_is_valid(const char *d) {
        return !isempty(d) && d[0] == '/';
}

static int validate(const char *verb, const char *id) {
        if (!streq(verb, "pin") && !streq(verb, "unpin") && !streq(verb, "join"))
                return log_error_errno(-EINVAL, "conman-podns: unknown verb '%s'; see --help.", verb);
        if (!container_id_is_valid(id))
                return log_error_errno(
                        -EINVAL, "conman-podns: '%s' is not a pod id (64 lowercase hex characters).", id);
        if (!dir_is_valid(arg_state_dir) || !dir_is_valid(arg_run_dir))
                return log_error_errno(-EINVAL,
                                       "conman-podns: --state-dir and --run-dir take absolute paths.");
        if (arg_spec && (!streq(verb, "pin") || isempty(arg_spec)))
                return log_error_errno(-EINVAL, "conman-podns: --spec FILE goes with pin only.");
        if (streq(verb, "join") != !!arg_name)
                return log_error_errno(-EINVAL, "conman-podns: join takes --name NAME, and only join does.");
        if (arg_name && !container_name_is_valid(arg_name))
                return log_error_errno(-EINVAL, "conman-podns: invalid container name '%s': names match %s.",
                                       arg_name, CONTAINER_NAME_RULE);
        return 0;
}

/* <state>/pods/<id>, opened (made when make is set). */
static int open_pod_dir(const char *id, bool make) {
        _cleanup_free_ char *dir = NULL;
        int fd, r;

        if (asprintf(&dir, "%s/pods/%s", arg_state_dir, id) < 0)
                return -ENOMEM;
        if (make) {
                r = mkdir_p(dir, 0700);
                if (r < 0)
                        return r;
        }
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

/* FILE becomes <state>/pods/<id>/pod.json, keeping the creation time of the pod already there. */
static int install_spec(const char *id) {
        _cleanup_(pod_spec_done) PodSpec s = {}, old = {};
        _cleanup_json_ struct json_object *j = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        struct timespec ts;
        int r;

        r = json_read_file_at(AT_FDCWD, arg_spec, &j);
        if (r < 0)
                return log_error_errno(r, "conman-podns: cannot read the pod's spec %s: %m", arg_spec);
        r = pod_spec_from_json(j, &s);
        if (r < 0)
                return log_error_errno(r,
                                       "conman-podns: %s is not a valid pod spec (%m); run "
                                       "'systemctl daemon-reload' to generate it again.",
                                       arg_spec);
        if (!streq(s.id, id))
                return log_error_errno(-EINVAL, "conman-podns: %s is the spec of pod %.12s, not of %.12s.",
                                       arg_spec, s.id, id);
        dir_fd = open_pod_dir(id, true);
        if (dir_fd < 0)
                return log_error_errno(dir_fd, "conman-podns: cannot make %s/pods/%s: %m", arg_state_dir, id);
        if (pod_spec_load(dir_fd, &old) >= 0 && s.created_at == 0)
                s.created_at = old.created_at;
        if (s.created_at == 0 && clock_gettime(CLOCK_REALTIME, &ts) >= 0)
                s.created_at = (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
        r = pod_spec_save(dir_fd, &s);
        if (r < 0)
                return log_error_errno(r, "conman-podns: cannot write %s/pods/%s/" POD_SPEC_FILE ": %m",
                                       arg_state_dir, id);
        return 0;
}

static int load_spec(const char *id, PodSpec *ret) {
        _cleanup_close_ int dir_fd = open_pod_dir(id, false);
        int r;

        r = dir_fd < 0 ? dir_fd : pod_spec_load(dir_fd, ret);
        if (r == -ENOENT)
                return log_error_errno(r,
                                       "conman-podns: no pod %.12s (%s/pods/%s/" POD_SPEC_FILE
                                       " does not exist); create it with 'conmanctl pod create'.",
                                       id, arg_state_dir, id);
        if (r < 0)
                return log_error_errno(r, "conman-podns: cannot load %s/pods/%s/" POD_SPEC_FILE ": %m",
                                       arg_state_dir, id);
        return 0;
}

static int verb_pin(const char *id) {
        _cleanup_(pod_spec_done) PodSpec s = {};
        _cleanup_free_ char *message = NULL;
        int r;

        r = arg_spec ? install_spec(id) : 0;
        if (r >= 0)
                r = load_spec(id, &s);
        if (r < 0)
                return r;
        r = pod_namespaces_pin(arg_state_dir, arg_run_dir, &s, &message);
        if (r < 0)
                return log_error_errno(r, "conman-podns: cannot pin the namespaces of pod %s: %s", s.name,
                                       message ?: strerror(-r));
        log_debug("Pinned the namespaces of pod %s.", s.name);
        return 0;
}

static int verb_unpin(const char *id) {
        _cleanup_free_ char *message = NULL;
        int r = pod_namespaces_unpin(arg_state_dir, arg_run_dir, id, &message);

        if (r < 0)
                return log_error_errno(r, "conman-podns: cannot unpin pod %.12s completely: %s", id,
                                       message ?: strerror(-r));
        return 0;
}

static int verb_join(const char *id) {
        _cleanup_(pod_spec_done) PodSpec s = {};
        int r;

        r = load_spec(id, &s);
        if (r < 0)
                return r;
        r = pod_namespaces_join(arg_state_dir, arg_run_dir, &s, arg_name);
        if (r == -ENOENT)
                return log_error_errno(r,
                                       "conman-podns: pod %s is not pinned; start it with "
                                       "'conmanctl pod start %s' (or systemctl start conman-pod@%s).",
                                       s.name, s.name, s.name);
        if (r < 0)
                return log_error_errno(r, "conman-podns: cannot add %s to the /etc/hosts of pod %s: %m",
                                       arg_name, s.name);
        return 0;
}

int main(int argc, char *argv[]) {
        const char *verb, *id;
        int r;

        log_setup("conman-podns", LOG_TARGET_AUTO);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        if (argc - optind != 2)
                return log_error("conman-podns: expected a verb and a pod id; see --help."), EXIT_FAILURE;
        verb = argv[optind];
        id = argv[optind + 1];
        r = validate(verb, id);
        if (r >= 0)
                r = streq(verb, "pin") ? verb_pin(id) : streq(verb, "unpin") ? verb_unpin(id) : verb_join(id);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
