/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-index.c — the manager's containers by id, by name and by unit object path, in three
 * hash tables (uthash, header-only), so a bus call or a signal of PID 1 finds its container without
 * walking m->containers. See container-index.h.
 *
 * One entry per container sits in all three tables; its keys point into the container (c->id,
 * c->name, c->unit_path), which outlives its entry and never changes them while it is linked.
 * uthash is told not to exit() when it runs out of memory: container_index_add() returns -ENOMEM.
 */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "daemon/container-index.h"
#include "daemon/container.h"

struct ContainerIndexEntry {
        Container *container;
        UT_hash_handle hh_id, hh_name, hh_unit_path;
};

static ContainerIndexEntry *find_by_id(Manager *m, const char *id) {
        ContainerIndexEntry *e = NULL;

        if (id)
                HASH_FIND(hh_id, m->containers_by_id, id, strlen(id), e);
        return e;
}

static ContainerIndexEntry *find_by_name(Manager *m, const char *name) {
        ContainerIndexEntry *e = NULL;

        if (name)
                HASH_FIND(hh_name, m->containers_by_name, name, strlen(name), e);
        return e;
}

static ContainerIndexEntry *find_by_unit_path(Manager *m, const char *unit_path) {
        ContainerIndexEntry *e = NULL;

        if (unit_path)
                HASH_FIND(hh_unit_path, m->containers_by_unit_path, unit_path, strlen(unit_path), e);
        return e;
}

Container *manager_get_container_by_id(Manager *m, const char *id) {
        ContainerIndexEntry *e = find_by_id(m, id);
        return e ? e->container : NULL;
}

Container *manager_get_container_by_name(Manager *m, const char *name) {
        ContainerIndexEntry *e = find_by_name(m, name);
        return e ? e->container : NULL;
}

Container *manager_get_container_by_unit_path(Manager *m, const char *unit_path) {
        ContainerIndexEntry *e = find_by_unit_path(m, unit_path);
        return e ? e->container : NULL;
}

int container_index_add(Manager *m, Container *c) {
        ContainerIndexEntry *e;

        if (find_by_id(m, c->id) || find_by_name(m, c->name) || find_by_unit_path(m, c->unit_path))
                return -EEXIST;
        e = calloc(1, sizeof(ContainerIndexEntry));
        if (!e)
                return -ENOMEM;
        e->container = c;
        /* with HASH_NONFATAL_OOM a failed add leaves the handle's table NULL and the table as it was */
        HASH_ADD_KEYPTR(hh_id, m->containers_by_id, c->id, strlen(c->id), e);
        if (!e->hh_id.tbl)
                goto fail_id;
        HASH_ADD_KEYPTR(hh_name, m->containers_by_name, c->name, strlen(c->name), e);
        if (!e->hh_name.tbl)
                goto fail_name;
        HASH_ADD_KEYPTR(hh_unit_path, m->containers_by_unit_path, c->unit_path, strlen(c->unit_path), e);
        if (!e->hh_unit_path.tbl)
                goto fail_unit_path;
        return 0;

fail_unit_path:
        HASH_DELETE(hh_name, m->containers_by_name, e);
fail_name:
        HASH_DELETE(hh_id, m->containers_by_id, e);
fail_id:
        free(e);
        return -ENOMEM;
}

void container_index_remove(Manager *m, Container *c) {
        ContainerIndexEntry *e = find_by_id(m, c->id);

        if (!e || e->container != c)
                return;
        HASH_DELETE(hh_id, m->containers_by_id, e);
        HASH_DELETE(hh_name, m->containers_by_name, e);
        HASH_DELETE(hh_unit_path, m->containers_by_unit_path, e);
        free(e);
}

unsigned container_index_size(Manager *m) {
        return HASH_CNT(hh_id, m->containers_by_id);
}
