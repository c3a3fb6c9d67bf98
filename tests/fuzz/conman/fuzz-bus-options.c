/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-bus-options.c — bus_read_container_options() (the a{sv} of CreateContainer) on
 * dictionaries built from the fuzz input: known and unknown keys, right and wrong variant
 * types, empty, huge and nested values. A spec that is read and validated must survive the
 * container.json round trip unchanged.
 *
 * The input is a little program: each byte chooses what comes next (see build_dict()).
 * Messages are made on a bus over a socketpair that is never used to send: sd-bus only
 * wants a started bus to create a message, and a sealed message to read one.
 */
#include <sys/socket.h>

#include "shared/container-spec.h"
#include "shared/macro.h"
#include "shared/util.h"
#include "daemon/bus/bus-options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Input {
        const uint8_t *p;
        size_t left;
} Input;

static uint8_t next(Input *in) {
        if (in->left == 0)
                return 0;
        in->left--;
        return *in->p++;
}

static const struct {
        const char *key, *type;
} keys[] = {
        { "Rootfs", "s" },    { "Image", "s" },      { "Env", "as" },       { "WorkingDir", "s" },
        { "User", "s" },      { "Hostname", "s" },   { "Labels", "a{ss}" }, { "Volumes", "a(ssb)" },
        { "ReadOnly", "b" },  { "AutoRemove", "b" }, { "Tty", "b" },        { "Interactive", "b" },
        { "Network", "s" },   { "Memory", "t" },     { "CPUQuota", "t" },   { "CPUWeight", "t" },
        { "CPUShares", "t" }, { "PidsLimit", "t" },  { "StopSignal", "s" }, { "StopTimeout", "t" },
        { "Restart", "s" },   { "Runtime", "s" },    { "Publish", "as" },
};
static const char *const wrong_types[] = { "s", "as", "b", "t",  "a{ss}", "a(ssb)",
                                           "i", "u",  "o", "ay", "v",     "d" };

/* A string from the input: a length byte, then that many bytes (NUL becomes 'x'); length 255
 * makes a 70,000-byte string to reach the size caps. */
static char *next_string(Input *in) {
        size_t n = next(in), i;
        char *s;

        if (n == 255) {
                char c = (char) (next(in) | 0x20);
                s = malloc(70001);
                if (s) {
                        memset(s, c == 0x7f ? 'a' : c, 70000);
                        s[70000] = 0;
                }
                return s;
        }
        s = malloc(n + 1);
        if (!s)
                return NULL;
        for (i = 0; i < n && in->left > 0; i++)
                s[i] = (char) (next(in) ?: 'x');
        s[i] = 0;
        return s;
}

static char *mfree_str(char *p) {
        free(p);
        return NULL;
}

static int append_value(sd_bus_message *m, const char *type, Input *in, unsigned depth);

static int append_array(sd_bus_message *m, const char *elem, Input *in, unsigned depth) {
        unsigned n = next(in) % 8;
        int r = sd_bus_message_open_container(m, 'a', elem);

        for (unsigned i = 0; r >= 0 && i < n; i++)
                r = append_value(m, elem, in, depth + 1);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_value(sd_bus_message *m, const char *type, Input *in, unsigned depth) {
        _cleanup_free_ char *s = NULL, *s2 = NULL;
        int r;

        if (depth > 4)
                return -E2BIG;
        if (streq(type, "s") || streq(type, "o")) {
                s = next_string(in);
                if (!s)
                        return -ENOMEM;
                return sd_bus_message_append_basic(m, type[0], s); /* refuses bad UTF-8 and object paths */
        }
        if (streq(type, "b"))
                return sd_bus_message_append(m, "b", (int) (next(in) & 1));
        if (streq(type, "t") || streq(type, "d") || streq(type, "i") || streq(type, "u")) {
                uint64_t v = 0;
                for (unsigned i = 0; i < 8; i++)
                        v = v << 8 | next(in);
                if (type[0] == 'd') {
                        double d = (double) v;
                        return sd_bus_message_append_basic(m, 'd', &d);
                }
                return sd_bus_message_append_basic(m, type[0], &v);
        }
        if (streq(type, "as"))
                return append_array(m, "s", in, depth);
        if (streq(type, "ay"))
                return append_array(m, "y", in, depth);
        if (streq(type, "y"))
                return sd_bus_message_append(m, "y", next(in));
        if (streq(type, "a{ss}")) {
                unsigned n = next(in) % 8;
                r = sd_bus_message_open_container(m, 'a', "{ss}");
                for (unsigned i = 0; r >= 0 && i < n; i++) {
                        s = mfree_str(s), s2 = mfree_str(s2);
                        s = next_string(in), s2 = next_string(in);
                        r = s && s2 ? sd_bus_message_append(m, "{ss}", s, s2) : -ENOMEM;
                }
                return r < 0 ? r : sd_bus_message_close_container(m);
        }
        if (streq(type, "a(ssb)")) {
                unsigned n = next(in) % 8;
                r = sd_bus_message_open_container(m, 'a', "(ssb)");
                for (unsigned i = 0; r >= 0 && i < n; i++) {
                        s = mfree_str(s), s2 = mfree_str(s2);
                        s = next_string(in), s2 = next_string(in);
                        r = s && s2 ? sd_bus_message_append(m, "(ssb)", s, s2, (int) (next(in) & 1))
                                    : -ENOMEM;
                }
                return r < 0 ? r : sd_bus_message_close_container(m);
        }
        if (streq(type, "v")) {
                const char *t = wrong_types[next(in) % ELEMENTSOF(wrong_types)];
                r = sd_bus_message_open_container(m, 'v', t);
                if (r >= 0)
                        r = append_value(m, t, in, depth + 1);
                return r < 0 ? r : sd_bus_message_close_container(m);
        }
        return -EINVAL;
}

/* Per entry: a key byte (< 0xf0: a known key, else a string follows), a type byte (low 3
 * bits 0: a wrong type chosen by the next byte), then the value. */
static int build_dict(sd_bus_message *m, Input *in) {
        unsigned n = next(in);
        int r;

        n = n >= 0xf0 ? 70 : n % 16; /* 70 > the 64 options conmand accepts */
        r = sd_bus_message_open_container(m, 'a', "{sv}");
        for (unsigned i = 0; r >= 0 && i < n && in->left > 0; i++) {
                _cleanup_free_ char *key_buf = NULL;
                uint8_t k = next(in), t = next(in);
                const char *key, *type;

                if (k >= 0xf0) {
                        key_buf = next_string(in);
                        if (!key_buf)
                                return -ENOMEM;
                        key = key_buf, type = "s";
                } else
                        key = keys[k % ELEMENTSOF(keys)].key, type = keys[k % ELEMENTSOF(keys)].type;
                if ((t & 7) == 0)
                        type = wrong_types[next(in) % ELEMENTSOF(wrong_types)];
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append_basic(m, 's', key);
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', type);
                if (r >= 0)
                        r = append_value(m, type, in, 0);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static sd_bus *fuzz_bus(void) {
        static sd_bus *bus = NULL;
        int fds[2];

        if (bus)
                return bus;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0 ||
            sd_bus_new(&bus) < 0 || sd_bus_set_fd(bus, fds[0], fds[0]) < 0 || sd_bus_start(bus) < 0)
                abort();
        return bus; /* fds[1] stays open so the bus never sees a hangup */
}

static void check_round_trip(const ContainerSpec *spec) {
        _cleanup_json_ struct json_object *j = container_spec_to_json(spec), *j2 = NULL;
        _cleanup_(container_spec_done) ContainerSpec again = {};

        if (!j || container_spec_from_json(j, &again) < 0)
                abort();
        j2 = container_spec_to_json(&again);
        if (!j2 || !streq(json_object_to_json_string(j), json_object_to_json_string(j2)))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(container_spec_done) ContainerSpec spec = {};
        _cleanup_strv_free_ char **cmd = NULL;
        Input in = { data, size };
        int r;

        if (size > 65536)
                return 0;
        if (sd_bus_message_new_method_call(fuzz_bus(), &m, "io.conman1", "/io/conman1", "io.conman1.Manager",
                                           "CreateContainer") < 0)
                abort();
        if (build_dict(m, &in) < 0 || sd_bus_message_seal(m, 1, 0) < 0)
                return 0;
        container_spec_init(&spec);
        r = bus_read_container_options(m, &spec, &error);
        if (r < 0)
                return 0;
        if (strv_push(&cmd, "/bin/true") < 0)
                abort();
        spec.command = TAKE_PTR(cmd);
        if (container_spec_validate(&spec, &error) < 0)
                return 0;
        check_round_trip(&spec);
        return 0;
}
