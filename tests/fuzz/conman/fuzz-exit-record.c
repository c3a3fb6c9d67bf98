/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-exit-record.c — exit.json as conmand reads it (exit_record_read(); the file may be
 * damaged), and the ExecStopPost= environment as conman-exit-record turns it into a record
 * (exit_record_from_env(); input split at NUL bytes into $EXIT_CODE, $EXIT_STATUS and
 * $SERVICE_RESULT). A record written back reads back equal.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>

#include "shared/exit-record.h"
#include "shared/fileio.h"
#include "shared/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_dir(void) {
        static int fd = -1;
        char tmpl[] = "/tmp/fuzz-exit-record.XXXXXX";

        if (fd >= 0)
                return fd;
        if (!mkdtemp(tmpl))
                abort();
        fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                abort();
        return fd;
}

static void check_write_read(int dfd, const ExitRecord *e) {
        ExitRecord back;

        if (exit_record_write(dfd, e) < 0)
                abort();
        if (exit_record_read(dfd, &back) < 0)
                abort();
        if (back.exit_code != e->exit_code || back.oom_killed != e->oom_killed ||
            back.finished_at != e->finished_at || !streq(back.result, strempty(e->result)))
                abort();
        exit_record_done(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *parts[3] = {};
        _cleanup_free_ char *s = NULL;
        ExitRecord e = { .exit_code = -1 };
        int dfd = fuzz_dir();
        size_t off = 0;

        if (size > 1024 * 1024)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = 0;

        /* as the file conmand reads */
        if (write_file_atomic_at(dfd, "exit.json", s, size, 0600) < 0)
                abort();
        if (exit_record_read(dfd, &e) >= 0) {
                if (!e.result)
                        abort();
                exit_record_done(&e);
        }

        /* as the environment conman-exit-record reads */
        for (unsigned i = 0; i < 3 && off <= size; i++) {
                parts[i] = s + off;
                off += strlen(s + off) + 1;
        }
        if (exit_record_from_env(parts[0], parts[1], parts[2], (uint64_t) size * 1000003, &e) >= 0) {
                check_write_read(dfd, &e);
                exit_record_done(&e);
        }
        (void) exit_record_remove(dfd);
        return 0;
}
