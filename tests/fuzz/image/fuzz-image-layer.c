/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-image-layer.c — layer_extract() of arbitrary bytes into a scratch directory, then the same bytes
 * as `conmanctl cp - CONTAINER:DEST` unpacks them (tar_extract_stream(), shared/tar-extract.c); whatever
 * the input, nothing may appear next to that directory.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/tar-extract.h"
#include "image/layer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_entries(const char *dir) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        size_t n = 0;

        for (struct dirent *de; d && (de = readdir(d));)
                n += de->d_name[0] != '.';
        return n;
}

/* An empty directory "layer" in top, opened; abort()s when it cannot be made. */
static int fresh_dir(const char *top, char *path, size_t n) {
        int fd;

        snprintf(path, n, "%s/layer", top);
        (void) rm_rf(path);
        if (mkdir(path, 0755) < 0 || (fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                abort();
        return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char top[] = "/tmp/fuzz-layer-XXXXXX";
        static bool made = false;
        _cleanup_close_ int in = -EBADF, root = -EBADF, dest = -EBADF;
        char layer[64];
        LayerResult res;

        if (!made && !mkdtemp(top))
                abort();
        made = true;
        root = fresh_dir(top, layer, sizeof(layer));
        in = memfd_create("fuzz", MFD_CLOEXEC);
        if (in < 0 || write(in, data, size) != (ssize_t) size || lseek(in, 0, SEEK_SET) != 0)
                abort();
        (void) layer_extract(in, root, LAYER_COMPRESSION_DETECT, &(LayerLimits){ 64 << 20, 100000 }, &res);
        if (count_entries(top) != 1) /* only "layer" */
                abort();
        dest = fresh_dir(top, layer, sizeof(layer));
        if (lseek(in, 0, SEEK_SET) != 0)
                abort();
        (void) tar_extract_stream(in, dest, &(TarExtractOptions){}, NULL);
        if (count_entries(top) != 1)
                abort();
        (void) rm_rf(layer);
        return 0;
}
