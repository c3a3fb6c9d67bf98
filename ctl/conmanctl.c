/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conmanctl.c — main() of the CLI: the verb table and dispatch. Every verb lives
 * in ctl/verb-*.c and talks to conmand over D-Bus (io.conman1).
 */
#include <stdarg.h>

#include "conman-config.h"
#include "shared/bus-errors.h"
#include "shared/log.h"
#include "ctl.h"

static const Verb verbs[] = {
        { "run", "Create and start a container", verb_run },
        { "create", "Create a container without starting it", verb_create },
        { "start", "Start containers", verb_lifecycle },
        { "attach", "Connect to a running container's terminal or stdio", verb_attach },
        { "exec", "Run a command in a running container", verb_exec },
        { "stop", "Stop containers (stop signal, then SIGKILL after the timeout)", verb_lifecycle },
        { "restart", "Restart containers", verb_lifecycle },
        { "kill", "Send a signal to containers", verb_lifecycle },
        { "rm", "Remove containers", verb_lifecycle },
        { "wait", "Wait for containers to exit and print their exit codes", verb_lifecycle },
        { "container prune", "Remove all stopped containers", verb_container_prune },
        { "ps", "List containers", verb_ps },
        { "inspect", "Show containers' details as JSON", verb_inspect },
        { "logs", "Show a container's output (from the journal)", verb_logs },
        { "generate", "Print a .container file that makes a container a boot-time one", verb_generate },
        { "stats", "Show CPU, memory and task use of containers", verb_stats },
        { "events", "Print container events as they happen", verb_events },
        { "pull", "Pull images from a registry", verb_pull },
        { "images", "List images", verb_images },
        { "rmi", "Remove images", verb_rmi },
        { "image", "Manage images: import, inspect, prune, ls, pull, rm", verb_image },
        { "network", "Manage networks: create, ls, inspect, rm", verb_network },
        { "pod", "Manage pods: create, start, stop, restart, kill, rm, ps, inspect, top", verb_pod },
        { "info", "Show daemon facts: versions, state directory, runtime", verb_info },
        { "version", "Show client and daemon versions", verb_version },
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
        printf("Usage: conmanctl [--help] [--version] VERB [ARGS...]\n\n"
               "Manage containers that run as systemd services (conman-<name>.service).\n\n"
               "Verbs:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %-12s %s\n", verbs[i].name, verbs[i].summary);
        printf("\n`conmanctl VERB --help` describes a verb. See conmanctl(1).\n");
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

int main(int argc, char *argv[]) {
        const char *verb;

        log_setup("conmanctl", LOG_TARGET_STDERR);
        conman_bus_errors_register();

        if (argc < 2) {
                help();
                return EXIT_FAILURE;
        }
        verb = argv[1];
        if (streq(verb, "-h") || streq(verb, "--help") || streq(verb, "help")) {
                help();
                return EXIT_SUCCESS;
        }
        if (streq(verb, "--version"))
                verb = "version";
        if (streq(verb, "container")) {
                if (argc < 3) {
                        log_error("conmanctl container: name a verb, e.g. 'conmanctl container ls'.");
                        return EXIT_FAILURE;
                }
                argc--;
                argv++;
                verb = argv[1] = (char *) container_alias(argv[1]);
        }

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, verb)) {
                        int r = verbs[i].run(argc - 1, argv + 1);
                        return r < 0 ? EXIT_FAILURE : r;
                }

        log_error("conmanctl: unknown verb '%s'. See 'conmanctl --help'.", verb);
        return EXIT_FAILURE;
}
