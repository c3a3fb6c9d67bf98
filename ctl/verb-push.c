/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb-push.c — images out: `push` (PushImage, per-blob progress on a terminal from PushProgress),
 * `login` and `logout` (LoginRegistry, LogoutRegistry: conmand checks the credentials at the registry
 * and writes the auth.json that its pulls and pushes read).
 */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <termios.h>

#include "shared/log.h"
#include "shared/util.h"
#include "ctl.h"
#include "help.h"
#include "image-list.h"

static bool arg_quiet = false, arg_tls_verify = true, arg_password_stdin = false, arg_all_tags = false;
static const char *arg_compression_format = NULL;
static const char *arg_authfile = NULL, *arg_cert_dir = NULL, *arg_username = NULL, *arg_password = NULL;

typedef struct PushState {
        const char *name; /* what PushProgress signals carry */
        sd_bus_message *reply;
        sd_bus_error error;
        bool done, tty;
        unsigned lines;
} PushState;

/* p made absolute against the working directory; it need not exist (login may create it). */
static char *absolute_path(const char *p) {
        char cwd[PATH_MAX], *s;

        if (p[0] == '/')
                return strdup(p);
        if (!getcwd(cwd, sizeof(cwd)))
                return NULL;
        return asprintf(&s, "%s/%s", cwd, p) < 0 ? NULL : s;
}

static bool parse_bool_arg(const char *arg) {
        return !streq(arg, "false") && !streq(arg, "0") && !streq(arg, "no");
}

/* Blob lines and a total, redrawn in place. */
static void render_push_progress(PushState *s, sd_bus_message *m) {
        uint64_t done, total, sum_done = 0, sum_total = 0;
        const char *digest;
        unsigned lines = 0;

        if (s->lines > 0)
                printf("\033[%uA", s->lines);
        if (sd_bus_message_enter_container(m, 'a', "(stt)") < 0)
                return;
        while (sd_bus_message_read(m, "(stt)", &digest, &done, &total) > 0) {
                printf("\033[2K%.19s  %s %12" PRIu64 " / %-12" PRIu64 "\n", digest,
                       done >= total ? "done     " : "uploading", done, total);
                sum_done += done;
                sum_total += total;
                lines++;
        }
        printf("\033[2KTotal %" PRIu64 "%%\n", sum_total ? sum_done * 100 / sum_total : 100);
        fflush(stdout);
        s->lines = lines + 1;
}

static int on_push_progress(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PushState *s = userdata;
        const char *name;

        if (!s->tty || arg_quiet || sd_bus_message_read(m, "s", &name) < 0 || !streq(name, s->name))
                return 0;
        render_push_progress(s, m);
        return 0;
}

static int on_push_reply(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PushState *s = userdata;

        s->done = true;
        if (sd_bus_message_is_method_error(m, NULL))
                return sd_bus_error_copy(&s->error, sd_bus_message_get_error(m)), 0;
        s->reply = sd_bus_message_ref(m);
        return 0;
}

static int append_options(sd_bus_message *m) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        if (r >= 0 && !arg_tls_verify)
                r = sd_bus_message_append(m, "{sv}", "TlsVerify", "b", 0);
        if (r >= 0 && arg_authfile)
                r = sd_bus_message_append(m, "{sv}", "AuthFile", "s", arg_authfile);
        if (r >= 0 && arg_cert_dir)
                r = sd_bus_message_append(m, "{sv}", "CertDir", "s", arg_cert_dir);
        if (r >= 0 && arg_compression_format)
                r = sd_bus_message_append(m, "{sv}", "CompressionFormat", "s", arg_compression_format);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

/* Sends the call and serves the bus (progress signals) until its reply. */
static int call_with_progress(sd_bus *bus, sd_bus_message *m, PushState *s) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *match = NULL, *call = NULL;
        int r;

        r = sd_bus_match_signal(bus, &match, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                "PushProgress", on_push_progress, s);
        if (r >= 0)
                r = sd_bus_call_async(bus, &call, m, on_push_reply, s, UINT64_MAX);
        while (r >= 0 && !s->done) {
                r = sd_bus_process(bus, NULL);
                if (r == 0)
                        r = sd_bus_wait(bus, UINT64_MAX);
        }
        return r;
}

static int push_one(sd_bus *bus, const char *image, const char *destination) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        PushState s = { .name = destination ?: image,
                        .error = SD_BUS_ERROR_NULL,
                        .tty = isatty(STDOUT_FILENO) };
        const char *digest, *dest;
        uint32_t uploaded, mounted, skipped;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "PushImage");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", image, strempty(destination));
        if (r >= 0)
                r = append_options(m);
        if (r >= 0)
                r = call_with_progress(bus, m, &s);
        if (r < 0 || sd_bus_error_is_set(&s.error)) {
                r = ctl_log_bus_error("push failed", &s.error, r < 0 ? r : -EIO);
                sd_bus_error_free(&s.error);
                return r;
        }
        r = sd_bus_message_read(s.reply, "ssuuu", &digest, &dest, &uploaded, &mounted, &skipped);
        if (r >= 0 && arg_quiet)
                printf("%s\n", digest);
        else if (r >= 0)
                printf("Pushed %s\nDigest: %s\nBlobs: %" PRIu32 " uploaded, %" PRIu32 " mounted, %" PRIu32
                       " already there\n",
                       dest, digest, uploaded, mounted, skipped);
        sd_bus_message_unref(s.reply);
        return r < 0 ? log_error_errno(r, "conmanctl push: cannot parse the answer: %m") : 0;
}

/* Whether tag (a stored name, "REGISTRY/PATH:TAG") is a tag of repository as the user gave it: the stored
 * name, or a Docker Hub short name ("busybox", "user/app"). */
static bool is_tag_of(const char *tag, const char *repository) {
        const char *colon = strrchr(tag, ':'), *slash = strrchr(tag, '/');
        size_t n = colon && (!slash || colon > slash) ? (size_t) (colon - tag) : strlen(tag);
        _cleanup_free_ char *repo = strndup(tag, n);

        if (!repo || strchr(tag, '@'))
                return false;
        return streq(repo, repository) || (string_has_prefix(repo, "docker.io/") &&
                                           (streq(repo + strlen("docker.io/"), repository) ||
                                            (string_has_prefix(repo, "docker.io/library/") &&
                                             streq(repo + strlen("docker.io/library/"), repository))));
}

/* The stored names of every tag of repository, sorted. */
static int repository_tags(sd_bus *bus, const char *repository, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **tags = NULL;
        CtlImageEntry img;
        int r;

        r = ctl_image_list_open(bus, &reply);
        if (r < 0)
                return r;
        while (r >= 0 && (r = ctl_image_list_next(reply, true, &img)) > 0) {
                for (char **t = img.tags; r >= 0 && t && *t; t++)
                        if (is_tag_of(*t, repository))
                                r = strv_push(&tags, *t);
                strv_freep(&img.tags);
        }
        if (r < 0)
                return log_error_errno(r, "conmanctl push: cannot read the image list: %m");
        strv_sort(tags);
        *ret = TAKE_PTR(tags);
        return 0;
}

/* docker's push --all-tags: each tag of the repository in turn; the first failure ends it. */
static int push_all_tags(sd_bus *bus, const char *repository, bool destination) {
        _cleanup_strv_free_ char **tags = NULL;
        const char *slash = strrchr(repository, '/'), *colon = strrchr(repository, ':');
        int r;

        if (destination || strchr(repository, '@') || (colon && (!slash || colon > slash)))
                return log_error_errno(-EINVAL,
                                       "conmanctl push: --all-tags takes a repository without a tag or "
                                       "digest, and no DESTINATION.");
        r = repository_tags(bus, repository, &tags);
        if (r < 0)
                return r;
        if (!tags)
                return log_error_errno(-ENOENT, "conmanctl push: no tag of %s in the store.", repository);
        for (char **t = tags; *t; t++) {
                r = push_one(bus, *t, NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_registry_options(int c, const char *arg) {
        switch (c) {
        case 'q': arg_quiet = true; return 1;
        case 'a': arg_all_tags = true; return 1;
        case 1: arg_tls_verify = parse_bool_arg(arg); return 1;
        case 2: arg_authfile = arg; return 1;
        case 3: arg_cert_dir = arg; return 1;
        case 'u': arg_username = arg; return 1;
        case 'p': arg_password = arg; return 1;
        case 4: arg_password_stdin = true; return 1;
        case 5: arg_compression_format = arg; return 1;
        case 6: return 1; /* --force-compression: always so here */
        default: return 0;
        }
}

/* Options and paths made absolute (conmand resolves them, not this shell); push's own options only when
 * push is set. 0 after --help. */
static int parse_registry_args(int argc, char *argv[], const char *usage, const char *shortopts, bool push,
                               char **authfile, char **cert_dir) {
        static const struct option options[] = {
                CTL_HELP_OPTION,
                { "quiet", no_argument, NULL, 'q' },
                { "tls-verify", required_argument, NULL, 1 },
                { "authfile", required_argument, NULL, 2 },
                { "cert-dir", required_argument, NULL, 3 },
                { "username", required_argument, NULL, 'u' },
                { "password", required_argument, NULL, 'p' },
                { "password-stdin", no_argument, NULL, 4 },
                { "compression-format", required_argument, NULL, 5 },
                { "force-compression", optional_argument, NULL, 6 },
                { "all-tags", no_argument, NULL, 'a' },
                {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, shortopts, options, NULL)) >= 0) {
                if (c == 'h')
                        return fputs(usage, stdout), 0;
                if (c == '?' || ((c == 5 || c == 6 || c == 'a') && !push) ||
                    !parse_registry_options(c, optarg))
                        return ctl_usage_error();
        }
        if (arg_authfile && !(arg_authfile = *authfile = absolute_path(arg_authfile)))
                return log_error_errno(-errno, "%s: cannot use --authfile: %m", argv[0]);
        if (arg_cert_dir && !(arg_cert_dir = *cert_dir = absolute_path(arg_cert_dir)))
                return log_error_errno(-errno, "%s: cannot use --cert-dir: %m", argv[0]);
        return 1;
}

int verb_push(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *authfile = NULL, *cert_dir = NULL;
        int r;

        r = parse_registry_args(
                argc, argv,
                "Usage: conmanctl push [OPTIONS] IMAGE [DESTINATION]\n\n"
                "Push an image of conmand's store to a registry (root only). IMAGE is a name, id or id\n"
                "prefix; DESTINATION (NAME:TAG, default IMAGE's name) says where it goes. Blobs the registry\n"
                "has are skipped, blobs of another repository of the same registry are mounted, the\n"
                "manifest goes last. An image without a stored manifest (load, import, commit) goes with an\n"
                "OCI manifest made for it, plain layers gzip-compressed. Credentials come from auth.json\n"
                "(see conmanctl login).\n\n"
                "  -a, --all-tags           Push every tag of the repository IMAGE names (IMAGE without\n"
                "                           a tag, no DESTINATION)\n"
                "  -q, --quiet              Print only the manifest digest\n"
                "      --compression-format=gzip|zstd\n"
                "                           Send layers compressed so, re-compressing those stored\n"
                "                           otherwise (a new OCI manifest; the stored image is unchanged)\n"
                "      --force-compression  Accepted as podman's: layers are always sent as asked\n"
                "      --tls-verify=false   Do not verify TLS certificates; fall back to plain HTTP\n"
                "      --authfile=FILE      Credentials in auth.json format\n"
                "      --cert-dir=DIR       CA certificates for the registry\n"
                "  -h, --help               Show this help\n",
                "aqh", true, &authfile, &cert_dir);
        if (r <= 0)
                return r;
        if (optind >= argc || argc - optind > 2)
                return log_error_errno(-EINVAL, "conmanctl push: give IMAGE and optionally a DESTINATION.");
        if (arg_compression_format && !streq(arg_compression_format, "gzip") &&
            !streq(arg_compression_format, "zstd"))
                return log_error_errno(-EINVAL,
                                       "conmanctl push: --compression-format is gzip or zstd, not %s.",
                                       arg_compression_format);
        r = ctl_bus_open(&bus);
        if (r < 0)
                return r;
        if (arg_all_tags)
                return push_all_tags(bus, argv[optind], argc - optind == 2);
        return push_one(bus, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL);
}

/* One line from fd, without its newline; the caller frees it. */
static int read_line(FILE *f, char **ret) {
        size_t n = 0;
        char *line = NULL;
        ssize_t k = getline(&line, &n, f);

        if (k < 0)
                return free(line), -ENODATA;
        while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
                line[--k] = 0;
        *ret = line;
        return 0;
}

static int prompt(const char *what, bool secret, char **ret) {
        struct termios old, quiet;
        bool restore = false;
        int r;

        if (!isatty(STDIN_FILENO))
                return log_error_errno(-EINVAL,
                                       "conmanctl login: no %s given and stdin is no terminal; use "
                                       "--username and --password-stdin.",
                                       what);
        fprintf(stderr, "%s: ", what);
        if (secret && tcgetattr(STDIN_FILENO, &old) >= 0) {
                quiet = old;
                quiet.c_lflag &= ~(tcflag_t) ECHO;
                restore = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) >= 0;
        }
        r = read_line(stdin, ret);
        if (restore) {
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &old);
                fputc('\n', stderr);
        }
        return r < 0 ? log_error_errno(r, "conmanctl login: no %s read.", what) : 0;
}

static int login_credentials(char **user, char **password) {
        int r;

        if (arg_password && arg_password_stdin)
                return log_error_errno(-EINVAL,
                                       "conmanctl login: --password and --password-stdin exclude each "
                                       "other.");
        if (arg_password_stdin && !arg_username)
                return log_error_errno(-EINVAL, "conmanctl login: --password-stdin needs --username.");
        r = arg_username ? ((*user = strdup(arg_username)) ? 0 : -ENOMEM) : prompt("Username", false, user);
        if (r < 0)
                return r;
        if (arg_password)
                return (*password = strdup(arg_password)) ? 0 : -ENOMEM;
        if (arg_password_stdin) {
                r = read_line(stdin, password);
                return r < 0 ? log_error_errno(r, "conmanctl login: no password on stdin.") : 0;
        }
        return prompt("Password", true, password);
}

static int login_call(sd_bus *bus, const char *registry, const char *user, const char *password) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *path;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "LoginRegistry");
        if (r >= 0)
                r = sd_bus_message_append(m, "sss", registry, user, password);
        if (r >= 0)
                r = append_options(m);
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, &error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &path);
        if (r < 0)
                return ctl_log_bus_error("login failed", &error, r);
        printf("Login Succeeded (credentials saved in %s)\n", path);
        return 0;
}

int verb_login(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *authfile = NULL, *cert_dir = NULL, *user = NULL, *password = NULL;
        int r;

        r = parse_registry_args(
                argc, argv,
                "Usage: conmanctl login [OPTIONS] REGISTRY\n\n"
                "Check a user name and password at REGISTRY (host[:port]) and save them for pull and push\n"
                "(root only). conmand writes them into auth.json, mode 0600: --authfile, else\n"
                "$REGISTRY_AUTH_FILE, else the file pulls read (/run/containers/0/auth.json or\n"
                "/etc/conman/auth.json, whichever exists), else /etc/conman/auth.json. Nothing is saved\n"
                "when the registry refuses them.\n\n"
                "  -u, --username=USER      The user name (asked for when not given)\n"
                "  -p, --password=PASSWORD  The password (visible to other users: prefer --password-stdin)\n"
                "      --password-stdin     Read the password from stdin\n"
                "      --authfile=FILE      The auth.json to write\n"
                "      --tls-verify=false   Do not verify TLS certificates; fall back to plain HTTP\n"
                "      --cert-dir=DIR       CA certificates for the registry\n"
                "  -h, --help               Show this help\n",
                "u:p:h", false, &authfile, &cert_dir);
        if (r <= 0)
                return r;
        if (optind + 1 != argc)
                return log_error_errno(-EINVAL, "conmanctl login: name one registry, e.g. "
                                                "'conmanctl login registry.example:5000'.");
        r = login_credentials(&user, &password);
        if (r >= 0)
                r = ctl_bus_open(&bus);
        if (r >= 0)
                r = login_call(bus, argv[optind], user, password);
        if (password)
                explicit_bzero(password, strlen(password));
        return r;
}

int verb_logout(int argc, char *argv[]) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *authfile = NULL, *cert_dir = NULL;
        const char *path;
        int r;

        r = parse_registry_args(argc, argv,
                                "Usage: conmanctl logout [--authfile=FILE] REGISTRY\n\n"
                                "Remove the saved credentials for REGISTRY from auth.json (the file login\n"
                                "writes, or --authfile).\n\n"
                                "      --authfile=FILE      The auth.json to change\n"
                                "  -h, --help               Show this help\n",
                                "h", false, &authfile, &cert_dir);
        if (r <= 0)
                return r;
        if (optind + 1 != argc)
                return log_error_errno(-EINVAL, "conmanctl logout: name one registry.");
        r = ctl_bus_open(&bus);
        if (r >= 0)
                r = ctl_call(bus, "LogoutRegistry", &error, &reply, "ss", argv[optind],
                             strempty(arg_authfile));
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &path);
        if (r < 0)
                return ctl_log_bus_error("logout failed", &error, r);
        printf("Removed login credentials for %s from %s\n", argv[optind], path);
        return 0;
}
