/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-generator.c — a systemd generator: turns *.container files into
 * conman-<name>.service units at boot and on daemon-reload (docs/generator.md).
 *
 * Search path: /etc/conman/containers, /run/conman/containers,
 * /usr/share/conman/containers; the first file of a name wins, and so does the first
 * drop-in NAME.container.d/X.conf of a name, the drop-ins applied in lexical order.
 * A broken file is reported (journal, or kmsg before journald runs) and skipped; the others
 * are generated. --dry-run prints what would be written, for golden-file tests.
 */
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>

#include "shared/container-file.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "generator-unit.h"

static const char *const default_search_path[] = { "/etc/conman/containers", "/run/conman/containers",
                                                   "/usr/share/conman/containers", NULL };

static bool arg_dry_run = false;
static const char *arg_output_dir = NULL;
static char **arg_search_path = NULL;

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Files in the search path ending in suffix, first of each name wins, as full paths sorted by name. */
static int find_files(char *const *dirs, const char *subdir, const char *suffix, char ***ret) {
        _cleanup_strv_free_ char **names = NULL, **paths = NULL;
        size_t n;

        for (size_t i = 0; dirs && dirs[i]; i++) {
                _cleanup_free_ char *dir = NULL;
                _cleanup_closedir_ DIR *d = NULL;
                struct dirent *de;

                if (asprintf(&dir, "%s%s%s", dirs[i], subdir ? "/" : "", strempty(subdir)) < 0)
                        return -ENOMEM;
                d = opendir(dir);
                while (d && (de = readdir(d))) {
                        size_t len = strlen(de->d_name), sl = strlen(suffix);
                        _cleanup_free_ char *p = NULL;
                        if (de->d_name[0] == '.' || len <= sl || !streq(de->d_name + len - sl, suffix) ||
                            strv_contains(names, de->d_name))
                                continue;
                        if (asprintf(&p, "%s/%s", dir, de->d_name) < 0 || strv_push(&names, de->d_name) < 0 ||
                            strv_push(&paths, p) < 0)
                                return -ENOMEM;
                }
        }
        n = strv_length(paths);
        if (n > 0) { /* sort paths by file name: sort (name\0path) pairs */
                char **pairs = calloc(n + 1, sizeof(char *));
                if (!pairs)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++)
                        if (asprintf(&pairs[i], "%s/%s", names[i], paths[i]) < 0) {
                                strv_freep(&pairs);
                                return -ENOMEM;
                        }
                qsort(pairs, n, sizeof(char *), cmp_str);
                for (size_t i = 0; i < n; i++)
                        memmove(pairs[i], strchr(pairs[i], '/') + 1, strlen(strchr(pairs[i], '/') + 1) + 1);
                strv_freep(&paths);
                paths = pairs;
        }
        *ret = TAKE_PTR(paths);
        return 0;
}

static int find_dropins(const char *file_name, char ***ret) {
        _cleanup_free_ char *sub = NULL;

        if (asprintf(&sub, "%s.d", file_name) < 0)
                return -ENOMEM;
        return find_files(arg_search_path, sub, ".conf", ret);
}

static void print_file(const char *name, const char *text) {
        printf("---- %s ----\n%s", name, text);
        if (!isempty(text) && text[strlen(text) - 1] != '\n')
                putchar('\n');
}

static int make_link(int dir_fd, const char *target, const char *kind, const char *unit) {
        _cleanup_free_ char *dir = NULL, *link = NULL, *dest = NULL;

        if (!target[0] || strchr(target, '/') || target[0] == '.')
                return log_error_errno(-EINVAL, "Refusing %s target '%s' for %s.", kind, target, unit);
        if (asprintf(&dir, "%s.%s", target, kind) < 0 || asprintf(&link, "%s/%s", dir, unit) < 0 ||
            asprintf(&dest, "../%s", unit) < 0)
                return -ENOMEM;
        if (arg_dry_run) {
                printf("---- %s -> %s ----\n", link, dest);
                return 0;
        }
        if (mkdirat(dir_fd, dir, 0755) < 0 && errno != EEXIST)
                return log_error_errno(negative_errno(), "Failed to create %s/%s: %m", arg_output_dir, dir);
        if (symlinkat(dest, dir_fd, link) < 0 && errno != EEXIST)
                return log_error_errno(negative_errno(), "Failed to link %s/%s: %m", arg_output_dir, link);
        return 0;
}

static int write_generated(int dir_fd, const ContainerFile *f, const GeneratedUnit *g) {
        _cleanup_close_ int spec_fd = -EBADF;
        int r = 0;

        if (arg_dry_run) {
                print_file(g->unit_name, g->unit_text);
                printf("---- " GENERATOR_SPEC_SUBDIR "/%s ----\n%s\n", g->spec_name, g->spec_text);
        } else {
                if (mkdirat(dir_fd, GENERATOR_SPEC_SUBDIR, 0755) < 0 && errno != EEXIST)
                        return log_error_errno(negative_errno(), "Failed to create %s/conman: %m",
                                               arg_output_dir);
                spec_fd = openat(dir_fd, GENERATOR_SPEC_SUBDIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (spec_fd < 0)
                        return log_error_errno(negative_errno(), "Failed to open %s/conman: %m",
                                               arg_output_dir);
                /* 0600: the spec carries the container's environment */
                r = write_file_atomic_at(spec_fd, g->spec_name, g->spec_text, strlen(g->spec_text), 0600);
                if (r >= 0)
                        r = write_file_atomic_at(dir_fd, g->unit_name, g->unit_text, strlen(g->unit_text),
                                                 0644);
                if (r < 0)
                        return log_error_errno(r, "Failed to write %s for %s: %m", g->unit_name, f->path);
        }
        for (char **t = f->wanted_by; r >= 0 && t && *t; t++)
                r = make_link(dir_fd, *t, "wants", g->unit_name);
        for (char **t = f->required_by; r >= 0 && t && *t; t++)
                r = make_link(dir_fd, *t, "requires", g->unit_name);
        return r;
}

/* One .container file; its errors are logged and never stop the others. */
static int generate_one(int dir_fd, const char *path, char ***units_done) {
        _cleanup_(container_file_done) ContainerFile f;
        _cleanup_(generated_unit_done) GeneratedUnit g = {};
        _cleanup_strv_free_ char **dropins = NULL;
        int r;

        container_file_init(&f);
        r = find_dropins(strrchr(path, '/') + 1, &dropins);
        if (r >= 0)
                r = container_file_load(&f, path, dropins);
        if (r >= 0)
                r = generated_unit_build(&f, arg_output_dir, &g);
        if (r < 0) {
                if (r == -ENOMEM)
                        return log_oom();
                return log_error_errno(r, "%s: skipped; no unit generated for it.", path);
        }
        if (strv_contains(*units_done, g.unit_name)) {
                log_error("%s: skipped: another file already defines container %s.", path, f.name);
                return -EEXIST;
        }
        r = write_generated(dir_fd, &f, &g);
        if (r >= 0)
                r = strv_push(units_done, g.unit_name);
        return r;
}

static int run(void) {
        _cleanup_strv_free_ char **files = NULL, **done = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        int r, ret = 0;

        if (!arg_dry_run) {
                dir_fd = open(arg_output_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir_fd < 0)
                        return log_error_errno(negative_errno(), "Failed to open %s: %m", arg_output_dir);
        }
        r = find_files(arg_search_path, NULL, ".container", &files);
        if (r < 0)
                return log_oom();
        for (char **f = files; f && *f; f++) {
                r = generate_one(dir_fd, *f, &done);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        return ret;
}

static int help(void) {
        printf("Usage: conman-generator NORMAL_DIR [EARLY_DIR LATE_DIR]\n"
               "       conman-generator --dry-run [--output-dir=DIR] [SEARCH_DIR...]\n\n"
               "Generates conman-<name>.service units from *.container files (conman.container(5)).\n\n"
               "  --dry-run         Print the units instead of writing them\n"
               "  --output-dir=DIR  With --dry-run: the directory the units would be in\n"
               "                    (default /run/systemd/generator)\n");
        return 0;
}

static int parse_argv(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "dry-run", no_argument, NULL, 'n' },
                { "output-dir", required_argument, NULL, 'o' },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h': return help(), 0;
                case 'n': arg_dry_run = true; break;
                case 'o': arg_output_dir = optarg; break;
                default: return -EINVAL;
                }
        if (arg_dry_run) {
                arg_output_dir = arg_output_dir ?: "/run/systemd/generator";
                for (int i = optind; i < argc; i++)
                        if (strv_push(&arg_search_path, argv[i]) < 0)
                                return -ENOMEM;
                return 1;
        }
        if (argc - optind != 1 && argc - optind != 3)
                return log_error_errno(-EINVAL, "This program takes one or three arguments.");
        arg_output_dir = argv[optind];
        return 1;
}

int main(int argc, char *argv[]) {
        int r;

        log_setup("conman-generator", LOG_TARGET_STDERR);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        /* At boot journald is not up yet, and it imports the kernel log later; on daemon-reload it is
         * (and in a container journald does not read the kernel log at all). */
        if (!arg_dry_run)
                log_setup("conman-generator", access("/run/systemd/journal/socket", F_OK) >= 0
                                                      ? LOG_TARGET_JOURNAL
                                                      : LOG_TARGET_KMSG);
        if (!arg_search_path && !(arg_search_path = strv_copy((char **) default_search_path)))
                return EXIT_FAILURE;
        r = run();
        strv_freep(&arg_search_path);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
