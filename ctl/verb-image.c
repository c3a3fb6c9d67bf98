/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-image.c — image verbs: `pull` (with per-layer progress on a terminal),
 * `images`, `rmi`, and `image import|inspect|prune|ls|pull|rm`. Thin clients of
 * PullImage, ListImages, RemoveImage, ImportImage, InspectImage and PruneImages.
 */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>

#include "shared/log.h"
#include "shared/names.h"
#include "shared/platform.h"
#include "shared/util.h"
#include "ctl.h"
#include "template.h"

/* "4.3MB", decimal like docker */
static char *format_bytes(uint64_t n, char buf[static 16]) {
        static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
        double v = (double) n;
        size_t u = 0;

        while (v >= 1000 && u + 1 < ELEMENTSOF(units)) {
                v /= 1000;
                u++;
        }
        snprintf(buf, 16, u == 0 ? "%.0f%s" : "%.3g%s", v, units[u]);
        return buf;
}

char *ctl_format_bytes(uint64_t n, char buf[static 16]) {
        return format_bytes(n, buf);
}

/* Parses options common to simple verbs: --help and a flag letter set. Returns 0 after help. */
static int parse_simple(int argc, char *argv[], const char *usage, const struct option *extra,
                        const char *shortopts, void (*on_opt)(int c, const char *arg)) {
        struct option options[8] = { CTL_HELP_OPTION };
        int c, n = 1;

        for (const struct option *o = extra; o && o->name && n < 7; o++)
                options[n++] = *o;
        optind = 0;
        while ((c = getopt_long(argc, argv, shortopts, options, NULL)) >= 0)
                switch (c) {
                case 'h': fputs(usage, stdout); return 0;
                case '?': return ctl_usage_error();
                default: on_opt(c, optarg);
                }
        return 1;
}

/* ---- pull ---- */

static bool arg_quiet = false, arg_tls_verify = true, arg_force = false, arg_json = false;
static bool arg_silent = false; /* pulls for run/create: messages to stderr, nothing on stdout */
static bool arg_all_tags = false;
static const char *arg_authfile = NULL, *arg_cert_dir = NULL;
static const char *arg_platform = NULL; /* pull --platform, normalized into arg_platform_buf */
static char arg_platform_buf[PLATFORM_STRING_MAX];
static const char *arg_format = NULL; /* images --format TEMPLATE */
static bool arg_digests = false;      /* images --digests */
static char arg_filter_repo[512];     /* images REPO[:TAG], normalized; "" for all */
static const char *arg_filter_tag = NULL;

typedef struct PullState {
        const char *reference;
        sd_bus_message *reply;
        sd_bus_error error;
        bool done, tty;
        unsigned lines; /* printed last time, to redraw */
} PullState;

static void render_progress(PullState *s, sd_bus_message *m) {
        uint64_t done, total, sum_done = 0, sum_total = 0;
        const char *digest;
        char a[16], b[16];
        unsigned lines = 0;

        if (s->lines > 0)
                printf("\033[%uA", s->lines);
        if (sd_bus_message_enter_container(m, 'a', "(stt)") < 0)
                return;
        while (sd_bus_message_read(m, "(stt)", &digest, &done, &total) > 0) {
                printf("\033[2K%.19s  %s %9s / %-9s\n", digest, done >= total ? "done       " : "downloading",
                       format_bytes(done, a), format_bytes(total, b));
                sum_done += done;
                sum_total += total;
                lines++;
        }
        printf("\033[2KTotal %" PRIu64 "%%  %s / %s\n", sum_total ? sum_done * 100 / sum_total : 100,
               format_bytes(sum_done, a), format_bytes(sum_total, b));
        fflush(stdout);
        s->lines = lines + 1;
}

static int on_pull_progress(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PullState *s = userdata;
        const char *ref;

        if (!s->tty || arg_quiet || sd_bus_message_read(m, "s", &ref) < 0 || !streq(ref, s->reference))
                return 0;
        render_progress(s, m);
        return 0;
}

static int on_pull_reply(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PullState *s = userdata;

        s->done = true;
        if (sd_bus_message_is_method_error(m, NULL))
                return sd_bus_error_copy(&s->error, sd_bus_message_get_error(m)), 0;
        s->reply = sd_bus_message_ref(m);
        return 0;
}

static int pull_options(sd_bus_message *m) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        if (r >= 0 && !arg_tls_verify)
                r = sd_bus_message_append(m, "{sv}", "TlsVerify", "b", 0);
        if (r >= 0 && arg_authfile)
                r = sd_bus_message_append(m, "{sv}", "AuthFile", "s", arg_authfile);
        if (r >= 0 && arg_cert_dir)
                r = sd_bus_message_append(m, "{sv}", "CertDir", "s", arg_cert_dir);
        if (r >= 0 && arg_platform)
                r = sd_bus_message_append(m, "{sv}", "Platform", "s", arg_platform);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

/* A call of method (PullImage, ListRegistryTags) with ref and the pull's options. */
static int pull_call_new(sd_bus *bus, const char *method, const char *ref, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           method);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", ref);
        if (r >= 0)
                r = pull_options(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

static int pull_one(sd_bus *bus, const char *ref) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *match = NULL, *call = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        PullState s = { .reference = ref, .error = SD_BUS_ERROR_NULL, .tty = isatty(STDOUT_FILENO) };
        const char *id, *path;
        int r;

        r = sd_bus_match_signal(bus, &match, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                "PullProgress", on_pull_progress, &s);
        if (r >= 0)
                r = pull_call_new(bus, "PullImage", ref, &m);
        if (r >= 0)
                r = sd_bus_call_async(bus, &call, m, on_pull_reply, &s, UINT64_MAX);
        while (r >= 0 && !s.done) {
                r = sd_bus_process(bus, NULL);
                if (r == 0)
                        r = sd_bus_wait(bus, UINT64_MAX);
        }
        if (r < 0 || sd_bus_error_is_set(&s.error)) {
                r = ctl_log_bus_error("pull failed", &s.error, r < 0 ? r : -EIO);
                sd_bus_error_free(&s.error);
                return r;
        }
        r = sd_bus_message_read(s.reply, "so", &id, &path);
        if (r >= 0 && arg_silent && arg_quiet)
                ;
        else if (r >= 0 && arg_silent)
                fprintf(stderr, "Pulled %s (%.12s)\n", ref, id);
        else if (r >= 0)
                printf(arg_quiet ? "%s\n" : "Pulled %s\nImage ID: %s\n", arg_quiet ? id : ref, id);
        sd_bus_message_unref(s.reply);
        return r < 0 ? r : 0;
}

int ctl_pull_image(sd_bus *bus, const char *ref, bool tls_verify, const char *platform, bool quiet) {
        arg_quiet = quiet; /* no progress */
        arg_tls_verify = tls_verify;
        arg_platform = platform;
        arg_silent = true;
        return pull_one(bus, ref);
}

static void on_pull_opt(int c, const char *arg) {
        if (c == 'q')
                arg_quiet = true;
        else if (c == 1)
                arg_tls_verify = !streq(arg, "false") && !streq(arg, "0") && !streq(arg, "no");
        else if (c == 2)
                arg_authfile = arg;
        else if (c == 3)
                arg_cert_dir = arg;
        else if (c == 4)
                arg_platform = arg;
        else if (c == 'a')
                arg_all_tags = true;
}

/* The repository's tags in its registry (ListRegistryTags, with the pull's options). */
static int list_registry_tags(sd_bus *bus, const char *repo, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = pull_call_new(bus, "ListRegistryTags", repo, &m);
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        if (r >= 0)
                r = sd_bus_message_read_strv(reply, ret);
        if (r < 0)
                return ctl_log_bus_error("pull failed", &error, r);
        return 0;
}

/* pull --all-tags: every tag of repo, one pull each. */
static int pull_all_tags(sd_bus *bus, const char *repo) {
        _cleanup_strv_free_ char **tags = NULL;
        int r;

        r = list_registry_tags(bus, repo, &tags);
        if (r < 0)
                return r;
        if (!tags || !tags[0])
                return log_error_errno(-ENOENT, "conmanctl pull: %s has no tags.", repo);
        for (char **t = tags; *t; t++) {
                _cleanup_free_ char *ref = NULL;

                if (asprintf(&ref, "%s:%s", repo, *t) < 0)
                        return log_oom();
                r = pull_one(bus, ref);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* --platform, else $DOCKER_DEFAULT_PLATFORM as docker; checked here, sent normalized. */
static int pull_platform_setup(void) {
        const char *from = arg_platform ? "--platform" : "DOCKER_DEFAULT_PLATFORM";
        Platform p;

        if (!arg_platform)
                arg_platform = getenv("DOCKER_DEFAULT_PLATFORM");
        if (isempty(arg_platform))
                return arg_platform = NULL, 0;
        if (platform_parse(arg_platform, &p) < 0)
                return log_error_errno(-EINVAL,
                                       "conmanctl pull: %s \"%s\" is not a platform: give OS/ARCH[/VARIANT], "
                                       "e.g. linux/arm64 or linux/arm/v7.",
                                       from, arg_platform);
        arg_platform = platform_to_string(&p, arg_platform_buf);
        return 0;
}

static char *absolute_path(const char *p) {
        char buf[PATH_MAX];
        return realpath(p, buf) ? strdup(buf) : NULL;
}

int verb_pull(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                { "tls-verify", required_argument, NULL, 1 },
                { "authfile", required_argument, NULL, 2 },
                { "cert-dir", required_argument, NULL, 3 },
                { "platform", required_argument, NULL, 4 },
                { "all-tags", no_argument, NULL, 'a' },
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *authfile = NULL, *cert_dir = NULL;
        int r;

        r = parse_simple(
                argc, argv,
                "Usage: conmanctl pull [OPTIONS] REFERENCE...\n\n"
                "Pull images from a registry into conmand's store (root only).\n"
                "REFERENCE is docker-style: busybox, localhost:5050/test/app:1, name@sha256:...\n\n"
                "  -a, --all-tags           Pull every tag of the repository (a name without tag or digest)\n"
                "  -q, --quiet              Print only the image id\n"
                "      --tls-verify=false   Do not verify TLS certificates; fall back to plain HTTP\n"
                "      --authfile=FILE      Credentials in auth.json format\n"
                "      --cert-dir=DIR       CA certificates for the registry\n"
                "      --platform=OS/ARCH[/VARIANT]\n"
                "                           Pull this platform of a multi-platform image (linux/arm64,\n"
                "                           linux/arm/v7; default $DOCKER_DEFAULT_PLATFORM, else the host's)\n"
                "  -h, --help               Show this help\n",
                options, "aqh", on_pull_opt);
        if (r <= 0)
                return r;
        for (int i = optind; arg_all_tags && i < argc; i++)
                if (image_name_has_tag_or_digest(argv[i]))
                        return log_error_errno(-EINVAL,
                                               "conmanctl pull: %s: tag can't be used with --all-tags/-a.",
                                               argv[i]);
        r = pull_platform_setup();
        if (r < 0)
                return r;
        if (optind >= argc)
                return log_error_errno(-EINVAL,
                                       "conmanctl pull: name an image, e.g. 'conmanctl pull busybox'.");
        if (arg_authfile && !(arg_authfile = authfile = absolute_path(arg_authfile)))
                return log_error_errno(-errno, "conmanctl pull: cannot use --authfile: %m");
        if (arg_cert_dir && !(arg_cert_dir = cert_dir = absolute_path(arg_cert_dir)))
                return log_error_errno(-errno, "conmanctl pull: cannot use --cert-dir: %m");
        r = ctl_bus_open(&bus);
        for (int i = optind; r >= 0 && i < argc; i++)
                r = arg_all_tags ? pull_all_tags(bus, argv[i]) : pull_one(bus, argv[i]);
        return r;
}

/* ---- images ---- */

typedef struct ImageRow {
        const char *id, *digest, *path;
        char **tags;
        char *platform; /* "linux/arm64/v8", read for --format only (the Image's Platform property) */
        uint64_t size, created;
} ImageRow;

/* "domain/path:tag" → repository and tag */
static void split_tag(const char *t, char *repo, size_t size, const char **tag) {
        const char *slash = strrchr(t, '/'), *colon = strrchr(slash ?: t, ':');

        snprintf(repo, size, "%.*s", colon ? (int) (colon - t) : (int) strlen(t), t);
        *tag = colon ? colon + 1 : "<none>";
}

/* docker's normalization, for the REPO[:TAG] filter: busybox → docker.io/library/busybox. */
static void normalize_filter(const char *s, char *repo, size_t size, const char **tag) {
        const char *slash = strchr(s, '/'), *last = strrchr(s, '/'), *colon = strrchr(last ?: s, ':');
        size_t n = colon ? (size_t) (colon - s) : strlen(s);
        bool domain = slash && (memchr(s, '.', (size_t) (slash - s)) ||
                                memchr(s, ':', (size_t) (slash - s)) || strneq(s, "localhost/", 10));

        *tag = colon ? colon + 1 : NULL;
        snprintf(repo, size, "%s%s%.*s", domain ? "" : "docker.io/", domain || slash ? "" : "library/",
                 (int) n, s);
}

static bool row_name_matches(const char *repo, const char *tag) {
        return !arg_filter_repo[0] ||
               (streq(repo, arg_filter_repo) && (!arg_filter_tag || streq(tag, arg_filter_tag)));
}

static void print_image_line(const char *repo, const char *tag, const ImageRow *row, const char *age,
                             const char *size) {
        if (arg_digests)
                printf("%-40s %-12s %-71s %-12.12s %-20s %s\n", repo, tag,
                       isempty(row->digest) ? "<none>" : row->digest, row->id, age, size);
        else
                printf("%-40s %-12s %-12.12s %-20s %s\n", repo, tag, row->id, age, size);
}

static void print_image_row(const ImageRow *row) {
        char repo[512], size[16], age[40];
        const char *tag;

        format_age(row->created, age);
        format_bytes(row->size, size);
        if (!row->tags || !row->tags[0]) {
                if (!arg_filter_repo[0])
                        print_image_line("<none>", "<none>", row, age, size);
                return;
        }
        for (char **t = row->tags; *t; t++) {
                split_tag(*t, repo, sizeof(repo), &tag);
                if (row_name_matches(repo, tag))
                        print_image_line(repo, tag, row, age, size);
        }
}

/* Whether any name of the row passes the filter (for -q, --format json). */
static bool row_matches(const ImageRow *row) {
        char repo[512];
        const char *tag;

        if (!arg_filter_repo[0])
                return true;
        for (char **t = row->tags; t && *t; t++) {
                split_tag(*t, repo, sizeof(repo), &tag);
                if (row_name_matches(repo, tag))
                        return true;
        }
        return false;
}

static struct json_object *image_row_json(const ImageRow *row) {
        struct json_object *o = json_object_new_object(), *tags = json_object_new_array();
        char ts[40];

        for (char **t = row->tags; t && *t; t++)
                json_object_array_add(tags, json_object_new_string(*t));
        json_object_object_add(o, "Id", json_object_new_string(row->id));
        json_object_object_add(o, "RepoTags", tags);
        json_object_object_add(o, "Digest", json_object_new_string(row->digest));
        json_object_object_add(o, "Size", json_object_new_int64((int64_t) row->size));
        json_object_object_add(o, "CreatedAt", json_object_new_string(format_timestamp(row->created, ts)));
        json_object_object_add(o, "Platform", json_object_new_string(strempty(row->platform)));
        return o;
}

static int read_image_row(sd_bus_message *reply, ImageRow *row) {
        int r;

        r = sd_bus_message_enter_container(reply, 'r', "sasstto");
        if (r <= 0)
                return r;
        r = sd_bus_message_read(reply, "s", &row->id);
        if (r >= 0)
                r = sd_bus_message_read_strv(reply, &row->tags);
        if (r >= 0)
                r = sd_bus_message_read(reply, "stto", &row->digest, &row->size, &row->created, &row->path);
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        return r < 0 ? r : 1;
}

/* For --format templates, one object per name as docker's rows: .ID (short) .Repository .Tag .Digest
 * .CreatedSince .CreatedAt .Size (human-readable). */
static void add_image_template_rows(struct json_object *all, const ImageRow *row) {
        char repo[512], size[16], age[40], ts[40];
        const char *tag;

        for (size_t i = 0; i == 0 || (row->tags && row->tags[i]); i++) {
                struct json_object *o;

                if (row->tags && row->tags[i])
                        split_tag(row->tags[i], repo, sizeof(repo), &tag);
                else
                        snprintf(repo, sizeof(repo), "<none>"), tag = "<none>";
                if (row->tags && row->tags[i] && !row_name_matches(repo, tag))
                        continue; /* images REPO[:TAG]: only the names asked for */
                o = json_object_new_object();
                json_object_object_add(o, "ID",
                                       json_object_new_string_len(row->id, (int) strnlen(row->id, 12)));
                json_object_object_add(o, "Repository", json_object_new_string(repo));
                json_object_object_add(o, "Tag", json_object_new_string(tag));
                json_object_object_add(o, "Digest", json_object_new_string(row->digest));
                json_object_object_add(o, "CreatedSince",
                                       json_object_new_string(format_age(row->created, age)));
                json_object_object_add(o, "CreatedAt",
                                       json_object_new_string(format_timestamp(row->created, ts)));
                json_object_object_add(o, "Size", json_object_new_string(format_bytes(row->size, size)));
                json_object_object_add(o, "Platform", json_object_new_string(strempty(row->platform)));
                json_object_array_add(all, o);
        }
}

static struct json_object *images_header(void) {
        static const char *const titles[] = { "ID",           "IMAGE ID", "Repository", "REPOSITORY",
                                              "Tag",          "TAG",      "Digest",     "DIGEST",
                                              "CreatedSince", "CREATED",  "CreatedAt",  "CREATED AT",
                                              "Size",         "SIZE",     "Platform",   "PLATFORM" };
        struct json_object *o = json_object_new_object();

        for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i += 2)
                json_object_object_add(o, titles[i], json_object_new_string(titles[i + 1]));
        return o;
}

/* The image's platform, for --format: one property read per image (the default table has no column). */
static int read_image_platform(sd_bus *bus, ImageRow *row) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_get_property_string(bus, "io.conman1", row->path, "io.conman1.Image", "Platform", &error,
                                       &row->platform);
        return r == -ENOMEM ? r : 0; /* gone meanwhile, or an older conmand: no platform */
}

static int print_images(sd_bus *bus, sd_bus_message *reply, const Template *tmpl) {
        _cleanup_json_ struct json_object *all = json_object_new_array(), *header = NULL;
        ImageRow row = {};
        int r;

        if (!arg_json && !arg_quiet && !tmpl && arg_digests)
                printf("%-40s %-12s %-71s %-12s %-20s %s\n", "REPOSITORY", "TAG", "DIGEST", "IMAGE ID",
                       "CREATED", "SIZE");
        else if (!arg_json && !arg_quiet && !tmpl)
                printf("%-40s %-12s %-12s %-20s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        r = sd_bus_message_enter_container(reply, 'a', "(sasstto)");
        while (r >= 0 && (r = read_image_row(reply, &row)) > 0) {
                if (row_matches(&row) && (arg_json || tmpl) && read_image_platform(bus, &row) < 0)
                        return log_oom();
                if (!row_matches(&row))
                        ;
                else if (arg_json)
                        json_object_array_add(all, image_row_json(&row));
                else if (arg_quiet)
                        printf("%.12s\n", row.id);
                else if (tmpl)
                        add_image_template_rows(all, &row);
                else
                        print_image_row(&row);
                strv_freep(&row.tags);
                free(row.platform);
                row.platform = NULL;
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl images: cannot parse the answer: %m");
        if (tmpl && !arg_quiet) {
                header = images_header();
                return template_print_items("conmanctl images", tmpl, all, header, stdout);
        }
        if (arg_json)
                printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
                                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
        return 0;
}

static void on_images_opt(int c, const char *arg) {
        if (c == 'q')
                arg_quiet = true;
        else if (c == 1) {
                arg_json = streq(arg, "json");
                arg_format = arg_json || streq(arg, "table") ? NULL : arg;
        } else if (c == 2)
                arg_digests = true;
}

int verb_images(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                { "format", required_argument, NULL, 1 },
                { "digests", no_argument, NULL, 2 },
                {},
        };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(template_freep) Template *tmpl = NULL;
        int r;

        r = parse_simple(
                argc, argv,
                "Usage: conmanctl images [-q] [--digests] [--format json|TEMPLATE] [REPOSITORY[:TAG]]\n\n"
                "List the images in conmand's store: repository, tag, id, age and unpacked size;\n"
                "only those of REPOSITORY (and TAG) when given (busybox is docker.io/library/busybox).\n\n"
                "  -q, --quiet            Print only image ids\n"
                "      --digests          Show the manifest digests too\n"
                "      --format json      Print a JSON array\n"
                "      --format TEMPLATE  Print each image name through a Go template, e.g.\n"
                "                         'table {{.Repository}}\\t{{.Tag}}\\t{{.Size}}' (fields: .ID\n"
                "                         .Repository .Tag .Digest .CreatedSince .CreatedAt .Size\n"
                "                         .Platform)\n"
                "  -h, --help             Show this help\n",
                options, "qh", on_images_opt);
        if (r <= 0)
                return r;
        if (argc - optind > 1)
                return log_error_errno(-EINVAL, "conmanctl images: give at most one REPOSITORY[:TAG].");
        if (optind < argc)
                normalize_filter(argv[optind], arg_filter_repo, sizeof(arg_filter_repo), &arg_filter_tag);
        if (arg_format) {
                r = template_parse_or_log("conmanctl images", arg_format, &tmpl);
                if (r < 0)
                        return r;
                if (template_is_empty(tmpl))
                        tmpl = template_free(tmpl);
        }
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "ListImages", &error, &reply, NULL);
        if (r < 0)
                return ctl_log_bus_error("cannot list images", &error, r);
        return print_images(bus, reply, tmpl);
}

/* ---- rmi ---- */

static int print_strv_reply(sd_bus_message *reply, const char *prefix) {
        _cleanup_strv_free_ char **l = NULL;
        int r = sd_bus_message_read_strv(reply, &l);

        for (char **i = l; r >= 0 && i && *i; i++)
                printf("%s%s\n", prefix, *i);
        return r;
}

static void on_rmi_opt(int c, const char *arg) {
        if (c == 'f')
                arg_force = true;
}

int verb_rmi(int argc, char *argv[]) {
        static const struct option options[] = { { "force", no_argument, NULL, 'f' }, {} };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r, ret = 0;

        r = parse_simple(argc, argv,
                         "Usage: conmanctl rmi [-f] IMAGE...\n\n"
                         "Remove images (by name, id or id prefix). A name of an image with several names\n"
                         "is only untagged. Images used by containers are refused.\n\n"
                         "  -f, --force   Untag images used by containers instead of refusing\n"
                         "  -h, --help    Show this help\n",
                         options, "fh", on_rmi_opt);
        if (r <= 0)
                return r;
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl rmi: name at least one image.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

                r = ctl_call(bus, "RemoveImage", &error, &reply, "sb", argv[i], arg_force);
                if (r >= 0)
                        r = print_strv_reply(reply, "Untagged: ");
                if (r >= 0)
                        r = print_strv_reply(reply, "Deleted: ");
                if (r < 0)
                        ret = ctl_log_bus_error(argv[i], &error, r);
        }
        return ret;
}

/* ---- tag, untag ---- */

int verb_tag(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = parse_simple(
                argc, argv,
                "Usage: conmanctl tag SOURCE TARGET\n\n"
                "Give the image SOURCE (a name, id or id prefix) the name TARGET (NAME[:TAG], :latest\n"
                "when no tag is given). No data is copied; a TARGET another image had moves to SOURCE.\n",
                NULL, "h", NULL);
        if (r <= 0)
                return r;
        if (argc - optind != 2)
                return log_error_errno(-EINVAL, "conmanctl tag: give SOURCE and TARGET.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "TagImage", &error, &reply, "ss", argv[optind], argv[optind + 1]);
        if (r < 0)
                return ctl_log_bus_error("tag failed", &error, r);
        return 0;
}

int verb_untag(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r, ret = 0;

        r = parse_simple(argc, argv,
                         "Usage: conmanctl untag NAME...\n\n"
                         "Remove names (NAME[:TAG]) from images. The image stays, untagged (<none>) when it\n"
                         "loses its last name; 'conmanctl image prune' removes such images.\n",
                         NULL, "h", NULL);
        if (r <= 0)
                return r;
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl untag: name at least one tag.");
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                const char *tag;

                r = ctl_call(bus, "UntagImage", &error, &reply, "s", argv[i]);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "s", &tag);
                if (r < 0)
                        ret = ctl_log_bus_error(argv[i], &error, r);
                else
                        printf("Untagged: %s\n", tag);
        }
        return ret;
}

/* ---- image import, inspect, prune ---- */

static int verb_image_import(int argc, char *argv[]) {
        int r;

        r = parse_simple(
                argc, argv,
                "Usage: conmanctl image import PATH [REFERENCE]\n\n"
                "Import images from an OCI image layout directory, an oci-archive tarball or a\n"
                "docker-save tarball: an alias of `conmanctl load -i PATH` (docker's `import`, a\n"
                "root filesystem tarball made an image, is `conmanctl import`). REFERENCE names the\n"
                "(first) image instead of the names the archive carries. Prints the ids of the\n"
                "imported images.\n",
                NULL, "h", NULL);
        if (r <= 0)
                return r;
        if (optind >= argc || argc - optind > 2)
                return log_error_errno(-EINVAL,
                                       "conmanctl image import: give PATH and optionally a REFERENCE.");
        return ctl_load(argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, "");
}

static const char *arg_inspect_format = NULL;

static void on_image_inspect_opt(int c, const char *arg) {
        if (c == 'f')
                arg_inspect_format = streq(arg, "json") ? NULL : arg;
}

static int verb_image_inspect(int argc, char *argv[]) {
        static const struct option options[] = { { "format", required_argument, NULL, 'f' }, {} };
        static const CtlInspect what = { "conmanctl image inspect", "InspectImage", "image" };
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r, ret = 0;

        r = parse_simple(
                argc, argv,
                "Usage: conmanctl image inspect [-f TEMPLATE] IMAGE...\n\n"
                "Show an image's record (tags, digests, layers, size, Os, Architecture, Variant) and\n"
                "its config as JSON.\n\n"
                "  -f, --format TEMPLATE  Print each image through a Go template, e.g.\n"
                "                         '{{.Os}}/{{.Architecture}}'\n",
                options, "hf:", on_image_inspect_opt);
        if (r <= 0)
                return r;
        if (optind >= argc)
                return log_error_errno(-EINVAL, "conmanctl image inspect: name at least one image.");
        if (arg_inspect_format)
                return ctl_inspect_print(&what, argv + optind, arg_inspect_format);
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                const char *json;

                r = ctl_call(bus, "InspectImage", &error, &reply, "s", argv[i]);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "s", &json);
                if (r < 0)
                        ret = ctl_log_bus_error(argv[i], &error, r);
                else
                        printf("%s\n", json);
        }
        return ret;
}

static void ignore_option(int c, const char *arg) {
}

static int verb_image_prune(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        uint64_t reclaimed = 0;
        char buf[16];
        int r;

        static const struct option force[] = { { "force", no_argument, NULL, 'f' }, {} };

        r = parse_simple(
                argc, argv,
                "Usage: conmanctl image prune [-f]\n\n"
                "Remove untagged images no container uses and layers no image refers to.\n\n"
                "  -f, --force       Accepted as docker's (conmanctl does not ask for confirmation)\n",
                force, "hf", ignore_option);
        if (r <= 0)
                return r;
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        r = ctl_call(bus, "PruneImages", &error, &reply, NULL);
        if (r >= 0)
                r = print_strv_reply(reply, "Deleted: ");
        if (r >= 0)
                r = sd_bus_message_read(reply, "t", &reclaimed);
        if (r < 0)
                return ctl_log_bus_error("prune failed", &error, r);
        printf("Total reclaimed space: %s\n", format_bytes(reclaimed, buf));
        return 0;
}

int verb_image(int argc, char *argv[]) {
        static const Verb sub[] = {
                { "history", NULL, verb_history },
                { "import", NULL, verb_image_import },
                { "inspect", NULL, verb_image_inspect },
                { "prune", NULL, verb_image_prune },
                { "ls", NULL, verb_images },
                { "list", NULL, verb_images },
                { "pull", NULL, verb_pull },
                { "rm", NULL, verb_rmi },
                { "remove", NULL, verb_rmi },
        };

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("Usage: conmanctl image VERB [ARGS...]\n\n"
                       "  history IMAGE       Show the history of an image (= conmanctl history)\n"
                       "  import PATH [REF]   Load an OCI layout, oci-archive or docker-save tarball (= load)\n"
                       "  inspect IMAGE...    Show images as JSON\n"
                       "  prune               Remove unused untagged images and layers\n"
                       "  ls                  List images (= conmanctl images)\n"
                       "  pull REF...         Pull images (= conmanctl pull)\n"
                       "  rm IMAGE...         Remove images (= conmanctl rmi)\n");
                return argc < 2 ? -EINVAL : 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(sub); i++)
                if (streq(sub[i].name, argv[1]))
                        return sub[i].run(argc - 1, argv + 1);
        return log_error_errno(-EINVAL, "conmanctl image: unknown verb '%s'. See 'conmanctl image --help'.",
                               argv[1]);
}
