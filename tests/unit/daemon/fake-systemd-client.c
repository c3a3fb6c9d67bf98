/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-systemd-client.c — daemon/systemd-client.h against a PID 1 in memory (fake-systemd.h), for the
 * model's unit tests. Every call behaves as systemd 252 answers it where the model can tell: a job path
 * for each change, UnitExists for a transient unit whose name is still loaded, NoSuchUnit for a stop or
 * kill of a unit systemd does not know, "inactive"/"dead" and 0 for the properties of such a unit, one
 * shared job for concurrent StopUnit calls. Nothing is called back from inside a call: units change and
 * jobs finish only when the test says so (fake_systemd_set_unit_state(), fake_systemd_finish_job()).
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/macro.h"
#include "shared/util.h"
#include "daemon/systemd-client.h"
#include "fake-systemd.h"

#define SD_DEST        "org.freedesktop.systemd1"
#define SD_PATH        "/org/freedesktop/systemd1"
#define SD_MANAGER     "org.freedesktop.systemd1.Manager"
#define SD_UNIT_PREFIX "/org/freedesktop/systemd1/unit"

typedef struct JobWatch {
        char *job;
        SystemdJobHandler handler;
        void *userdata;
        SystemdFreeFunc free_userdata;
        struct JobWatch *next;
} JobWatch;

struct SystemdClient {
        sd_bus *bus;
        SystemdUnitHandlers handlers;
        JobWatch *watches;
};

static struct {
        FakeUnit *units;
        FakeJob *jobs;
        char **calls;
        unsigned next_job_id;
        SystemdClient *client; /* the live one; NULL while "conmand" is down */
        sd_bus *peer;
} fake;

/* ---- the fake PID 1 ---- */

static void log_call(const char *format, ...) _printf_(1, 2);
static void log_call(const char *format, ...) {
        char *s = NULL;
        va_list ap;

        va_start(ap, format);
        if (vasprintf(&s, format, ap) < 0)
                abort();
        va_end(ap);
        if (strv_push_take(&fake.calls, s) < 0)
                abort();
}

static void unit_free(FakeUnit *u) {
        free(u->name);
        free(u->path);
        free(u->active);
        free(u->sub);
        strv_freep(&u->properties);
        sd_bus_message_unref(u->start_message);
        free(u);
}

static void job_free(FakeJob *j) {
        free(j->path);
        free(j->unit);
        free(j->kind);
        free(j);
}

static char *xstrdup(const char *s) {
        char *d = strdup(s);
        if (!d)
                abort();
        return d;
}

static void set_string(char **p, const char *v) {
        free(*p);
        *p = xstrdup(v);
}

void fake_systemd_reset(void) {
        while (fake.units) {
                FakeUnit *u = fake.units;
                fake.units = u->next;
                unit_free(u);
        }
        while (fake.jobs) {
                FakeJob *j = fake.jobs;
                fake.jobs = j->next;
                job_free(j);
        }
        strv_freep(&fake.calls);
        fake.peer = NULL;
}

FakeUnit *fake_systemd_unit(const char *name) {
        for (FakeUnit *u = fake.units; u; u = u->next)
                if (streq(u->name, name))
                        return u;
        return NULL;
}

FakeUnit *fake_systemd_find_unit(const char *glob) {
        for (FakeUnit *u = fake.units; u; u = u->next)
                if (fnmatch(glob, u->name, 0) == 0)
                        return u;
        return NULL;
}

static FakeUnit *unit_by_path(const char *path) {
        for (FakeUnit *u = fake.units; u; u = u->next)
                if (streq(u->path, path))
                        return u;
        return NULL;
}

FakeUnit *fake_systemd_add_unit(const char *name, const char *active, const char *sub) {
        FakeUnit *u = calloc(1, sizeof(FakeUnit));

        if (!u || sd_bus_path_encode(SD_UNIT_PREFIX, name, &u->path) < 0)
                abort();
        u->name = xstrdup(name);
        u->active = xstrdup(active);
        u->sub = xstrdup(sub);
        u->next = fake.units;
        fake.units = u;
        return u;
}

static FakeUnit *unit_unlink(const char *name) {
        for (FakeUnit **p = &fake.units; *p; p = &(*p)->next)
                if (streq((*p)->name, name)) {
                        FakeUnit *u = *p;
                        *p = u->next;
                        return u;
                }
        return NULL;
}

/* The PropertiesChanged signal systemd sends, from the peer end, for systemd_watch_unit()'s matches. */
static void emit_properties_changed(const FakeUnit *u) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        if (!fake.peer)
                return;
        r = sd_bus_message_new_signal(fake.peer, &m, u->path, "org.freedesktop.DBus.Properties",
                                      "PropertiesChanged");
        if (r >= 0)
                r = sd_bus_message_append(m, "sa{sv}as", "org.freedesktop.systemd1.Unit", 2, "ActiveState",
                                          "s", u->active, "SubState", "s", u->sub, 0);
        if (r >= 0)
                r = sd_bus_send(fake.peer, m, NULL);
        if (r < 0)
                abort();
}

void fake_systemd_set_unit_state(const char *name, const char *active, const char *sub) {
        FakeUnit *u = fake_systemd_unit(name);

        if (!u)
                abort();
        set_string(&u->active, active);
        set_string(&u->sub, sub);
        if (streq(active, "inactive") || streq(active, "failed")) {
                u->main_pid = 0;
                u->start_message = sd_bus_message_unref(u->start_message); /* closes the unit's stdio */
        }
        emit_properties_changed(u);
        if (fake.client && fake.client->handlers.unit_changed)
                fake.client->handlers.unit_changed(u->path, active, sub, fake.client->handlers.userdata);
}

void fake_systemd_remove_unit(const char *name) {
        FakeUnit *u = unit_unlink(name);

        if (!u)
                abort();
        if (fake.client && fake.client->handlers.unit_removed)
                fake.client->handlers.unit_removed(u->path, fake.client->handlers.userdata);
        unit_free(u);
}

void fake_systemd_forget_unit(const char *name) {
        FakeUnit *u = unit_unlink(name);

        if (!u)
                abort();
        unit_free(u);
}

static FakeJob *job_new(const char *unit, const char *kind) {
        FakeJob *j = calloc(1, sizeof(FakeJob)), **tail;

        if (!j || asprintf(&j->path, SD_PATH "/job/%u", ++fake.next_job_id) < 0)
                abort();
        j->unit = xstrdup(unit);
        j->kind = xstrdup(kind);
        for (tail = &fake.jobs; *tail; tail = &(*tail)->next)
                ;
        *tail = j;
        return j;
}

FakeJob *fake_systemd_job(const char *path_or_unit) {
        FakeJob *found = NULL;

        for (FakeJob *j = fake.jobs; j; j = j->next)
                if (path_or_unit[0] == '/' ? streq(j->path, path_or_unit) : streq(j->unit, path_or_unit))
                        found = j; /* the last one of the unit */
        return found;
}

static FakeJob *job_of_unit(const char *unit, const char *kind) {
        for (FakeJob *j = fake.jobs; j; j = j->next)
                if (streq(j->unit, unit) && streq(j->kind, kind))
                        return j;
        return NULL;
}

unsigned fake_systemd_n_jobs(void) {
        unsigned n = 0;
        for (FakeJob *j = fake.jobs; j; j = j->next)
                n++;
        return n;
}

/* Takes the client's watches on job out of its list, in the order they were added. */
static JobWatch *take_watches(SystemdClient *s, const char *job) {
        JobWatch *taken = NULL, **tail = &taken;

        for (JobWatch **p = &s->watches; *p;) {
                JobWatch *w = *p;
                if (streq(w->job, job)) {
                        *p = w->next;
                        w->next = NULL;
                        *tail = w;
                        tail = &w->next;
                } else
                        p = &w->next;
        }
        return taken;
}

static void watch_free(JobWatch *w) {
        if (w->free_userdata)
                w->free_userdata(w->userdata);
        free(w->job);
        free(w);
}

int fake_systemd_finish_job(const char *path_or_unit, const char *result) {
        FakeJob *j = fake_systemd_job(path_or_unit);
        JobWatch *watches;
        int n = 0;

        if (!j)
                return -ENOENT;
        for (FakeJob **p = &fake.jobs; *p; p = &(*p)->next)
                if (*p == j) {
                        *p = j->next;
                        break;
                }
        watches = fake.client ? take_watches(fake.client, j->path) : NULL;
        while (watches) {
                JobWatch *w = watches;
                watches = w->next;
                w->handler(j->path, result, w->userdata);
                watch_free(w);
                n++;
        }
        job_free(j);
        return n;
}

char **fake_systemd_calls(void) {
        return fake.calls;
}

unsigned fake_systemd_count_calls(const char *call) {
        unsigned n = 0;
        for (size_t i = 0; fake.calls && fake.calls[i]; i++)
                n += streq(fake.calls[i], call);
        return n;
}

void fake_systemd_clear_calls(void) {
        strv_freep(&fake.calls);
}

const char *fake_unit_property(const FakeUnit *u, const char *name) {
        size_t n = strlen(name);

        for (size_t i = 0; u && u->properties && u->properties[i]; i++)
                if (strneq(u->properties[i], name, n) && u->properties[i][n] == '=')
                        return u->properties[i] + n + 1;
        return NULL;
}

void fake_systemd_set_peer(sd_bus *peer) {
        fake.peer = peer;
}

/* ---- systemd-client.h ---- */

int systemd_client_new(sd_bus *bus, const SystemdUnitHandlers *handlers, SystemdClient **ret) {
        SystemdClient *s = calloc(1, sizeof(SystemdClient));

        if (!s)
                return -ENOMEM;
        s->bus = sd_bus_ref(bus);
        if (handlers)
                s->handlers = *handlers;
        fake.client = s;
        *ret = s;
        return 0;
}

SystemdClient *systemd_client_free(SystemdClient *s) {
        if (!s)
                return NULL;
        while (s->watches) {
                JobWatch *w = s->watches;
                s->watches = w->next;
                watch_free(w);
        }
        if (fake.client == s)
                fake.client = NULL;
        sd_bus_unref(s->bus);
        free(s);
        return NULL;
}

int systemd_client_subscribe(SystemdClient *s) {
        log_call("Subscribe");
        return 0;
}

int systemd_watch_job(SystemdClient *s, const char *job_path, SystemdJobHandler handler, void *userdata,
                      SystemdFreeFunc free_userdata) {
        JobWatch *w = calloc(1, sizeof(JobWatch)), **tail;

        if (!w)
                return -ENOMEM;
        w->job = strdup(job_path);
        if (!w->job) {
                free(w);
                return -ENOMEM;
        }
        w->handler = handler;
        w->userdata = userdata;
        w->free_userdata = free_userdata;
        for (tail = &s->watches; *tail; tail = &(*tail)->next)
                ;
        *tail = w;
        return 0;
}

int systemd_watch_unit(SystemdClient *s, const char *unit_path, sd_bus_message_handler_t handler,
                       void *userdata, sd_bus_slot **ret_slot) {
        _cleanup_free_ char *rule = NULL;

        /* a peer-to-peer bus: the match filters what fake_systemd_set_unit_state() sends from the peer */
        if (asprintf(&rule,
                     "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
                     "path='%s'",
                     unit_path) < 0)
                return -ENOMEM;
        return sd_bus_add_match(s->bus, ret_slot, rule, handler, userdata);
}

int systemd_new_start_transient_unit(SystemdClient *s, const char *unit, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        int r;

        r = sd_bus_message_new_method_call(s->bus, &msg, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
        if (r >= 0)
                r = sd_bus_message_append(msg, "ss", unit, "fail");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(msg);
        return 0;
}

/* One value of the a(sv) as text: strings as they are, numbers in decimal, booleans yes/no, string arrays
 * joined by spaces, commands (a(sasb)) as their argv joined by spaces, several separated by " ; ";
 * ExecXYZEx= commands (a(sasas)) as their flags in brackets, then their argv: "[no-env-expand] /bin/x". */
static int read_exec_value(sd_bus_message *m, bool ex, char **ret) {
        _cleanup_strv_free_ char **cmds = NULL;
        const char *path;
        int r, ignore;

        r = sd_bus_message_enter_container(m, 'a', ex ? "(sasas)" : "(sasb)");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', ex ? "sasas" : "sasb")) > 0) {
                _cleanup_strv_free_ char **argv = NULL, **flags = NULL;
                _cleanup_free_ char *words = NULL, *f = NULL;
                char *text;
                r = sd_bus_message_read(m, "s", &path);
                if (r >= 0)
                        r = sd_bus_message_read_strv(m, &argv);
                if (r >= 0)
                        r = ex ? sd_bus_message_read_strv(m, &flags) : sd_bus_message_read(m, "b", &ignore);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                if (r < 0)
                        break;
                words = strv_join(argv, " ");
                f = strv_join(flags, " ");
                if (!words || !f)
                        return -ENOMEM;
                if (ex ? asprintf(&text, "[%s] %s", f, words) < 0 : !(text = strdup(words)))
                        return -ENOMEM;
                r = strv_push_take(&cmds, text);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = strv_join(cmds, " ; ");
        return *ret ? 0 : -ENOMEM;
}

static int read_value(sd_bus_message *m, const char *type, char **ret) {
        _cleanup_strv_free_ char **strv = NULL;
        union {
                const char *s;
                int b;
                uint32_t u;
                int32_t i;
                uint64_t t;
        } v;
        int r;

        if (streq(type, "a(sasb)") || streq(type, "a(sasas)"))
                return read_exec_value(m, streq(type, "a(sasas)"), ret);
        if (streq(type, "as")) {
                r = sd_bus_message_read_strv(m, &strv);
                *ret = r < 0 ? NULL : strv_join(strv, " ");
        } else if (streq(type, "s")) {
                r = sd_bus_message_read(m, "s", &v.s);
                *ret = r < 0 ? NULL : strdup(v.s);
        } else if (streq(type, "b")) {
                r = sd_bus_message_read(m, "b", &v.b);
                *ret = r < 0 ? NULL : strdup(v.b ? "yes" : "no");
        } else if (streq(type, "u") || streq(type, "i") || streq(type, "t")) {
                int n = -1;
                r = sd_bus_message_read_basic(m, type[0], &v);
                if (r >= 0 && type[0] == 'i')
                        n = asprintf(ret, "%" PRIi32, v.i);
                else if (r >= 0)
                        n = asprintf(ret, "%" PRIu64, type[0] == 't' ? v.t : (uint64_t) v.u);
                if (n < 0)
                        *ret = NULL;
        } else {
                r = sd_bus_message_skip(m, type); /* fds ('h') and anything else: present, not compared */
                *ret = r < 0 ? NULL : strdup(type);
        }
        if (r < 0)
                return r;
        return *ret ? 0 : -ENOMEM;
}

static int read_properties(sd_bus_message *m, char ***ret) {
        _cleanup_strv_free_ char **props = NULL;
        const char *name, *type;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(sv)");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "sv")) > 0) {
                _cleanup_free_ char *value = NULL;
                char *entry = NULL;
                r = sd_bus_message_read(m, "s", &name);
                if (r >= 0)
                        r = sd_bus_message_peek_type(m, NULL, &type);
                if (r >= 0)
                        r = sd_bus_message_enter_container(m, 'v', type);
                if (r >= 0)
                        r = read_value(m, type, &value);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                if (r >= 0 && asprintf(&entry, "%s=%s", name, value) < 0)
                        r = -ENOMEM;
                if (r >= 0)
                        r = strv_push_take(&props, entry);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(props);
        return 0;
}

static int refuse(sd_bus_error *error, const char *call, const char *unit, const char *name,
                  const char *what) {
        log_call("%s %s -> %s", call, unit, name);
        return sd_bus_error_setf(error, name, "Unit %s %s.", unit, what);
}

int systemd_start_transient_unit(SystemdClient *s, sd_bus_message *msg, char **ret_job, sd_bus_error *error) {
        _cleanup_strv_free_ char **props = NULL;
        const char *unit, *mode;
        FakeUnit *u;
        int r;

        r = sd_bus_message_append(msg, "a(sa(sv))", 0);
        if (r >= 0)
                r = sd_bus_message_seal(msg, 1, 0);
        if (r >= 0)
                r = sd_bus_message_rewind(msg, true);
        if (r >= 0)
                r = sd_bus_message_read(msg, "ss", &unit, &mode);
        if (r >= 0)
                r = read_properties(msg, &props);
        if (r < 0)
                return r;
        if (fake_systemd_unit(unit))
                return refuse(error, "StartTransientUnit", unit, "org.freedesktop.systemd1.UnitExists",
                              "was already loaded or has a fragment file");
        log_call("StartTransientUnit %s", unit);
        u = fake_systemd_add_unit(unit, "inactive", "dead");
        u->transient = true;
        u->properties = TAKE_PTR(props);
        u->referenced = streq(strempty(fake_unit_property(u, "AddRef")), "yes");
        u->start_message = sd_bus_message_ref(msg);
        *ret_job = strdup(job_new(unit, "start")->path);
        return *ret_job ? 0 : -ENOMEM;
}

int systemd_new_set_unit_properties(SystemdClient *s, const char *unit, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        int r;

        r = sd_bus_message_new_method_call(s->bus, &msg, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
        if (r >= 0)
                r = sd_bus_message_append(msg, "sb", unit, 1);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(msg);
        return 0;
}

/* Logs "SetUnitProperties UNIT K=V ..." and replaces those properties of the unit. */
int systemd_set_unit_properties(SystemdClient *s, sd_bus_message *msg, sd_bus_error *error) {
        _cleanup_strv_free_ char **props = NULL;
        _cleanup_free_ char *joined = NULL;
        const char *unit;
        int runtime, r;
        FakeUnit *u;

        r = sd_bus_message_seal(msg, 1, 0);
        if (r >= 0)
                r = sd_bus_message_rewind(msg, true);
        if (r >= 0)
                r = sd_bus_message_read(msg, "sb", &unit, &runtime);
        if (r >= 0)
                r = read_properties(msg, &props);
        if (r < 0)
                return r;
        u = fake_systemd_unit(unit);
        if (!u)
                return refuse(error, "SetUnitProperties", unit, "org.freedesktop.systemd1.NoSuchUnit",
                              "not loaded");
        joined = strv_join(props, " ");
        log_call("SetUnitProperties %s %s", unit, strempty(joined));
        for (char **p = props; p && *p; p++) {
                size_t n = strcspn(*p, "=") + 1, k = 0;
                for (size_t i = 0; u->properties && u->properties[i]; i++) /* the old value goes */
                        if (strneq(u->properties[i], *p, n))
                                free(u->properties[i]);
                        else
                                u->properties[k++] = u->properties[i];
                if (u->properties)
                        u->properties[k] = NULL;
                if (strv_push(&u->properties, *p) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int systemd_start_unit(SystemdClient *s, const char *unit, char **ret_job, sd_bus_error *error) {
        if (!fake_systemd_unit(unit))
                return refuse(error, "StartUnit", unit, "org.freedesktop.systemd1.NoSuchUnit", "not found");
        log_call("StartUnit %s", unit);
        *ret_job = strdup(job_new(unit, "start")->path);
        return *ret_job ? 0 : -ENOMEM;
}

int systemd_stop_unit(SystemdClient *s, const char *unit, char **ret_job, sd_bus_error *error) {
        FakeJob *j;

        if (!fake_systemd_unit(unit))
                return refuse(error, "StopUnit", unit, "org.freedesktop.systemd1.NoSuchUnit", "not loaded");
        log_call("StopUnit %s", unit);
        j = job_of_unit(unit, "stop") ?: job_new(unit, "stop"); /* a stop already queued is shared */
        *ret_job = strdup(j->path);
        return *ret_job ? 0 : -ENOMEM;
}

int systemd_kill_unit(SystemdClient *s, const char *unit, const char *whom, int sig, sd_bus_error *error) {
        if (!fake_systemd_unit(unit))
                return refuse(error, "KillUnit", unit, "org.freedesktop.systemd1.NoSuchUnit", "not loaded");
        log_call("KillUnit %s %s %i", unit, whom, sig);
        return 0;
}

int systemd_reset_failed_unit(SystemdClient *s, const char *unit) {
        FakeUnit *u = fake_systemd_unit(unit);

        log_call("ResetFailedUnit %s", unit);
        if (!u)
                return -ENOENT;
        /* no signal: a failed unit and a reset one mean the same to conmand */
        if (streq(u->active, "failed")) {
                set_string(&u->active, "inactive");
                set_string(&u->sub, "dead");
        }
        return 0;
}

int systemd_unref_unit(SystemdClient *s, const char *unit_path) {
        FakeUnit *u = unit_by_path(unit_path);

        log_call("Unref %s", u ? u->name : unit_path);
        if (!u)
                return -ENOENT;
        u->referenced = false;
        return 0;
}

int systemd_freeze_unit(SystemdClient *s, const char *unit, bool freeze, sd_bus_error *error) {
        FakeUnit *u = fake_systemd_unit(unit);

        if (!u)
                return refuse(error, freeze ? "FreezeUnit" : "ThawUnit", unit,
                              "org.freedesktop.systemd1.NoSuchUnit", "not loaded");
        log_call("%s %s", freeze ? "FreezeUnit" : "ThawUnit", unit);
        u->frozen = freeze;
        return 0;
}

int systemd_get_freezer_state(SystemdClient *s, const char *unit_path, char **ret) {
        FakeUnit *u = unit_by_path(unit_path);

        *ret = strdup(u && u->frozen ? "frozen" : "running");
        return *ret ? 0 : -ENOMEM;
}

int systemd_get_unit_state(SystemdClient *s, const char *unit_path, char **ret_active, char **ret_sub) {
        FakeUnit *u = unit_by_path(unit_path);
        char *active = strdup(u ? u->active : "inactive"), *sub = strdup(u ? u->sub : "dead");

        if (!active || !sub) {
                free(active);
                free(sub);
                return -ENOMEM;
        }
        *ret_active = active;
        *ret_sub = sub;
        return 0;
}

int systemd_get_service_u32(SystemdClient *s, const char *unit_path, const char *property, uint32_t *ret) {
        FakeUnit *u = unit_by_path(unit_path);

        *ret = 0;
        if (!u)
                return 0;
        if (streq(property, "MainPID"))
                *ret = u->main_pid;
        else if (streq(property, "NRestarts"))
                *ret = u->n_restarts;
        else
                return -EINVAL; /* the fake knows no other: a test would ask for what it never set */
        return 1;
}

int systemd_get_service_i32(SystemdClient *s, const char *unit_path, const char *property, int32_t *ret) {
        FakeUnit *u = unit_by_path(unit_path);

        *ret = 0;
        if (!u)
                return 0;
        if (streq(property, "ExecMainCode"))
                *ret = u->exec_main_code;
        else if (streq(property, "ExecMainStatus"))
                *ret = u->exec_main_status;
        else
                return -EINVAL;
        return 1;
}

/* Like the real one, the callback gets strings of a reply (copies here): what it does to the units meanwhile
 * (ResetFailedUnit of a --rm container it reaps) must not change them under it. */
/* The units listed are copied first: a callback may change the fake (a watch on a queued job). */
int systemd_list_units(SystemdClient *s, char **patterns, SystemdUnitEach each, void *userdata) {
        _cleanup_strv_free_ char **listed = NULL;

        for (FakeUnit *u = fake.units; u; u = u->next) {
                FakeJob *j = fake_systemd_job(u->name);
                bool match = !patterns || !patterns[0];
                for (size_t i = 0; !match && patterns[i]; i++)
                        match = fnmatch(patterns[i], u->name, 0) == 0;
                if (match &&
                    (strv_push(&listed, u->name) < 0 || strv_push(&listed, u->active) < 0 ||
                     strv_push(&listed, u->sub) < 0 || strv_push(&listed, u->path) < 0 ||
                     strv_push(&listed, j ? j->kind : "") < 0 || strv_push(&listed, j ? j->path : "/") < 0))
                        return -ENOMEM;
        }
        for (size_t i = 0; listed && listed[i]; i += 6)
                each(&(SystemdUnitInfo){ .unit = listed[i],
                                         .active = listed[i + 1],
                                         .sub = listed[i + 2],
                                         .unit_path = listed[i + 3],
                                         .job_type = listed[i + 4],
                                         .job_path = listed[i + 5] },
                     userdata);
        return 0;
}

int systemd_get_version(SystemdClient *s, char **ret) {
        *ret = strdup("252-fake");
        return *ret ? 0 : -ENOMEM;
}

/* A health check's timer and its service (daemon/container-health.c): the fake runs no timers. */
int systemd_start_transient_unit_with_aux(SystemdClient *s, sd_bus_message *msg, char **ret_job,
                                          sd_bus_error *error) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_NOT_SUPPORTED, "The fake systemd runs no timers.");
}
