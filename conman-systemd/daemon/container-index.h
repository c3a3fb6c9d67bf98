/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * container-index.h — keeping the manager's hash tables of containers (by id, by name, by unit
 * object path) in step with m->containers. The lookups themselves are manager_get_container_by_*()
 * in manager.h. Only container.c links and unlinks: container_link() adds, container_free() removes.
 */
#pragma once

#include "daemon/manager.h"

/* Indexes c under c->id, c->name and c->unit_path (which must not change while it is indexed).
 * -EEXIST when one of them is taken by another container (nothing is added), -ENOMEM. */
int container_index_add(Manager *m, Container *c);
/* Drops c from all three tables; a container that is not indexed is left alone. */
void container_index_remove(Manager *m, Container *c);
/* How many containers are indexed (m->n_containers when all is well; for tests). */
unsigned container_index_size(Manager *m);
