/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * userns.h — user namespaces of containers (`--userns=auto`): which host IDs a container's
 * IDs 0..size-1 map to, and the allocator that hands each container its own range.
 *
 * The pool is the subordinate ID range of the user "conman" in /etc/subuid and /etc/subgid
 * (like podman's "containers" user). It is cut into slots of USERNS_SIZE_DEFAULT IDs; slot k
 * maps container IDs 0..size-1 to uid_base+k*size and gid_base+k*size. A container records
 * its range in container.json (spec "userns"), so the in-use set is rebuilt from the
 * containers on disk when conmand starts (userns_pool_reserve()), and a range is released
 * when its container is removed. Nothing here touches the disk except userns_pool_load().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "shared/macro.h"

#define USERNS_SUBID_USER   "conman"
#define USERNS_SIZE_DEFAULT UINT32_C(65536)
#define USERNS_SLOTS_MAX    (UINT32_C(1) << 20)

typedef enum UsernsMode {
        USERNS_HOST, /* no user namespace: container IDs are host IDs */
        USERNS_AUTO, /* a private range from the pool */
        _USERNS_MODE_MAX,
        _USERNS_MODE_INVALID = -EINVAL,
} UsernsMode;

/* Container IDs 0..size-1 are host uids uid..uid+size-1 and gids gid..gid+size-1. */
typedef struct UsernsRange {
        uint32_t uid, gid, size;
} UsernsRange;

typedef struct UsernsPool {
        uint32_t uid_base, gid_base; /* first host uid/gid of the pool */
        uint32_t size;               /* IDs per container */
        uint32_t n_slots;            /* 0: not configured */
        uint16_t *users;             /* per slot: how many recorded ranges overlap it */
} UsernsPool;

const char *userns_mode_to_string(UsernsMode m);
UsernsMode userns_mode_from_string(const char *s);

/* A pool of the host IDs [uid_base, uid_base+count) and [gid_base, gid_base+count), `size` per slot. */
int userns_pool_init(UsernsPool *p, uint32_t uid_base, uint32_t gid_base, uint64_t count, uint32_t size);
void userns_pool_done(UsernsPool *p);
/* From subuid/subgid files (USER:START:COUNT lines; the first entry of `user` counts):
 * -ENOENT when either file has no entry for the user, -ERANGE when it is smaller than one slot. */
int userns_pool_load(UsernsPool *p, const char *subuid_path, const char *subgid_path, const char *user,
                     uint32_t size);

/* Reserves the ranges recorded in <containers_fd>/<id>/container.json (spec.userns) of every container
 * except `skip_id` (may be NULL). For conman-prepare, which runs without conmand. */
int userns_pool_reserve_recorded(UsernsPool *p, int containers_fd, const char *skip_id);

/* Held (flock, exclusive) by whoever picks a range and writes it into a container.json: conmand and
 * conman-prepare. Relative to the state directory. */
#define USERNS_LOCK_FILE "userns.lock"
int userns_lock(int state_dir_fd);

/* The lowest free slot; -ENOSPC when all are in use, -ENOMEDIUM when the pool is not configured. */
int userns_pool_allocate(UsernsPool *p, UsernsRange *ret);
/* Marks a recorded range in use (at load). -EBUSY if it overlaps one in use (it is still counted, so
 * neither is handed out again); ranges outside the pool are accepted and do not touch it. */
int userns_pool_reserve(UsernsPool *p, const UsernsRange *r);
void userns_pool_release(UsernsPool *p, const UsernsRange *r);
uint32_t userns_pool_n_free(const UsernsPool *p);

/* OCI config: a "user" entry in the namespaces array `ns`, uidMappings/gidMappings in `linux`. */
void userns_oci_add(struct json_object *linux_obj, struct json_object *ns, const UsernsRange *r);

/* {"UidMap": ["0:UID:SIZE"], "GidMap": ["0:GID:SIZE"]} (container:host:size) for inspect, as podman. */
struct json_object *userns_inspect_json(const UsernsRange *r);

/* "auto" with the range, for container.json; NULL for USERNS_HOST. */
struct json_object *userns_to_json(UsernsMode mode, const UsernsRange *r);
/* Absent → USERNS_HOST. -EBADMSG for anything malformed. */
int userns_from_json(struct json_object *j, UsernsMode *ret_mode, UsernsRange *ret_range);
