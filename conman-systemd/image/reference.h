/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reference.h — docker-style image references: parsing, validation and
 * normalization ("busybox" → "docker.io/library/busybox:latest").
 *
 * Grammar (distribution/reference): [DOMAIN/]PATH[:TAG][@DIGEST]. The first
 * component is a domain when it contains '.' or ':' or is "localhost"; otherwise
 * the domain is docker.io and a one-component path gets "library/". A reference
 * without tag and digest gets ":latest".
 */
#pragma once

#include <stdbool.h>

#include "shared/macro.h"

typedef struct Reference {
        char *domain; /* "docker.io", "localhost:5050" */
        char *path;   /* "library/busybox" */
        char *tag;    /* "latest", or NULL when only a digest was given */
        char *digest; /* "sha256:<64 hex>" or NULL */
} Reference;

/* Parses and normalizes; -EINVAL for anything that is not a valid reference. */
int reference_parse(const char *s, Reference **ret);
Reference *reference_free(Reference *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(Reference *, reference_free);
#define _cleanup_reference_ _cleanup_(reference_freep)

/* "docker.io/library/busybox:latest" or "domain/path@sha256:..." (digest wins over tag). */
int reference_to_string(const Reference *r, char **ret);
/* "domain/path" */
int reference_repository(const Reference *r, char **ret);
/* The host to talk to: docker.io → registry-1.docker.io. */
const char *reference_registry_host(const Reference *r);

bool reference_tag_is_valid(const char *tag);
