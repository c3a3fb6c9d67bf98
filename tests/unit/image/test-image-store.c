/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-image-store.c — the content-addressed store: layers, records, tags, lookup, removal, prune. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "shared/fileio.h"
#include "shared/json-util.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "image/digest.h"
#include "image/store.h"

typedef struct Fixture {
        char dir[64];
        ImageStore *store;
        bool in_use;
} Fixture;

static bool fixture_in_use(const char *id, void *userdata) {
        Fixture *f = userdata;
        return f->in_use;
}

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(*f));

        strcpy(f->dir, "/tmp/test-store-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        assert_int_equal(image_store_open(f->dir, &f->store), 0);
        image_store_set_in_use_func(f->store, fixture_in_use, f);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        image_store_free(f->store);
        assert_int_equal(rm_rf(f->dir), 0);
        free(f);
        return 0;
}

/* A one-file uncompressed layer in a memfd, and its diff_id. */
static int make_layer(const char *name, const char *content, char diff_id[static DIGEST_STRING_MAX]) {
        static char tar[64 * 1024];
        size_t size = 0;
        struct archive *a = archive_write_new();
        struct archive_entry *e = archive_entry_new();
        int fd;

        assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
        assert_int_equal(archive_write_open_memory(a, tar, sizeof(tar), &size), ARCHIVE_OK);
        archive_entry_set_pathname(e, name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t) strlen(content));
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, content, strlen(content)), (la_ssize_t) strlen(content));
        archive_entry_free(e);
        assert_int_equal(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
        assert_int_equal(digest_buffer(tar, size, diff_id), 0);
        fd = memfd_create("layer", MFD_CLOEXEC);
        assert_int_equal(write(fd, tar, size), (ssize_t) size);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        return fd;
}

/* Stores a config naming the layers; returns its digest (= image id with prefix). */
static void put_config(ImageStore *s, char *const *diff_ids, const char *cmd,
                       char digest[static DIGEST_STRING_MAX]) {
        _cleanup_free_ char *config = NULL, *ids = strv_join(diff_ids, "\",\"");

        assert_true(
                asprintf(&config,
                         "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
                         "\"config\":{\"Cmd\":[\"%s\"],\"Env\":[\"A=1\"]},"
                         "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
                         cmd, ids) > 0);
        assert_int_equal(digest_buffer(config, strlen(config), digest), 0);
        assert_int_equal(image_store_put_blob(s, digest, config, strlen(config)), 0);
}

static void add_image(Fixture *f, const char *content, const char *tag, char id[static IMAGE_ID_LENGTH + 1]) {
        char d1[DIGEST_STRING_MAX], d2[DIGEST_STRING_MAX], config[DIGEST_STRING_MAX];
        _cleanup_close_ int fd1 = make_layer("base", "shared base", d1), fd2 = make_layer("top", content, d2);
        char *ids[] = { d1, d2, NULL };

        assert_int_equal(image_store_add_layer(f->store, fd1, LAYER_COMPRESSION_DETECT, NULL, d1, NULL, 0),
                         0);
        assert_int_equal(image_store_add_layer(f->store, fd2, LAYER_COMPRESSION_DETECT, NULL, d2, NULL, 0),
                         0);
        assert_true(image_store_has_layer(f->store, d1));
        put_config(f->store, ids, content, config);
        assert_int_equal(image_store_commit(f->store, config, NULL, tag, id), 0);
        assert_string_equal(id, digest_hex(config));
}

static void test_commit_find_resolve(void **state) {
        Fixture *f = *state;
        char id[IMAGE_ID_LENGTH + 1], prefix[13];
        _cleanup_(image_record_freep) ImageRecord *r = NULL;
        _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
        _cleanup_free_ char *content = NULL, *p = NULL;

        add_image(f, "one", "docker.io/library/busybox:latest", id);
        assert_int_equal(image_store_find(f->store, "busybox", &r), 0);
        assert_string_equal(r->id, id);
        assert_string_equal(r->repo_tags[0], "docker.io/library/busybox:latest");
        assert_int_equal(strv_length(r->diff_ids), 2);
        assert_true(r->size > 0);
        r = image_record_free(r);
        snprintf(prefix, sizeof(prefix), "%.12s", id);
        assert_int_equal(image_store_find(f->store, prefix, &r), 0);
        r = image_record_free(r);
        assert_int_equal(image_store_find(f->store, "nothere", &r), -ENOENT);
        assert_int_equal(image_store_find(f->store, "Bad Ref", &r), -EINVAL);

        assert_int_equal(image_store_resolve(f->store, "docker.io/library/busybox:latest", &img), 0);
        assert_string_equal(img->id, id);
        assert_int_equal(img->n_layers, 2);
        assert_string_equal(img->config->cmd[0], "one");
        assert_string_equal(img->config->env[0], "A=1");
        assert_true(asprintf(&p, "%s/top", img->layer_dirs[1]) > 0);
        assert_int_equal(read_file(p, 100, &content, NULL), 0);
        assert_string_equal(content, "one");
}

static void test_retag_and_remove(void **state) {
        Fixture *f = *state;
        char a[IMAGE_ID_LENGTH + 1], b[IMAGE_ID_LENGTH + 1], a2[IMAGE_ID_LENGTH + 1];
        _cleanup_strv_free_ char **untagged = NULL, **deleted = NULL;
        _cleanup_(image_record_freep) ImageRecord *r = NULL;

        add_image(f, "one", "localhost/app:1", a);
        add_image(f, "one", "localhost/app:also", a2);
        assert_string_equal(a, a2);
        add_image(f, "two", "localhost/app:1", b); /* moves the tag */
        assert_int_equal(image_store_find(f->store, "localhost/app:1", &r), 0);
        assert_string_equal(r->id, b);
        r = image_record_free(r);
        assert_int_equal(image_store_find(f->store, a, &r), 0);
        assert_int_equal(strv_length(r->repo_tags), 1);
        r = image_record_free(r);

        /* in use: refused, forced: untagged only */
        f->in_use = true;
        assert_int_equal(image_store_remove(f->store, "localhost/app:also", false, &untagged, &deleted),
                         -EBUSY);
        assert_int_equal(image_store_remove(f->store, "localhost/app:also", true, &untagged, &deleted), 0);
        assert_string_equal(untagged[0], "localhost/app:also");
        assert_null(deleted[0]);
        strv_freep(&untagged);
        strv_freep(&deleted);
        assert_int_equal(image_store_find(f->store, a, &r), 0);
        r = image_record_free(r);

        /* not in use: gone, with its layer; the shared base layer stays for b */
        f->in_use = false;
        assert_int_equal(image_store_remove(f->store, a, false, &untagged, &deleted), 0);
        assert_int_equal(strv_length(deleted), 1);
        assert_int_equal(image_store_find(f->store, a, &r), -ENOENT);
        assert_int_equal(image_store_find(f->store, "localhost/app:1", &r), 0);
        r = image_record_free(r);
        _cleanup_(resolved_image_freep) ResolvedImage *img = NULL;
        assert_int_equal(image_store_resolve(f->store, b, &img), 0);
        assert_int_equal(access(img->layer_dirs[0], F_OK), 0);
}

/* docker tag / untag: names only; rmi of one of several names only untags. */
static void test_tag_untag(void **state) {
        Fixture *f = *state;
        char a[IMAGE_ID_LENGTH + 1], b[IMAGE_ID_LENGTH + 1];
        _cleanup_strv_free_ char **untagged = NULL, **deleted = NULL;
        _cleanup_(image_record_freep) ImageRecord *r = NULL;
        _cleanup_free_ char *tag = NULL;

        add_image(f, "one", "localhost/app:1", a);
        add_image(f, "two", "localhost/other:1", b);
        assert_int_equal(image_store_tag(f->store, "localhost/app:1", "myapp", &tag), 0);
        assert_string_equal(tag, "docker.io/library/myapp:latest");
        assert_int_equal(image_store_find(f->store, "myapp", &r), 0);
        assert_string_equal(r->id, a);
        r = image_record_free(r);
        /* a tag another image has moves */
        assert_int_equal(image_store_tag(f->store, b, "myapp:latest", NULL), 0);
        assert_int_equal(image_store_find(f->store, "myapp", &r), 0);
        assert_string_equal(r->id, b);
        r = image_record_free(r);
        assert_int_equal(image_store_tag(f->store, "nothere", "x", NULL), -ENOENT);
        assert_int_equal(
                image_store_tag(f->store, a,
                                "x@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                                NULL),
                -EINVAL);

        /* untag: the image stays, even without names */
        assert_int_equal(image_store_untag(f->store, "localhost/app:1", NULL), 0);
        assert_int_equal(image_store_find(f->store, a, &r), 0);
        assert_int_equal(strv_length(r->repo_tags), 0);
        r = image_record_free(r);
        assert_int_equal(image_store_untag(f->store, "localhost/app:1", NULL), -ENOENT);

        /* rmi of one of two names untags only */
        assert_int_equal(image_store_tag(f->store, b, "localhost/second:2", NULL), 0);
        assert_int_equal(image_store_remove(f->store, "localhost/second:2", false, &untagged, &deleted), 0);
        assert_string_equal(untagged[0], "localhost/second:2");
        assert_null(deleted[0]);
        assert_int_equal(image_store_find(f->store, b, &r), 0);
        assert_int_equal(strv_length(r->repo_tags), 2);

        assert_int_equal(image_store_add_repo_digest(f->store, b, "localhost/pushed@sha256:00"), 0);
        r = image_record_free(r);
        assert_int_equal(image_store_find(f->store, b, &r), 0);
        assert_true(strv_contains(r->repo_digests, "localhost/pushed@sha256:00"));
}

/* Each layer keeps the blob it came as (for push), only under that blob's digest. */
static void test_layer_blob_kept(void **state) {
        Fixture *f = *state;
        char d[DIGEST_STRING_MAX], again[DIGEST_STRING_MAX];
        _cleanup_close_ int fd = make_layer("file", "content", d), blob = -EBADF;
        uint64_t size = 0;
        off_t end = lseek(fd, 0, SEEK_END);

        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_int_equal(image_store_add_layer(f->store, fd, LAYER_COMPRESSION_DETECT, NULL, d, NULL, 0), 0);
        /* an uncompressed layer's blob digest is its diff_id */
        assert_int_equal(image_store_open_layer_blob(f->store, d, d, &blob, &size), 0);
        assert_int_equal(size, (uint64_t) end);
        {
                _cleanup_free_ char *data = NULL;
                size_t n;
                assert_int_equal(read_full_fd(blob, 1024 * 1024, &data, &n), 0);
                assert_int_equal(digest_buffer(data, n, again), 0);
                assert_string_equal(again, d);
        }
        assert_int_equal(image_store_open_layer_blob(
                                 f->store, d,
                                 "sha256:1111111111111111111111111111111111111111111111111111111111111111",
                                 &blob, &size),
                         -ENOENT);
}

static void test_prune(void **state) {
        Fixture *f = *state;
        char a[IMAGE_ID_LENGTH + 1], b[IMAGE_ID_LENGTH + 1];
        _cleanup_strv_free_ char **deleted = NULL;
        ImageRecord **l = NULL;
        uint64_t reclaimed = 0;
        size_t n;

        add_image(f, "one", "localhost/app:1", a);
        add_image(f, "two", "localhost/app:1", b); /* a is now dangling */
        f->in_use = true;
        assert_int_equal(image_store_prune(f->store, &deleted, &reclaimed), 0);
        assert_int_equal(strv_length(deleted), 0);
        strv_freep(&deleted);
        f->in_use = false;
        assert_int_equal(image_store_prune(f->store, &deleted, &reclaimed), 0);
        assert_int_equal(strv_length(deleted), 2); /* image a and its top layer */
        assert_true(reclaimed > 0);
        assert_int_equal(image_store_list(f->store, &l, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(l[0]->id, b);
        image_record_list_free(l, n);

        /* writers block prune */
        image_store_writer_begin(f->store);
        assert_int_equal(image_store_prune(f->store, &deleted, &reclaimed), -EBUSY);
        image_store_writer_end(f->store);
}

static void test_bad_layer_and_reopen(void **state) {
        Fixture *f = *state;
        char d[DIGEST_STRING_MAX], id[IMAGE_ID_LENGTH + 1], err[512] = "", p[128];
        const char *wrong = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
        _cleanup_close_ int fd = make_layer("x", "y", d);
        _cleanup_(image_record_freep) ImageRecord *r = NULL;
        ImageRecord **l = NULL;
        size_t n;

        assert_int_equal(
                image_store_add_layer(f->store, fd, LAYER_COMPRESSION_DETECT, NULL, wrong, err, sizeof(err)),
                -EBADMSG);
        assert_non_null(strstr(err, "diff_id"));
        assert_false(image_store_has_layer(f->store, wrong));
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_int_equal(
                image_store_add_layer(f->store, fd, LAYER_COMPRESSION_DETECT, wrong, d, err, sizeof(err)),
                -EBADMSG);
        assert_false(image_store_has_layer(f->store, d));
        assert_int_equal(image_store_put_blob(f->store, wrong, "x", 1), -EBADMSG);

        /* a config whose layer is missing cannot be committed */
        char *ids[] = { d, NULL }, config[DIGEST_STRING_MAX];
        put_config(f->store, ids, "c", config);
        assert_int_equal(image_store_commit(f->store, config, NULL, "localhost/x:1", id), -ENOENT);

        /* tmp/ is emptied on open; records survive */
        add_image(f, "one", "localhost/app:1", id);
        snprintf(p, sizeof(p), "%s/images/tmp/leftover", f->dir);
        assert_int_equal(mkdir(p, 0700), 0);
        image_store_free(f->store);
        assert_int_equal(image_store_open(f->dir, &f->store), 0);
        assert_int_equal(access(p, F_OK), -1);
        assert_int_equal(image_store_list(f->store, &l, &n), 0);
        assert_int_equal(n, 1);
        image_record_list_free(l, n);
        assert_int_equal(image_store_find(f->store, "localhost/app:1", &r), 0);
}

/* The platform comes from the config, is kept in the record, and a record written before platforms were
 * (no Os/Architecture keys) gets it from the config when the store opens. */
static void test_platform_recorded(void **state) {
        Fixture *f = *state;
        _cleanup_(image_record_freep) ImageRecord *r = NULL;
        _cleanup_json_ struct json_object *rec = NULL;
        char id[IMAGE_ID_LENGTH + 1], path[256];

        add_image(f, "one", "localhost/app:1", id);
        assert_int_equal(image_store_find(f->store, "localhost/app:1", &r), 0);
        assert_string_equal(r->platform.os, "linux");
        assert_string_equal(r->platform.arch, "amd64");
        assert_string_equal(r->platform.variant, "");
        r = image_record_free(r);

        snprintf(path, sizeof(path), "%s/images/images/%s.json", f->dir, id);
        rec = json_object_from_file(path);
        assert_non_null(rec);
        assert_true(json_object_object_get_ex(rec, "Architecture", NULL));
        json_object_object_del(rec, "Os"); /* as an old record */
        json_object_object_del(rec, "Architecture");
        assert_int_equal(json_object_to_file(path, rec), 0);
        image_store_free(f->store);
        assert_int_equal(image_store_open(f->dir, &f->store), 0);
        assert_int_equal(image_store_find(f->store, "localhost/app:1", &r), 0);
        assert_string_equal(r->platform.arch, "amd64");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_commit_find_resolve, setup, teardown),
                cmocka_unit_test_setup_teardown(test_retag_and_remove, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tag_untag, setup, teardown),
                cmocka_unit_test_setup_teardown(test_layer_blob_kept, setup, teardown),
                cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bad_layer_and_reopen, setup, teardown),
                cmocka_unit_test_setup_teardown(test_platform_recorded, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
