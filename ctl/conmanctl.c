/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conmanctl.c — main() of the CLI: the verb table and dispatch. Every verb lives
 * in ctl/verb-*.c and talks to conmand over D-Bus (io.conman1).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "attach-session.h"
#include "ctl.h"
#include "help.h"

static const char *const image_verbs[] = {
        "history", "import", "inspect", "prune", "ls", "pull", "rm", NULL
};
static const char *const network_verbs[] = { "create", "ls", "inspect", "rm", "prune", NULL };
static const char *const system_verbs[] = { "df", "prune", NULL };
static const char *const volume_verbs[] = { "create", "ls", "inspect", "rm", "prune", NULL };
static const char *const pod_verbs[] = { "create", "start", "stop",    "restart", "kill",
                                         "rm",     "ps",    "inspect", "top",     NULL };
static const char *const generate_verbs[] = { "unit", NULL };
static const char *const healthcheck_verbs[] = { "run", NULL };

static const Verb verbs[] = {
        { "run", "Create and start a container", verb_run, .command_after_operand = true,
          .h_is_hostname = true },
        { "create", "Create a container without starting it", verb_create, .command_after_operand = true,
          .h_is_hostname = true },
        { "start", "Start containers", verb_lifecycle },
        { "attach", "Connect to a running container's terminal or stdio", verb_attach },
        { "exec", "Run a command in a running container", verb_exec, .command_after_operand = true },
        { "stop", "Stop containers (stop signal, then SIGKILL after the timeout)", verb_lifecycle },
        { "restart", "Restart containers", verb_lifecycle },
        { "kill", "Send a signal to containers", verb_lifecycle },
        { "rm", "Remove containers", verb_lifecycle },
        { "wait", "Wait for containers to exit and print their exit codes", verb_lifecycle },
        { "container prune", "Remove all stopped containers", verb_container_prune },
        { "pause", "Pause all processes of containers (systemd's FreezeUnit)", verb_pause },
        { "unpause", "Resume the processes of paused containers", verb_pause },
        { "top", "Show the processes of a container", verb_top, .command_after_operand = true },
        { "port", "Show a container's published ports", verb_port },
        { "rename", "Rename a container that does not run", verb_rename },
        { "update", "Change the resource limits of containers", verb_update },
        { "ps", "List containers", verb_ps },
        { "inspect", "Show containers' details as JSON", verb_inspect },
        { "logs", "Show a container's output (from the journal)", verb_logs },
        { "generate", "Print a .container file that makes a container a boot-time one", verb_generate,
          .subverbs = generate_verbs },
        { "healthcheck", "Run a container's health check: run", verb_healthcheck,
          .subverbs = healthcheck_verbs },
        { "stats", "Show CPU, memory and task use of containers", verb_stats },
        { "events", "Print container events as they happen", verb_events },
        { "pull", "Pull images from a registry", verb_pull },
        { "images", "List images", verb_images },
        { "history", "Show the history of an image", verb_history },
        { "rmi", "Remove images", verb_rmi },
        { "image", "Manage images: history, import, inspect, prune, ls, pull, rm", verb_image,
          .subverbs = image_verbs },
        { "tag", "Give an image another name", verb_tag },
        { "untag", "Remove one name of an image", verb_untag },
        { "push", "Push an image to a registry", verb_push },
        { "login", "Check and save credentials for a registry", verb_login },
        { "logout", "Remove saved credentials for a registry", verb_logout },
        { "save", "Write images into a tarball (docker-archive or oci-archive)", verb_save },
        { "load", "Load images from a tarball (docker-archive or oci-archive)", verb_load },
        { "import", "Make an image of a root filesystem tarball", verb_import },
        { "export", "Write a container's root filesystem as a tarball", verb_export },
        { "commit", "Make an image of a container's changes", verb_commit },
        { "cp", "Copy files between a container and the host", verb_cp },
        { "diff", "List what a container changed in its root filesystem", verb_diff },
        { "network", "Manage networks: create, ls, inspect, rm, prune", verb_network,
          .subverbs = network_verbs },
        { "volume", "Manage volumes: create, ls, inspect, rm, prune", verb_volume, .subverbs = volume_verbs },
        { "pod", "Manage pods: create, start, stop, restart, kill, rm, ps, inspect, top", verb_pod,
          .subverbs = pod_verbs },
        { "system", "Manage the host's containers, networks and images: df, prune", verb_system,
          .subverbs = system_verbs },
        { "info", "Show daemon facts: versions, state directory, runtime", verb_info },
        { "version", "Show client and daemon versions", verb_version },
        { "help", "Show the help of conmanctl or of a verb", NULL },
};

/* `conmanctl container VERB` is `conmanctl VERB`, with ls for ps, as in docker. */
static const char *container_alias(const char *verb) {
        if (streq(verb, "ls") || streq(verb, "list"))
                return "ps";
        if (streq(verb, "remove"))
                return "rm";
        if (streq(verb, "prune"))
                return "container prune";
        return verb;
}

static void help(void) {
        printf("Usage: conmanctl [-h|--help] [-v|--version] VERB [ARGS...]\n\n"
               "Manage containers that run as systemd services (conman-<name>.service).\n\n"
               "Verbs:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %-12s %s\n", verbs[i].name, verbs[i].summary);
        printf("\n`conmanctl VERB --help` or `conmanctl help VERB` describes a verb. See conmanctl(1),\n"
               "conmanctl-VERB(1). Exit codes: 125 for conmanctl's or conmand's own errors, 126 when a\n"
               "container's command cannot be executed, 127 when it is not found, else the command's.\n");
}

/* `conmanctl __verbs`, for shell completion and the man pages: every verb and sub-verb, one a line. */
static int list_verbs(void) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                if (!verbs[i].run)
                        continue;
                printf("%s\n", verbs[i].name);
                for (const char *const *s = verbs[i].subverbs; s && *s; s++)
                        printf("%s %s\n", verbs[i].name, *s);
        }
        return 0;
}

int ctl_bus_open(sd_bus **ret) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        const char *address = getenv("CONMAN_BUS_ADDRESS");
        int r;

        if (address) {
                r = sd_bus_new(&bus);
                if (r >= 0)
                        r = sd_bus_set_address(bus, address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
        } else
                r = sd_bus_open_system(&bus);
        if (r < 0)
                return log_error_errno(r, "conmanctl: cannot connect to the system bus: %m\n"
                                          "Is D-Bus running? conmand is reached through it.");
        *ret = TAKE_PTR(bus);
        return 0;
}

int ctl_log_bus_error(const char *what, const sd_bus_error *error, int r) {
        if (error &&
            sd_bus_error_has_names(error, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
                                   "org.freedesktop.DBus.Error.Spawn.ServiceNotFound"))
                return log_error_errno(
                        r,
                        "conmanctl: %s: conmand is not reachable (%s).\n"
                        "Start it with 'systemctl start conmand' or check 'systemctl status conmand'.",
                        what, error->message);
        if (error && error->message)
                return log_error_errno(r, "conmanctl: %s: %s", what, error->message);
        return log_error_errno(r, "conmanctl: %s: %m", what);
}

int ctl_exit_code_from_error(const sd_bus_error *error) {
        if (sd_bus_error_has_name(error, CONMAN_ERROR_COMMAND_NOT_FOUND))
                return EXIT_COMMAND_NOT_FOUND;
        if (sd_bus_error_has_name(error, CONMAN_ERROR_COMMAND_NOT_EXECUTABLE))
                return EXIT_COMMAND_NOT_EXECUTABLE;
        return EXIT_DAEMON_ERROR;
}

int ctl_call(sd_bus *bus, const char *method, sd_bus_error *error, sd_bus_message **reply, const char *types,
             ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           method);
        if (r < 0)
                return r;
        if (types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
                if (r < 0)
                        return r;
        }
        return sd_bus_call(bus, m, UINT64_MAX, error, reply);
}

static const Verb *find_verb(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        return &verbs[i];
        return NULL;
}

/* Runs a verb (argv[0]) with only --help; for a group verb with its sub-verb (argv[1]) when it has one. */
static int run_help(const Verb *v, int argc, char *argv[]) {
        char *help_argv[] = { argv[0], NULL, NULL, NULL };
        bool sub = v->subverbs && argc > 1 && argv[1][0] != '-';

        help_argv[1] = sub ? argv[1] : (char *) "--help";
        help_argv[2] = sub ? (char *) "--help" : NULL;
        return v->run(sub ? 3 : 2, help_argv);
}

/* The verb's help text, captured from its own --help (for the usage line after a bad flag). */
static char *capture_help(const Verb *v, int argc, char *argv[]) {
        _cleanup_close_ int fd = memfd_create("conmanctl-help", MFD_CLOEXEC), saved = -EBADF;
        char *text = NULL;
        struct stat st;

        fflush(stdout);
        saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        if (fd < 0 || saved < 0 || dup2(fd, STDOUT_FILENO) < 0)
                return NULL;
        (void) run_help(v, argc, argv);
        fflush(stdout);
        (void) dup2(saved, STDOUT_FILENO);
        if (fstat(fd, &st) < 0 || !(text = calloc(1, st.st_size + 1)))
                return NULL;
        if (pread(fd, text, st.st_size, 0) < 0)
                text[0] = 0;
        return text;
}

/* "network create" for a group verb's sub-verb, else the verb's name. */
static char *verb_path(const Verb *v, int argc, char *argv[]) {
        char *path = NULL;

        if (v->subverbs && argc > 1 && argv[1][0] != '-' && asprintf(&path, "%s %s", argv[0], argv[1]) >= 0)
                return path;
        return strdup(argv[0]);
}

/* Runs the verb argv[0]; returns the exit code: 125 for our own errors, as docker's. */
static int dispatch(int argc, char *argv[]) {
        _cleanup_free_ char *path = NULL;
        const Verb *v = find_verb(argv[0]);
        bool sub;
        int r;

        if (!v || !v->run) {
                log_error("conmanctl: unknown verb '%s'. See 'conmanctl --help'.", argv[0]);
                return EXIT_DAEMON_ERROR;
        }
        path = verb_path(v, argc, argv);
        if (!path)
                return log_oom(), EXIT_DAEMON_ERROR;
        ctl_verb_path = path;
        sub = v->subverbs && argc > 1 && argv[1][0] != '-';
        if (ctl_help_requested(argc - sub, argv + sub,
                               v->command_after_operand ? HELP_SCAN_TO_OPERAND : HELP_SCAN_ALL,
                               v->h_is_hostname))
                return run_help(v, argc, argv) < 0 ? EXIT_DAEMON_ERROR : 0;

        r = v->run(argc, argv);
        if (ctl_usage_failed()) { /* run and exec return 125 themselves */
                _cleanup_free_ char *text = capture_help(v, argc, argv);
                ctl_print_usage_hint(text, path);
        }
        return r < 0 ? EXIT_DAEMON_ERROR : r;
}

int main(int argc, char *argv[]) {
        log_setup("conmanctl", LOG_TARGET_STDERR);
        conman_bus_errors_register();

        if (argc < 2 || streq(argv[1], "-h") || streq(argv[1], "--help") ||
            (streq(argv[1], "help") && (argc == 2 || argv[2][0] == '-'))) {
                help();
                return 0;
        }
        if (streq(argv[1], "--version") || streq(argv[1], "-v"))
                argv[1] = (char *) "version";
        if (streq(argv[1], "__verbs"))
                return list_verbs();
        if (streq(argv[1], "help")) { /* conmanctl help VERB [SUB] = conmanctl VERB [SUB] --help */
                if (streq(argv[2], "container") && argc > 3) { /* help container prune */
                        argc--;
                        argv++;
                }
                const Verb *v = find_verb(container_alias(argv[2]));
                if (!v || !v->run) {
                        log_error("conmanctl help: unknown verb '%s'. See 'conmanctl --help'.", argv[2]);
                        return EXIT_DAEMON_ERROR;
                }
                argv[2] = (char *) v->name;
                return run_help(v, argc - 2, argv + 2) < 0 ? EXIT_DAEMON_ERROR : 0;
        }
        if (streq(argv[1], "container")) {
                if (argc < 3) {
                        log_error("conmanctl container: name a verb, e.g. 'conmanctl container ls'.");
                        return EXIT_DAEMON_ERROR;
                }
                argc--;
                argv++;
                if (streq(argv[1], "-h") || streq(argv[1], "--help")) {
                        help();
                        return 0;
                }
                argv[1] = (char *) container_alias(argv[1]);
        }
        return dispatch(argc - 1, argv + 1);
}
