/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-load.c — what conmand does at start to be exact about pods: load <state>/pods/<id>/pod.json, ask
 * systemd whether each pin unit is active, finish the removals a killed conmand left (`removing` in
 * pod.json), and unpin what is pinned under <run>/pods/ for a pod nobody knows (an orphan).
 */
#include <fcntl.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/util.h"
#include "network/pod-namespaces.h"
#include "daemon/pod.h"
#include "daemon/systemd-client.h"

static int pod_load(Manager *m, int pods_fd, const char *id, Pod **ret) {
        _cleanup_(pod_spec_done) PodSpec spec;
        _cleanup_close_ int dir_fd = -EBADF;
        Pod *p;
        int r;

        pod_spec_init(&spec);
        dir_fd = openat(pods_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return negative_errno();
        r = pod_spec_load(dir_fd, &spec);
        if (r < 0)
                return r;
        if (!spec.id || !streq(spec.id, id) || pod_spec_validate(&spec, NULL) < 0)
                return -EBADMSG;
        if (manager_get_pod_by_name(m, spec.name))
                return -EEXIST;
        p = pod_alloc(m, &spec);
        if (!p)
                return -ENOMEM;
        p->dir_fd = TAKE_FD(dir_fd);
        pod_link(p);
        *ret = p;
        return 0;
}

void pod_refresh_pin(Pod *p) {
        _cleanup_free_ char *active = NULL, *sub = NULL;

        if (systemd_get_unit_state(p->manager->systemd, p->pin_unit_path, &active, &sub) >= 0)
                (void) free_and_strdup(&p->pin_active, active);
}

int manager_load_pods(Manager *m, bool at_start) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(m->state_dir_fd, "pods", &d);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to open %s/pods: %m", m->state_dir);
        while ((de = readdir(d))) {
                Pod *p;

                if (at_start && string_has_prefix(de->d_name, ".new-")) {
                        log_info("Removing half-created pod directory %s.", de->d_name);
                        (void) rm_rf_at(dirfd(d), de->d_name);
                        continue;
                }
                if (!container_id_is_valid(de->d_name) || manager_get_pod_by_id(m, de->d_name))
                        continue;
                r = pod_load(m, dirfd(d), de->d_name, &p);
                if (r < 0) {
                        if (at_start || r != -ENOENT)
                                log_warning_errno(r, "Ignoring pod %s whose state cannot be read: %m",
                                                  de->d_name);
                        continue;
                }
                if (at_start)
                        continue;
                log_info("Found pod %s, generated from %s.", p->spec.name, strna(p->spec.source_path));
                pod_refresh_pin(p);
                (void) pod_send_new_signal(p);
                pod_enqueue(p);
        }
        return 0;
}

/* <run>/pods/<id> of a pod we do not know: what a removal that died before its end left pinned. */
static void unpin_orphans(Manager *m) {
        _cleanup_strv_free_ char **ids = NULL;

        if (pod_namespaces_pinned_ids(m->run_dir, &ids) < 0)
                return;
        for (char **id = ids; id && *id; id++) {
                _cleanup_free_ char *message = NULL;
                int r;

                if (manager_get_pod_by_id(m, *id))
                        continue;
                log_info("Unpinning the namespaces of unknown pod %.12s.", *id);
                r = pod_namespaces_unpin(m->state_dir, m->run_dir, *id, &message);
                if (r < 0)
                        log_warning_errno(r, "Failed to unpin the namespaces of pod %.12s: %s", *id,
                                          message ?: strerror(-r));
        }
}

int manager_reconcile_pods(Manager *m) {
        Pod *p, *next;

        for (p = m->pods; p; p = p->next) {
                pod_refresh_pin(p);
                pod_enqueue(p); /* the state, once the containers' states are in */
        }
        for (p = m->pods; p; p = next) {
                next = p->next;
                if (p->spec.removing) {
                        log_info("Finishing the removal of pod %s.", p->spec.name);
                        (void) pod_remove(p, true, NULL, NULL);
                }
        }
        unpin_orphans(m);
        log_info("Loaded %u pods.", m->n_pods);
        return 0;
}
