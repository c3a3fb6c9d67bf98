/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * platform.h — image platforms ("linux/arm64", "linux/arm/v7"): docker's --platform spelling parsed and
 * normalized as containerd does (x86_64 → amd64, aarch64 → arm64 with v8 implied, armhf → arm/v7,
 * OS names lowercase), the host's platform, and whether an image's platform fits a wanted one.
 * Pure functions; the strings come from users, registries and image configs, so every field is checked.
 */
#pragma once

#include <stdbool.h>

#define PLATFORM_FIELD_MAX  32
#define PLATFORM_STRING_MAX (3 * PLATFORM_FIELD_MAX)

typedef struct Platform {
        char os[PLATFORM_FIELD_MAX];
        char arch[PLATFORM_FIELD_MAX];
        char variant[PLATFORM_FIELD_MAX]; /* "" when none */
} Platform;

/* The host's platform in OCI terms ("linux", "amd64", variant or NULL). */
void platform_host(const char **ret_os, const char **ret_arch, const char **ret_variant);
void platform_get_host(Platform *ret);

/* "OS/ARCH[/VARIANT]", or one known OS or architecture alone (the host's other half), normalized.
 * -EINVAL for anything else. */
int platform_parse(const char *s, Platform *ret);
/* Checks and copies fields as an index entry or image config gives them (variant may be NULL); not
 * normalized. -EINVAL when a field is missing, too long or has characters other than [a-z0-9._-] (or starts
 * with . _ -). */
int platform_from_fields(const char *os, const char *arch, const char *variant, Platform *ret);
/* containerd's normalization, in place. */
void platform_normalize(Platform *p);
/* How well have fits want, both normalized here: 2 the same variant, 1 the same OS and architecture
 * where one side names no variant, 0 not at all. */
int platform_match_score(const Platform *want, const Platform *have);
/* "linux/arm64/v8" */
const char *platform_to_string(const Platform *p, char buf[static PLATFORM_STRING_MAX]);
