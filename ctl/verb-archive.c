/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-archive.c — images and containers as tarballs: `save` (SaveImage) and `load` (LoadImage; `image
 * import` is its alias). conmanctl opens the files (or passes its stdin/stdout) and hands conmand the fds,
 * so conmand opens no path a client names.
 */
#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "help.h"

static const char *arg_output = NULL, *arg_input = NULL, *arg_save_format = "docker-archive";
static bool arg_quiet = false;
static char **arg_changes = NULL;
static const char *arg_message = NULL, *arg_author = NULL;
static bool arg_pause = true;

/* -o FILE opened for writing, else a copy of stdout when it is not a terminal. */
static int open_output(const char *verb, int *ret) {
        if (!arg_output && isatty(STDOUT_FILENO))
                return log_error_errno(-EINVAL,
                                       "conmanctl %s: refusing to write a tarball to a terminal; "
                                       "use -o FILE or redirect stdout.",
                                       verb);
        if (arg_output)
                *ret = open(arg_output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
        else
                *ret = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        if (*ret < 0)
                return log_error_errno(-errno, "conmanctl %s: %s: %m", verb, arg_output ?: "stdout");
        return 0;
}

static int call_save(int fd, char **images) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "SaveImage");
        if (r >= 0)
                r = sd_bus_message_append(m, "h", fd);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, images);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", arg_save_format);
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        return r < 0 ? ctl_log_bus_error("save failed", &error, r) : 0;
}

static int parse_save(int argc, char *argv[]) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                { "output", required_argument, NULL, 'o' },
                { "format", required_argument, NULL, 'f' },
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "ho:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        fputs("Usage: conmanctl save [-o FILE] [--format FORMAT] IMAGE...\n\n"
                              "Write images (names, ids or id prefixes) with their names, config and layers into\n"
                              "one tarball: FILE, or stdout when it is not a terminal. `conmanctl load` (and\n"
                              "docker load, podman load, skopeo) read it back with the same image ids.\n\n"
                              "  -o, --output=FILE      Write into FILE instead of stdout\n"
                              "      --format=FORMAT    docker-archive (the default, as docker save) or\n"
                              "                         oci-archive (an OCI image layout, tarred)\n"
                              "  -h, --help             Show this help\n",
                              stdout);
                        return 0;
                case 'o': arg_output = optarg; break;
                case 'f':
                        if (!streq(optarg, "docker-archive") && !streq(optarg, "oci-archive")) {
                                log_error(
                                        "conmanctl save: --format is docker-archive or oci-archive, not '%s'.",
                                        optarg);
                                return ctl_usage_error();
                        }
                        arg_save_format = optarg;
                        break;
                default: return ctl_usage_error();
                }
        return 1;
}

int verb_save(int argc, char *argv[]) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = parse_save(argc, argv);
        if (r <= 0)
                return r;
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl save: name at least one image.");
        r = open_output("save", &fd);
        if (r < 0)
                return r;
        r = call_save(fd, argv + optind);
        if (r < 0 && arg_output)
                (void) unlink(arg_output);
        return r;
}

/* Loads the archive (or OCI layout directory) at path, NULL for stdin; ref names the first image. */
int ctl_load(const char *path, const char *ref, const char *prefix) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **ids = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (path) {
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        return log_error_errno(-errno, "conmanctl: cannot open %s: %m", path);
        } else if (isatty(STDIN_FILENO))
                return log_error_errno(-EINVAL,
                                       "conmanctl load: stdin is a terminal; use -i FILE or redirect "
                                       "stdin from an archive.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "LoadImage", &error, &reply, "hs", fd >= 0 ? fd : STDIN_FILENO, strempty(ref));
        if (r >= 0)
                r = sd_bus_message_read_strv(reply, &ids);
        if (r < 0)
                return ctl_log_bus_error("load failed", &error, r);
        for (char **i = ids; !arg_quiet && i && *i; i++)
                printf("%s%s\n", prefix, *i);
        return 0;
}

int verb_load(int argc, char *argv[]) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                { "input", required_argument, NULL, 'i' },
                { "quiet", no_argument, NULL, 'q' },
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "hi:q", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        fputs("Usage: conmanctl load [-i FILE] [-q]\n\n"
                              "Load images from a docker-archive (docker save) or oci-archive tarball, plain or\n"
                              "gzip/zstd-compressed, read from FILE or stdin, or from an OCI image layout\n"
                              "directory. Every blob is checked against its digest. `conmanctl image import\n"
                              "PATH [REF]` is the same (an alias kept from before load existed).\n\n"
                              "  -i, --input=FILE       Read FILE instead of stdin\n"
                              "  -q, --quiet            Print nothing\n"
                              "  -h, --help             Show this help\n",
                              stdout);
                        return 0;
                case 'i': arg_input = optarg; break;
                case 'q': arg_quiet = true; break;
                default: return ctl_usage_error();
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "conmanctl load: takes no operands; use -i FILE or stdin.");
        return ctl_load(arg_input, NULL, "Loaded image ID: sha256:");
}

/* Appends --change values; the daemon checks them (image/change.c). */
static int push_change(const char *value) {
        return strv_push(&arg_changes, value) < 0 ? log_oom() : 0;
}

static int parse_import(int argc, char *argv[]) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                { "change", required_argument, NULL, 'c' },
                { "message", required_argument, NULL, 'm' },
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "hc:m:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        fputs("Usage: conmanctl import [OPTIONS] FILE|- [REFERENCE]\n\n"
                              "Make a one-layer image of a root filesystem tarball (plain, gzip or zstd), as\n"
                              "docker import: FILE, or stdin for '-'. Prints the new image id. (To load images\n"
                              "that docker save or skopeo wrote, use `conmanctl load`.)\n\n"
                              "  -c, --change=INSTRUCTION  A Dockerfile instruction for the image's config:\n"
                              "                            CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL\n"
                              "                            (e.g. --change 'CMD [\"/bin/sh\"]' or\n"
                              "                            --change ENV=A=1); may be repeated\n"
                              "  -m, --message=TEXT        The history comment of the layer\n"
                              "  -h, --help                Show this help\n",
                              stdout);
                        return 0;
                case 'c':
                        if (push_change(optarg) < 0)
                                return -ENOMEM;
                        break;
                case 'm': arg_message = optarg; break;
                default: return ctl_usage_error();
                }
        return 1;
}

/* Opens FILE, or takes stdin for "-" (not a terminal). */
static int open_input(const char *verb, const char *path, int *ret) {
        if (streq(path, "-")) {
                if (isatty(STDIN_FILENO))
                        return log_error_errno(
                                -EINVAL, "conmanctl %s: stdin is a terminal; redirect a tarball.", verb);
                *ret = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
        } else
                *ret = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        return *ret < 0 ? log_error_errno(-errno, "conmanctl %s: %s: %m", verb, path) : 0;
}

int verb_import(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *id;
        int r;

        r = parse_import(argc, argv);
        if (r <= 0)
                return r;
        if (optind >= argc || argc - optind > 2)
                return log_error_errno(-EINVAL,
                                       "conmanctl import: give FILE (or - for stdin) and optionally a "
                                       "REFERENCE.");
        r = open_input("import", argv[optind], &fd);
        if (r >= 0)
                r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "ImportRootfs");
        if (r >= 0)
                r = sd_bus_message_append(m, "hs", fd, argc - optind == 2 ? argv[optind + 1] : "");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, arg_changes);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", strempty(arg_message));
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &id);
        if (r < 0)
                return ctl_log_bus_error("import failed", &error, r);
        printf("sha256:%s\n", id);
        return 0;
}

int verb_export(int argc, char *argv[]) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                { "output", required_argument, NULL, 'o' },
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_close_ int fd = -EBADF;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "ho:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        fputs("Usage: conmanctl export [-o FILE] CONTAINER\n\n"
                              "Write a container's root filesystem as a tarball into FILE, or stdout when it is\n"
                              "not a terminal: its image with its changes, running or not.\n\n"
                              "  -o, --output=FILE      Write into FILE instead of stdout\n"
                              "  -h, --help             Show this help\n",
                              stdout);
                        return 0;
                case 'o': arg_output = optarg; break;
                default: return ctl_usage_error();
                }
        if (optind + 1 != argc)
                return log_error_errno(-EINVAL, "conmanctl export: name one container.");
        r = open_output("export", &fd);
        if (r >= 0)
                r = ctl_bus_open(&bus);
        if (r >= 0)
                r = ctl_call(bus, "ExportContainer", &error, &reply, "sh", argv[optind], fd);
        if (r < 0 && arg_output)
                (void) unlink(arg_output);
        return r < 0 ? ctl_log_bus_error("export failed", &error, r) : 0;
}

static int parse_commit(int argc, char *argv[]) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                { "change", required_argument, NULL, 'c' },
                { "message", required_argument, NULL, 'm' },
                { "author", required_argument, NULL, 'a' },
                { "pause", optional_argument, NULL, 'p' },
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "hc:m:a:p", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        fputs("Usage: conmanctl commit [OPTIONS] CONTAINER [REFERENCE]\n\n"
                              "Make a new image of a container's changes: its image plus one layer with the files\n"
                              "it created, changed and deleted (as OCI whiteouts). Prints the new image id.\n\n"
                              "  -c, --change=INSTRUCTION  A Dockerfile instruction for the image's config:\n"
                              "                            CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL;\n"
                              "                            may be repeated\n"
                              "  -m, --message=TEXT        The history comment of the new layer\n"
                              "  -a, --author=NAME         The image's author\n"
                              "  -p, --pause[=BOOL]        Accepted for docker's sake; the container is not\n"
                              "                            frozen yet, so commit a quiet one\n"
                              "  -h, --help                Show this help\n",
                              stdout);
                        return 0;
                case 'c':
                        if (push_change(optarg) < 0)
                                return -ENOMEM;
                        break;
                case 'm': arg_message = optarg; break;
                case 'a': arg_author = optarg; break;
                case 'p': arg_pause = !optarg || !(streq(optarg, "false") || streq(optarg, "0")); break;
                default: return ctl_usage_error();
                }
        return 1;
}

int verb_commit(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *id;
        int r;

        r = parse_commit(argc, argv);
        if (r <= 0)
                return r;
        if (optind >= argc || argc - optind > 2)
                return log_error_errno(-EINVAL,
                                       "conmanctl commit: name a container and optionally a REFERENCE.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "CommitContainer");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", argv[optind], argc - optind == 2 ? argv[optind + 1] : "");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, arg_changes);
        if (r >= 0)
                r = sd_bus_message_append(m, "ssb", strempty(arg_message), strempty(arg_author), arg_pause);
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &id);
        if (r < 0)
                return ctl_log_bus_error("commit failed", &error, r);
        printf("sha256:%s\n", id);
        return 0;
}
