/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * template.c — a small Go text/template over json-c values, for docker's --format (template.h).
 * The text is parsed once into a tree of nodes (text, action, if, range, with) whose actions are
 * pipelines of commands; execution walks the tree with "dot" bound to a json_object. Nesting and
 * sizes are bounded so that a hostile --format cannot exhaust the stack or memory.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "template-funcs.h"
#include "template.h"

#define TEMPLATE_TEXT_MAX  (64U * 1024U)
#define TABWRITER_COLS_MAX 256

typedef enum ArgType {
        ARG_FIELD,
        ARG_STRING,
        ARG_NUMBER,
        ARG_BOOL,
        ARG_NIL,
        ARG_FUNC,
        ARG_PIPE
} ArgType;
typedef enum NodeType {
        NODE_TEXT,
        NODE_ACTION,
        NODE_IF,
        NODE_RANGE,
        NODE_WITH
} NodeType;

typedef struct Pipe Pipe;
typedef struct Arg {
        ArgType type;
        char *s;        /* string literal, function name, or field path ("" for dot, "A.B") */
        int64_t number; /* also the bool */
        Pipe *pipe;     /* (parenthesized) */
} Arg;
typedef struct Cmd {
        Arg *args;
        size_t n_args;
} Cmd;
struct Pipe {
        Cmd *cmds;
        size_t n_cmds;
};
typedef struct Node Node;
typedef struct NodeList {
        Node *nodes;
        size_t n;
} NodeList;
struct Node {
        NodeType type;
        char *text;
        Pipe *pipe;
        NodeList body, alt;
};
struct Template {
        NodeList root;
        bool table, empty;
};

/* ---------------------------------------------------------------- freeing */

static void pipe_free(Pipe *p);
static void list_free(NodeList *l);

static void pipe_free(Pipe *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->n_cmds; i++) {
                for (size_t j = 0; j < p->cmds[i].n_args; j++) {
                        free(p->cmds[i].args[j].s);
                        pipe_free(p->cmds[i].args[j].pipe);
                }
                free(p->cmds[i].args);
        }
        free(p->cmds);
        free(p);
}

static void list_free(NodeList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->nodes[i].text);
                pipe_free(l->nodes[i].pipe);
                list_free(&l->nodes[i].body);
                list_free(&l->nodes[i].alt);
        }
        free(l->nodes);
        l->nodes = NULL;
        l->n = 0;
}

Template *template_free(Template *t) {
        if (t) {
                list_free(&t->root);
                free(t);
        }
        return NULL;
}

bool template_is_table(const Template *t) {
        return t->table;
}

bool template_is_empty(const Template *t) {
        return t->empty;
}

/* ---------------------------------------------------------------- parsing */

typedef struct Parser {
        const char *s;
        size_t pos;
        unsigned depth;
        char *error;
        bool trim_next;      /* the last action ended in " -}}" */
        size_t action_start; /* of the action being parsed */
} Parser;

static const char *const functions[] = {
        "json", "index", "len",      "print", "printf", "println", "upper", "lower", "title",
        "join", "split", "truncate", "pad",   "eq",     "ne",      "not",   "and",   "or",
};

static int fail(Parser *p, size_t pos, const char *fmt, ...) {
        _cleanup_free_ char *m = NULL;
        va_list ap;
        int r;

        if (p->error)
                return -EINVAL;
        va_start(ap, fmt);
        r = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (r < 0 || asprintf(&p->error, "position %zu: %s", pos + 1, m) < 0)
                return -ENOMEM;
        return -EINVAL;
}

static bool is_ident(char c) {
        return isalnum((unsigned char) c) || c == '_';
}

static void skip_space(Parser *p) {
        while (p->s[p->pos] && strchr(" \t\r\n", p->s[p->pos]))
                p->pos++;
}

/* At "}}" or " -}}" (consumes it and returns true). */
static bool at_close(Parser *p, bool consume) {
        size_t q = p->pos;
        bool space = false;

        while (p->s[q] && strchr(" \t\r\n", p->s[q])) {
                q++;
                space = true;
        }
        if (space && p->s[q] == '-' && p->s[q + 1] == '}' && p->s[q + 2] == '}') {
                if (consume) {
                        p->pos = q + 3;
                        p->trim_next = true;
                }
                return true;
        }
        if (p->s[q] == '}' && p->s[q + 1] == '}') {
                if (consume) {
                        p->pos = q + 2;
                        p->trim_next = false;
                }
                return true;
        }
        return false;
}

static int expect_close(Parser *p) {
        if (!at_close(p, true))
                return fail(p, p->pos, "expected \"}}\"");
        return 0;
}

static int parse_pipe(Parser *p, Pipe **ret, bool paren);

static int parse_string(Parser *p, Arg *a) {
        char quote = p->s[p->pos];
        size_t start = p->pos, n = 0;
        char *out = malloc(strlen(p->s + p->pos) + 1);

        if (!out)
                return -ENOMEM;
        for (p->pos++;; p->pos++) {
                char c = p->s[p->pos];

                if (!c || (c == '\n' && quote == '"')) {
                        free(out);
                        return fail(p, start, "unterminated quoted string");
                }
                if (c == quote)
                        break;
                if (c == '\\' && quote == '"') {
                        c = p->s[++p->pos];
                        switch (c) {
                        case 'n': c = '\n'; break;
                        case 't': c = '\t'; break;
                        case 'r': c = '\r'; break;
                        case '\\':
                        case '"': break;
                        default: free(out); return fail(p, p->pos - 1, "unknown escape sequence");
                        }
                }
                out[n++] = c;
        }
        p->pos++;
        out[n] = 0;
        a->type = ARG_STRING;
        a->s = realloc(out, n + 1) ?: out; /* not the room of the rest of the template, for each string */
        return 0;
}

static int parse_arg(Parser *p, Arg *a) {
        const char *s = p->s;
        size_t start = p->pos;

        if (s[p->pos] == '"' || s[p->pos] == '`')
                return parse_string(p, a);
        if (s[p->pos] == '.') {
                size_t q = p->pos;
                if (!is_ident(s[q + 1]))
                        q++;
                else
                        while (s[q] == '.' && is_ident(s[q + 1]))
                                for (q++; is_ident(s[q]); q++)
                                        ;
                a->type = ARG_FIELD;
                a->s = q - start > 1 ? strndup(s + start + 1, q - start - 1) : strdup("");
                p->pos = q;
                if (!a->s)
                        return -ENOMEM;
                if (s[q] == '.' || is_ident(s[q]))
                        return fail(p, q, "bad field name");
                return 0;
        }
        if (isdigit((unsigned char) s[p->pos]) ||
            (s[p->pos] == '-' && isdigit((unsigned char) s[p->pos + 1]))) {
                char *end;
                errno = 0;
                a->number = strtoll(s + p->pos, &end, 10);
                if (errno != 0 || is_ident(*end) || *end == '.')
                        return fail(p, start, "bad number");
                a->type = ARG_NUMBER;
                p->pos = end - s;
                return 0;
        }
        if (s[p->pos] == '(') {
                if (++p->depth > TEMPLATE_DEPTH_MAX)
                        return fail(p, start, "nested too deeply");
                p->pos++;
                a->type = ARG_PIPE;
                int r = parse_pipe(p, &a->pipe, true);
                p->depth--;
                return r;
        }
        if (s[p->pos] == '$')
                return fail(p, start, "variables are not supported");
        if (isalpha((unsigned char) s[p->pos]) || s[p->pos] == '_') {
                size_t q = p->pos;
                while (is_ident(s[q]))
                        q++;
                a->s = strndup(s + p->pos, q - p->pos);
                if (!a->s)
                        return -ENOMEM;
                p->pos = q;
                if (strcmp(a->s, "true") == 0 || strcmp(a->s, "false") == 0) {
                        a->type = ARG_BOOL;
                        a->number = a->s[0] == 't';
                        return 0;
                }
                if (strcmp(a->s, "nil") == 0) {
                        a->type = ARG_NIL;
                        return 0;
                }
                a->type = ARG_FUNC;
                for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
                        if (strcmp(functions[i], a->s) == 0)
                                return 0;
                return fail(p, start, "function \"%s\" not defined", a->s);
        }
        if (!s[p->pos])
                return fail(p, p->action_start, "unclosed action");
        return fail(p, start, "unexpected \"%c\" in command", s[p->pos]);
}

static int parse_pipe(Parser *p, Pipe **ret, bool paren) {
        Pipe *pipe = calloc(1, sizeof(Pipe));
        int r;

        if (!pipe)
                return -ENOMEM;
        for (;;) {
                Cmd *c;

                if (!(c = reallocarray(pipe->cmds, pipe->n_cmds + 1, sizeof(Cmd)))) {
                        pipe_free(pipe);
                        return -ENOMEM;
                }
                pipe->cmds = c;
                c = &pipe->cmds[pipe->n_cmds++];
                *c = (Cmd){};
                for (;;) {
                        Arg *a;

                        if (!paren && at_close(p, false))
                                break;
                        skip_space(p);
                        if (p->s[p->pos] == '|' || (paren && p->s[p->pos] == ')'))
                                break;
                        if (!(a = reallocarray(c->args, c->n_args + 1, sizeof(Arg)))) {
                                pipe_free(pipe);
                                return -ENOMEM;
                        }
                        c->args = a;
                        a = &c->args[c->n_args++];
                        *a = (Arg){};
                        r = parse_arg(p, a);
                        if (r < 0) {
                                pipe_free(pipe);
                                return r;
                        }
                }
                if (c->n_args == 0) {
                        pipe_free(pipe);
                        return fail(p, p->pos, "missing value for command");
                }
                if (p->s[p->pos] != '|')
                        break;
                p->pos++;
        }
        if (paren)
                p->pos++; /* ")" */
        *ret = pipe;
        return 0;
}

typedef enum End {
        END_EOF,
        END_END,
        END_ELSE
} End;

static int parse_list(Parser *p, NodeList *l, End *ret_end);

static int add_node(NodeList *l, Node **ret) {
        Node *n = reallocarray(l->nodes, l->n + 1, sizeof(Node));

        if (!n)
                return -ENOMEM;
        l->nodes = n;
        *ret = &l->nodes[l->n++];
        **ret = (Node){};
        return 0;
}

static int parse_block(Parser *p, NodeType type, size_t start, NodeList *l) {
        Node *n;
        End end;
        int r;

        if (++p->depth > TEMPLATE_DEPTH_MAX)
                return fail(p, start, "nested too deeply");
        r = add_node(l, &n);
        if (r < 0)
                return r;
        n->type = type;
        r = parse_pipe(p, &n->pipe, false);
        if (r < 0)
                return r;
        r = expect_close(p);
        if (r < 0)
                return r;
        r = parse_list(p, &n->body, &end);
        if (r < 0)
                return r;
        if (end == END_ELSE) {
                r = parse_list(p, &n->alt, &end);
                if (r < 0)
                        return r;
                if (end == END_ELSE)
                        return fail(p, p->pos, "{{else}} after {{else}}");
        }
        if (end != END_END)
                return fail(p, start, "unexpected EOF: {{%s}} without {{end}}",
                            type == NODE_IF      ? "if"
                            : type == NODE_RANGE ? "range"
                                                 : "with");
        p->depth--;
        return 0;
}

static int parse_list(Parser *p, NodeList *l, End *ret_end) {
        const char *s = p->s;
        int r;

        for (;;) {
                const char *open = strstr(s + p->pos, "{{");
                size_t text_end = open ? (size_t) (open - s) : strlen(s), text_start = p->pos, start;
                bool trim_left;
                Node *n;

                trim_left = open && open[2] == '-' && open[3] && strchr(" \t\r\n", open[3]);
                if (p->trim_next)
                        while (text_start < text_end && strchr(" \t\r\n", s[text_start]))
                                text_start++;
                if (trim_left)
                        while (text_end > text_start && strchr(" \t\r\n", s[text_end - 1]))
                                text_end--;
                p->trim_next = false;
                if (text_end > text_start) {
                        r = add_node(l, &n);
                        if (r < 0)
                                return r;
                        n->type = NODE_TEXT;
                        if (!(n->text = strndup(s + text_start, text_end - text_start)))
                                return -ENOMEM;
                }
                if (!open) {
                        *ret_end = END_EOF;
                        return 0;
                }
                start = p->action_start = open - s;
                p->pos = start + (trim_left ? 3 : 2);
                skip_space(p);
                if (s[p->pos] == '/' && s[p->pos + 1] == '*') {
                        const char *e = strstr(s + p->pos + 2, "*/");
                        if (!e)
                                return fail(p, start, "unclosed comment");
                        p->pos = e - s + 2;
                        r = expect_close(p);
                        if (r < 0)
                                return r;
                        continue;
                }
                size_t kw = p->pos, kw_end = kw;
                while (is_ident(s[kw_end]))
                        kw_end++;
#define KEYWORD(w) (kw_end - kw == strlen(w) && strncmp(s + kw, w, kw_end - kw) == 0)
                if (KEYWORD("end") || KEYWORD("else")) {
                        *ret_end = KEYWORD("end") ? END_END : END_ELSE;
                        if (p->depth == 0)
                                return fail(p, start, "unexpected {{%.*s}}", (int) (kw_end - kw), s + kw);
                        p->pos = kw_end;
                        return expect_close(p);
                }
                if (KEYWORD("if") || KEYWORD("range") || KEYWORD("with")) {
                        NodeType t = KEYWORD("if") ? NODE_IF : KEYWORD("range") ? NODE_RANGE : NODE_WITH;
                        p->pos = kw_end;
                        r = parse_block(p, t, start, l);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (KEYWORD("define") || KEYWORD("template") || KEYWORD("block") || KEYWORD("break") ||
                    KEYWORD("continue"))
                        return fail(p, start, "{{%.*s}} is not supported", (int) (kw_end - kw), s + kw);
#undef KEYWORD
                r = add_node(l, &n);
                if (r < 0)
                        return r;
                n->type = NODE_ACTION;
                r = parse_pipe(p, &n->pipe, false);
                if (r < 0)
                        return r;
                r = expect_close(p);
                if (r < 0)
                        return r;
        }
}

int template_parse(const char *text, Template **ret, char **ret_error) {
        _cleanup_(template_freep) Template *t = NULL;
        _cleanup_free_ char *s = NULL;
        Parser p = {};
        size_t n = 0;
        End end;
        int r;

        *ret_error = NULL;
        if (strlen(text) > TEMPLATE_TEXT_MAX)
                return asprintf(ret_error, "template longer than %u bytes", TEMPLATE_TEXT_MAX) < 0 ? -ENOMEM
                                                                                                   : -EINVAL;
        t = calloc(1, sizeof(Template));
        s = malloc(strlen(text) + 1);
        if (!t || !s)
                return -ENOMEM;
        /* docker: "table" prefix, then surrounding spaces trimmed, then \t and \n replaced */
        t->table = strncmp(text, "table", 5) == 0;
        if (t->table)
                text += 5;
        while (*text == ' ')
                text++;
        for (const char *c = text; *c; c++) {
                if (c[0] == '\\' && (c[1] == 't' || c[1] == 'n')) {
                        s[n++] = c[1] == 't' ? '\t' : '\n';
                        c++;
                } else
                        s[n++] = *c;
        }
        while (n > 0 && s[n - 1] == ' ')
                n--;
        s[n] = 0;
        t->empty = n == 0;
        p.s = s;
        r = parse_list(&p, &t->root, &end);
        if (r < 0) {
                *ret_error = p.error;
                return r;
        }
        *ret = TAKE_PTR(t);
        return 0;
}

static int eval_pipe(Exec *e, const Pipe *p, struct json_object *dot, Value *ret);

static int eval_arg(Exec *e, const Arg *a, struct json_object *dot, Value *ret) {
        *ret = (Value){};
        switch (a->type) {
        case ARG_STRING: *ret = tmpl_value_string(a->s); return 0;
        case ARG_NUMBER: ret->j = json_object_new_int64(a->number); return 0;
        case ARG_BOOL: ret->j = json_object_new_boolean(a->number); return 0;
        case ARG_NIL: return 0;
        case ARG_PIPE: return eval_pipe(e, a->pipe, dot, ret);
        case ARG_FUNC: return tmpl_exec_fail(e, "%s is a function, not a value", a->s);
        case ARG_FIELD: break;
        }
        struct json_object *v = dot;
        for (const char *c = a->s; *c;) {
                size_t l = strcspn(c, ".");
                _cleanup_free_ char *k = strndup(c, l);
                if (!k)
                        return -ENOMEM;
                if (!v || !json_object_is_type(v, json_type_object)) {
                        if (v)
                                return tmpl_exec_fail(e, "can't evaluate field %s in a %s", k,
                                                      json_type_to_name(json_object_get_type(v)));
                        ret->missing = true; /* a field of a missing or null value */
                        return 0;
                }
                if (!json_object_object_get_ex(v, k, &v)) {
                        ret->missing = true;
                        return 0;
                }
                c += l + (c[l] == '.');
        }
        ret->j = json_object_get(v);
        return 0;
}

static int eval_pipe(Exec *e, const Pipe *p, struct json_object *dot, Value *ret) {
        Value prev = {};
        bool have_prev = false;
        int r = 0;

        for (size_t i = 0; i < p->n_cmds; i++) {
                const Cmd *c = &p->cmds[i];
                Value out = {};

                if (c->args[0].type != ARG_FUNC) {
                        if (c->n_args > 1 || have_prev) {
                                tmpl_value_done(&prev);
                                return tmpl_exec_fail(e, "can't give argument to non-function");
                        }
                        r = eval_arg(e, &c->args[0], dot, &out);
                } else {
                        size_t n = c->n_args - 1 + have_prev;
                        Value *args = calloc(n + 1, sizeof(Value));
                        if (!args) {
                                tmpl_value_done(&prev);
                                return -ENOMEM;
                        }
                        for (size_t j = 1; r >= 0 && j < c->n_args; j++)
                                r = eval_arg(e, &c->args[j], dot, &args[j - 1]);
                        if (have_prev)
                                args[n - 1] = prev;
                        prev = (Value){};
                        if (r >= 0)
                                r = tmpl_call_function(e, c->args[0].s, args, n, &out);
                        for (size_t j = 0; j < n; j++)
                                tmpl_value_done(&args[j]);
                        free(args);
                }
                tmpl_value_done(&prev);
                if (r < 0) {
                        tmpl_value_done(&out);
                        return r;
                }
                prev = out;
                have_prev = true;
        }
        *ret = prev;
        return 0;
}

static int exec_list(Exec *e, const NodeList *l, struct json_object *dot);

static int exec_node(Exec *e, const Node *n, struct json_object *dot) {
        _cleanup_(tmpl_value_done) Value v = {};
        int r;

        if (n->type == NODE_TEXT) {
                fputs(n->text, e->f);
                return tmpl_check_size(e);
        }
        r = eval_pipe(e, n->pipe, dot, &v);
        if (r < 0)
                return r;
        switch (n->type) {
        case NODE_ACTION: tmpl_value_print(e->f, v.j, v.missing, 0); return tmpl_check_size(e);
        case NODE_IF: return exec_list(e, tmpl_value_truth(&v) ? &n->body : &n->alt, dot);
        case NODE_WITH:
                return tmpl_value_truth(&v) ? exec_list(e, &n->body, v.j) : exec_list(e, &n->alt, dot);
        case NODE_RANGE:
                if (!tmpl_value_truth(&v)) {
                        if (!v.missing && v.j && !tmpl_value_is(&v, json_type_array) &&
                            !tmpl_value_is(&v, json_type_object) && !tmpl_value_is(&v, json_type_string))
                                return tmpl_exec_fail(e, "range can't iterate over %s",
                                                      json_type_to_name(json_object_get_type(v.j)));
                        return exec_list(e, &n->alt, dot);
                }
                if (tmpl_value_is(&v, json_type_array)) {
                        for (size_t i = 0; i < json_object_array_length(v.j); i++) {
                                r = exec_list(e, &n->body, json_object_array_get_idx(v.j, i));
                                if (r < 0)
                                        return r;
                        }
                        return 0;
                }
                if (tmpl_value_is(&v, json_type_object)) {
                        size_t k = 0;
                        _cleanup_free_ const char **keys =
                                calloc(json_object_object_length(v.j) + 1, sizeof(char *));
                        if (!keys)
                                return -ENOMEM;
                        json_object_object_foreach(v.j, key, val) {
                                (void) val;
                                keys[k++] = key;
                        }
                        qsort(keys, k, sizeof(char *), tmpl_cmp_str); /* Go visits maps in key order */
                        for (size_t i = 0; i < k; i++) {
                                r = exec_list(e, &n->body, json_object_object_get(v.j, keys[i]));
                                if (r < 0)
                                        return r;
                        }
                        return 0;
                }
                return tmpl_exec_fail(e, "range can't iterate over %s",
                                      json_type_to_name(json_object_get_type(v.j)));
        default: return -EINVAL;
        }
}

static int exec_list(Exec *e, const NodeList *l, struct json_object *dot) {
        for (size_t i = 0; i < l->n; i++) {
                int r = exec_node(e, &l->nodes[i], dot);
                if (r < 0)
                        return r;
        }
        return 0;
}

int template_execute(const Template *t, struct json_object *data, FILE *out, char **ret_error) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        Exec e = {};
        int r;

        *ret_error = NULL;
        if (!(e.f = open_memstream(&buf, &size)))
                return -ENOMEM;
        r = exec_list(&e, &t->root, data);
        if (fclose(e.f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0) {
                *ret_error = e.error;
                return r;
        }
        fwrite(buf, 1, size, out);
        return 0;
}

/* ---------------------------------------------------------------- tabwriter */

typedef struct Cell {
        const char *text;
        size_t len, width;
} Cell;
typedef struct Line {
        Cell *cells;
        size_t n;
} Line;

/* Number of cells of line that end in a tab (the last one does not), capped. */
static size_t line_cols(const Line *l) {
        return l->n - 1 < TABWRITER_COLS_MAX ? l->n - 1 : TABWRITER_COLS_MAX;
}

static void write_lines(FILE *out, const Line *lines, size_t from, size_t to, const size_t *widths,
                        size_t nw) {
        for (size_t i = from; i < to; i++) {
                for (size_t j = 0; j < lines[i].n; j++) {
                        const Cell *c = &lines[i].cells[j];
                        fwrite(c->text, 1, c->len, out);
                        if (j < nw && j < line_cols(&lines[i]))
                                for (size_t k = c->width; k < widths[j]; k++)
                                        fputc(' ', out);
                }
                if (i + 1 < to || lines[i].n > 0)
                        fputc('\n', out);
        }
}

/* Go's text/tabwriter: a column block is a run of lines having a cell in that column. */
static void tab_format(FILE *out, const Line *lines, size_t line0, size_t line1, size_t *widths, size_t col) {
        for (size_t this = line0; this < line1; this ++) {
                size_t width = 10;

                if (col >= line_cols(&lines[this]))
                        continue;
                write_lines(out, lines, line0, this, widths, col);
                line0 = this;
                for (; this < line1 && col < line_cols(&lines[this]); this ++)
                        if (lines[this].cells[col].width + 3 > width)
                                width = lines[this].cells[col].width + 3;
                widths[col] = width;
                tab_format(out, lines, line0, this, widths, col + 1);
                line0 = this;
                this --;
        }
        write_lines(out, lines, line0, line1, widths, col);
}

void template_tabwrite(const char *text, FILE *out) {
        _cleanup_free_ Line *lines = NULL;
        size_t n = 0, widths[TABWRITER_COLS_MAX + 1];
        const char *c = text;

        while (*c) {
                Line *l = reallocarray(lines, n + 1, sizeof(Line));
                if (!l)
                        goto finish;
                lines = l;
                l = &lines[n++];
                *l = (Line){};
                for (;;) {
                        size_t len = strcspn(c, "\t\n");
                        Cell *cells = reallocarray(l->cells, l->n + 1, sizeof(Cell));
                        if (!cells)
                                goto finish;
                        l->cells = cells;
                        cells[l->n] = (Cell){ .text = c, .len = len };
                        for (size_t i = 0; i < len; i++)
                                if (((unsigned char) c[i] & 0xc0) != 0x80)
                                        cells[l->n].width++;
                        l->n++;
                        c += len;
                        if (*c != '\t')
                                break;
                        c++;
                }
                if (*c == '\n')
                        c++;
        }
        /* a trailing newline ends the last line rather than starting an empty one */
        tab_format(out, lines, 0, n, widths, 0);
finish:
        for (size_t i = 0; i < n; i++)
                free(lines[i].cells);
}

/* ---------------------------------------------------------------- for the verbs */

int template_print_items(const char *prefix, const Template *t, struct json_object *items,
                         struct json_object *header, FILE *out) {
        _cleanup_free_ char *error = NULL, *buf = NULL;
        size_t size = 0;
        FILE *f;
        int r = 0;

        if (!(f = open_memstream(&buf, &size)))
                return -ENOMEM;
        if (t->table && header) {
                r = template_execute(t, header, f, &error);
                fputc('\n', f);
        }
        for (size_t i = 0; r >= 0 && i < json_object_array_length(items); i++) {
                r = template_execute(t, json_object_array_get_idx(items, i), f, &error);
                fputc('\n', f);
        }
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0) {
                fprintf(stderr, "%s: template: %s\n", prefix, error ?: strerror(-r));
                return r;
        }
        if (t->table)
                template_tabwrite(buf, out);
        else
                fwrite(buf, 1, size, out);
        return 0;
}

int template_parse_or_log(const char *prefix, const char *text, Template **ret) {
        _cleanup_free_ char *error = NULL;
        int r = template_parse(text, ret, &error);

        if (r < 0)
                fprintf(stderr, "%s: template parsing error: %s\n", prefix, error ?: strerror(-r));
        return r;
}
