/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * platform.c — image platforms: parsing, containerd's normalization, matching (see platform.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "shared/macro.h"
#include "shared/platform.h"
#include "shared/util.h"

static const char *const known_os[] = { "linux",   "windows", "darwin", "freebsd", "netbsd", "openbsd",
                                        "solaris", "illumos", "aix",    "android", "ios",    "plan9" };
static const char *const known_arch[] = { "386",     "amd64", "arm",     "arm64",    "ppc64le",
                                          "ppc64",   "s390x", "riscv64", "mips64le", "mips64",
                                          "mipsle",  "mips",  "loong64", "wasm",     "x86_64",
                                          "aarch64", "armhf", "armel",   "i386",     "x86-64" };

void platform_host(const char **ret_os, const char **ret_arch, const char **ret_variant) {
        static const char *const table[][3] = {
                { "x86_64", "amd64", NULL },    { "aarch64", "arm64", NULL }, { "armv7l", "arm", "v7" },
                { "armv6l", "arm", "v6" },      { "i686", "386", NULL },      { "i386", "386", NULL },
                { "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL },   { "riscv64", "riscv64", NULL },
        };
        struct utsname u;

        *ret_os = "linux";
        *ret_arch = "amd64";
        *ret_variant = NULL;
        if (uname(&u) < 0)
                return;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(u.machine, table[i][0])) {
                        *ret_arch = table[i][1];
                        *ret_variant = table[i][2];
                        return;
                }
}

void platform_get_host(Platform *ret) {
        const char *os, *arch, *variant;

        platform_host(&os, &arch, &variant);
        *ret = (Platform){};
        snprintf(ret->os, sizeof(ret->os), "%s", os);
        snprintf(ret->arch, sizeof(ret->arch), "%s", arch);
        snprintf(ret->variant, sizeof(ret->variant), "%s", strempty(variant));
}

/* Copies one field lowercased; [a-z0-9._-] only, starting with a letter or digit, 1..PLATFORM_FIELD_MAX-1
 * characters. */
static int field_copy(char dst[static PLATFORM_FIELD_MAX], const char *s, size_t n) {
        if (n == 0 || n >= PLATFORM_FIELD_MAX || !isalnum((unsigned char) s[0]))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                char c = (char) tolower((unsigned char) s[i]);
                if (!(isdigit((unsigned char) c) || (c >= 'a' && c <= 'z') || strchr("._-", c)))
                        return -EINVAL;
                dst[i] = c;
        }
        dst[n] = 0;
        return 0;
}

int platform_from_fields(const char *os, const char *arch, const char *variant, Platform *ret) {
        Platform p = {};

        if (!os || !arch || field_copy(p.os, os, strlen(os)) < 0 ||
            field_copy(p.arch, arch, strlen(arch)) < 0)
                return -EINVAL;
        if (!isempty(variant) && field_copy(p.variant, variant, strlen(variant)) < 0)
                return -EINVAL;
        *ret = p;
        return 0;
}

static bool in_list(const char *s, const char *const *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (streq(s, list[i]))
                        return true;
        return false;
}

#define ONE_OF(s, ...)                                                                                       \
        in_list(s, (const char *const[]){ __VA_ARGS__ }, ELEMENTSOF(((const char *const[]){ __VA_ARGS__ })))

static void set_variant(Platform *p, const char *v) {
        snprintf(p->variant, sizeof(p->variant), "%s", v);
}

void platform_normalize(Platform *p) {
        if (streq(p->os, "macos"))
                snprintf(p->os, sizeof(p->os), "darwin");
        if (streq(p->arch, "i386"))
                snprintf(p->arch, sizeof(p->arch), "386"), set_variant(p, "");
        else if (ONE_OF(p->arch, "x86_64", "x86-64", "amd64")) {
                snprintf(p->arch, sizeof(p->arch), "amd64");
                if (streq(p->variant, "v1"))
                        set_variant(p, "");
        } else if (ONE_OF(p->arch, "aarch64", "arm64")) {
                snprintf(p->arch, sizeof(p->arch), "arm64");
                if (ONE_OF(p->variant, "8", "v8", "v8.0"))
                        set_variant(p, "");
        } else if (streq(p->arch, "armhf"))
                snprintf(p->arch, sizeof(p->arch), "arm"), set_variant(p, "v7");
        else if (streq(p->arch, "armel"))
                snprintf(p->arch, sizeof(p->arch), "arm"), set_variant(p, "v6");
        else if (streq(p->arch, "arm")) {
                if (ONE_OF(p->variant, "", "7"))
                        set_variant(p, "v7");
                else if (ONE_OF(p->variant, "5", "6", "8"))
                        memmove(p->variant + 1, p->variant, 2), p->variant[0] = 'v';
        }
}

/* One word alone: a known OS on the host's architecture, or a known architecture on the host's OS. */
static int parse_one(const char *s, Platform *ret) {
        const char *os, *arch, *variant;
        Platform p;

        platform_host(&os, &arch, &variant);
        if (platform_from_fields(s, arch, variant, &p) >= 0 && in_list(p.os, known_os, ELEMENTSOF(known_os)))
                return *ret = p, 0;
        if (platform_from_fields(os, s, NULL, &p) >= 0 && in_list(p.arch, known_arch, ELEMENTSOF(known_arch)))
                return *ret = p, 0;
        return -EINVAL;
}

int platform_parse(const char *s, Platform *ret) {
        const char *a, *b;
        Platform p = {};
        int r;

        if (!s)
                return -EINVAL;
        a = strchr(s, '/');
        if (!a)
                r = parse_one(s, &p);
        else {
                b = strchr(a + 1, '/');
                r = field_copy(p.os, s, (size_t) (a - s));
                if (r >= 0)
                        r = field_copy(p.arch, a + 1, b ? (size_t) (b - a - 1) : strlen(a + 1));
                if (r >= 0 && b)
                        r = field_copy(p.variant, b + 1, strlen(b + 1));
        }
        if (r < 0)
                return r;
        platform_normalize(&p);
        *ret = p;
        return 0;
}

int platform_match_score(const Platform *want, const Platform *have) {
        Platform w = *want, h = *have;

        platform_normalize(&w);
        platform_normalize(&h);
        if (!streq(w.os, h.os) || !streq(w.arch, h.arch))
                return 0;
        if (isempty(w.variant) || isempty(h.variant))
                return 1;
        return streq(w.variant, h.variant) ? 2 : 0;
}

const char *platform_to_string(const Platform *p, char buf[static PLATFORM_STRING_MAX]) {
        snprintf(buf, PLATFORM_STRING_MAX, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "", p->variant);
        return buf;
}
