/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-image-layer.c — layer_extract() of arbitrary bytes into a scratch directory; whatever the
 * input, nothing may appear next to that directory.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "image/layer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_entries(const char *dir) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        size_t n = 0;

        for (struct dirent *de; d && (de = readdir(d));)
                n += de->d_name[0] != '.';
        return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char top[] = "/tmp/fuzz-layer-XXXXXX";
        static bool made = false;
        _cleanup_close_ int in = -EBADF, root = -EBADF;
        char layer[64];
        LayerResult res;

        if (!made && !mkdtemp(top))
                abort();
        made = true;
        snprintf(layer, sizeof(layer), "%s/layer", top);
        (void) rm_rf(layer);
        if (mkdir(layer, 0755) < 0)
                abort();
        root = open(layer, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        in = memfd_create("fuzz", MFD_CLOEXEC);
        if (root < 0 || in < 0 || write(in, data, size) != (ssize_t) size || lseek(in, 0, SEEK_SET) != 0)
                abort();
        (void) layer_extract(in, root, LAYER_COMPRESSION_DETECT, &(LayerLimits){ 64 << 20, 100000 }, &res);
        if (count_entries(top) != 1) /* only "layer" */
                abort();
        (void) rm_rf(layer);
        return 0;
}
