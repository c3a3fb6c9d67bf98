/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-image-auth.c — auth.json documents from arbitrary bytes. */
#include <stdint.h>

#include "shared/macro.h"
#include "image/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        Credentials c = {};

        if (auth_parse((const char *) data, size, "localhost:5050", &c) >= 0 && (!c.user || !c.password))
                abort();
        credentials_done(&c);
        if (auth_parse((const char *) data, size, "docker.io", &c) >= 0)
                credentials_done(&c);
        return 0;
}
