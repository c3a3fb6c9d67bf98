/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conman-generator.c — a systemd generator: turns *.container files into
 * conman-<name>.service units at boot and on daemon-reload, and *.pod files into a pod's
 * slice and pin unit (docs/generator.md).
 *
 * Search path: /etc/conman/containers, /run/conman/containers,
 * /usr/share/conman/containers; the first file of a name wins, and so does the first
 * drop-in NAME.container.d/X.conf (NAME.pod.d/X.conf) of a name, the drop-ins applied in
 * lexical order. The .pod files are read first, so that a .container's Pod= finds its pod; the
 * pods are written last, when their members' units are known. A broken file is reported (journal, or kmsg
 * before journald runs) and skipped; the others are generated. --dry-run prints what would be written, for
 * golden-file tests.
 */
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "shared/container-file.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/util.h"
#include "generator-pod.h"
#include "generator-unit.h"

static const char *const default_search_path[] = { "/etc/conman/containers", "/run/conman/containers",
                                                   "/usr/share/conman/containers", NULL };

static bool arg_dry_run = false;
static const char *arg_output_dir = NULL;
static char **arg_search_path = NULL;

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* A file that is /dev/null, or a link to it, masks the files of its name in later directories, as in systemd.
 */
static bool is_masked(const char *path) {
        struct stat st;

        return stat(path, &st) >= 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

/* Files in the search path ending in suffix, first of each name wins, as full paths sorted by name. */
static int find_files(char *const *dirs, const char *subdir, const char *suffix, char ***ret) {
        _cleanup_strv_free_ char **names = NULL, **paths = NULL, **taken = NULL;
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
                            strv_contains(taken, de->d_name))
                                continue;
                        if (asprintf(&p, "%s/%s", dir, de->d_name) < 0 || strv_push(&taken, de->d_name) < 0)
                                return -ENOMEM;
                        if (is_masked(p))
                                continue;
                        if (strv_push(&names, de->d_name) < 0 || strv_push(&paths, p) < 0)
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

static int make_links(int dir_fd, char *const *wanted_by, char *const *required_by, const char *unit) {
        int r = 0;

        for (char *const *t = wanted_by; r >= 0 && t && *t; t++)
                r = make_link(dir_fd, *t, "wants", unit);
        for (char *const *t = required_by; r >= 0 && t && *t; t++)
                r = make_link(dir_fd, *t, "requires", unit);
        return r;
}

/* subdir (made if missing, with its parent) of the output directory. */
static int open_subdir(int dir_fd, const char *subdir) {
        _cleanup_free_ char *parent = strndup(subdir, strcspn(subdir, "/"));
        int fd;

        if (!parent)
                return -ENOMEM;
        if ((mkdirat(dir_fd, parent, 0755) < 0 && errno != EEXIST) ||
            (mkdirat(dir_fd, subdir, 0755) < 0 && errno != EEXIST))
                return log_error_errno(negative_errno(), "Failed to create %s/%s: %m", arg_output_dir,
                                       subdir);
        fd = openat(dir_fd, subdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(negative_errno(), "Failed to open %s/%s: %m", arg_output_dir, subdir);
        return fd;
}

/* A spec file (0600: a container's carries its environment) into subdir, then the units. */
static int write_files(int dir_fd, const char *subdir, const char *spec_name, const char *spec_text,
                       char *const *units, const char *source) {
        _cleanup_close_ int spec_fd = -EBADF;
        int r;

        if (arg_dry_run) {
                for (char *const *u = units; *u; u += 2)
                        print_file(u[0], u[1]);
                printf("---- %s/%s ----\n%s\n", subdir, spec_name, spec_text);
                return 0;
        }
        spec_fd = open_subdir(dir_fd, subdir);
        if (spec_fd < 0)
                return spec_fd;
        r = write_file_atomic_at(spec_fd, spec_name, spec_text, strlen(spec_text), 0600);
        for (char *const *u = units; r >= 0 && *u; u += 2)
                r = write_file_atomic_at(dir_fd, u[0], u[1], strlen(u[1]), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write the units of %s: %m", source);
        return 0;
}

static int write_generated(int dir_fd, const ContainerFile *f, const GeneratedUnit *g) {
        char *units[] = { g->unit_name, g->unit_text, NULL };
        int r = write_files(dir_fd, GENERATOR_SPEC_SUBDIR, g->spec_name, g->spec_text, units, f->path);

        return r < 0 ? r : make_links(dir_fd, f->wanted_by, f->required_by, g->unit_name);
}

/* ---- pods ---- */

typedef struct Pod {
        PodFile file;
        bool broken;         /* refused: its members are skipped too */
        char **member_units; /* the generated units of the .container files with Pod=<this file> */
} Pod;

typedef struct Pods {
        Pod *items;
        size_t n;
} Pods;

static void pods_done(Pods *p) {
        for (size_t i = 0; i < p->n; i++) {
                pod_file_done(&p->items[i].file);
                strv_freep(&p->items[i].member_units);
        }
        free(p->items);
        *p = (Pods){};
}

static Pod *pods_find_name(Pods *pods, const char *name) {
        for (size_t i = 0; i < pods->n; i++)
                if (!pods->items[i].broken && streq(pods->items[i].file.spec.name, name))
                        return &pods->items[i];
        return NULL;
}

static Pod *pods_find_file(Pods *pods, const char *file_name) {
        for (size_t i = 0; i < pods->n; i++)
                if (streq(pods->items[i].file.file_name, file_name))
                        return &pods->items[i];
        return NULL;
}

/* Parses a .pod file and gives the pod its id and source; a broken one is logged. -ENOMEM only. */
static int load_pod(const char *path, Pods *pods, Pod *pod) {
        _cleanup_strv_free_ char **dropins = NULL;
        int r;

        pod_file_init(&pod->file);
        r = find_dropins(strrchr(path, '/') + 1, &dropins);
        if (r >= 0)
                r = pod_file_load(&pod->file, path, dropins);
        if (r >= 0 && pods_find_name(pods, pod->file.spec.name)) {
                log_error("%s: another file already defines pod %s.", path, pod->file.spec.name);
                r = -EEXIST;
        }
        if (r >= 0)
                r = generated_pod_id(pod->file.spec.name, &pod->file.spec.id);
        if (r >= 0)
                r = free_and_strdup(&pod->file.spec.source_path, path);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                pod->broken = true;
                log_error("%s: skipped; no pod generated for it, nor for its containers.", path);
        }
        return 0;
}

static int load_pods(Pods *ret) {
        _cleanup_(pods_done) Pods pods = {};
        _cleanup_strv_free_ char **files = NULL;
        size_t n;
        int r;

        r = find_files(arg_search_path, NULL, POD_FILE_SUFFIX, &files);
        if (r < 0)
                return log_oom();
        n = strv_length(files);
        pods.items = calloc(MAX(n, 1u), sizeof(Pod));
        if (!pods.items)
                return log_oom();
        for (size_t i = 0; i < n; i++) {
                r = load_pod(files[i], &pods, &pods.items[i]);
                if (r < 0)
                        return r;
                pods.n++;
        }
        *ret = pods;
        pods = (Pods){};
        return 0;
}

/* Pod=NAME.pod: the member takes the pod's id and name, and its network (pod-spec.h). */
static int join_pod(ContainerFile *f, Pods *pods, Pod **ret) {
        Pod *pod = pods_find_file(pods, f->pod);

        if (!pod) {
                log_error("%s: Pod=%s: there is no such file next to the .container files.", f->path, f->pod);
                return -ENOENT;
        }
        if (pod->broken) {
                log_error("%s: Pod=%s: that file has errors.", f->path, f->pod);
                return -EINVAL;
        }
        if (free_and_strdup(&f->spec.pod_id, pod->file.spec.id) < 0 ||
            free_and_strdup(&f->spec.pod_name, pod->file.spec.name) < 0)
                return -ENOMEM;
        f->spec.network = pod->file.spec.network == NETWORK_HOST && (pod->file.spec.share & POD_SHARE_NET)
                                  ? NETWORK_HOST
                                  : NETWORK_NONE;
        *ret = pod;
        return 0;
}

static int generate_pod(int dir_fd, const Pod *pod) {
        _cleanup_(generated_pod_done) GeneratedPod g = {};
        const PodFile *f = &pod->file;
        int r;

        r = generated_pod_build(f, arg_output_dir, pod->member_units, &g);
        if (r < 0)
                return r == -ENOMEM ? log_oom()
                                    : log_error_errno(r, "%s: skipped; no pod generated for it.", f->path);

        char *units[] = { g.slice_name, g.slice_text, g.pin_name, g.pin_text, NULL };
        r = write_files(dir_fd, GENERATOR_POD_SPEC_SUBDIR, g.spec_name, g.spec_text, units, f->path);
        return r < 0 ? r : make_links(dir_fd, f->wanted_by, f->required_by, g.pin_name);
}

/* ---- containers ---- */

/* One .container file; its errors are logged and never stop the others. */
static int generate_one(int dir_fd, const char *path, Pods *pods, char ***units_done) {
        _cleanup_(container_file_done) ContainerFile f;
        _cleanup_(generated_unit_done) GeneratedUnit g = {};
        _cleanup_strv_free_ char **dropins = NULL;
        Pod *pod = NULL;
        int r;

        container_file_init(&f);
        r = find_dropins(strrchr(path, '/') + 1, &dropins);
        if (r >= 0)
                r = container_file_load(&f, path, dropins);
        if (r >= 0 && f.pod)
                r = join_pod(&f, pods, &pod);
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
        if (r >= 0 && pod)
                r = strv_push(&pod->member_units, g.unit_name);
        return r;
}

static int run(void) {
        _cleanup_strv_free_ char **files = NULL, **done = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_(pods_done) Pods pods = {};
        int r, ret = 0;

        if (!arg_dry_run) {
                dir_fd = open(arg_output_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir_fd < 0)
                        return log_error_errno(negative_errno(), "Failed to open %s: %m", arg_output_dir);
        }
        r = load_pods(&pods);
        if (r < 0)
                return r;
        for (size_t i = 0; i < pods.n; i++)
                if (pods.items[i].broken)
                        ret = -EINVAL;
        r = find_files(arg_search_path, NULL, ".container", &files);
        if (r < 0)
                return log_oom();
        for (char **f = files; f && *f; f++) {
                r = generate_one(dir_fd, *f, &pods, &done);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        for (size_t i = 0; i < pods.n; i++) {
                if (pods.items[i].broken)
                        continue;
                r = generate_pod(dir_fd, &pods.items[i]);
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
               "Generates conman-<name>.service units from *.container files (conman.container(5)),\n"
               "and the slice and conman-pod@<name>.service of a pod from *.pod files (conman.pod(5)).\n\n"
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
