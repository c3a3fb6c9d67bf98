/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-load.c — what conmand does at start to be exactly right about every
 * container: load the state directory, ask systemd about all conman-*.service units
 * in one call, take back the fds it left in the fd store, finish removals of --rm
 * containers that exited while conmand was down, and drop half-created leftovers.
 */
#include <fcntl.h>

#include "daemon/container.h"
#include "daemon/fdstore.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/names.h"
#include "daemon/stdio/container-stdio.h"
#include "daemon/pipe-keeper.h"
#include "shared/unit.h"
#include "shared/util.h"

static int load_state_dir(Manager *m) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd;

        fd = openat(m->state_dir_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open %s/containers: %m", m->state_dir);
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return log_oom();
        }
        while ((de = readdir(d))) {
                Container *c;
                int r;

                if (string_has_prefix(de->d_name, ".new-")) {
                        log_info("Removing half-created container directory %s.", de->d_name);
                        (void) rm_rf_at(dirfd(d), de->d_name);
                        continue;
                }
                if (!container_id_is_valid(de->d_name))
                        continue;
                r = container_load(m, de->d_name, &c);
                if (r < 0)
                        log_warning_errno(r, "Ignoring container %s whose state cannot be read: %m", de->d_name);
        }
        return 0;
}

typedef struct UnitStates {
        char **names, **active, **sub;
} UnitStates;

static void unit_states_done(UnitStates *u) {
        strv_freep(&u->names);
        strv_freep(&u->active);
        strv_freep(&u->sub);
}

static int list_conman_units(Manager *m, UnitStates *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *name, *active, *sub;
        int r;

        r = sd_bus_call_method(m->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "ListUnitsByPatterns", &error, &reply, "asas", 0,
                               1, CONMAN_UNIT_PREFIX "*.service");
        if (r < 0)
                return log_error_errno(r, "Failed to list units: %s", error.message ?: strerror(-r));
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ssssssouso)", &name, NULL, NULL, &active, &sub, NULL,
                                                  NULL, NULL, NULL, NULL)) > 0) {
                if (strv_push(&ret->names, name) < 0 || strv_push(&ret->active, active) < 0 ||
                    strv_push(&ret->sub, sub) < 0)
                        return log_oom();
        }
        return r < 0 ? log_error_errno(r, "Failed to parse the unit list: %m") : 0;
}

static void reconcile_with_units(Manager *m, const UnitStates *u) {
        Container *c, *next;

        for (c = m->containers; c; c = next) {
                const char *active = "inactive", *sub = "dead";
                next = c->next;
                for (size_t i = 0; u->names && u->names[i]; i++)
                        if (streq(u->names[i], c->unit)) {
                                active = u->active[i];
                                sub = u->sub[i];
                                break;
                        }
                container_apply_unit_state(c, active, sub);
        }
}

static Container *find_by_id(Manager *m, const char *id) {
        for (Container *c = m->containers; c; c = c->next)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

/* The container whose id starts with the (16 or 64 character) id of a stored fd's name. */
static Container *find_by_stored_id(Manager *m, const char *id) {
        size_t n = strlen(id);

        if (n < FDSTORE_ID_CHARS)
                return NULL;
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
                Container *c = fdstore_parse_name(fds[i].name, &kind, &id) >= 0 ? find_by_stored_id(m, id) : NULL;
                int r = -ENOENT;

                if (c && (streq(kind, "stdout") || streq(kind, "stderr")))
                        r = output_adopt(c, kind, fds[i].fd);
                else if (c)
                        r = console_adopt(c, kind, fds[i].fd);
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
                        output_close(c);
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
        _cleanup_(unit_states_done) UnitStates units = {};
        int r;

        r = load_state_dir(m);
        if (r < 0)
                return r;
        adopt_stored_fds(m);
        r = list_conman_units(m, &units);
        if (r < 0)
                return r;
        reconcile_with_units(m, &units);
        close_streams_of_stopped(m);
        reopen_lost_pipes(m);
        remove_exited_auto_remove(m);
        log_info("Loaded %u containers.", m->n_containers);
        return 0;
}

int manager_load_new_containers(Manager *m) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd;

        fd = openat(m->state_dir_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -ENOMEM;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *json = NULL;
                Container *c;

                if (!container_id_is_valid(de->d_name) || find_by_id(m, de->d_name))
                        continue;
                if (asprintf(&json, "%s/container.json", de->d_name) < 0)
                        return -ENOMEM;
                if (faccessat(dirfd(d), json, F_OK, 0) < 0 || container_load(m, de->d_name, &c) < 0)
                        continue; /* not written completely yet: the unit's next change brings us back */
                log_info("Found container %s, generated from %s.", c->name, strna(c->source_path));
                (void) container_send_new_signal(c);
        }
        return 0;
}
