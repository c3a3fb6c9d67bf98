/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-pod-file.c — the .pod parser (pod_file_load(), conman-systemd/shared/pod-file.c), which
 * conman-generator runs as root at boot, on a file and its drop-ins.
 *
 * The input is split at NUL bytes: part 1 is the .pod file, parts 2 to 4 are drop-ins, in order; the last
 * keeps the rest of the input, NUL bytes included, so the parser's NUL check is reached too. Each part is a
 * memfd, read through /proc/self/fd/N.
 *
 * A file that parses comes back the same through pod_file_format() (`conmanctl generate unit POD`) and
 * the parser again, unless the formatter refuses a value a file cannot carry.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <syslog.h>

#include "shared/log.h"
#include "shared/pod-file.h"
#include "shared/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_PARTS 4

static int part_open(const char *data, size_t size, char path[static 64]) {
        int fd = memfd_create("fuzz-pod-file", MFD_CLOEXEC);

        if (fd < 0)
                return negative_errno();
        if (size > 0 && write(fd, data, size) != (ssize_t) size) {
                safe_close(fd);
                return -EIO;
        }
        snprintf(path, 64, "/proc/self/fd/%d", fd);
        return fd;
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

static bool specs_equal(const PodSpec *a, const PodSpec *b) {
        return str_equal(a->name, b->name) && str_equal(a->hostname, b->hostname) &&
               strv_equal(a->labels, b->labels) && a->network == b->network &&
               str_equal(a->network_name, b->network_name) && strv_equal(a->ports, b->ports) &&
               a->share == b->share && a->memory_max == b->memory_max &&
               a->cpu_quota_usec == b->cpu_quota_usec && a->pids_limit == b->pids_limit;
}

static void check_format_round_trip(const PodFile *f) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(pod_file_done) PodFile back = {};
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int fd = -EBADF;
        char path[64];

        if (pod_file_format(&f->spec, &text, &error) < 0)
                return; /* a value a file cannot carry (refused with a message), or out of memory */
        fd = part_open(text, strlen(text), path);
        if (fd < 0)
                abort();
        pod_file_init(&back);
        if (pod_file_load(&back, path, NULL) < 0 || !specs_equal(&f->spec, &back.spec))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(pod_file_done) PodFile f = {};
        _cleanup_strv_free_ char **dropins = NULL;
        int fds[N_PARTS] = { -EBADF, -EBADF, -EBADF, -EBADF };
        const char *p = (const char *) data, *end = p + size;
        char paths[N_PARTS][64];
        size_t n = 0;

        log_set_max_level(LOG_CRIT); /* parse errors are the common case; logging them only slows the run */
        if (size > 1024 * 1024)
                return 0;
        for (;; n++) {
                const char *nul = n + 1 < N_PARTS ? memchr(p, 0, (size_t) (end - p)) : NULL;
                fds[n] = part_open(p, (size_t) ((nul ?: end) - p), paths[n]);
                if (fds[n] < 0 || (n > 0 && strv_push(&dropins, paths[n]) < 0))
                        abort();
                if (!nul)
                        break;
                p = nul + 1;
        }
        pod_file_init(&f);
        if (pod_file_load(&f, paths[0], dropins) >= 0)
                check_format_round_trip(&f);
        for (size_t i = 0; i <= n; i++)
                safe_close(fds[i]);
        return 0;
}
