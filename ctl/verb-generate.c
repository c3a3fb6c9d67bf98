/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-generate.c — `conmanctl generate unit CONTAINER|POD`: prints a .container file (conman.container(5))
 * for an existing container, so that one made with `conmanctl run` can become a boot-time container
 * (what `podman generate systemd` and Quadlet do for podman). For a pod (a name no container has) it
 * prints the .pod file and each member's .container file, each after a "# NAME.pod" / "# NAME.container"
 * line; --files DIR writes them into DIR instead. The texts come from conmand's GenerateContainerFile
 * (container-file-format.c) and GeneratePodFile (pod-file.c); this verb only prints or saves them.
 */
#include <getopt.h>
#include <sys/stat.h>

#include "shared/bus-errors.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"

static const char *arg_files_dir = NULL;
static bool emitted_any = false;

/* One generated file: saved as <dir>/<name>.<ext> (and its path printed) with --files, else printed
 * after a "# <name>.<ext>" line when labeled. */
static int emit(const char *name, const char *ext, const char *text, bool labeled) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (!arg_files_dir) {
                if (labeled)
                        printf("%s# %s.%s\n", emitted_any ? "\n" : "", name, ext);
                fputs(text, stdout);
                emitted_any = true;
                return 0;
        }
        if (asprintf(&path, "%s/%s.%s", arg_files_dir, name, ext) < 0)
                return log_oom();
        r = write_file_atomic(path, text, strlen(text), 0644);
        if (r < 0)
                return log_error_errno(r, "conmanctl generate unit: cannot write %s: %m", path);
        printf("%s\n", path);
        return 0;
}

/* Calls method(ref) → s, the text of a file. */
static int generate_text(sd_bus *bus, const char *method, const char *ref, sd_bus_message **reply,
                         const char **ret_text) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *what = NULL;
        int r;

        r = ctl_call(bus, method, &error, reply, "s", ref);
        if (r < 0) {
                if (asprintf(&what, "cannot generate the %s file of %s",
                             streq(method, "GeneratePodFile") ? ".pod" : ".container", ref) < 0)
                        return log_oom();
                return ctl_log_bus_error(what, &error, r);
        }
        r = sd_bus_message_read(*reply, "s", ret_text);
        return r < 0 ? log_error_errno(r, "conmanctl generate unit: malformed reply: %m") : 0;
}

/* The Name property of the object method(ref) names (GetContainer, GetPod). */
static int object_name(sd_bus *bus, const char *method, const char *interface, const char *ref, char **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *path;
        int r;

        r = ctl_call(bus, method, &error, &reply, "s", ref);
        if (r >= 0)
                r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "io.conman1", path, interface, "Name", &error, ret);
        return r < 0 ? ctl_log_bus_error("cannot look up a name", &error, r) : 0;
}

/* A member of a pod is labeled and named by its name; a container alone is looked up for --files. */
static int generate_container(sd_bus *bus, const char *ref, bool labeled) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *name = NULL;
        const char *text;
        int r;

        r = generate_text(bus, "GenerateContainerFile", ref, &reply, &text);
        if (r >= 0 && !labeled && arg_files_dir)
                r = object_name(bus, "GetContainer", "io.conman1.Container", ref, &name);
        return r < 0 ? r : emit(name ?: ref, "container", text, labeled);
}

/* The pod's object path when ref names a pod and no container: 1; 0 when it is not a pod's name. */
static int lookup_pod(sd_bus *bus, const char *ref, char **ret_path) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL, cerror = SD_BUS_ERROR_NULL;
        const char *path;

        if (ctl_call(bus, "GetPod", &error, &reply, "s", ref) < 0 ||
            sd_bus_message_read(reply, "o", &path) < 0)
                return 0;
        if (ctl_call(bus, "GetContainer", &cerror, NULL, "s", ref) >= 0 ||
            !sd_bus_error_has_name(&cerror, CONMAN_ERROR_NO_SUCH_CONTAINER))
                return 0; /* a container of that name wins (or its error is reported) */
        *ret_path = strdup(path);
        return *ret_path ? 1 : log_oom();
}

/* The member containers' names, sorted, so that the output does not depend on the daemon's order. */
static int member_names(sd_bus *bus, const char *pod_path, char ***ret) {
        _cleanup_strv_free_ char **ids = NULL, **names = NULL;
        size_t n = 0;
        int r;

        r = ctl_pod_containers(bus, pod_path, &ids);
        for (char **id = ids; r >= 0 && id && *id; id++, n++) {
                char *name = NULL;
                r = object_name(bus, "GetContainer", "io.conman1.Container", *id, &name);
                if (r >= 0)
                        r = strv_push_take(&names, name);
        }
        if (r < 0)
                return r;
        strv_sort(names);
        *ret = TAKE_PTR(names);
        return 0;
}

static int generate_pod(sd_bus *bus, const char *pod_path) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **members = NULL;
        _cleanup_free_ char *name = NULL;
        const char *text;
        int r;

        r = sd_bus_get_property_string(bus, "io.conman1", pod_path, "io.conman1.Pod", "Name", &error, &name);
        if (r < 0)
                return ctl_log_bus_error("cannot read the pod's name", &error, r);
        r = member_names(bus, pod_path, &members);
        if (r >= 0)
                r = generate_text(bus, "GeneratePodFile", name, &reply, &text);
        if (r >= 0)
                r = emit(name, "pod", text, true);
        for (char **m = members; r >= 0 && m && *m; m++)
                r = generate_container(bus, *m, true);
        return r;
}

static int verb_generate_unit(int argc, char *argv[]) {
        static const struct option options[] = {
                { "files", required_argument, NULL, 'F' },
                CTL_HELP_OPTION,
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *pod_path = NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: conmanctl generate unit [--files DIR] CONTAINER|POD\n\n"
                               "Print a .container file (conman.container(5)) that makes the container a\n"
                               "boot-time container. Save it as /etc/conman/containers/NAME.container,\n"
                               "remove the container or change ContainerName= in the file (the names must\n"
                               "not clash), and run 'systemctl daemon-reload': conman-NAME.service then runs\n"
                               "it, also at boot.\n\n"
                               "For a pod, print its .pod file (conman.pod(5)) and the .container file of\n"
                               "each of its containers, each after a '# NAME.pod' or '# NAME.container' line.\n\n"
                               "      --files DIR   Write the files into DIR (NAME.pod, NAME.container)\n"
                               "                    and print their paths\n");
                        return 0;
                case 'F': arg_files_dir = optarg; break;
                default: return ctl_usage_error();
                }
        if (argc - optind != 1)
                return log_error_errno(-EINVAL, "conmanctl generate unit: name one container or pod.");
        if (arg_files_dir) {
                r = mkdir_p(arg_files_dir, 0755);
                if (r < 0)
                        return log_error_errno(r, "conmanctl generate unit: cannot make %s: %m",
                                               arg_files_dir);
        }

        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = lookup_pod(bus, argv[optind], &pod_path);
        if (r < 0)
                return r;
        return r > 0 ? generate_pod(bus, pod_path) : generate_container(bus, argv[optind], false);
}

int verb_generate(int argc, char *argv[]) {
        static const Verb sub[] = {
                { "unit", NULL, verb_generate_unit },
        };

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("Usage: conmanctl generate unit [--files DIR] CONTAINER|POD\n\n"
                       "  unit CONTAINER      Print a .container file that makes it a boot-time container\n"
                       "  unit POD            Print the .pod file and its containers' .container files\n");
                return argc < 2 ? -EINVAL : 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(sub); i++)
                if (streq(sub[i].name, argv[1]))
                        return sub[i].run(argc - 1, argv + 1);
        return log_error_errno(-EINVAL, "conmanctl generate: unknown kind '%s'; 'unit' is the one there is.",
                               argv[1]);
}
