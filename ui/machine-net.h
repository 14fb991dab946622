/* The machine's network: -netdev backends, NICs from -nic and -device
 * ne2k_isa/ne2k_pci, and the main loop's view of their descriptors. */
#ifndef JIT86_UI_MACHINE_NET_H
#define JIT86_UI_MACHINE_NET_H

#include "netdev.h"
#include "options.h"

#define VM_NET_MAX (UI_MAX_LIST * 2)

struct vm_net {
    struct netdev *nd[VM_NET_MAX];
    int count;
    int nic_nd[PC_MAX_NIC]; /* index into nd of each card's backend; -1 none */
    struct net_hub hubs[4];
    int nhubs;
};

/* True for the -device names this file handles. */
bool vm_net_is_device(const char *spec);
/* Opens the backends and fills cfg->nic. One line in err on failure. */
bool vm_net_configure(struct vm_net *n, const struct ui_options *o, struct pc_config *cfg,
                      char *err, size_t errlen);
/* After pc_new: the cards become the backends' receivers. */
void vm_net_attach(struct vm_net *n, struct pc_machine *pc);
int vm_net_poll_fds(struct vm_net *n, struct pollfd *fds, int max);
void vm_net_poll(struct vm_net *n);
void vm_net_free(struct vm_net *n);
/* info network: the i-th card's line (empty when slot i has no card); false
 * past the last slot. */
bool vm_net_nic_info(const struct pc_machine *pc, int i, char *buf, size_t len);

#endif
