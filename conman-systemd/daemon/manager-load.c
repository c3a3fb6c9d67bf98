/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-load.c — what conmand does at start to be exactly right about every
 * container: load the state directory, ask systemd about all conman-*.service units
 * in one call, take back the fds it left in the fd store, finish removals of --rm
 * containers that exited while conmand was down, and drop half-created leftovers.
 */
#include <fcntl.h>

#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/names.h"
#include "shared/unit.h"
#include "shared/util.h"
#include "daemon/container.h"
#include "daemon/fdstore.h"
#include "daemon/pipe-keeper.h"
#include "daemon/pod.h"
#include "daemon/systemd-client.h"
#include "daemon/stdio/container-stdio.h"

/* Loads each containers/<id>/ that is not known yet. At start (at_start) also removes what a create
 * that died half-way left (".new-<id>") and warns of a state it cannot read; later (a container that
 * conman-prepare made for a generated unit) it skips a directory without container.json yet, and
 * announces what it found with ContainerNew. */
static int load_containers_dir(Manager *m, bool at_start) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = opendir_at(m->state_dir_fd, "containers", &d);
        if (r < 0)
                return at_start ? log_error_errno(r, "Failed to open %s/containers: %m", m->state_dir) : r;
        while ((de = readdir(d))) {
                _cleanup_free_ char *json = NULL;
                Container *c;

                if (at_start && string_has_prefix(de->d_name, ".new-")) {
                        log_info("Removing half-created container directory %s.", de->d_name);
                        (void) rm_rf_at(dirfd(d), de->d_name);
                        continue;
                }
                if (!container_id_is_valid(de->d_name) || manager_get_container_by_id(m, de->d_name))
                        continue;
                if (!at_start) {
                        if (asprintf(&json, "%s/container.json", de->d_name) < 0)
                                return -ENOMEM;
                        /* not written completely yet: the unit's next change brings us back */
                        if (faccessat(dirfd(d), json, F_OK, 0) < 0)
                                continue;
                }
                r = container_load(m, de->d_name, &c);
                if (r < 0 && at_start)
                        log_warning_errno(r, "Ignoring container %s whose state cannot be read: %m",
                                          de->d_name);
                if (r < 0 || at_start)
                        continue;
                log_info("Found container %s, generated from %s.", c->name, strna(c->source_path));
                (void) container_send_new_signal(c);
                c->news_refresh = true; /* its unit runs: ask systemd how far */
                container_enqueue(c);
        }
        return 0;
}

/* One conman-*.service systemd knows: its state is the container's. A start job still queued (conmand died
 * after StartTransientUnit, or the job waits for network-online.target) makes it starting, not exited. */
static void apply_listed_unit(const SystemdUnitInfo *u, void *userdata) {
        Container *c = container_by_unit_path(userdata, u->unit_path);

        if (!c)
                return;
        c->news_refresh = false; /* seen */
        if (streq(u->job_type, "start") && container_watch_job(c, u->job_path, JOB_START, NULL) >= 0)
                c->start_pending = true;
        container_apply_unit_state(c, u->active, u->sub);
}

/* Every container's unit state, from one ListUnitsByPatterns call; a unit systemd does not list is gone. */
static int reconcile_with_units(Manager *m) {
        Container *c, *next;
        int r;

        /* news_refresh marks "not listed yet" here: nothing is queued while conmand loads */
        for (c = m->containers; c; c = c->next)
                c->news_refresh = true;
        r = systemd_list_units(m->systemd, (char *[]){ CONMAN_UNIT_PREFIX "*.service", NULL },
                               apply_listed_unit, m);
        if (r < 0)
                return r;
        for (c = m->containers; c; c = next) {
                next = c->next; /* container_apply_unit_state() may remove a --rm container */
                if (c->news_refresh) {
                        c->news_refresh = false;
                        container_apply_unit_state(c, "inactive", "dead");
                }
        }
        return 0;
}

/* The container whose id starts with the (16 or 64 character) id of a stored fd's name. The 16
 * characters of today's names are a prefix: a walk over the list, once per stored fd at start. */
static Container *find_by_stored_id(Manager *m, const char *id) {
        size_t n = strlen(id);

        if (n < FDSTORE_ID_CHARS)
                return NULL;
        if (n == CONTAINER_ID_LENGTH)
                return manager_get_container_by_id(m, id);
        for (Container *c = m->containers; c; c = c->next)
                if (strneq(c->id, id, n))
                        return c;
        return NULL;
}

/* Gives each stored fd back to its container; fds of containers we no longer know are dropped. */
static void adopt_stored_fds(Manager *m) {
        _cleanup_free_ StoredFd *fds = NULL;
        size_t n = 0;

        if (fdstore_take_all(&fds, &n) < 0)
                return;
        for (size_t i = 0; i < n; i++) {
                const char *kind = NULL, *id = NULL;
                Container *c =
                        fdstore_parse_name(fds[i].name, &kind, &id) >= 0 ? find_by_stored_id(m, id) : NULL;
                int r = -ENOENT;

                if (c && (streq(kind, "stdout") || streq(kind, "stderr")))
                        r = output_adopt(container_stdio(c), kind, fds[i].fd);
                else if (c)
                        r = console_adopt(container_stdio(c), kind, fds[i].fd);
                if (r >= 0)
                        log_debug("Took back %s from the fd store.", fds[i].name);
                else {
                        log_info("Dropping stored fd %s: no such container.", fds[i].name);
                        safe_close(fds[i].fd);
                        (void) fdstore_remove(fds[i].name);
                }
                free(fds[i].name);
        }
}

/* Containers that are not running keep no output streams; what the pipe still held goes to the journal. */
static void close_streams_of_stopped(Manager *m) {
        for (Container *c = m->containers; c; c = c->next)
                if (!container_state_is_active(c->state))
                        output_close(c->stdio);
}

/* After `systemctl stop/restart conmand` the fd store is empty: find the pipes again. */
static void reopen_lost_pipes(Manager *m) {
        for (Container *c = m->containers; c; c = c->next)
                (void) container_reopen_pipes(c);
}

/* --rm containers that exited while conmand was down. */
static void remove_exited_auto_remove(Manager *m) {
        Container *c, *next;

        for (c = m->containers; c; c = next) {
                next = c->next;
                if (c->spec.auto_remove && c->state == CONTAINER_EXITED)
                        (void) container_remove(c, true, NULL, NULL);
        }
}

int manager_load_containers(Manager *m) {
        int r;

        r = manager_load_pods(m, true); /* first: a member's state is its pod's news */
        if (r < 0)
                return r;
        r = load_containers_dir(m, true);
        if (r < 0)
                return r;
        adopt_stored_fds(m);
        r = reconcile_with_units(m);
        if (r < 0)
                return r;
        close_streams_of_stopped(m);
        reopen_lost_pipes(m);
        remove_exited_auto_remove(m);
        log_info("Loaded %u containers.", m->n_containers);
        return manager_reconcile_pods(m);
}

int manager_load_new_containers(Manager *m) {
        (void) manager_load_pods(m, false); /* a generated pod's pin unit wrote its pod.json */
        return load_containers_dir(m, false);
}
