/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * template-funcs.c — the values of ctl/template.c (Go's printing and truthiness of JSON values) and
 * the functions a template can call: json index len print printf println eq ne not and or split join
 * truncate pad upper lower title.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "template-funcs.h"
/* ---------------------------------------------------------------- values */

void tmpl_value_done(Value *v) {
        json_object_put(v->j);
        *v = (Value){};
}

Value tmpl_value_string(const char *s) {
        return (Value){ .j = json_object_new_string(s) };
}

bool tmpl_value_truth(const Value *v) {
        if (v->missing || !v->j)
                return false;
        switch (json_object_get_type(v->j)) {
        case json_type_boolean: return json_object_get_boolean(v->j);
        case json_type_int: return json_object_get_int64(v->j) != 0;
        case json_type_double: return json_object_get_double(v->j) != 0;
        case json_type_string: return json_object_get_string_len(v->j) > 0;
        case json_type_array: return json_object_array_length(v->j) > 0;
        case json_type_object: return json_object_object_length(v->j) > 0;
        default: return false;
        }
}

int tmpl_cmp_str(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Go's %v of a value decoded from JSON. */
void tmpl_value_print(FILE *f, struct json_object *j, bool missing, unsigned depth) {
        if (missing) {
                fputs("<no value>", f);
                return;
        }
        if (!j) {
                fputs("<nil>", f);
                return;
        }
        switch (json_object_get_type(j)) {
        case json_type_string: fwrite(json_object_get_string(j), 1, json_object_get_string_len(j), f); return;
        case json_type_int: fprintf(f, "%" PRIi64, json_object_get_int64(j)); return;
        case json_type_array:
                fputc('[', f);
                for (size_t i = 0; i < json_object_array_length(j); i++) {
                        if (i > 0)
                                fputc(' ', f);
                        if (depth < TEMPLATE_DEPTH_MAX)
                                tmpl_value_print(f, json_object_array_get_idx(j, i), false, depth + 1);
                }
                fputc(']', f);
                return;
        case json_type_object: {
                size_t n = json_object_object_length(j), i = 0;
                _cleanup_free_ const char **keys = calloc(n + 1, sizeof(char *));

                if (!keys)
                        return;
                json_object_object_foreach(j, k, v) {
                        (void) v;
                        keys[i++] = k;
                }
                qsort(keys, i, sizeof(char *), tmpl_cmp_str);
                fputs("map[", f);
                for (size_t x = 0; x < i; x++) {
                        fprintf(f, "%s%s:", x > 0 ? " " : "", keys[x]);
                        if (depth < TEMPLATE_DEPTH_MAX)
                                tmpl_value_print(f, json_object_object_get(j, keys[x]), false, depth + 1);
                }
                fputc(']', f);
                return;
        }
        default: fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), f); return;
        }
}

char *tmpl_value_to_string(const Value *v) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        tmpl_value_print(f, v->j, v->missing, 0);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

int tmpl_exec_fail(Exec *e, const char *fmt, ...) {
        va_list ap;

        if (e->error)
                return -EINVAL;
        va_start(ap, fmt);
        if (vasprintf(&e->error, fmt, ap) < 0)
                e->error = NULL;
        va_end(ap);
        return -EINVAL;
}

int tmpl_check_size(Exec *e) {
        if (ftello(e->f) > (off_t) TEMPLATE_OUT_MAX)
                return tmpl_exec_fail(e, "output longer than %u bytes", TEMPLATE_OUT_MAX);
        return 0;
}

bool tmpl_value_is(const Value *v, json_type t) {
        return !v->missing && v->j && json_object_is_type(v->j, t);
}

static bool values_equal(const Value *a, const Value *b) {
        if (a->missing || b->missing || !a->j || !b->j)
                return (a->missing || !a->j) && (b->missing || !b->j);
        if (tmpl_value_is(a, json_type_string) && tmpl_value_is(b, json_type_string))
                return strcmp(json_object_get_string(a->j), json_object_get_string(b->j)) == 0;
        if ((tmpl_value_is(a, json_type_int) || tmpl_value_is(a, json_type_double)) &&
            (tmpl_value_is(b, json_type_int) || tmpl_value_is(b, json_type_double)))
                return json_object_get_double(a->j) == json_object_get_double(b->j);
        if (tmpl_value_is(a, json_type_boolean) && tmpl_value_is(b, json_type_boolean))
                return json_object_get_boolean(a->j) == json_object_get_boolean(b->j);
        return false;
}

/* Go's fmt.Sprintf for the verbs people use: %s %v %d %q %% with flags "-0", width, precision. */
static int do_printf(Exec *e, Value *args, size_t n, Value *ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, next = 1;
        const char *fmt;
        FILE *f;

        if (n < 1 || !tmpl_value_is(&args[0], json_type_string))
                return tmpl_exec_fail(e, "printf: the first argument must be a format string");
        fmt = json_object_get_string(args[0].j);
        if (!(f = open_memstream(&buf, &size)))
                return -ENOMEM;
        for (const char *c = fmt; *c; c++) {
                bool minus = false, zero = false;
                int width = 0, prec = -1;

                if (*c != '%') {
                        fputc(*c, f);
                        continue;
                }
                for (c++; *c && strchr("-0+ ", *c); c++) {
                        minus = minus || *c == '-';
                        zero = zero || *c == '0';
                }
                for (; isdigit((unsigned char) *c); c++)
                        width = width < 4096 ? width * 10 + (*c - '0') : width;
                if (*c == '.')
                        for (prec = 0, c++; isdigit((unsigned char) *c); c++)
                                prec = prec < 4096 ? prec * 10 + (*c - '0') : prec;
                if (!*c) {
                        fputs("%!(NOVERB)", f);
                        break;
                }
                if (*c == '%') {
                        fputc('%', f);
                        continue;
                }
                if (!strchr("svdq", *c)) {
                        fprintf(f, "%%!%c(unsupported)", *c);
                        continue;
                }
                if (next >= n) {
                        fprintf(f, "%%!%c(MISSING)", *c);
                        continue;
                }
                Value *v = &args[next++];
                if (*c == 'd' && tmpl_value_is(v, json_type_int)) {
                        int64_t x = json_object_get_int64(v->j);
                        if (minus)
                                fprintf(f, "%-*" PRIi64, width, x);
                        else if (zero)
                                fprintf(f, "%0*" PRIi64, width, x);
                        else
                                fprintf(f, "%*" PRIi64, width, x);
                        continue;
                }
                _cleanup_free_ char *str = NULL;
                if (*c == 'q' && tmpl_value_is(v, json_type_string))
                        str = strdup(json_object_to_json_string_ext(
                                v->j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                else
                        str = tmpl_value_to_string(v);
                if (!str) {
                        fclose(f);
                        return -ENOMEM;
                }
                if (prec < 0)
                        prec = (int) strlen(str);
                if (minus)
                        fprintf(f, "%-*.*s", width, prec, str);
                else
                        fprintf(f, "%*.*s", width, prec, str);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = tmpl_value_string(buf);
        return 0;
}

int tmpl_call_function(Exec *e, const char *name, Value *args, size_t n, Value *ret) {
        _cleanup_free_ char *s = NULL;

#define NARGS(lo, hi)                                                                                        \
        do {                                                                                                 \
                if (n < (lo) || n > (hi))                                                                    \
                        return tmpl_exec_fail(e, "wrong number of args for %s: got %zu", name, n);           \
        } while (0)
        *ret = (Value){};
        if (strcmp(name, "json") == 0) {
                NARGS(1, 1);
                *ret = tmpl_value_string(
                        args[0].missing ? "null"
                                        : json_object_to_json_string_ext(
                                                  args[0].j,
                                                  JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                return 0;
        }
        if (strcmp(name, "index") == 0) {
                NARGS(1, 64);
                ret->j = json_object_get(args[0].j);
                ret->missing = args[0].missing;
                for (size_t i = 1; i < n; i++) {
                        struct json_object *next = NULL;
                        if (tmpl_value_is(ret, json_type_object)) {
                                if (!tmpl_value_is(&args[i], json_type_string))
                                        return tmpl_exec_fail(e, "index: a map key must be a string");
                                /* docker's maps (Labels) are of strings: a missing key is "" */
                                if (!json_object_object_get_ex(ret->j, json_object_get_string(args[i].j),
                                                               &next)) {
                                        tmpl_value_done(ret);
                                        *ret = tmpl_value_string("");
                                        continue;
                                }
                        } else if (tmpl_value_is(ret, json_type_array)) {
                                int64_t x = tmpl_value_is(&args[i], json_type_int)
                                                    ? json_object_get_int64(args[i].j)
                                                    : -1;
                                if (x < 0 || (uint64_t) x >= json_object_array_length(ret->j))
                                        return tmpl_exec_fail(e, "index: index out of range");
                                next = json_object_array_get_idx(ret->j, x);
                        } else if (ret->missing || !ret->j) {
                                continue;
                        } else
                                return tmpl_exec_fail(e, "index: can't index item of this type");
                        json_object_get(next);
                        tmpl_value_done(ret);
                        ret->j = next;
                }
                return 0;
        }
        if (strcmp(name, "len") == 0) {
                NARGS(1, 1);
                if (tmpl_value_is(&args[0], json_type_array))
                        ret->j = json_object_new_int64(json_object_array_length(args[0].j));
                else if (tmpl_value_is(&args[0], json_type_object))
                        ret->j = json_object_new_int64(json_object_object_length(args[0].j));
                else if (tmpl_value_is(&args[0], json_type_string))
                        ret->j = json_object_new_int64(json_object_get_string_len(args[0].j));
                else
                        return tmpl_exec_fail(e, "len of this type");
                return 0;
        }
        if (strcmp(name, "print") == 0 || strcmp(name, "println") == 0) {
                bool ln = name[5] == 'l';
                char *buf = NULL;
                size_t size = 0;
                FILE *f = open_memstream(&buf, &size);
                if (!f)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        /* Sprint: a space between operands when neither is a string; Sprintln: always */
                        if (i > 0 && (ln || (!tmpl_value_is(&args[i - 1], json_type_string) &&
                                             !tmpl_value_is(&args[i], json_type_string))))
                                fputc(' ', f);
                        tmpl_value_print(f, args[i].j, args[i].missing, 0);
                }
                if (ln)
                        fputc('\n', f);
                if (fclose(f) != 0)
                        return -ENOMEM;
                *ret = tmpl_value_string(buf);
                free(buf);
                return 0;
        }
        if (strcmp(name, "printf") == 0)
                return do_printf(e, args, n, ret);
        if (strcmp(name, "eq") == 0 || strcmp(name, "ne") == 0) {
                bool eq = false;
                NARGS(2, 64);
                for (size_t i = 1; i < n; i++)
                        eq = eq || values_equal(&args[0], &args[i]);
                ret->j = json_object_new_boolean(name[0] == 'e' ? eq : !eq);
                return 0;
        }
        if (strcmp(name, "not") == 0) {
                NARGS(1, 1);
                ret->j = json_object_new_boolean(!tmpl_value_truth(&args[0]));
                return 0;
        }
        if (strcmp(name, "and") == 0 || strcmp(name, "or") == 0) {
                size_t i = 0;
                NARGS(1, 64);
                while (i < n - 1 && tmpl_value_truth(&args[i]) == (name[0] == 'a'))
                        i++;
                ret->j = json_object_get(args[i].j);
                ret->missing = args[i].missing;
                return 0;
        }
        if (strcmp(name, "split") == 0) {
                NARGS(2, 2);
                _cleanup_free_ char *sep = tmpl_value_to_string(&args[1]);
                s = tmpl_value_to_string(&args[0]);
                if (!s || !sep)
                        return -ENOMEM;
                ret->j = json_object_new_array();
                for (char *c = s;;) {
                        char *x = *sep ? strstr(c, sep) : (*c && c[1] ? c + 1 : NULL);
                        if (!*sep && !*c)
                                break;
                        json_object_array_add(ret->j,
                                              json_object_new_string_len(c, x ? x - c : (int) strlen(c)));
                        if (!x)
                                break;
                        c = x + strlen(sep);
                }
                return 0;
        }
        if (strcmp(name, "join") == 0) {
                NARGS(2, 2);
                _cleanup_free_ char *sep = tmpl_value_to_string(&args[1]);
                char *buf = NULL;
                size_t size = 0;
                FILE *f;
                if (!sep)
                        return -ENOMEM;
                if (!tmpl_value_is(&args[0], json_type_array)) {
                        ret->j = json_object_get(args[0].j);
                        ret->missing = args[0].missing;
                        return 0;
                }
                if (!(f = open_memstream(&buf, &size)))
                        return -ENOMEM;
                for (size_t i = 0; i < json_object_array_length(args[0].j); i++) {
                        if (i > 0)
                                fputs(sep, f);
                        tmpl_value_print(f, json_object_array_get_idx(args[0].j, i), false, 0);
                }
                if (fclose(f) != 0)
                        return -ENOMEM;
                *ret = tmpl_value_string(buf);
                free(buf);
                return 0;
        }
        if (strcmp(name, "truncate") == 0 || strcmp(name, "pad") == 0) {
                bool pad = name[0] == 'p';
                NARGS(pad ? 3 : 2, pad ? 3 : 2);
                for (size_t i = 1; i < n; i++)
                        if (!tmpl_value_is(&args[i], json_type_int) || json_object_get_int64(args[i].j) < 0 ||
                            json_object_get_int64(args[i].j) > 4096)
                                return tmpl_exec_fail(e, "%s: the length must be an integer of 0…4096", name);
                if (!(s = tmpl_value_to_string(&args[0])))
                        return -ENOMEM;
                if (pad) {
                        _cleanup_free_ char *p = NULL;
                        int l = (int) json_object_get_int64(args[1].j),
                            r = (int) json_object_get_int64(args[2].j);
                        if (asprintf(&p, "%*s%s%*s", l, "", s, r, "") < 0)
                                return -ENOMEM;
                        *ret = tmpl_value_string(p);
                        return 0;
                }
                /* docker's truncate counts runes */
                size_t runes = 0, i = 0, max = json_object_get_int64(args[1].j);
                for (; s[i]; i++)
                        if (((unsigned char) s[i] & 0xc0) != 0x80 && runes++ == max)
                                break;
                s[i] = 0;
                *ret = tmpl_value_string(s);
                return 0;
        }
        /* upper, lower, title */
        NARGS(1, 1);
        if (!(s = tmpl_value_to_string(&args[0])))
                return -ENOMEM;
        for (char *c = s; *c; c++)
                if (name[0] == 'u' || (name[0] == 't' && (c == s || !isalpha((unsigned char) c[-1]))))
                        *c = toupper((unsigned char) *c);
                else if (name[0] == 'l')
                        *c = tolower((unsigned char) *c);
        *ret = tmpl_value_string(s);
        return 0;
#undef NARGS
}
