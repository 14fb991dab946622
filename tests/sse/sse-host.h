/* The host's SSE as the reference of the differential test (x86-64 hosts only). */
#ifndef TESTS_SSE_HOST_H
#define TESTS_SSE_HOST_H

#include "sse-harness.h"

void sse_host(const struct sse_case *c, struct sse_out *o);

#endif
