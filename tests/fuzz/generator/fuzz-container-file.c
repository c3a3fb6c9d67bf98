/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-container-file.c — the .container parser (container_file_load(),
 * conman-systemd/shared/container-file.c), which conman-generator runs as root at boot, on a file and its
 * drop-ins.
 *
 * The input is split at NUL bytes: part 1 is the .container file, part 2 the contents of the environment
 * file that "@ENV@" names in the others, parts 3 to 6 are drop-ins, in order; the last keeps the rest of
 * the input, NUL bytes included, so the parser's NUL check is reached too. Each part is a memfd, read
 * through /proc/self/fd/N, and closed after the run.
 *
 * EnvironmentFile= reads any path at generation, and some would block the run (a FIFO, /dev/kmsg, our
 * stdin): an input whose EnvironmentFile= names anything but @ENV@ is skipped.
 *
 * A file that parses comes back the same through container_file_format() (`conmanctl generate unit`)
 * and the parser again, unless the formatter refuses a value a file cannot carry.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <syslog.h>

#include "shared/container-file-format.h"
#include "shared/container-file.h"
#include "shared/log.h"
#include "shared/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_PARTS   6
#define ENV_TOKEN "@ENV@"
#define ENV_KEY   "EnvironmentFile"

typedef struct Part {
        int fd;
        char path[64];
} Part;

static void parts_close(Part (*parts)[N_PARTS]) {
        for (size_t i = 0; i < N_PARTS; i++)
                (*parts)[i].fd = safe_close((*parts)[i].fd);
}

static int part_open(Part *p, const char *data, size_t size) {
        p->fd = memfd_create("fuzz-container-file", MFD_CLOEXEC);
        if (p->fd < 0)
                return negative_errno();
        if (size > 0 && write(p->fd, data, size) != (ssize_t) size)
                return -EIO;
        snprintf(p->path, sizeof(p->path), "/proc/self/fd/%d", p->fd);
        return 0;
}

/* Every EnvironmentFile= must be "EnvironmentFile=[-]@ENV@", not followed by a digit (which would name
 * another fd). The key cannot be made up otherwise: a continuation line joins with a blank. */
static bool environment_files_are_ours(const char *s, size_t n) {
        const char *end = s + n;

        for (const char *p = s; (p = memmem(p, (size_t) (end - p), ENV_KEY, strlen(ENV_KEY)));) {
                p += strlen(ENV_KEY);
                while (p < end && (*p == ' ' || *p == '\t'))
                        p++;
                if (p == end || *p++ != '=')
                        return false;
                while (p < end && (*p == ' ' || *p == '\t'))
                        p++;
                if (p < end && *p == '-')
                        p++;
                if ((size_t) (end - p) < strlen(ENV_TOKEN) || memcmp(p, ENV_TOKEN, strlen(ENV_TOKEN)) != 0)
                        return false;
                p += strlen(ENV_TOKEN);
                if (p < end && *p >= '0' && *p <= '9')
                        return false;
        }
        return true;
}

/* s[0..n) with every ENV_TOKEN replaced by path; *ret_size is its length (the last part may hold NULs). */
static char *replace_token(const char *s, size_t n, const char *path, size_t *ret_size) {
        size_t alloc = n + 1, used = 0;
        char *out = malloc(alloc);

        for (const char *p = s, *end = s + n; out && p < end;) {
                const char *t = memmem(p, (size_t) (end - p), ENV_TOKEN, strlen(ENV_TOKEN));
                size_t keep = t ? (size_t) (t - p) : (size_t) (end - p);
                size_t add = t ? strlen(path) : 0;
                char *grown;

                if (used + keep + add + 1 > alloc) {
                        alloc = (used + keep + add + 1) * 2;
                        grown = realloc(out, alloc);
                        if (!grown) {
                                free(out);
                                return NULL;
                        }
                        out = grown;
                }
                memcpy(out + used, p, keep);
                used += keep;
                memcpy(out + used, path, add);
                used += add;
                p += keep + (t ? strlen(ENV_TOKEN) : 0);
        }
        if (out)
                out[used] = '\0';
        *ret_size = used;
        return out;
}

static bool strv_equal(char *const *a, char *const *b) {
        if (strv_length(a) != strv_length(b))
                return false;
        for (size_t i = 0; a && a[i]; i++)
                if (!streq(a[i], b[i]))
                        return false;
        return true;
}

static bool str_equal(const char *a, const char *b) {
        return (!a && !b) || (a && b && streq(a, b));
}

static bool specs_equal(const ContainerSpec *a, const ContainerSpec *b) {
        if (a->n_volumes != b->n_volumes)
                return false;
        for (size_t i = 0; i < a->n_volumes; i++)
                if (!str_equal(a->volumes[i].source, b->volumes[i].source) ||
                    !str_equal(a->volumes[i].destination, b->volumes[i].destination) ||
                    a->volumes[i].read_only != b->volumes[i].read_only)
                        return false;
        return str_equal(a->rootfs, b->rootfs) && str_equal(a->image, b->image) &&
               strv_equal(a->command, b->command) && strv_equal(a->env, b->env) &&
               str_equal(a->working_dir, b->working_dir) && str_equal(a->user, b->user) &&
               str_equal(a->hostname, b->hostname) && strv_equal(a->labels, b->labels) &&
               a->read_only == b->read_only && a->network == b->network &&
               str_equal(a->network_name, b->network_name) && strv_equal(a->ports, b->ports) &&
               a->memory_max == b->memory_max && a->cpu_quota_usec == b->cpu_quota_usec &&
               a->pids_limit == b->pids_limit && a->stop_signal == b->stop_signal &&
               a->stop_timeout_usec == b->stop_timeout_usec && str_equal(a->runtime, b->runtime);
}

/* The command that runs: Entrypoint= then Exec= (an image file without Entrypoint= leaves it to the image).
 */
static int whole_command(const ContainerFile *f, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        for (char **e = f->entrypoint; e && *e; e++)
                if (strv_push(&l, *e) < 0)
                        return -ENOMEM;
        for (char **c = f->spec.command; c && *c; c++)
                if (strv_push(&l, *c) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

static void check_format_round_trip(const ContainerFile *f) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **command = NULL, **command_back = NULL;
        _cleanup_(container_file_done) ContainerFile back = {};
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int fd = -EBADF;
        ContainerSpec want = f->spec, got; /* shallow copies: never freed */
        Part p;
        int r;

        if (f->spec.image && !f->entrypoint)
                return; /* the image's Entrypoint and Cmd make the command: nothing to pin */
        if (whole_command(f, &command) < 0)
                return;
        want.command = command;
        r = container_file_format(f->name, &want, &text, &error);
        if (r < 0)
                return; /* a value a file cannot carry (refused with a message), or out of memory */
        if (part_open(&p, text, strlen(text)) < 0)
                abort();
        fd = p.fd;
        container_file_init(&back);
        if (container_file_load(&back, p.path, NULL) < 0 || !streq(back.name, f->name))
                abort();
        if (whole_command(&back, &command_back) < 0)
                return;
        got = back.spec;
        got.command = command_back;
        if (!specs_equal(&want, &got))
                abort();
}

/* Splits s at NUL bytes into at most N_PARTS parts, the last one keeping the rest. Returns their number. */
static size_t split_parts(const char *s, size_t size, const char *start[N_PARTS], size_t length[N_PARTS]) {
        const char *p = s, *end = s + size;
        size_t n = 0;

        for (;;) {
                const char *nul = n + 1 < N_PARTS ? memchr(p, 0, (size_t) (end - p)) : NULL;
                start[n] = p;
                length[n] = (size_t) ((nul ?: end) - p);
                n++;
                if (!nul)
                        return n;
                p = nul + 1;
        }
}

/* Opens the environment file (part 2) first, so that the other parts can name it. */
static int open_parts(const char *s, size_t size, Part parts[N_PARTS], char ***ret_dropins) {
        _cleanup_strv_free_ char **dropins = NULL;
        const char *start[N_PARTS] = {};
        size_t length[N_PARTS] = {}, n = split_parts(s, size, start, length);
        int r;

        r = part_open(&parts[1], n > 1 ? start[1] : "", n > 1 ? length[1] : 0);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_free_ char *text = NULL;
                size_t text_size;

                if (i == 1)
                        continue;
                text = replace_token(start[i], length[i], parts[1].path, &text_size);
                if (!text)
                        return -ENOMEM;
                r = part_open(&parts[i], text, text_size);
                if (r >= 0 && i >= 2)
                        r = strv_push(&dropins, parts[i].path);
        }
        if (r < 0)
                return r;
        *ret_dropins = TAKE_PTR(dropins);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(parts_close) Part parts[N_PARTS] = { { -EBADF }, { -EBADF }, { -EBADF },
                                                       { -EBADF }, { -EBADF }, { -EBADF } };
        _cleanup_(container_file_done) ContainerFile f = {};
        _cleanup_strv_free_ char **dropins = NULL;

        log_set_max_level(LOG_CRIT); /* parse errors are the common case; logging them only slows the run */
        if (size > 1024 * 1024 || !environment_files_are_ours((const char *) data, size))
                return 0;
        if (open_parts((const char *) data, size, parts, &dropins) < 0)
                abort();

        container_file_init(&f);
        if (container_file_load(&f, parts[0].path, dropins) >= 0)
                check_format_round_trip(&f);
        return 0;
}
