/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * userns.c — the subordinate ID pool of `--userns=auto` (see userns.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "shared/fileio.h"
#include "shared/userns.h"
#include "shared/util.h"

static const char *const userns_mode_table[_USERNS_MODE_MAX] = {
        [USERNS_HOST] = "host",
        [USERNS_AUTO] = "auto",
};

DEFINE_STRING_TABLE_LOOKUP(userns_mode, UsernsMode);

int userns_pool_init(UsernsPool *p, uint32_t uid_base, uint32_t gid_base, uint64_t count, uint32_t size) {
        uint64_t n;

        *p = (UsernsPool){};
        if (size == 0)
                return -EINVAL;
        n = count / size;
        if (n == 0)
                return -ERANGE;
        n = MIN(n, (uint64_t) USERNS_SLOTS_MAX);
        /* the last slot's IDs must exist (host IDs are < 2^32-1; (uid_t)-1 is "no id") */
        while (n > 0 &&
               ((uint64_t) uid_base + n * size > UINT32_MAX || (uint64_t) gid_base + n * size > UINT32_MAX))
                n--;
        if (n == 0)
                return -ERANGE;
        p->users = calloc(n, sizeof(uint16_t));
        if (!p->users)
                return -ENOMEM;
        p->uid_base = uid_base;
        p->gid_base = gid_base;
        p->size = size;
        p->n_slots = (uint32_t) n;
        return 0;
}

void userns_pool_done(UsernsPool *p) {
        free(p->users);
        *p = (UsernsPool){};
}

/* The first "user:start:count" line of a subuid/subgid file. */
static int subid_lookup(const char *path, const char *user, uint32_t *ret_start, uint64_t *ret_count) {
        _cleanup_free_ char *buf = NULL;
        char *save = NULL;
        int r;

        r = read_file(path, 4 * 1024 * 1024, &buf, NULL);
        if (r < 0)
                return r;
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *name = strsep(&line, ":"), *start = line ? strsep(&line, ":") : NULL;
                uint64_t s, c;

                if (!streq(name, user) || !start || !line)
                        continue;
                if (safe_atou64(start, &s) < 0 || safe_atou64(line, &c) < 0 || s >= UINT32_MAX)
                        return -EBADMSG;
                *ret_start = (uint32_t) s;
                *ret_count = c;
                return 0;
        }
        return -ENOENT;
}

int userns_pool_load(UsernsPool *p, const char *subuid_path, const char *subgid_path, const char *user,
                     uint32_t size) {
        uint32_t uid_base, gid_base;
        uint64_t uid_count, gid_count;
        int r;

        *p = (UsernsPool){};
        r = subid_lookup(subuid_path, user, &uid_base, &uid_count);
        if (r >= 0)
                r = subid_lookup(subgid_path, user, &gid_base, &gid_count);
        if (r < 0)
                return r;
        return userns_pool_init(p, uid_base, gid_base, MIN(uid_count, gid_count), size);
}

int userns_pool_reserve_recorded(UsernsPool *p, int containers_fd, const char *skip_id) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int k;

        k = opendir_at(containers_fd, ".", &d);
        if (k < 0)
                return k;
        while ((de = readdir(d))) {
                _cleanup_json_ struct json_object *j = NULL;
                _cleanup_free_ char *path = NULL;
                struct json_object *spec;
                UsernsRange r;
                UsernsMode mode;

                if (de->d_name[0] == '.' || (skip_id && streq(de->d_name, skip_id)))
                        continue;
                if (asprintf(&path, "%s/container.json", de->d_name) < 0)
                        return -ENOMEM;
                if (json_read_file_at(containers_fd, path, &j) < 0 ||
                    !json_object_object_get_ex(j, "spec", &spec))
                        continue;
                if (userns_from_json(json_object_object_get(spec, "userns"), &mode, &r) >= 0 &&
                    mode == USERNS_AUTO && r.size > 0)
                        (void) userns_pool_reserve(p, &r);
        }
        return 0;
}

int userns_lock(int state_dir_fd) {
        int fd = openat(state_dir_fd, USERNS_LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

        if (fd < 0)
                return negative_errno();
        if (flock(fd, LOCK_EX) < 0) {
                int r = negative_errno();
                safe_close(fd);
                return r;
        }
        return fd;
}

int userns_pool_allocate(UsernsPool *p, UsernsRange *ret) {
        if (p->n_slots == 0)
                return -ENOMEDIUM;
        for (uint32_t i = 0; i < p->n_slots; i++)
                if (p->users[i] == 0) {
                        p->users[i] = 1;
                        *ret = (UsernsRange){ .uid = p->uid_base + i * p->size,
                                              .gid = p->gid_base + i * p->size,
                                              .size = p->size };
                        return 0;
                }
        return -ENOSPC;
}

/* The slots [*first, *last] that the uid or gid side of r overlaps; false if none. Both sides count:
 * a range recorded under another configuration may overlap different slots on each side. */
static bool slot_span(const UsernsPool *p, uint32_t base, uint32_t start, uint32_t size, uint32_t *first,
                      uint32_t *last) {
        uint64_t end = (uint64_t) start + size, pool_end = (uint64_t) base + (uint64_t) p->n_slots * p->size;

        if (p->n_slots == 0 || size == 0 || end <= base || start >= pool_end)
                return false;
        *first = start <= base ? 0 : (start - base) / p->size;
        *last = (uint32_t) ((MIN(end, pool_end) - 1 - base) / p->size);
        return true;
}

static int mark(UsernsPool *p, const UsernsRange *r, int delta) {
        uint32_t f[2], l[2], lo = UINT32_MAX, hi = 0;
        bool in[2], busy = false;

        in[0] = slot_span(p, p->uid_base, r->uid, r->size, &f[0], &l[0]);
        in[1] = slot_span(p, p->gid_base, r->gid, r->size, &f[1], &l[1]);
        for (int k = 0; k < 2; k++)
                if (in[k]) {
                        lo = MIN(lo, f[k]);
                        hi = MAX(hi, l[k]);
                }
        for (uint32_t i = lo; lo != UINT32_MAX && i <= hi; i++) {
                /* a slot both sides hit counts once */
                if (!((in[0] && i >= f[0] && i <= l[0]) || (in[1] && i >= f[1] && i <= l[1])))
                        continue;
                if (delta > 0) {
                        busy = busy || p->users[i] > 0;
                        if (p->users[i] < UINT16_MAX)
                                p->users[i]++;
                } else if (p->users[i] > 0)
                        p->users[i]--;
        }
        return busy ? -EBUSY : 0;
}

int userns_pool_reserve(UsernsPool *p, const UsernsRange *r) {
        return mark(p, r, +1);
}

void userns_pool_release(UsernsPool *p, const UsernsRange *r) {
        (void) mark(p, r, -1);
}

uint32_t userns_pool_n_free(const UsernsPool *p) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < p->n_slots; i++)
                n += p->users[i] == 0;
        return n;
}

static struct json_object *oci_mapping(uint32_t host, uint32_t size) {
        struct json_object *a = json_object_new_array(), *m = json_object_new_object();

        json_object_object_add(m, "containerID", json_object_new_int64(0));
        json_object_object_add(m, "hostID", json_object_new_int64(host));
        json_object_object_add(m, "size", json_object_new_int64(size));
        json_object_array_add(a, m);
        return a;
}

void userns_oci_add(struct json_object *linux_obj, struct json_object *ns, const UsernsRange *r) {
        struct json_object *n = json_object_new_object();

        json_object_object_add(n, "type", json_object_new_string("user"));
        json_object_array_add(ns, n);
        json_object_object_add(linux_obj, "uidMappings", oci_mapping(r->uid, r->size));
        json_object_object_add(linux_obj, "gidMappings", oci_mapping(r->gid, r->size));
}

struct json_object *userns_inspect_json(const UsernsRange *r) {
        struct json_object *o = json_object_new_object(), *u = json_object_new_array(),
                           *g = json_object_new_array();
        char buf[64];

        snprintf(buf, sizeof(buf), "0:%u:%u", r->uid, r->size);
        json_object_array_add(u, json_object_new_string(buf));
        snprintf(buf, sizeof(buf), "0:%u:%u", r->gid, r->size);
        json_object_array_add(g, json_object_new_string(buf));
        json_object_object_add(o, "UidMap", u);
        json_object_object_add(o, "GidMap", g);
        return o;
}

struct json_object *userns_to_json(UsernsMode mode, const UsernsRange *r) {
        struct json_object *o;

        if (mode == USERNS_HOST)
                return NULL;
        o = json_object_new_object();
        json_object_object_add(o, "mode", json_object_new_string(userns_mode_to_string(mode)));
        if (r->size == 0)
                return o;
        json_object_object_add(o, "uid", json_object_new_int64(r->uid));
        json_object_object_add(o, "gid", json_object_new_int64(r->gid));
        json_object_object_add(o, "size", json_object_new_int64(r->size));
        return o;
}

static int get_u32(struct json_object *o, const char *key, uint32_t *ret) {
        struct json_object *v;
        int64_t x;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
                return -EBADMSG;
        x = json_object_get_int64(v);
        if (x < 0 || x >= UINT32_MAX)
                return -EBADMSG;
        *ret = (uint32_t) x;
        return 0;
}

int userns_from_json(struct json_object *j, UsernsMode *ret_mode, UsernsRange *ret_range) {
        struct json_object *m;
        UsernsRange r = {};
        UsernsMode mode;

        *ret_mode = USERNS_HOST;
        *ret_range = (UsernsRange){};
        if (!j || json_object_is_type(j, json_type_null))
                return 0;
        if (!json_object_object_get_ex(j, "mode", &m) || !json_object_is_type(m, json_type_string))
                return -EBADMSG;
        mode = userns_mode_from_string(json_object_get_string(m));
        if (mode < 0)
                return -EBADMSG;
        /* "auto" without a range: asked for, not allocated yet (a generator's spec) */
        if (mode == USERNS_AUTO && json_object_object_get_ex(j, "size", NULL) &&
            (get_u32(j, "uid", &r.uid) < 0 || get_u32(j, "gid", &r.gid) < 0 ||
             get_u32(j, "size", &r.size) < 0 || r.size == 0 || (uint64_t) r.uid + r.size > UINT32_MAX ||
             (uint64_t) r.gid + r.size > UINT32_MAX))
                return -EBADMSG;
        *ret_mode = mode;
        *ret_range = r;
        return 0;
}
