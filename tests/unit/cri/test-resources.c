/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-resources.c — cri/resources.c: CRI's resources as UpdateContainer's options (shares → weight,
 * quota/period → usec per second, pids.max), and memory.stat (cgroup v2 and v1) → kubelet's working set.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cri/resources.h"

static void test_shares_to_weight(void **state) {
        assert_int_equal(cri_cpu_shares_to_weight(0), 0);
        assert_int_equal(cri_cpu_shares_to_weight(-5), 0);
        assert_int_equal(cri_cpu_shares_to_weight(1), 1); /* below the minimum: as 2 */
        assert_int_equal(cri_cpu_shares_to_weight(2), 1);
        assert_int_equal(cri_cpu_shares_to_weight(1024), 39); /* runc: the default share is weight 39 */
        assert_int_equal(cri_cpu_shares_to_weight(512), 20);
        assert_int_equal(cri_cpu_shares_to_weight(262144), 10000);
        assert_int_equal(cri_cpu_shares_to_weight(1000000), 10000);
}

static void test_quota_per_second(void **state) {
        assert_int_equal(cri_cpu_quota_per_second(0, 100000), 0);
        assert_int_equal(cri_cpu_quota_per_second(-1, 100000), 0);
        assert_int_equal(cri_cpu_quota_per_second(50000, 100000), 500000); /* half a CPU */
        assert_int_equal(cri_cpu_quota_per_second(200000, 100000), 2000000);
        assert_int_equal(cri_cpu_quota_per_second(20000, 0), 200000); /* the kernel's period */
        assert_int_equal(cri_cpu_quota_per_second(1, 3), 333334);     /* rounded up */
        assert_true(cri_cpu_quota_per_second(INT64_MAX, 1000) > 0);   /* no overflow */
}

static void test_resources_from_linux(void **state) {
        Runtime__V1__LinuxContainerResources l = RUNTIME__V1__LINUX_CONTAINER_RESOURCES__INIT;
        Runtime__V1__LinuxContainerResources__UnifiedEntry e =
                RUNTIME__V1__LINUX_CONTAINER_RESOURCES__UNIFIED_ENTRY__INIT;
        Runtime__V1__LinuxContainerResources__UnifiedEntry *entries[] = { &e };
        CriResources r;

        assert_int_equal(cri_resources_from_linux(&l, &r), 0);
        assert_int_equal(r.memory + r.cpu_quota_usec + r.cpu_weight + r.pids_limit, 0);
        assert_null(r.cpuset_cpus);
        assert_null(r.cpuset_mems);

        l.memory_limit_in_bytes = 64 << 20;
        l.cpu_quota = 25000;
        l.cpu_period = 100000;
        l.cpu_shares = 1024;
        l.cpuset_cpus = (char *) "0-1";
        l.cpuset_mems = (char *) "0";
        l.n_unified = 1;
        l.unified = entries;
        e.key = (char *) "pids.max";
        e.value = (char *) "42";
        assert_int_equal(cri_resources_from_linux(&l, &r), 0);
        assert_int_equal(r.memory, 64 << 20);
        assert_int_equal(r.cpu_quota_usec, 250000);
        assert_int_equal(r.cpu_weight, 39);
        assert_int_equal(r.pids_limit, 42);
        assert_string_equal(r.cpuset_cpus, "0-1");
        assert_string_equal(r.cpuset_mems, "0");

        e.value = (char *) "max";
        assert_int_equal(cri_resources_from_linux(&l, &r), 0);
        assert_int_equal(r.pids_limit, 0);
        e.value = (char *) "lots";
        assert_int_equal(cri_resources_from_linux(&l, &r), -EINVAL);
        e.value = (char *) "0";
        assert_int_equal(cri_resources_from_linux(&l, &r), -EINVAL);
        e.value = (char *) "42";
        l.memory_limit_in_bytes = -1;
        assert_int_equal(cri_resources_from_linux(&l, &r), -EINVAL);
}

static void assert_memory_stat(const CgroupMemoryStat *got, const CgroupMemoryStat *want) {
        assert_int_equal(got->rss, want->rss);
        assert_int_equal(got->inactive_file, want->inactive_file);
        assert_int_equal(got->page_faults, want->page_faults);
        assert_int_equal(got->major_page_faults, want->major_page_faults);
}

static void test_memory_stat_v2(void **state) {
        static const char text[] = "anon 1052672\n"
                                   "file 4096000\n"
                                   "kernel_stack 16384\n"
                                   "active_file 96000\n"
                                   "inactive_file 4000000\n"
                                   "pgfault 1234\n"
                                   "pgmajfault 5\n";
        CgroupMemoryStat s;

        assert_int_equal(cgroup_memory_stat_parse(text, &s), 0);
        assert_memory_stat(&s, &(CgroupMemoryStat){ 1052672, 4000000, 1234, 5 });
        assert_int_equal(cgroup_working_set(5300000, &s), 1300000);
        assert_int_equal(cgroup_working_set(3000000, &s), 0); /* never below 0 */
}

static void test_memory_stat_v1(void **state) {
        /* v1: the cgroup's own figures first, the hierarchical total_* after; the totals win. */
        static const char text[] = "cache 8192\n"
                                   "rss 4096\n"
                                   "inactive_file 100\n"
                                   "pgfault 10\n"
                                   "pgmajfault 1\n"
                                   "hierarchical_memory_limit 9223372036854771712\n"
                                   "total_cache 81920\n"
                                   "total_rss 40960\n"
                                   "total_inactive_file 1000\n"
                                   "total_pgfault 100\n"
                                   "total_pgmajfault 2";
        CgroupMemoryStat s;

        assert_int_equal(cgroup_memory_stat_parse(text, &s), 0);
        assert_memory_stat(&s, &(CgroupMemoryStat){ 40960, 1000, 100, 2 });
}

static void test_memory_stat_partial(void **state) {
        CgroupMemoryStat s;

        assert_int_equal(cgroup_memory_stat_parse("", &s), 0);
        assert_true(s.rss == UINT64_MAX && s.inactive_file == UINT64_MAX);
        assert_int_equal(cgroup_working_set(777, &s), 777); /* unknown cache: the usage */
        assert_int_equal(cgroup_working_set(777, NULL), 777);
        assert_int_equal(cgroup_memory_stat_parse("weird\nanon 5\n\n", &s), 0);
        assert_int_equal(s.rss, 5);
        assert_int_equal(cgroup_memory_stat_parse("anon -5\n", &s), -EINVAL);
        assert_int_equal(cgroup_memory_stat_parse("anon 5x\n", &s), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shares_to_weight),     cmocka_unit_test(test_quota_per_second),
                cmocka_unit_test(test_resources_from_linux), cmocka_unit_test(test_memory_stat_v2),
                cmocka_unit_test(test_memory_stat_v1),       cmocka_unit_test(test_memory_stat_partial),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
