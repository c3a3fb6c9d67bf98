/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * generator-pod.h — what conman-generator writes for one parsed .pod file (docs/generator.md):
 * conman-pod-<escaped name>.slice (the pod's limits), conman-pod@<name>.service (the unit that pins
 * the pod's namespaces, `conman-podns pin --spec`) and the pod's pod.json, which that unit hands to
 * conman-podns (<output dir>/conman/pods/<name>.json).
 */
#pragma once

#include "shared/pod-file.h"

#define GENERATOR_POD_SPEC_SUBDIR "conman/pods"

typedef struct GeneratedPod {
        char *slice_name; /* conman-pod-<escaped name>.slice */
        char *slice_text;
        char *pin_name; /* conman-pod@<name>.service */
        char *pin_text;
        char *spec_name; /* <name>.json, below GENERATOR_POD_SPEC_SUBDIR */
        char *spec_text;
} GeneratedPod;

void generated_pod_done(GeneratedPod *g);

/* Builds the three texts for f (f->spec.id set: generated_pod_id()). member_units: the units of the
 * .container files with Pod=<f's file>, which the pin unit wants (a boot-time pod starts its members). */
int generated_pod_build(const PodFile *f, const char *output_dir, char *const *member_units,
                        GeneratedPod *ret);
