/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-image-manifest.c — manifests, indexes and image configs from arbitrary bytes. */
#include <stdint.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(manifest_freep) Manifest *m = NULL;
        _cleanup_(image_config_freep) ImageConfig *c = NULL;
        const char *body = (const char *) data;
        Descriptor d = {};
        ManifestKind k;

        (void) manifest_detect_kind(body, size, NULL, &k);
        if (manifest_parse(body, size, MEDIA_TYPE_OCI_MANIFEST, &m) >= 0)
                for (size_t i = 0; i < m->n_layers; i++)
                        if (!digest_is_valid(m->layers[i].digest))
                                abort();
        Platform amd64 = { "linux", "amd64", "" };
        char *list = NULL;

        if (index_select_platform(body, size, &amd64, &d) >= 0)
                descriptor_done(&d);
        if (index_list_platforms(body, size, &list) >= 0)
                free(list);
        if (image_config_parse(body, size, &c) >= 0 && c->n_diff_ids != strv_length(c->diff_ids))
                abort();
        return 0;
}
