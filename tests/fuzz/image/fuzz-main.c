/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-main.c — runs a fuzz target over files (or directories of files) given on the
 * command line, for builds without libFuzzer: the seed corpus becomes a regression test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "shared/fileio.h"
#include "shared/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
        _cleanup_free_ char *buf = NULL;
        size_t size;
        int r;

        r = read_file(path, 16 * 1024 * 1024, &buf, &size);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
                return r;
        }
        (void) LLVMFuzzerTestOneInput((const uint8_t *) buf, size);
        printf("ok %s\n", path);
        return 0;
}

static int run_path(const char *path) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        struct stat st;
        int r = 0;

        if (stat(path, &st) < 0)
                return negative_errno();
        if (!S_ISDIR(st.st_mode))
                return run_file(path);
        d = opendir(path);
        if (!d)
                return negative_errno();
        while ((de = readdir(d)))
                if (de->d_name[0] != '.') {
                        _cleanup_free_ char *p = NULL;
                        if (asprintf(&p, "%s/%s", path, de->d_name) < 0)
                                return -ENOMEM;
                        r = run_path(p) < 0 ? -EIO : r;
                }
        return r;
}

int main(int argc, char *argv[]) {
        int r = 0;

        for (int i = 1; i < argc; i++)
                if (run_path(argv[i]) < 0)
                        r = 1;
        return r;
}
