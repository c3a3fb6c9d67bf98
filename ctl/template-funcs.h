/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * template-funcs.h — what template.c's executor shares with template-funcs.c (not for the verbs).
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "shared/macro.h"

/* Nesting of blocks and parentheses (and of printed values), and the output of one execution. */
#define TEMPLATE_DEPTH_MAX 64
#define TEMPLATE_OUT_MAX   (16U * 1024U * 1024U)

/* An evaluated value: a reference to a json_object (NULL for JSON null), or "no value". */
typedef struct Value {
        struct json_object *j;
        bool missing;
} Value;

/* The state of one execution: output goes to a memstream, the first error is kept. */
typedef struct Exec {
        FILE *f; /* a memstream */
        char *error;
} Exec;

void tmpl_value_done(Value *v);
Value tmpl_value_string(const char *s);
bool tmpl_value_truth(const Value *v);
bool tmpl_value_is(const Value *v, json_type t);
int tmpl_cmp_str(const void *a, const void *b);
/* Go's %v of a value decoded from JSON ("<no value>" if missing, "<nil>" for null). */
void tmpl_value_print(FILE *f, struct json_object *j, bool missing, unsigned depth);
char *tmpl_value_to_string(const Value *v);
int tmpl_exec_fail(Exec *e, const char *fmt, ...) _printf_(2, 3);
/* -EINVAL once the output is over 16 MiB. */
int tmpl_check_size(Exec *e);
int tmpl_call_function(Exec *e, const char *name, Value *args, size_t n, Value *ret);
