/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-mounts.c — see run-mounts.h.
 */
#include <limits.h>
#include <stdlib.h>

#include "shared/log.h"
#include "shared/util.h"
#include "shared/volume-spec.h"
#include "run-mounts.h"

void run_mounts_done(RunMounts *m) {
        for (size_t i = 0; i < m->n_mounts; i++) {
                free(m->mounts[i].source);
                free(m->mounts[i].destination);
        }
        free(m->mounts);
        strv_freep(&m->tmpfs);
        *m = (RunMounts){};
}

/* Takes source (NULL: anonymous) and destination; a relative host path becomes absolute. */
static int add_mount(RunMounts *m, char *source, char *destination, bool ro, VolumePropagation p) {
        _cleanup_free_ char *src = source, *dst = destination;
        RunMount *l;

        if (src && strchr(src, '/') && src[0] != '/') {
                char *abs = realpath(src, NULL);
                if (!abs)
                        return log_error_errno(errno, "conmanctl: volume source %s: %m", src);
                free(src);
                src = abs;
        }
        if (!src && !(src = strdup("")))
                return log_oom();
        l = realloc(m->mounts, sizeof(RunMount) * (m->n_mounts + 1));
        if (!l)
                return log_oom();
        m->mounts = l;
        l[m->n_mounts++] = (RunMount){ TAKE_PTR(src), TAKE_PTR(dst), ro, p };
        return 0;
}

static int parse_volume(RunMounts *m, const char *spec) {
        char *src = NULL, *dst = NULL;
        VolumePropagation p;
        bool ro;
        int r = volume_bind_parse(spec, &src, &dst, &ro, &p);

        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(
                        r,
                        "conmanctl: volume '%s' must be SRC:DST[:OPTIONS] or an absolute DST alone (an "
                        "anonymous volume): SRC a host path or a volume name (" VOLUME_NAME_RULE
                        "), OPTIONS ro or rw and a propagation (rprivate, private, rslave, slave, rshared, "
                        "shared), joined by ','.",
                        spec);
        return add_mount(m, src, dst, ro, p);
}

static int parse_mount(RunMounts *m, const char *spec) {
        _cleanup_(mount_spec_done) MountSpec ms = {};
        VolumePropagation p = PROPAGATION_RPRIVATE;
        int r = mount_spec_parse(spec, &ms);

        if (r == -ENOMEM)
                return log_oom();
        if (r >= 0 && ms.propagation && (p = volume_propagation_from_string(ms.propagation)) < 0)
                r = -EINVAL;
        if (r < 0)
                return log_error_errno(
                        r,
                        "conmanctl: --mount '%s': use type=bind,source=PATH,target=DST[,readonly], "
                        "type=volume[,source=NAME],target=DST[,readonly] or "
                        "type=tmpfs,target=DST[,tmpfs-size=SIZE][,tmpfs-mode=MODE]; DST absolute, "
                        "NAME " VOLUME_NAME_RULE ".",
                        spec);
        if (ms.type == MOUNT_TYPE_TMPFS) {
                _cleanup_free_ char *t = NULL;
                if (asprintf(&t, "%s%s%s", ms.target, ms.tmpfs_options ? ":" : "",
                             strempty(ms.tmpfs_options)) < 0 ||
                    strv_push(&m->tmpfs, t) < 0)
                        return log_oom();
                return 0;
        }
        return add_mount(m, TAKE_PTR(ms.source), TAKE_PTR(ms.target), ms.read_only, p);
}

static int parse_tmpfs(RunMounts *m, const char *spec) {
        _cleanup_free_ char *dest = NULL;
        int r = tmpfs_spec_parse(spec, &dest, NULL);

        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(
                        r,
                        "conmanctl: --tmpfs '%s' must be DST[:OPTIONS] with an absolute DST and "
                        "OPTIONS of size=, mode=, uid=, gid=, nr_inodes=, ro, rw, exec, noexec, "
                        "suid, nosuid, dev, nodev joined by ','.",
                        spec);
        return strv_push(&m->tmpfs, spec) < 0 ? log_oom() : 0;
}

int run_mounts_parse(char **volumes, char **mounts, char **tmpfs, RunMounts *ret) {
        _cleanup_(run_mounts_done) RunMounts m = {};
        int r = 0;

        for (char **v = volumes; r >= 0 && v && *v; v++)
                r = parse_volume(&m, *v);
        for (char **v = mounts; r >= 0 && v && *v; v++)
                r = parse_mount(&m, *v);
        for (char **v = tmpfs; r >= 0 && v && *v; v++)
                r = parse_tmpfs(&m, *v);
        if (r < 0)
                return r;
        *ret = m;
        m = (RunMounts){};
        return 0;
}
