/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * capabilities.h — capability names and the set a container gets: podman's default set, changed by
 * --cap-add/--cap-drop (docker's rules for ALL) or replaced by --privileged. A set is a bit mask
 * (bit N = capability N); the kernel's last capability bounds it, since crun refuses names the kernel
 * does not know.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CAPABILITY_MAX 64

/* "net_raw", "NET_RAW" or "CAP_NET_RAW" → its number; -EINVAL when unknown. */
int capability_from_name(const char *name);
/* 12 → "CAP_NET_ADMIN"; NULL past the table. */
const char *capability_to_name(int cap);
/* Spelling kept in ContainerSpec: "CAP_X" or "ALL". -EINVAL when unknown. */
int capability_normalize(const char *name, char **ret);

/* CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT */
uint64_t capability_default_set(void);
/* Bits 0..cap_last. */
uint64_t capability_all(unsigned cap_last);
/* /proc/sys/kernel/cap_last_cap, or the last one in our table when unreadable. */
unsigned capability_last_cap(void);
/* What "ALL" means here: the kernel's capabilities that are in our own bounding set (a container manager
 * inside a container, such as the test machine, cannot give more than it has). */
uint64_t capability_available(void);

/* docker's rules: privileged → all; add ALL → all minus drops; drop ALL → only the adds; else
 * default + adds − drops. all is what ALL stands for (capability_available()). */
uint64_t capability_set_compute(bool privileged, char *const *add, char *const *drop, uint64_t all);

/* A json-c array of names of the set. */
struct json_object *capability_set_to_json(uint64_t set);
