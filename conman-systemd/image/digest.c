/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * digest.c — sha256 digests via OpenSSL EVP (see digest.h).
 */
#include <fcntl.h>
#include <openssl/evp.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "image/digest.h"

struct Digester {
        EVP_MD_CTX *ctx;
        uint64_t size;
        bool finished;
};

bool digest_hex_is_valid(const char *h) {
        size_t i;

        for (i = 0; h[i]; i++)
                if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
                        return false;
        return i == DIGEST_HEX_LENGTH;
}

bool digest_is_valid(const char *d) {
        return d && strneq(d, DIGEST_PREFIX, strlen(DIGEST_PREFIX)) &&
               digest_hex_is_valid(d + strlen(DIGEST_PREFIX));
}

const char *digest_hex(const char *d) {
        return d + strlen(DIGEST_PREFIX);
}

int digester_new(Digester **ret) {
        Digester *d = calloc(1, sizeof(*d));

        if (!d)
                return -ENOMEM;
        d->ctx = EVP_MD_CTX_new();
        if (!d->ctx || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1) {
                digester_free(d);
                return -ENOMEM;
        }
        *ret = d;
        return 0;
}

Digester *digester_free(Digester *d) {
        if (!d)
                return NULL;
        EVP_MD_CTX_free(d->ctx);
        free(d);
        return NULL;
}

int digester_update(Digester *d, const void *data, size_t size) {
        if (d->finished)
                return -ESTALE;
        if (size > 0 && EVP_DigestUpdate(d->ctx, data, size) != 1)
                return -EIO;
        d->size += size;
        return 0;
}

uint64_t digester_size(const Digester *d) {
        return d->size;
}

int digester_final(Digester *d, char ret[static DIGEST_STRING_MAX]) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n = 0;

        if (d->finished)
                return -ESTALE;
        if (EVP_DigestFinal_ex(d->ctx, md, &n) != 1 || n != DIGEST_HEX_LENGTH / 2)
                return -EIO;
        d->finished = true;
        strcpy(ret, DIGEST_PREFIX);
        for (unsigned i = 0; i < n; i++)
                sprintf(ret + strlen(DIGEST_PREFIX) + 2 * i, "%02x", md[i]);
        return 0;
}

int digest_buffer(const void *data, size_t size, char ret[static DIGEST_STRING_MAX]) {
        _cleanup_(digester_freep) Digester *d = NULL;
        int r;

        r = digester_new(&d);
        if (r >= 0)
                r = digester_update(d, data, size);
        if (r >= 0)
                r = digester_final(d, ret);
        return r;
}

int digest_file_at(int dir_fd, const char *name, char ret[static DIGEST_STRING_MAX], uint64_t *ret_size) {
        _cleanup_(digester_freep) Digester *d = NULL;
        _cleanup_close_ int fd = -EBADF;
        char buf[64 * 1024];
        int r;

        fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        r = digester_new(&d);
        if (r < 0)
                return r;
        for (;;) {
                ssize_t n = read_all(fd, buf, sizeof(buf));
                if (n < 0)
                        return (int) n;
                r = digester_update(d, buf, (size_t) n);
                if (r < 0)
                        return r;
                if ((size_t) n < sizeof(buf)) /* short: the end of the file */
                        break;
        }
        if (ret_size)
                *ret_size = digester_size(d);
        return digester_final(d, ret);
}
