/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * digest.h — content digests ("sha256:<64 hex>") computed with OpenSSL EVP while
 * data streams by, and checked against what a manifest or config promised.
 * Only sha256 is accepted: it is what every registry and image tool writes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/macro.h"

#define DIGEST_PREFIX     "sha256:"
#define DIGEST_HEX_LENGTH 64
#define DIGEST_STRING_MAX (sizeof(DIGEST_PREFIX) + DIGEST_HEX_LENGTH)

typedef struct Digester Digester;

/* "sha256:" followed by exactly 64 lowercase hex characters. */
bool digest_is_valid(const char *d);
/* 64 lowercase hex characters. */
bool digest_hex_is_valid(const char *h);
/* The hex part of a valid digest. */
const char *digest_hex(const char *d);

int digester_new(Digester **ret);
Digester *digester_free(Digester *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(Digester *, digester_free);
int digester_update(Digester *d, const void *data, size_t size);
/* Bytes seen so far. */
uint64_t digester_size(const Digester *d);
/* Finishes and writes "sha256:<hex>" into ret; the digester cannot be updated afterwards. */
int digester_final(Digester *d, char ret[static DIGEST_STRING_MAX]);

/* Digest of a buffer in one go. */
int digest_buffer(const void *data, size_t size, char ret[static DIGEST_STRING_MAX]);
/* Digest of the file dir_fd/name. */
int digest_file_at(int dir_fd, const char *name, char ret[static DIGEST_STRING_MAX], uint64_t *ret_size);
