/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * model-harness.h — conmand's model on a bus of its own, for the unit tests of tests/unit/daemon/.
 *
 * conmand runs on one end of a socketpair bus; the test's client holds the other end. It sees the
 * ContainerNew/ContainerRemoved signals, and calls the model through a small test object (/test,
 * io.conman1.Test) that hands the request message to container_start() & co. as the real bus faces do, so
 * the answers the model gives later (when a job ends, when the container exits) are real D-Bus replies.
 * The root check of the real faces is left out: the tests run without root. systemd is the fake of
 * fake-systemd.h; the test plays it, and these helpers do the usual moves (systemd_runs(),
 * systemd_exits()).
 *
 * After each step the event loop runs until idle (run_loop()); the model decides on deferred event
 * sources, so that is where a use-after-free of a container would be (ASan catches it: scripts/test.sh
 * runs the unit suite under ASan too). kill -9 of conmand is daemon_kill(): the Manager freed without a
 * word to systemd or the disk; daemon_up() loads a new one from the same state directory.
 *
 * Containers are named by name; the helpers look them up every time, as a container may be freed by any
 * run of the loop.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "daemon/container.h"
#include "daemon/manager.h"

/* A MainPID no process can have (PID_MAX_LIMIT is 4194304): conmand looks into /proc/<MainPID>
 * (pipe-keeper.c), which must find nothing rather than a process of the machine the tests run on. */
#define FAKE_PID(n) (UINT32_C(5000000) + (n))

typedef struct Reply {
        bool done;
        char *error;   /* D-Bus error name, NULL for a method return */
        int32_t code;  /* Wait's exit code */
        char *exec_id; /* Exec's */
        char *id;      /* the first string of an "so" or "s" reply (CreatePod's id, InspectPod's JSON) */
} Reply;

typedef struct ModelTest {
        char *tmp, *state_dir, *run_dir, *rootfs;
        Manager *m;
        sd_bus *daemon_bus, *client;
        char **signals; /* "ContainerNew <name>", "ContainerRemoved <name>" as the client saw them */
        char **ids;     /* "<name> <id>" of each container created: for the disk while conmand is down */
} ModelTest;

extern ModelTest t;

/* cmocka setup/teardown: a temporary state directory, a fresh fake systemd, conmand up. */
int model_setup(void **state);
int model_teardown(void **state);

void run_loop(void);
void daemon_up(void);
void daemon_kill(void);
void daemon_restart(void);
unsigned count_signals(const char *s);

/* Calls io.conman1.Test.<method>(name) from the client; the reply lands in *rep. "Start", "Stop",
 * "Restart", "Wait", "Exec"; "Remove" is rm -f, "RemoveStopped" rm without -f, "StopNow" stop -t 0,
 * "ExecWait" takes an exec's id. */
void call(Reply *rep, const char *method, const char *name);
void reply_done(Reply *rep);
/* Calls io.conman1.Test.<method>(args of types): "PodCreate" (name, memory), "PodStart", "PodStop" (name),
 * "PodRemove" (name, force). */
void call_args(Reply *rep, const char *method, const char *types, ...);

Container *find(const char *name); /* NULL when there is none */
Container *get(const char *name);  /* fails the test when there is none */
const char *state_of(const char *name);
void create(const char *name, bool auto_remove, RestartPolicy restart);
const char *id_of(const char *name);
/* state/containers/<id>: works while conmand is down, and after the container was removed */
char *container_dir(const char *name);
bool exists_in(const char *dir, const char *file);
/* What conman-exit-record writes as ExecStopPost=: code "exited"/"killed", status "3"/"TERM". */
void write_exit_record(const char *name, const char *code, const char *status, const char *result);
json_object *inspect_state(const char *name);
void assert_inspect(const char *name, const char *status, int exit_code);
char *unit_of(const char *name);

/* systemd runs the start job: the unit activates, runc leaves the init as MainPID, the job is done. */
void systemd_runs(const char *name, uint32_t pid);
/* The init exits with code: ExecStopPost= writes the record, the unit goes inactive (0) or failed. */
void systemd_exits(const char *name, int code);
void assert_start_queued(const char *name);
