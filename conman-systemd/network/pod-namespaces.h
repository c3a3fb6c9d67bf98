/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pod-namespaces.h — a pod's shared namespaces, pinned without any process (docs/pods.md).
 *
 * Pinning makes what the pod's spec shares and leaves it on files:
 *
 *   <run>/pods/<id>/ipc, uts     bind mounts of the nsfs files of a new IPC and UTS namespace
 *                                (the UTS one carries the pod's host name); <run>/pods is a
 *                                shared mount of itself, so unmounts propagate everywhere
 *   /run/netns/conman-<id12>     the pod's network namespace: on a bridge network it is a normal
 *                                attachment with container id = pod id (<run>/networks/<id>/,
 *                                ports published there); with network none, a namespace with lo
 *                                up and /etc files in <run>/pods/<id>/etc/
 *
 *   <run>/pods/<id>/pid          Pid pod only: a bind mount of the PID namespace whose PID 1 is a pause
 *                                process (it reaps, and exits on SIGTERM); its host PID in
 *                                <run>/pods/<id>/pause.pid, the pin unit's PIDFile= (Type=forking).
 *                                A PID namespace dies with its last process, so this one pod kind
 *                                costs a process; every other pod has none.
 *
 * Members (containers with spec.pod_id) join these by path in their config.json, and each one
 * adds its name to the pod's /etc/hosts with pod_namespaces_join() before it starts.
 * conman-podns (helpers/) is the command line around this; conmand calls unpin for orphans.
 */
#pragma once

#include "shared/pod-spec.h"

/* Pins what s->share says (ipc, uts, net as s->network says) and sets the pod's host name
 * (s->hostname ?: s->name). Already pinned: success. On failure everything is unpinned again and
 * *ret_message (may be NULL) says why, for people. */
int pod_namespaces_pin(const char *state_dir, const char *run_dir, const PodSpec *s, char **ret_message);
/* <run>/pods/<id>/pause.pid: the pause process of a pod with Pid pod (the pin unit's PIDFile=). */
int pod_pause_pid_file(const char *run_dir, const char *pod_id, char **ret);
/* Detaches the network, removes the namespace, unmounts ipc/uts and removes <run>/pods/<id>, from
 * whatever of that exists; nothing left is success. Returns the first error but always finishes. */
int pod_namespaces_unpin(const char *state_dir, const char *run_dir, const char *pod_id, char **ret_message);
/* Adds the member's name to the pod's /etc/hosts (rewritten in place: members bind-mount it) with the
 * pod's address, or 127.0.0.1 without a bridge; idempotent. Nothing to do for a pod that uses the host's
 * network or shares none. -ENOENT when the pod is not pinned. */
int pod_namespaces_join(const char *state_dir, const char *run_dir, const PodSpec *s, const char *name);
/* <run>/pods/<id> exists. */
bool pod_namespaces_pinned(const char *run_dir, const char *pod_id);
/* Ids of every pod with <run>/pods/<id> (an empty list when there is none). */
int pod_namespaces_pinned_ids(const char *run_dir, char ***ret);
