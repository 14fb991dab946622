/* -netdev user: NAT to the host's network through libslirp (DHCP, DNS
 * forwarding, hostfwd). This build has no libslirp: a clear error. */
#include "netdev.h"

#include <stdio.h>

struct netdev *net_user_new(const char *spec, char *err, size_t errlen)
{
    (void)spec;
    snprintf(err, errlen, "-netdev user: this jit86 was built without libslirp");
    return NULL;
}
