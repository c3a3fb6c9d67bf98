/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-change.c — docker's --change instructions applied to an image config; archive names, OCI
 * whiteout names and a tree written as tar (save, export, commit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka needs the headers above first */
#include <json-c/json.h>
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/tree-tar.h"
#include "shared/util.h"
#include "image/change.h"
#include "image/save.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static const char *applied(struct json_object *c, const char *change) {
        char *error = NULL;
        assert_int_equal(image_change_apply(c, change, &error), 0);
        assert_null(error);
        return json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void test_cmd_entrypoint(void **state) {
        struct json_object *c = json_object_new_object();

        assert_string_equal(applied(c, "CMD=/bin/sh"), "{\"Cmd\":[\"/bin/sh\",\"-c\",\"/bin/sh\"]}");
        assert_string_equal(applied(c, "CMD [\"echo\", \"hi there\"]"), "{\"Cmd\":[\"echo\",\"hi there\"]}");
        assert_string_equal(applied(c, "entrypoint=[\"/bin/sh\",\"-c\"]"),
                            "{\"Cmd\":[\"echo\",\"hi there\"],\"Entrypoint\":[\"/bin/sh\",\"-c\"]}");
        json_object_put(c);
}

static void test_env_workdir_user(void **state) {
        struct json_object *c = json_object_new_object();

        applied(c, "ENV=A=1 B=\"two words\"");
        applied(c, "ENV C three four");
        applied(c, "ENV A=5");
        assert_string_equal(applied(c, "WORKDIR=/srv"),
                            "{\"Env\":[\"A=5\",\"B=two words\",\"C=three four\"],\"WorkingDir\":\"/srv\"}");
        json_object_put(c);
        c = json_object_new_object();
        assert_string_equal(applied(c, "USER 1000:1000"), "{\"User\":\"1000:1000\"}");
        json_object_put(c);
}

static void test_expose_label(void **state) {
        struct json_object *c = json_object_new_object();

        assert_string_equal(applied(c, "EXPOSE 80 53/UDP"),
                            "{\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}}}");
        json_object_put(c);
        c = json_object_new_object();
        assert_string_equal(applied(c, "LABEL a=b \"c d\"=e"), "{\"Labels\":{\"a\":\"b\",\"c d\":\"e\"}}");
        json_object_put(c);
}

static void test_refused(void **state) {
        static const char *const bad[] = {
                "RUN echo hi", "CMD=",    "CMD=[1,2]", "CMD=[\"a\"",   "ENV=",
                "ENV A",       "ENV =x",  "EXPOSE 0",  "EXPOSE 70000", "EXPOSE 80/icmp",
                "EXPOSE x",    "LABEL a", "WORKDIR=",  "ENV A=\"x",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct json_object *c = json_object_new_object();
                char *error = NULL;
                assert_int_equal(image_change_apply(c, bad[i], &error), -EINVAL);
                assert_non_null(error);
                free(error);
                json_object_put(c);
        }
}

static void test_archive_names(void **state) {
        static const unsigned char gz[] = { 0x1f, 0x8b, 8 }, zst[] = { 0x28, 0xb5, 0x2f, 0xfd },
                                   tar[] = "bin/";

        assert_string_equal(image_archive_format_to_string(IMAGE_ARCHIVE_DOCKER), "docker-archive");
        assert_int_equal(image_archive_format_from_string("oci-archive"), IMAGE_ARCHIVE_OCI);
        assert_int_equal(image_archive_format_from_string("zip"), -EINVAL);
        assert_string_equal(layer_media_type_from_magic(gz, sizeof(gz)),
                            "application/vnd.oci.image.layer.v1.tar+gzip");
        assert_string_equal(layer_media_type_from_magic(zst, sizeof(zst)),
                            "application/vnd.oci.image.layer.v1.tar+zstd");
        assert_string_equal(layer_media_type_from_magic(tar, 4), "application/vnd.oci.image.layer.v1.tar");
        assert_string_equal(layer_media_type_from_magic(gz, 1), "application/vnd.oci.image.layer.v1.tar");
}

static void test_whiteout_names(void **state) {
        char *p = NULL;

        assert_int_equal(oci_whiteout_path("etc/group", &p), 0);
        assert_string_equal(p, "etc/.wh.group");
        free(p);
        assert_int_equal(oci_whiteout_path("top", &p), 0);
        assert_string_equal(p, ".wh.top");
        free(p);
        assert_int_equal(oci_whiteout_path("dir/", &p), -EINVAL);
}

/* A tree with a file, a hardlink, a symlink out of the tree and a subdirectory, tarred and read back. */
static void test_tree_tar(void **state) {
        char dir[] = "/tmp/test-tree-tar-XXXXXX", listing[512] = "";
        struct archive *a = archive_read_new();
        struct archive_entry *e;
        int dfd, out;

        assert_non_null(mkdtemp(dir));
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        assert_int_equal(mkdirat(dfd, "sub", 0755), 0);
        out = openat(dfd, "sub/file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_int_equal(write(out, "hello", 5), 5);
        close(out);
        assert_int_equal(linkat(dfd, "sub/file", dfd, "hard", 0), 0);
        assert_int_equal(symlinkat("/etc/passwd", dfd, "link"), 0);
        out = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        assert_int_equal(tree_tar_write(dfd, TREE_TAR_PLAIN, out, NULL), 0);
        assert_int_equal(lseek(out, 0, SEEK_SET), 0);
        archive_read_support_format_tar(a);
        assert_int_equal(archive_read_open_fd(a, out, 4096), ARCHIVE_OK);
        while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
                const char *name = archive_entry_pathname(e);
                if (archive_entry_symlink(e))
                        assert_string_equal(archive_entry_symlink(e), "/etc/passwd");
                if (archive_entry_hardlink(e))
                        assert_true(streq(archive_entry_hardlink(e), "sub/file") ||
                                    streq(archive_entry_hardlink(e), "hard"));
                if (streq(name, "sub/file") && !archive_entry_hardlink(e))
                        assert_int_equal(archive_entry_size(e), 5);
                strcat(listing, name);
                strcat(listing, " ");
        }
        archive_read_free(a);
        close(out);
        assert_non_null(strstr(listing, "sub/ "));
        assert_non_null(strstr(listing, "sub/file "));
        assert_non_null(strstr(listing, "hard "));
        assert_non_null(strstr(listing, "link "));
        assert_int_equal(rm_rf_at(AT_FDCWD, dir), 0);
        close(dfd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cmd_entrypoint), cmocka_unit_test(test_env_workdir_user),
                cmocka_unit_test(test_expose_label),   cmocka_unit_test(test_refused),
                cmocka_unit_test(test_archive_names),  cmocka_unit_test(test_whiteout_names),
                cmocka_unit_test(test_tree_tar),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
