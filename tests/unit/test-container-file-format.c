/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-container-file-format.c — `conmanctl generate unit`'s .container text: every spec, awkward values
 * included (blanks, quotes, backslashes, '%', '=' in values, empty values), reads back through the
 * generator's parser (conman-systemd/shared/container-file.c) as the same spec, field by field; what a file
 * cannot carry is refused with a message naming the key.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "conman-config.h"
#include "shared/container-file-format.h"
#include "shared/container-file.h"
#include "shared/util.h"

static void push(char ***l, const char *s) {
        assert_int_equal(strv_push(l, s), 0);
}

static void add_volume(ContainerSpec *s, const char *source, const char *destination, bool read_only) {
        s->volumes = realloc(s->volumes, sizeof(VolumeSpec) * (s->n_volumes + 1));
        assert_non_null(s->volumes);
        s->volumes[s->n_volumes++] = (VolumeSpec){ strdup(source), strdup(destination), read_only };
}

static char *format_ok(const char *name, const ContainerSpec *s) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        char *text = NULL;
        int r = container_file_format(name, s, &text, &error);

        if (r < 0)
                print_error("container_file_format: %s\n", error.message);
        assert_int_equal(r, 0);
        sd_bus_error_free(&error);
        return text;
}

/* Parses text as a .container file (through a memfd: the parser reads a path). */
static void parse_ok(const char *text, ContainerFile *f) {
        _cleanup_close_ int fd = memfd_create("test.container", MFD_CLOEXEC);
        char path[64];

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), strlen(text));
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        container_file_init(f);
        if (container_file_load(f, path, NULL) < 0) {
                print_error("this did not parse:\n%s", text);
                fail();
        }
}

static void assert_str_same(const char *want, const char *got) {
        if (!want)
                assert_null(got);
        else {
                assert_non_null(got);
                assert_string_equal(want, got);
        }
}

static void assert_strv_same(char *const *want, char *const *got) {
        assert_int_equal(strv_length(want), strv_length(got));
        for (size_t i = 0; want && want[i]; i++)
                assert_string_equal(want[i], got[i]);
}

static void assert_same(const char *name, const ContainerSpec *want, const ContainerFile *f) {
        const ContainerSpec *got = &f->spec;
        _cleanup_strv_free_ char **command = NULL;

        /* an image container's command comes back as Entrypoint= plus Exec= */
        for (char **e = f->entrypoint; e && *e; e++)
                push(&command, *e);
        for (char **c = got->command; c && *c; c++)
                push(&command, *c);

        assert_string_equal(f->name, name);
        assert_str_same(want->rootfs, got->rootfs);
        assert_str_same(want->image, got->image);
        assert_strv_same(want->command, command);
        assert_strv_same(want->env, got->env);
        assert_str_same(want->working_dir, got->working_dir);
        assert_str_same(want->user, got->user);
        assert_str_same(want->hostname, got->hostname);
        assert_strv_same(want->labels, got->labels);
        assert_int_equal(want->n_volumes, got->n_volumes);
        for (size_t i = 0; i < want->n_volumes; i++) {
                assert_str_same(want->volumes[i].source, got->volumes[i].source);
                assert_string_equal(want->volumes[i].destination, got->volumes[i].destination);
                assert_int_equal(want->volumes[i].read_only, got->volumes[i].read_only);
                assert_int_equal(want->volumes[i].propagation, got->volumes[i].propagation);
        }
        assert_int_equal(want->read_only, got->read_only);
        assert_int_equal(want->tty, got->tty);
        assert_int_equal(want->network, got->network);
        assert_str_same(want->network_name, got->network_name);
        assert_strv_same(want->ports, got->ports);
        assert_int_equal(want->memory_max, got->memory_max);
        assert_int_equal(want->cpu_quota_usec, got->cpu_quota_usec);
        assert_int_equal(want->pids_limit, got->pids_limit);
        assert_int_equal(want->stop_signal, got->stop_signal);
        assert_int_equal(want->stop_timeout_usec, got->stop_timeout_usec);
        assert_str_same(want->runtime, got->runtime);
        assert_int_equal(want->security.privileged, got->security.privileged);
        assert_int_equal(want->security.no_new_privileges, got->security.no_new_privileges);
        assert_strv_same(want->security.cap_add, got->security.cap_add);
        assert_strv_same(want->security.cap_drop, got->security.cap_drop);
        assert_strv_same(want->security.devices, got->security.devices);
        assert_strv_same(want->security.sysctls, got->security.sysctls);
        assert_strv_same(want->security.group_add, got->security.group_add);
        assert_str_same(want->security.seccomp_profile, got->security.seccomp_profile);
        assert_str_same(want->security.apparmor_profile, got->security.apparmor_profile);
}

/* Formats, parses back, compares; returns the text for checks of its own. */
static char *round_trip(const char *name, const ContainerSpec *s) {
        _cleanup_(container_file_done) ContainerFile f;
        char *text = format_ok(name, s);

        parse_ok(text, &f);
        assert_same(name, s, &f);
        assert_strv_same((char *[]){ "multi-user.target", NULL }, f.wanted_by);
        return text;
}

static void test_rootfs_awkward_values(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_free_ char *text = NULL;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/root fs/100%");
        push(&s.command, "/bin/sh");
        push(&s.command, "-c");
        push(&s.command, "echo \"hi there\" 'single' $HOME 100% \\back\\slash;\tdone");
        push(&s.command, "");
        push(&s.command, "\"");
        push(&s.command, "trailing\\");
        push(&s.command, "ünïcödé");
        push(&s.command, "\r"); /* the parser strips a CR at the end of a line: quoted */
        push(&s.env, "A=1");
        push(&s.env, "B=two words");
        push(&s.env, "C=100%");
        push(&s.env, "D=a=b=c");
        push(&s.env, "E=");
        push(&s.env, "Q=\"quoted\" and 'single'");
        push(&s.env, "S=back\\slash\\");
        push(&s.env, "T=%n%%H");
        push(&s.env, "CR=dos\r");
        push(&s.labels, "app=web");
        push(&s.labels, "note=a b % \\ \" ' =");
        push(&s.labels, "empty=");
        push(&s.labels, "\r");
        add_volume(&s, "/var/tmp/data dir", "/data", true);
        add_volume(&s, "/srv/100%", "/srv/a b", false);
        add_volume(&s, "/srv/s", "/s", true);
        s.volumes[2].propagation = PROPAGATION_RSHARED;
        add_volume(&s, "/srv/t", "/t", false);
        s.volumes[3].propagation = PROPAGATION_SLAVE;
        s.read_only = true;
        s.working_dir = strdup("/srv/my dir/%h");
        s.user = strdup("1000:1000");
        s.hostname = strdup("web-1.example");
        s.memory_max = 64 << 20;
        s.cpu_quota_usec = 1500000;
        s.pids_limit = 100;
        s.stop_signal = SIGINT;
        s.stop_timeout_usec = 3 * USEC_PER_SEC;
        s.runtime = strdup("crun");
        s.network = NETWORK_HOST;

        text = round_trip("web", &s);
        /* the shape users read and edit */
        assert_non_null(strstr(text, "\n[Container]\nContainerName=web\nRootfs=/srv/root fs/100%\n"));
        assert_non_null(strstr(text,
                               "\nExec=/bin/sh -c \"echo \\\"hi there\\\" 'single' $HOME 100% "
                               "\\\\back\\\\slash;\tdone\" \"\" \"\\\"\" \"trailing\\\\\" ünïcödé \"\r\"\n"));
        assert_non_null(strstr(text, "\nEnvironment=C=100%\n")); /* no %-specifiers in [Container] */
        assert_non_null(strstr(text, "\nEnvironment=\"B=two words\"\n"));
        assert_non_null(strstr(text, "\nEnvironment=E=\n"));
        assert_non_null(strstr(text, "\nVolume=/var/tmp/data dir:/data:ro\nVolume=/srv/100%:/srv/a b\n"
                                     "Volume=/srv/s:/s:ro,rshared\nVolume=/srv/t:/t:slave\n"));
        assert_non_null(strstr(text,
                               "\nReadOnly=yes\nMemory=64m\nCPUs=1.5\nPidsLimit=100\nStopSignal=SIGINT\n"
                               "StopTimeout=3\nRuntime=crun\nNetwork=host\n"));
        assert_non_null(strstr(text, "\n[Install]\nWantedBy=multi-user.target\n"));
        assert_null(strstr(text, "[Service]"));
        assert_null(strstr(text, "[Unit]"));
        assert_true(string_has_prefix(text, "# Container web as a conman.container(5) file"));
}

static void test_image_entrypoint_pinned(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_free_ char *text = NULL;

        container_spec_init(&s);
        s.image = strdup("docker.io/library/busybox:latest");
        s.image_id = strdup("0123456789abcdef");
        push(&s.command, "/docker-entrypoint.sh"); /* the image's Entrypoint, merged at create */
        push(&s.command, "nginx");
        push(&s.command, "-g");
        push(&s.command, "daemon off;");
        push(&s.env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        s.network = NETWORK_NONE;
        s.memory_max = (6 << 20) + 1; /* no unit divides it: bytes */
        s.cpu_quota_usec = 1234;      /* 0.001234 CPUs */
        s.stop_timeout_usec = 1500 * USEC_PER_MSEC;
        s.stop_signal = SIGRTMIN + 2; /* no name: a number */

        text = round_trip("img", &s);
        assert_non_null(strstr(text,
                               "\nImage=docker.io/library/busybox:latest\nEntrypoint=/docker-entrypoint.sh\n"
                               "Exec=nginx -g \"daemon off;\"\n"));
        assert_non_null(strstr(text, "\nMemory=6291457\nCPUs=0.001234\n"));
        assert_non_null(strstr(text, "\nStopTimeout=1500ms\nNetwork=none\n"));
        assert_null(strstr(text, "Rootfs="));
}

static void test_image_one_word_command(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_free_ char *text = NULL;

        container_spec_init(&s);
        s.image = strdup("registry.example:5000/app@sha256:0123");
        push(&s.command, "/app");
        s.stop_timeout_usec = 7; /* microseconds */
        s.network = NETWORK_HOST;
        text = round_trip("app.v2", &s);
        assert_non_null(strstr(text, "\nEntrypoint=/app\n"));
        assert_null(strstr(text, "Exec="));
        assert_non_null(strstr(text, "\nStopTimeout=7us\n"));
}

static void test_restart_policy(void **state) {
        static const struct {
                RestartPolicy policy;
                unsigned retries;
                const char *service_line;
                RestartPolicy back; /* what the parser makes of [Service] Restart= */
        } cases[] = {
                { RESTART_NO, 0, NULL, RESTART_NO },
                { RESTART_ON_FAILURE, 0, "Restart=on-failure", RESTART_ON_FAILURE },
                { RESTART_ON_FAILURE, 3, "Restart=on-failure", RESTART_ON_FAILURE },
                { RESTART_ALWAYS, 0, "Restart=always", RESTART_ALWAYS },
                /* systemd never restarts a unit that was stopped: unless-stopped is always */
                { RESTART_UNLESS_STOPPED, 0, "Restart=always", RESTART_ALWAYS },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(container_spec_done) ContainerSpec s;
                _cleanup_(container_file_done) ContainerFile f;
                _cleanup_free_ char *text = NULL;

                container_spec_init(&s);
                s.rootfs = strdup("/srv/rootfs");
                push(&s.command, "/bin/true");
                s.network = NETWORK_NONE;
                s.restart = cases[i].policy;
                s.restart_max_retries = cases[i].retries;
                s.cpu_weight = i == 2 ? 500 : 0;
                text = format_ok("r", &s);
                parse_ok(text, &f);
                assert_int_equal(f.spec.restart, cases[i].back);
                if (!cases[i].service_line) {
                        assert_null(f.service_lines);
                        continue;
                }
                assert_true(strv_contains(f.service_lines, cases[i].service_line));
                if (cases[i].retries == 0) {
                        assert_null(f.unit_lines);
                        continue;
                }
                /* on-failure:3 = at most 4 starts, ever (as unit.c sets it for a transient unit) */
                assert_strv_same((char *[]){ "StartLimitIntervalSec=infinity", "StartLimitBurst=4", NULL },
                                 f.unit_lines);
                assert_true(strv_contains(f.service_lines, "CPUWeight=500"));
        }
}

static void assert_refused(const ContainerSpec *s, const char *key) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        char *text = NULL;
        char want[64];

        assert_int_equal(container_file_format("x", s, &text, &error), -EINVAL);
        assert_null(text);
        assert_string_equal(error.name, "io.conman1.Error.InvalidArgument");
        snprintf(want, sizeof(want), "%s= cannot be written to a .container file", key);
        assert_true(string_has_prefix(error.message, want));
        sd_bus_error_free(&error);
}

static void test_refused(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        push(&s.command, "/bin/true");

        push(&s.env, "A=line\nbreak");
        assert_refused(&s, "Environment");
        strv_freep(&s.env);

        add_volume(&s, "/srv/a:b", "/data", false);
        assert_refused(&s, "Volume");
        free(s.volumes[0].source);
        s.volumes[0].source = strdup("/srv/ab ");
        free(s.volumes[0].destination);
        s.volumes[0].destination = strdup("/data ");
        assert_refused(&s, "Volume"); /* a blank at the end of the line would be stripped */

        container_spec_done(&s);
        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        push(&s.command, "/bin/true");
        s.working_dir = strdup("/srv/trailing ");
        assert_refused(&s, "WorkingDir");
        free(s.working_dir);
        s.working_dir = NULL;
        s.user = strdup("me\\"); /* would continue the line */
        assert_refused(&s, "User");
        free(s.user);
        s.user = NULL;
        s.hostname = strdup("\tweb");
        assert_refused(&s, "HostName");
        free(s.hostname);
        s.hostname = NULL;
        push(&s.command, "a\nb");
        assert_refused(&s, "Exec");

        /* the CRI server's settings have no key in a file */
        strv_freep(&s.command);
        push(&s.command, "/bin/true");
        s.log_path = strdup("/var/log/pods/x/0.log");
        assert_refused(&s, "LogPath");
        free(s.log_path);
        s.log_path = NULL;
        s.pid_mode = strdup("host");
        assert_refused(&s, "PidMode");
        free(s.pid_mode);
        s.pid_mode = NULL;
        /* nor have run's host flags */
        s.cgroup_parent = strdup("web.slice");
        assert_refused(&s, "CgroupParent");
        s.ipc_mode = strdup("host");
        assert_refused(&s, "IpcMode");
}

/* conmanctl run's default network is the bridge; ports are kept in their canonical spelling. */
static void test_bridge_network(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_free_ char *text = NULL, *text2 = NULL;

        container_spec_init(&s);
        assert_int_equal(s.network, NETWORK_BRIDGE);
        s.rootfs = strdup("/srv/rootfs");
        push(&s.command, "/bin/true");
        push(&s.ports, "8080:80/tcp");
        push(&s.ports, "127.0.0.1:53:53/udp");
        text = round_trip("b", &s);
        assert_non_null(strstr(text, "\nNetwork=bridge\nPublishPort=8080:80/tcp\n"
                                     "PublishPort=127.0.0.1:53:53/udp\n"));

        s.network_name = strdup("backend");
        text2 = round_trip("b", &s);
        assert_non_null(strstr(text2, "\nNetwork=backend\n"));
}

/* --expose, --add-host, --dns*, --ip and --mac-address come back as Quadlet's keys. */
static void test_network_option_keys(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_free_ char *text = NULL;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        push(&s.command, "/bin/true");
        push(&s.net.expose, "7000/tcp");
        push(&s.net.add_hosts, "db:10.0.0.1");
        push(&s.net.add_hosts, "gw:host-gateway");
        push(&s.net.dns_servers, "9.9.9.9");
        push(&s.net.dns_searches, "example.com");
        push(&s.net.dns_options, "ndots:2");
        s.net.ip = strdup("10.77.0.50");
        s.net.mac_address = strdup("02:42:ac:11:00:02");
        text = round_trip("n", &s);
        assert_non_null(strstr(text,
                               "\nExposeHostPort=7000/tcp\nAddHost=db:10.0.0.1\nAddHost=gw:host-gateway\n"
                               "DNS=9.9.9.9\nDNSSearch=example.com\nDNSOption=ndots:2\nIP=10.77.0.50\n"
                               "MAC=02:42:ac:11:00:02\n"));
}

/* The confinement options come back as Quadlet's keys. */
static void test_security_keys(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_free_ char *text = NULL;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        push(&s.command, "/bin/true");
        assert_int_equal(security_spec_add_capability(&s.security.cap_add, "net_raw"), 0);
        assert_int_equal(security_spec_add_capability(&s.security.cap_drop, "ALL"), 0);
        assert_int_equal(security_spec_add_device(&s.security, "/dev/fuse"), 0);
        assert_int_equal(security_spec_add_security_opt(&s.security, "seccomp=/etc/conman/p.json"), 0);
        assert_int_equal(security_spec_add_security_opt(&s.security, "no-new-privileges"), 0);
        assert_int_equal(security_spec_add_sysctl(&s.security, "net.core.somaxconn=1024"), 0);
        assert_int_equal(security_spec_add_group(&s.security, "wheel"), 0);
        s.security.privileged = true;
        text = round_trip("sec", &s);
        assert_non_null(strstr(
                text, "\nAddCapability=CAP_NET_RAW\nDropCapability=ALL\nAddDevice=/dev/fuse:/dev/fuse:rwm\n"
                      "SeccompProfile=/etc/conman/p.json\nSysctl=net.core.somaxconn=1024\n"
                      "GroupAdd=wheel\nNoNewPrivileges=yes\nPrivileged=yes\n"));
}

/* docker's run flags of issue 18: Quadlet's Annotation=, Ulimit=, ShmSize=, RunInit= round-trip; the resource
 * flags without a [Container] key become the [Service] settings unit.c makes of them. */
static void test_run_flags(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_(container_file_done) ContainerFile f;
        _cleanup_free_ char *text = NULL;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        push(&s.command, "/bin/true");
        push(&s.annotations, "io.example/owner=ops team");
        push(&s.ulimits, "nofile=1024:2048");
        push(&s.ulimits, "core=-1:-1");
        push(&s.device_rates[DEVICE_READ_BPS], "/dev/sda:1048576");
        s.shm_size = 128 * 1024 * 1024;
        s.init = true;
        s.memory_max = 256 * 1024 * 1024;
        s.memory_swap = 512 * 1024 * 1024;
        s.memory_low = 64 * 1024 * 1024;
        s.io_weight = 300;
        s.cpu_period_usec = 50000;
        s.cpuset_cpus = strdup("0-1");
        s.security.has_oom_score_adj = true;
        s.security.oom_score_adj = 200;
        text = round_trip("flags", &s);
        assert_non_null(strstr(text, "\nAnnotation=\"io.example/owner=ops team\"\nUlimit=nofile=1024:2048\n"
                                     "Ulimit=core=-1:-1\nShmSize=128m\nRunInit=yes\n"));
        assert_non_null(strstr(text,
                               "\n[Service]\nMemorySwapMax=268435456\nMemoryLow=67108864\nIOWeight=300\n"
                               "CPUQuotaPeriodSec=50000us\nAllowedCPUs=0-1\n"
                               "IOReadBandwidthMax=/dev/sda 1048576\nOOMScoreAdjust=200\n"));
        parse_ok(text, &f);
        assert_strv_same(s.annotations, f.spec.annotations);
        assert_strv_same(s.ulimits, f.spec.ulimits);
        assert_int_equal(f.spec.shm_size, s.shm_size);
        assert_true(f.spec.init);
}

/* Health checks: Quadlet's HealthCmd= & co. round-trip (shared/health.h). */
static void test_health_keys(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_(container_file_done) ContainerFile f;
        _cleanup_free_ char *text = NULL;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        push(&s.command, "/bin/true");
        push(&s.health.test, "CMD-SHELL");
        push(&s.health.test, "wget -q -O- http://localhost/ || exit 1");
        s.health.interval_usec = 90 * 1000000;
        s.health.timeout_usec = 500 * 1000;
        s.health.retries = 4;
        s.health.start_period_usec = 20 * 1000000;
        s.health.start_interval_usec = 2 * 1000000;
        s.health.on_failure = HEALTH_ON_FAILURE_RESTART;
        text = round_trip("hc", &s);
        assert_non_null(strstr(text,
                               "\nHealthCmd=wget -q -O- http://localhost/ || exit 1\nHealthInterval=90s\n"
                               "HealthTimeout=500ms\nHealthStartPeriod=20s\nHealthStartInterval=2s\n"
                               "HealthRetries=4\nHealthOnFailure=restart\n"));
        parse_ok(text, &f);
        assert_strv_same(s.health.test, f.spec.health.test);
        assert_true(f.spec.health.interval_usec == s.health.interval_usec);
        assert_true(f.spec.health.timeout_usec == s.health.timeout_usec);
        assert_int_equal(f.spec.health.retries, 4);
        assert_true(f.spec.health.start_period_usec == s.health.start_period_usec);
        assert_true(f.spec.health.start_interval_usec == s.health.start_interval_usec);
        assert_int_equal(f.spec.health.on_failure, HEALTH_ON_FAILURE_RESTART);
}

/* A terminal is written as Tty=yes (conmand holds it for a generated container too); --rm and -i have no key
 * and are named in a comment. */
static void test_tty_and_what_is_not_carried(void **state) {
        _cleanup_(container_spec_done) ContainerSpec s;
        _cleanup_free_ char *text = NULL;

        container_spec_init(&s);
        s.rootfs = strdup("/srv/rootfs");
        push(&s.command, "/bin/sh");
        s.tty = true;
        s.interactive = true;
        s.auto_remove = true;
        text = format_ok("t", &s);
        assert_non_null(strstr(text, "\nTty=yes\n"));
        assert_non_null(strstr(text, "\n# Not carried over: --rm and -i"));
}

/* ---- the parser alone, on inputs that took minutes or hung the generator ---- */

static int parse_text(const char *text, ContainerFile *f) {
        _cleanup_close_ int fd = memfd_create("big.container", MFD_CLOEXEC);
        char path[64];

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), strlen(text));
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        container_file_init(f);
        return container_file_load(f, path, NULL);
}

/* Volume=NAME:DEST, Mount= and Tmpfs= (docs/volumes.md): a named volume's source is its _data under the
 * state directory; generate unit writes the name back, and the tmpfs mounts. */
static void test_volumes_mounts_tmpfs(void **state) {
        _cleanup_(container_file_done) ContainerFile f, g;
        _cleanup_free_ char *text = NULL;

        parse_ok("[Container]\nRootfs=/r\nExec=/bin/true\nVolume=data:/data:ro\n"
                 "Mount=type=bind,source=/srv,target=/srv,readonly\n"
                 "Mount=type=volume,source=cache,target=/cache\n"
                 "Mount=type=tmpfs,target=/t,tmpfs-size=1m\nTmpfs=/run:exec\n",
                 &f);
        assert_int_equal(f.spec.n_volumes, 3);
        assert_string_equal(f.spec.volumes[0].volume_name, "data");
        assert_string_equal(f.spec.volumes[0].source, CONMAN_STATE_DIR "/volumes/data/_data");
        assert_true(f.spec.volumes[0].read_only);
        assert_null(f.spec.volumes[1].volume_name);
        assert_string_equal(f.spec.volumes[1].source, "/srv");
        assert_true(f.spec.volumes[1].read_only);
        assert_string_equal(f.spec.volumes[2].volume_name, "cache");
        assert_strv_same((char *[]){ "/t:size=1m", "/run:exec", NULL }, f.spec.tmpfs);

        text = format_ok("vols", &f.spec);
        assert_non_null(strstr(text, "\nVolume=data:/data:ro\nVolume=/srv:/srv:ro\nVolume=cache:/cache\n"));
        assert_non_null(strstr(text, "\nTmpfs=/t:size=1m\nTmpfs=/run:exec\n"));
        parse_ok(text, &g);
        assert_same("vols", &f.spec, &g);
        assert_strv_same(f.spec.tmpfs, g.spec.tmpfs);
}

/* Volume=/path and Mount=type=volume without source: anonymous volumes, as quadlet's; conman-prepare names
 * them at start. */
static void test_anonymous_volumes(void **state) {
        _cleanup_(container_file_done) ContainerFile f, g;
        _cleanup_free_ char *text = NULL;

        parse_ok("[Container]\nImage=busybox\nVolume=/data\nMount=type=volume,target=/cache,readonly\n", &f);
        assert_int_equal(f.spec.n_volumes, 2);
        for (size_t i = 0; i < 2; i++) {
                assert_true(f.spec.volumes[i].anonymous);
                assert_null(f.spec.volumes[i].volume_name);
                assert_null(f.spec.volumes[i].source);
        }
        assert_string_equal(f.spec.volumes[0].destination, "/data");
        assert_string_equal(f.spec.volumes[1].destination, "/cache");
        assert_true(f.spec.volumes[1].read_only);
        /* written back as the file said them (Volume= cannot say read-only: Mount= does), and read back the
         * same (the fuzzer's round trip found "Volume=:/data") */
        text = format_ok("anon", &f.spec);
        assert_non_null(strstr(text, "\nVolume=/data\nMount=type=volume,destination=/cache,readonly\n"));
        parse_ok(text, &g);
        assert_same("anon", &f.spec, &g);

        static const char *const bad[] = {
                "Volume=b@d:/x",
                "Volume=a:/x",
                "Volume=rel",
                "Mount=type=bogus,target=/x",
                "Mount=type=bind,source=rel,target=/x",
                "Tmpfs=rel",
                "Tmpfs=/t:bogus",
                "Mount=",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(container_file_done) ContainerFile h;
                _cleanup_free_ char *t = NULL;
                assert_true(asprintf(&t, "[Container]\nRootfs=/r\nExec=/bin/true\n%s\n", bad[i]) > 0);
                assert_true(parse_text(t, &h) < 0);
        }
}

/* head, then unit as often as fits in size bytes with tail after it. */
static char *repeat(const char *head, const char *unit, const char *tail, size_t size) {
        size_t n = (size - strlen(head) - strlen(tail)) / strlen(unit);
        char *s = malloc(size + 1), *p;

        assert_non_null(s);
        p = stpcpy(s, head);
        for (size_t i = 0; i < n; i++)
                p = stpcpy(p, unit);
        strcpy(p, tail);
        return s;
}

#define HEAD "[Container]\nRootfs=/srv/rootfs\nExec=/bin/true\n"
#define MiB  (1024 * 1024)

/* 256 KiB of continued lines took 41 s and a 1 MiB line of words 26 s (both quadratic); a list longer than
 * CONTAINER_ARGS_MAX now ends the file with an error, and a file larger than 1 MiB is refused. */
static void test_parser_big_inputs(void **state) {
        static const struct {
                const char *head, *unit, *tail;
                size_t size;
                int want;
                size_t want_labels;
        } cases[] = {
                { HEAD "[Unit]\nDescription=x \\\n", "a \\\n", "\n", 256 * 1024, 0, 0 },
                { HEAD "[Unit]\nDescription=x \\\n", "a \\\n", "\n", MiB, 0, 0 },
                { HEAD "Label=", "a=b ", "\n", MiB, -EINVAL, 0 },
                { HEAD, "Label=a=b\n", "", MiB, -EINVAL, CONTAINER_ARGS_MAX },
                { HEAD "[Unit]\n", "X=1\n", "", MiB, -EINVAL, 0 },
                { HEAD, "#\n", "#\n", MiB + 2, -EINVAL, 0 }, /* too large: not read at all */
        };
        uint64_t start = now_monotonic_usec();

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(container_file_done) ContainerFile f;
                _cleanup_free_ char *text = NULL;

                text = repeat(cases[i].head, cases[i].unit, cases[i].tail, cases[i].size);

                assert_int_equal(parse_text(text, &f), cases[i].want);
                assert_int_equal(strv_length(f.spec.labels), cases[i].want_labels);
                if (i < 2)
                        assert_true(strlen(f.unit_lines[0]) > cases[i].size / 2);
                if (cases[i].size > MiB)
                        assert_null(f.spec.rootfs);
        }
        assert_true(now_monotonic_usec() - start < 5 * USEC_PER_SEC);
}

/* At most CONTAINER_ARGS_MAX words in a list, over all its lines; an empty assignment starts again. */
static void test_parser_list_limit(void **state) {
        _cleanup_free_ char *exact = repeat(HEAD "Label=", "a=b ", "\n", strlen(HEAD "Label=\n") + 4 * 4096);
        _cleanup_free_ char *one_more =
                repeat(HEAD "Label=a=b\nLabel=", "a=b ", "\n", strlen(HEAD "Label=a=b\nLabel=\n") + 4 * 4096);
        _cleanup_free_ char *reset = NULL;
        ContainerFile f;

        assert_int_equal(parse_text(exact, &f), 0);
        assert_int_equal(strv_length(f.spec.labels), 4096);
        container_file_done(&f);
        assert_int_equal(parse_text(one_more, &f), -EINVAL);
        container_file_done(&f);
        assert_int_equal(asprintf(&reset, "%sLabel=\nLabel=x=y\n", exact), (int) strlen(exact) + 17);
        assert_int_equal(parse_text(reset, &f), 0);
        assert_int_equal(strv_length(f.spec.labels), 1);
        container_file_done(&f);
}

/* A FIFO (or a device) is refused at once: a blocking read would hang the generator at boot. */
static void test_parser_refuses_fifo(void **state) {
        _cleanup_(container_file_done) ContainerFile f;
        char dir[] = "/tmp/test-container-file-XXXXXX", path[64];

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/x.container", dir);
        assert_int_equal(mkfifo(path, 0600), 0);
        container_file_init(&f);
        assert_int_equal(container_file_load(&f, path, NULL), -EINVAL);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(rmdir(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_run_flags),
                cmocka_unit_test(test_health_keys),
                cmocka_unit_test(test_rootfs_awkward_values),
                cmocka_unit_test(test_image_entrypoint_pinned),
                cmocka_unit_test(test_image_one_word_command),
                cmocka_unit_test(test_restart_policy),
                cmocka_unit_test(test_refused),
                cmocka_unit_test(test_bridge_network),
                cmocka_unit_test(test_network_option_keys),
                cmocka_unit_test(test_security_keys),
                cmocka_unit_test(test_volumes_mounts_tmpfs),
                cmocka_unit_test(test_anonymous_volumes),
                cmocka_unit_test(test_tty_and_what_is_not_carried),
                cmocka_unit_test(test_parser_big_inputs),
                cmocka_unit_test(test_parser_list_limit),
                cmocka_unit_test(test_parser_refuses_fifo),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
