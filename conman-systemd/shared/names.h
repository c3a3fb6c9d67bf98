/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * names.h — validation of everything that names something: container names and
 * ids, unit names derived from them, paths inside a container.
 */
#pragma once

#include <stdbool.h>

#define CONTAINER_NAME_RULE "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}"
#define CONTAINER_ID_LENGTH 64

/* Matches CONTAINER_NAME_RULE. */
bool container_name_is_valid(const char *name);
/* docker's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]* of min..max bytes (containers, volumes). */
bool docker_name_is_valid(const char *name, size_t min, size_t max);
/* 64 lowercase hex characters. */
bool container_id_is_valid(const char *id);
/* 1..64 lowercase hex characters: something that may be an id prefix. */
bool container_id_prefix_is_valid(const char *prefix);
/* An absolute, normalized path with no "..", "." or empty components. */
bool container_path_is_valid(const char *path);
/* An environment entry "KEY=VALUE" with a sane key. */
bool env_assignment_is_valid(const char *e);
/* A label key: printable, no '=' , 1..255 bytes. */
bool label_key_is_valid(const char *k);
/* A slice unit name systemd accepts and places by its dashes ("kubepods-besteffort-pod1.slice": below
 * kubepods.slice/kubepods-besteffort.slice): [a-zA-Z0-9:_.\\] and '-', no empty level, ".slice" at the end,
 * at most 255 characters. "-.slice" (the root) is not a place for containers. */
bool slice_name_is_valid(const char *slice);
/* A host or domain name as a container's --domainname or --network-alias: 1..253 letters, digits, '-' and
 * '.', not starting with '-' or '.'. */
#define DNS_NAME_MAX 253
bool dns_name_is_valid(const char *s);

/* Whether an image name carries a tag or digest ("busybox:1", "host:5000/app@sha256:..."; a registry's port
 * is no tag): pull --all-tags wants a repository alone, as docker's. */
bool image_name_has_tag_or_digest(const char *name);
