/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-image-registries.c — conman-registries.d(5) files from arbitrary bytes: parsed twice into one
 * configuration (as two files), then asked for the endpoints of their registries. */
#include <stdint.h>
#include <stdlib.h>

#include "shared/macro.h"
#include "image/registries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(registries_config_freep) RegistriesConfig *c = calloc(1, sizeof(*c));
        char *error = NULL;

        if (!c)
                return 0;
        for (int i = 0; i < 2; i++) {
                int r = registries_parse(c, (const char *) data, size, &error);
                if ((r == -EINVAL) != (error != NULL))
                        abort();
                free(error);
                error = NULL;
        }
        for (size_t i = 0; i < c->n_entries; i++) {
                RegistryEndpoint *e = NULL;
                size_t n = 0;

                if (registries_endpoints(c, c->entries[i].domain, true, &e, &n) < 0)
                        continue;
                if (n == 0 || n > REGISTRY_MIRRORS_MAX + 1 || c->entries[i].n_mirrors > REGISTRY_MIRRORS_MAX)
                        abort();
                for (size_t j = 0; j < n; j++)
                        if (e[j].host && !e[j].url)
                                abort();
                free(e);
        }
        return 0;
}
