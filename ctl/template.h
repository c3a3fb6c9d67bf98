/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * template.h — the subset of Go's text/template that docker's --format takes, evaluated over
 * json-c documents: text, {{.A.B}}, {{json .X}}, {{index .M "k"}}, {{range}}, {{if}}/{{else}},
 * {{with}}, pipes, print/printf/println, upper/lower/title/join/split/len/eq/ne/not/and/or,
 * {{- and -}} trimming, and docker's "table" prefix with tab-aligned columns.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "shared/macro.h"

typedef struct Template Template;

/* Parses a --format value as docker does: a leading "table" keyword marks a table, surrounding
 * spaces are dropped and the two-character escapes \t and \n become a tab and a newline. Returns
 * -EINVAL with *ret_error "position N: what" (N counts bytes of the value from 1) on a syntax error,
 * -ENOMEM, or 0. Limits: 64 KiB of text, 64 nested blocks. */
int template_parse(const char *text, Template **ret, char **ret_error);
Template *template_free(Template *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(Template *, template_free);

/* Whether the value started with "table"; and whether nothing but "table" was given (the verb's
 * own default table then). */
bool template_is_table(const Template *t);
bool template_is_empty(const Template *t);

/* Runs the template with dot = data and appends the output to out. A missing field prints
 * "<no value>", JSON null "<nil>" (as Go does for maps). Errors (a function given the wrong
 * arguments, output over 16 MiB) return -EINVAL with *ret_error set. */
int template_execute(const Template *t, struct json_object *data, FILE *out, char **ret_error);

/* Aligns tab-separated cells as docker's tabwriter does (minimum width 10, padding 3, spaces); the
 * last cell of a line is not padded. */
void template_tabwrite(const char *text, FILE *out);

/* What the verbs call: template_parse() that logs "<prefix>: template parsing error: ..." on stderr;
 * then each element of items (an array) through t, one line each; for a table first a header row (t
 * run over header, an object of field → column title) and all of it column-aligned. Logs errors with
 * prefix and returns a negative errno. */
int template_parse_or_log(const char *prefix, const char *text, Template **ret);
int template_print_items(const char *prefix, const Template *t, struct json_object *items,
                         struct json_object *header, FILE *out);
