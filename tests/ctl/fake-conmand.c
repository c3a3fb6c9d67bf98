/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-conmand.c — a stand-in for conmand on a private bus, for testing conmanctl's pod verbs without
 * root or systemd (test-ctl-pods.sh). It owns io.conman1 with a fixed world — the pod "web" (two
 * running members web-a, web-b), the empty pod "empty", and the container "loner" — answers the
 * pod methods and the few container methods the verbs call, and prints one line per mutating call
 * (its arguments, the options dictionary as key=value) on stdout, so the test sees what was sent.
 *
 * Usage: fake-conmand BUS-ADDRESS   (prints "READY" once the name is owned)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#define ID(c)                                                                                                \
        c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
                c c c c c c c c c c c c c c
#define CREATED_USEC 1700000000000000ULL

typedef struct FakeContainer {
        const char *id, *name, *unit, *state, *path;
} FakeContainer;

typedef struct FakePod {
        const char *id, *name, *state, *slice, *path;
        const char *members[3];
} FakePod;

static const FakeContainer containers[] = {
        { ID("1"), "web-a", "conman-web-a.service", "running", "/io/conman1/container/" ID("1") },
        { ID("2"), "web-b", "conman-web-b.service", "running", "/io/conman1/container/" ID("2") },
        { ID("3"), "loner", "conman-loner.service", "running", "/io/conman1/container/" ID("3") },
};

static const FakePod pods[] = {
        { ID("a"),
          "web",
          "running",
          "conman-pod-web.slice",
          "/io/conman1/pod/" ID("a"),
          { ID("1"), ID("2") } },
        { ID("b"), "empty", "created", "conman-pod-empty.slice", "/io/conman1/pod/" ID("b"), {} },
};

/* Name, whole id or unique id prefix, as conmand resolves a reference: the index, or -1. */
static int resolve(const char *ref, const char *(*name_of)(size_t), const char *(*id_of)(size_t), size_t n) {
        int found = -1, matches = 0;

        for (size_t i = 0; i < n; i++) {
                if (strcmp(name_of(i), ref) == 0)
                        return (int) i;
                if (*ref && strncmp(id_of(i), ref, strlen(ref)) == 0) {
                        found = (int) i;
                        matches++;
                }
        }
        return matches == 1 ? found : -1;
}

#define N_PODS       (sizeof(pods) / sizeof(pods[0]))
#define N_CONTAINERS (sizeof(containers) / sizeof(containers[0]))

static const char *pod_name(size_t i) {
        return pods[i].name;
}
static const char *pod_id(size_t i) {
        return pods[i].id;
}
static const char *container_name(size_t i) {
        return containers[i].name;
}
static const char *container_id(size_t i) {
        return containers[i].id;
}

static const FakePod *find_pod(const char *ref, sd_bus_error *error) {
        int i = resolve(ref, pod_name, pod_id, N_PODS);
        if (i < 0)
                sd_bus_error_setf(error, "io.conman1.Error.NoSuchPod", "No such pod '%s'.", ref);
        return i < 0 ? NULL : &pods[i];
}

static const FakeContainer *find_container(const char *ref, sd_bus_error *error) {
        int i = resolve(ref, container_name, container_id, N_CONTAINERS);
        if (i < 0)
                sd_bus_error_setf(error, "io.conman1.Error.NoSuchContainer", "No such container '%s'.", ref);
        return i < 0 ? NULL : &containers[i];
}

/* Prints one variant's value: s, b, t, as, a{ss}. */
static int print_variant(sd_bus_message *m) {
        const char *contents, *s, *k;
        uint64_t t;
        int b, r;
        char type;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'v', contents);
        if (r < 0)
                return r;
        if (strcmp(contents, "s") == 0 && (r = sd_bus_message_read(m, "s", &s)) >= 0)
                printf("%s", s);
        else if (strcmp(contents, "t") == 0 && (r = sd_bus_message_read(m, "t", &t)) >= 0)
                printf("%" PRIu64, t);
        else if (strcmp(contents, "b") == 0 && (r = sd_bus_message_read(m, "b", &b)) >= 0)
                printf("%s", b ? "true" : "false");
        else if (strcmp(contents, "as") == 0) {
                r = sd_bus_message_enter_container(m, 'a', "s");
                for (int i = 0; r >= 0 && (r = sd_bus_message_read(m, "s", &s)) > 0; i++)
                        printf("%s%s", i ? "," : "", s);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
        } else if (strcmp(contents, "a{ss}") == 0) {
                r = sd_bus_message_enter_container(m, 'a', "{ss}");
                for (int i = 0; r >= 0 && (r = sd_bus_message_read(m, "{ss}", &k, &s)) > 0; i++)
                        printf("%s%s:%s", i ? "," : "", k, s);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
        } else
                r = sd_bus_message_skip(m, contents);
        return r < 0 ? r : sd_bus_message_exit_container(m);
}

/* Prints " Key=value" for each entry of a{sv}; sets *refused to a key a pod member may not have. */
static int print_options(sd_bus_message *m, bool *has_pod, const char **refused) {
        const char *key;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                printf(" %s=", key);
                if (strcmp(key, "Pod") == 0)
                        *has_pod = true;
                if (strcmp(key, "Network") == 0 || strcmp(key, "Publish") == 0 ||
                    strcmp(key, "Hostname") == 0)
                        *refused = key;
                r = print_variant(m);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        printf("\n");
        return r;
}

static int method_create_pod(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *name, *refused = NULL;
        bool has_pod = false;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        printf("CreatePod %s", name);
        r = print_options(m, &has_pod, &refused);
        if (r < 0)
                return r;
        if (resolve(name, pod_name, pod_id, N_PODS) >= 0)
                return sd_bus_error_setf(error, "io.conman1.Error.NameInUse", "The name '%s' is in use.",
                                         name);
        return sd_bus_reply_method_return(m, "so", ID("c"), "/io/conman1/pod/" ID("c"));
}

static int method_create_container(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *name, *refused = NULL;
        bool has_pod = false;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r >= 0)
                r = sd_bus_message_skip(m, "as");
        if (r < 0)
                return r;
        printf("CreateContainer %s", name);
        r = print_options(m, &has_pod, &refused);
        if (r < 0)
                return r;
        if (has_pod && refused)
                return sd_bus_error_setf(error, "io.conman1.Error.InvalidArgument",
                                         "%s belongs to the pod 'web': set it with conmanctl pod create.",
                                         refused);
        return sd_bus_reply_method_return(m, "so", ID("4"), "/io/conman1/container/" ID("4"));
}

/* StartPod(s), StopPod(st), RestartPod(st), KillPod(ss), RemovePod(sb): prints the call. */
static int method_pod_action(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *method = sd_bus_message_get_member(m), *ref, *sig = NULL;
        const FakePod *p;
        uint64_t t = 0;
        int r, b = 0;

        r = sd_bus_message_read(m, "s", &ref);
        if (r >= 0 && (strcmp(method, "StopPod") == 0 || strcmp(method, "RestartPod") == 0))
                r = sd_bus_message_read(m, "t", &t);
        if (r >= 0 && strcmp(method, "KillPod") == 0)
                r = sd_bus_message_read(m, "s", &sig);
        if (r >= 0 && strcmp(method, "RemovePod") == 0)
                r = sd_bus_message_read(m, "b", &b);
        if (r < 0)
                return r;
        if (!(p = find_pod(ref, error)))
                return -ENOENT;
        printf("%s %s %" PRIu64 " %s %s\n", method, p->name, t, sig ?: "-", b ? "force" : "-");
        if (strcmp(method, "RemovePod") == 0 && !b && strcmp(p->state, "running") == 0)
                return sd_bus_error_setf(error, "io.conman1.Error.Busy",
                                         "Pod %s has running containers: stop it first or use rm -f.",
                                         p->name);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_get_pod(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const FakePod *p;
        const char *ref;
        int r = sd_bus_message_read(m, "s", &ref);

        if (r < 0)
                return r;
        if (!(p = find_pod(ref, error)))
                return -ENOENT;
        if (strcmp(sd_bus_message_get_member(m), "GetPod") == 0)
                return sd_bus_reply_method_return(m, "o", p->path);
        if (strcmp(sd_bus_message_get_member(m), "GeneratePodFile") == 0) {
                char text[256];
                snprintf(text, sizeof(text), "[Pod]\nPodName=%s\n", p->name);
                return sd_bus_reply_method_return(m, "s", text);
        }
        char json[512];
        snprintf(json, sizeof(json), "{\"Id\": \"%s\", \"Name\": \"%s\", \"State\": \"%s\"}", p->id, p->name,
                 p->state);
        return sd_bus_reply_method_return(m, "s", json);
}

static int method_list_pods(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssstuo)");
        for (size_t i = 0; r >= 0 && i < N_PODS; i++) {
                uint32_t n = 0;
                while (pods[i].members[n])
                        n++;
                r = sd_bus_message_append(reply, "(ssstuo)", pods[i].id, pods[i].name, pods[i].state,
                                          (uint64_t) CREATED_USEC, n, pods[i].path);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static int method_list_containers(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sssssitttuso)");
        for (size_t i = 0; r >= 0 && i < N_CONTAINERS; i++)
                r = sd_bus_message_append(reply, "(sssssitttuso)", containers[i].id, containers[i].name,
                                          "/rootfs", "/bin/sh", containers[i].state, 0,
                                          (uint64_t) CREATED_USEC, (uint64_t) CREATED_USEC, (uint64_t) 0,
                                          (uint32_t) 100 + i, containers[i].unit, containers[i].path);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static int method_get_container(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const FakeContainer *c;
        const char *ref;
        int r = sd_bus_message_read(m, "s", &ref);

        if (r < 0)
                return r;
        if (!(c = find_container(ref, error)))
                return -ENOENT;
        if (strcmp(sd_bus_message_get_member(m), "GetContainer") == 0)
                return sd_bus_reply_method_return(m, "o", c->path);
        char text[256];
        snprintf(text, sizeof(text), "[Container]\nContainerName=%s\n%s", c->name,
                 strncmp(c->name, "web-", 4) == 0 ? "Pod=web.pod\n" : "");
        return sd_bus_reply_method_return(m, "s", text);
}

static int property_pod_containers(sd_bus *bus, const char *path, const char *interface, const char *property,
                                   sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const FakePod *p = userdata;
        int r = sd_bus_message_open_container(reply, 'a', "s");

        for (size_t i = 0; r >= 0 && p->members[i]; i++)
                r = sd_bus_message_append(reply, "s", p->members[i]);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("CreatePod", "sa{sv}", "so", method_create_pod, 0),
        SD_BUS_METHOD("CreateContainer", "sasa{sv}", "so", method_create_container, 0),
        SD_BUS_METHOD("StartPod", "s", "", method_pod_action, 0),
        SD_BUS_METHOD("StopPod", "st", "", method_pod_action, 0),
        SD_BUS_METHOD("RestartPod", "st", "", method_pod_action, 0),
        SD_BUS_METHOD("KillPod", "ss", "", method_pod_action, 0),
        SD_BUS_METHOD("RemovePod", "sb", "", method_pod_action, 0),
        SD_BUS_METHOD("GetPod", "s", "o", method_get_pod, 0),
        SD_BUS_METHOD("InspectPod", "s", "s", method_get_pod, 0),
        SD_BUS_METHOD("GeneratePodFile", "s", "s", method_get_pod, 0),
        SD_BUS_METHOD("ListPods", "", "a(ssstuo)", method_list_pods, 0),
        SD_BUS_METHOD("ListContainers", "b", "a(sssssitttuso)", method_list_containers, 0),
        SD_BUS_METHOD("GetContainer", "s", "o", method_get_container, 0),
        SD_BUS_METHOD("GenerateContainerFile", "s", "s", method_get_container, 0),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable pod_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "s", NULL, offsetof(FakePod, id), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Name", "s", NULL, offsetof(FakePod, name), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Slice", "s", NULL, offsetof(FakePod, slice), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Containers", "as", property_pod_containers, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable container_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "s", NULL, offsetof(FakeContainer, id), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Name", "s", NULL, offsetof(FakeContainer, name), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

static int add_objects(sd_bus *bus) {
        int r = sd_bus_add_object_vtable(bus, NULL, "/io/conman1", "io.conman1.Manager", manager_vtable,
                                         NULL);

        for (size_t i = 0; r >= 0 && i < N_PODS; i++)
                r = sd_bus_add_object_vtable(bus, NULL, pods[i].path, "io.conman1.Pod", pod_vtable,
                                             (void *) &pods[i]);
        for (size_t i = 0; r >= 0 && i < N_CONTAINERS; i++)
                r = sd_bus_add_object_vtable(bus, NULL, containers[i].path, "io.conman1.Container",
                                             container_vtable, (void *) &containers[i]);
        return r;
}

int main(int argc, char *argv[]) {
        sd_bus *bus = NULL;
        int r;

        if (argc != 2) {
                fprintf(stderr, "Usage: fake-conmand BUS-ADDRESS\n");
                return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);
        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, argv[1]);
        if (r >= 0)
                r = sd_bus_set_bus_client(bus, 1);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r >= 0)
                r = add_objects(bus);
        if (r >= 0)
                r = sd_bus_request_name(bus, "io.conman1", 0);
        if (r < 0) {
                fprintf(stderr, "fake-conmand: %s\n", strerror(-r));
                return 1;
        }
        printf("READY\n");
        for (;;) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        break;
                if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
                        break;
        }
        sd_bus_unref(bus);
        return 0;
}
