/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * unit-file.c — the unit properties of unit.c written as unit-file settings, for
 * conman-generator: which section a property goes in, its file key
 * (TimeoutStopUSec → TimeoutStopSec), and quoting that survives systemd's
 * specifier (%) and variable ($) expansion.
 */
#include <inttypes.h>

#include "shared/unit.h"
#include "shared/util.h"

typedef struct FileKey {
        const char *bus_name;
        const char *section;
        const char *file_key; /* NULL: cannot be written to a file */
} FileKey;

static const FileKey file_keys[] = {
        { "Description", "Unit", "Description" },
        { "After", "Unit", "After" },
        { "Wants", "Unit", "Wants" },
        { "Requires", "Unit", "Requires" },
        { "BindsTo", "Unit", "BindsTo" },
        { "CollectMode", "Unit", "CollectMode" },
        { "StartLimitIntervalUSec", "Unit", "StartLimitIntervalSec" },
        { "StartLimitBurst", "Unit", "StartLimitBurst" },
        { "TimeoutStopUSec", "Service", "TimeoutStopSec" },
        { "TimeoutStartUSec", "Service", "TimeoutStartSec" },
        { "RestartUSec", "Service", "RestartSec" },
        { "CPUQuotaPerSecUSec", "Service", "CPUQuota" },
        { "CPUQuotaPeriodUSec", "Service", "CPUQuotaPeriodSec" },
        { "ExecStartEx", "Service", "ExecStart" }, /* its flags are prefixes in a file */
        { "StandardInputFileDescriptor", "Service", NULL },
        { "StandardOutputFileDescriptor", "Service", NULL },
        { "StandardErrorFileDescriptor", "Service", NULL },
};

static const FileKey *file_key_of(const char *bus_name) {
        static FileKey same;

        for (size_t i = 0; i < ELEMENTSOF(file_keys); i++)
                if (streq(file_keys[i].bus_name, bus_name))
                        return &file_keys[i];
        same = (FileKey){ bus_name, "Service", bus_name }; /* most keys are the same in both */
        return &same;
}

static bool needs_quotes(const char *w) {
        if (isempty(w))
                return true;
        for (const char *c = w; *c; c++)
                if (strchr(" \t\"'\\;", *c) || (unsigned char) *c < ' ' || *c == 0x7f)
                        return true;
        return false;
}

/* %→%%, and with quote: "..." around it with C escapes inside; with dollar: $→$$. */
static char *escape(const char *value, bool quote, bool dollar) {
        size_t n = strlen(value);
        char *out = malloc(n * 4 + 3), *o = out;

        if (!out)
                return NULL;
        if (quote)
                *o++ = '"';
        for (const char *c = value; *c; c++) {
                unsigned char ch = (unsigned char) *c;
                if (ch == '%' || (dollar && ch == '$'))
                        *o++ = *c;
                if (quote && (ch == '"' || ch == '\\'))
                        *o++ = '\\';
                if (ch == '\n' || ch == '\t' || ch < ' ' || ch == 0x7f) {
                        o += sprintf(o, ch == '\n' ? "\\n" : ch == '\t' ? "\\t" : "\\x%02x", ch);
                        continue;
                }
                *o++ = *c;
        }
        if (quote)
                *o++ = '"';
        *o = '\0';
        return out;
}

char *unit_exec_word_quote(const char *word) {
        return escape(word, needs_quotes(word), true);
}

char *unit_value_escape(const char *value, bool quote) {
        return escape(value, quote && needs_quotes(value), false);
}

static int format_usec(uint64_t usec, char **ret) {
        int r;

        if (usec == USEC_INFINITY)
                r = asprintf(ret, "infinity");
        else if (usec % USEC_PER_SEC == 0)
                r = asprintf(ret, "%" PRIu64 "s", usec / USEC_PER_SEC);
        else if (usec % USEC_PER_MSEC == 0)
                r = asprintf(ret, "%" PRIu64 "ms", usec / USEC_PER_MSEC);
        else
                r = asprintf(ret, "%" PRIu64 "us", usec);
        return r < 0 ? -ENOMEM : 0;
}

static int format_exec_command(const ExecHook *h, char **ret) {
        _cleanup_free_ char *line =
                strdup(h->ignore_failure ? (h->no_env_expand ? "-:" : "-") : (h->no_env_expand ? ":" : ""));

        for (size_t i = 0; line && h->argv[i]; i++) {
                _cleanup_free_ char *w = unit_exec_word_quote(h->argv[i]), *joined = NULL;
                if (!w || asprintf(&joined, "%s%s%s", line, i > 0 ? " " : "", w) < 0)
                        return -ENOMEM;
                free(line);
                line = TAKE_PTR(joined);
        }
        if (!line)
                return -ENOMEM;
        *ret = TAKE_PTR(line);
        return 0;
}

static int format_rlimit(const UnitProperty *p, char **ret) {
        char soft[32] = "infinity", hard[32] = "infinity";

        if (p->soft != UINT64_MAX)
                snprintf(soft, sizeof(soft), "%" PRIu64, p->soft);
        if (p->u != UINT64_MAX)
                snprintf(hard, sizeof(hard), "%" PRIu64, p->u);
        return asprintf(ret, "%s:%s", soft, hard) < 0 ? -ENOMEM : 0;
}

static int format_device_rate(const UnitProperty *p, char **ret) {
        _cleanup_free_ char *path = unit_value_escape(p->str, true);

        if (!path)
                return -ENOMEM;
        return asprintf(ret, "%s %" PRIu64, path, p->u) < 0 ? -ENOMEM : 0;
}

static int format_strv(char **strv, char **ret) {
        _cleanup_strv_free_ char **words = NULL;

        for (char **s = strv; s && *s; s++)
                if (strv_push_take(&words, unit_value_escape(*s, true)) < 0)
                        return -ENOMEM;
        *ret = words ? strv_join(words, " ") : strdup("");
        return *ret ? 0 : -ENOMEM;
}

/* The value of a single-line property. */
static int format_value(const UnitProperty *p, char **ret) {
        const char *sig;

        switch (p->type) {
        case UNIT_PROPERTY_STRING: *ret = unit_value_escape(p->str, false); break;
        case UNIT_PROPERTY_BOOL: *ret = strdup(p->u ? "yes" : "no"); break;
        case UNIT_PROPERTY_U64: /* "MemorySwapMax=infinity", "TasksMax=infinity" */
                if (p->u == UINT64_MAX)
                        return (*ret = strdup("infinity")) ? 0 : -ENOMEM;
                return asprintf(ret, "%" PRIu64, p->u) < 0 ? -ENOMEM : 0;
        case UNIT_PROPERTY_U32: return asprintf(ret, "%" PRIu64, p->u) < 0 ? -ENOMEM : 0;
        case UNIT_PROPERTY_USEC: return format_usec(p->u, ret);
        case UNIT_PROPERTY_CPU_QUOTA: /* systemd keeps CPUQuota= in 1/100 percent */
                return asprintf(ret, "%" PRIu64 ".%02" PRIu64 "%%", p->u / 10000, p->u % 10000 / 100) < 0
                               ? -ENOMEM
                               : 0;
        case UNIT_PROPERTY_SIGNAL:
                sig = signal_to_string((int) p->u);
                if (!sig)
                        return -EINVAL;
                return asprintf(ret, "SIG%s", sig) < 0 ? -ENOMEM : 0;
        case UNIT_PROPERTY_STRV: return format_strv(p->strv, ret);
        case UNIT_PROPERTY_CPUSET: *ret = strdup(p->str); break;
        case UNIT_PROPERTY_I32: return asprintf(ret, "%" PRIi32, (int32_t) p->u) < 0 ? -ENOMEM : 0;
        case UNIT_PROPERTY_RLIMIT: return format_rlimit(p, ret);
        case UNIT_PROPERTY_DEVICE_RATE: return format_device_rate(p, ret);
        default: return -EINVAL;
        }
        return *ret ? 0 : -ENOMEM;
}

int unit_property_format(const UnitProperty *p, const char **ret_section, char ***ret_lines) {
        const FileKey *k = file_key_of(p->name);
        _cleanup_strv_free_ char **lines = NULL;
        int r;

        *ret_section = k->section;
        *ret_lines = NULL;
        if (!k->file_key || p->type == UNIT_PROPERTY_FD)
                return 0;
        if (p->type == UNIT_PROPERTY_EXEC) {
                for (size_t i = 0; i < p->n_exec; i++) {
                        _cleanup_free_ char *cmd = NULL, *line = NULL;
                        r = format_exec_command(&p->exec[i], &cmd);
                        if (r < 0)
                                return r;
                        if (asprintf(&line, "%s=%s", k->file_key, cmd) < 0 ||
                            strv_push_take(&lines, TAKE_PTR(line)) < 0)
                                return -ENOMEM;
                }
        } else {
                _cleanup_free_ char *v = NULL, *line = NULL;
                r = format_value(p, &v);
                if (r < 0)
                        return r;
                if (asprintf(&line, "%s=%s", k->file_key, v) < 0 ||
                    strv_push_take(&lines, TAKE_PTR(line)) < 0)
                        return -ENOMEM;
        }
        *ret_lines = TAKE_PTR(lines);
        return 0;
}
