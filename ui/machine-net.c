/* -netdev, -nic and -device ne2k_* as QEMU spells them: backends by id, a
 * card per -nic (default model ne2k_pci, QEMU's MACs 52:54:00:12:34:56 and
 * up), ISA cards with iobase=/irq= (defaults 0x300 and 9). */
#include "machine-net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool starts_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    return !strncmp(s, w, n) && (s[n] == 0 || s[n] == ',');
}

bool vm_net_is_device(const char *spec)
{
    return starts_word(spec, "ne2k_isa") || starts_word(spec, "ne2k_pci");
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
        return false;
    for (int i = 0; i < 6; i++) {
        if (v[i] > 0xFF)
            return false;
        mac[i] = (uint8_t)v[i];
    }
    return !(mac[0] & 1); /* a card's own address is never multicast */
}

static int find_id(const struct vm_net *n, const char *id)
{
    for (int i = 0; i < n->count; i++)
        if (!strcmp(n->nd[i]->id, id))
            return i;
    return -1;
}

/* hubport,id=P[,hubid=N][,netdev=B]: hubs are numbered by the user. */
static struct netdev *open_hubport(struct vm_net *n, const char *spec, char *err, size_t errlen)
{
    char v[64] = "0";
    netdev_opt(spec, "hubid", v, sizeof(v));
    int id = atoi(v);
    struct net_hub *hub = NULL;
    for (int i = 0; i < n->nhubs && !hub; i++)
        if (n->hubs[i].id == id)
            hub = &n->hubs[i];
    if (!hub) {
        if (n->nhubs == (int)(sizeof(n->hubs) / sizeof(n->hubs[0]))) {
            snprintf(err, errlen, "-netdev hubport: too many hubs");
            return NULL;
        }
        hub = &n->hubs[n->nhubs++];
        hub->id = id;
    }
    struct netdev *backend = NULL;
    if (netdev_opt(spec, "netdev", v, sizeof(v))) {
        int b = find_id(n, v);
        if (b < 0) {
            snprintf(err, errlen, "-netdev hubport: no -netdev with id '%s'", v);
            return NULL;
        }
        backend = n->nd[b];
    }
    struct netdev *nd = net_hubport_new(hub, backend, err, errlen);
    if (nd && !netdev_opt(spec, "id", nd->id, sizeof(nd->id)))
        snprintf(nd->id, sizeof(nd->id), "hub%dport%d", id, hub->nports - 1);
    if (nd)
        snprintf(nd->kind, sizeof(nd->kind), "hubport");
    return nd;
}

static bool open_backend(struct vm_net *n, const char *spec, char *err, size_t errlen)
{
    if (n->count >= VM_NET_MAX) {
        snprintf(err, errlen, "-netdev: too many network backends");
        return false;
    }
    struct netdev *nd = starts_word(spec, "hubport") ? open_hubport(n, spec, err, errlen)
                                                     : netdev_new(spec, err, errlen);
    if (!nd)
        return false;
    if (find_id(n, nd->id) >= 0) {
        snprintf(err, errlen, "-netdev: duplicate id '%s'", nd->id);
        netdev_free(nd);
        return false;
    }
    n->nd[n->count++] = nd;
    return true;
}

/* The next free card slot with QEMU's default address for it. */
static struct pc_nic *new_card(struct vm_net *n, struct pc_config *cfg, const char *spec, int *slot,
                               char *err, size_t errlen)
{
    int i = 0;
    while (i < PC_MAX_NIC && cfg->nic[i].model != PC_NIC_NONE)
        i++;
    if (i == PC_MAX_NIC) {
        snprintf(err, errlen, "too many network cards (at most %d)", PC_MAX_NIC);
        return NULL;
    }
    struct pc_nic *c = &cfg->nic[i];
    static const uint8_t base_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    memcpy(c->mac, base_mac, 6);
    c->mac[5] = (uint8_t)(c->mac[5] + i);
    char v[64];
    if (netdev_opt(spec, "mac", v, sizeof(v)) && !parse_mac(v, c->mac)) {
        snprintf(err, errlen, "bad mac '%s' (expected 52:54:00:xx:xx:xx, not multicast)", v);
        return NULL;
    }
    c->iobase = 0x300;
    c->irq = 9;
    n->nic_nd[i] = -1;
    *slot = i;
    return c;
}

static bool set_model(struct pc_nic *c, const char *model, char *err, size_t errlen)
{
    if (!strcmp(model, "ne2k_pci"))
        c->model = PC_NIC_NE2K_PCI;
    else if (!strcmp(model, "ne2k_isa"))
        c->model = PC_NIC_NE2K_ISA;
    else {
        snprintf(err, errlen, "unknown NIC model '%s' (ne2k_pci, ne2k_isa)", model);
        return false;
    }
    return true;
}

static bool parse_isa_props(struct pc_nic *c, const char *spec, char *err, size_t errlen)
{
    char v[32];
    char *end;
    if (netdev_opt(spec, "iobase", v, sizeof(v))) {
        unsigned long b = strtoul(v, &end, 0);
        if (*end || b > 0xFFE0 || b % 0x20) {
            snprintf(err, errlen, "-device ne2k_isa: bad iobase '%s'", v);
            return false;
        }
        c->iobase = (uint16_t)b;
    }
    if (netdev_opt(spec, "irq", v, sizeof(v))) {
        unsigned long q = strtoul(v, &end, 0);
        if (*end || q > 15 || q == 2) {
            snprintf(err, errlen, "-device ne2k_isa: bad irq '%s'", v);
            return false;
        }
        c->irq = (uint8_t)q;
    }
    return true;
}

static bool add_device(struct vm_net *n, struct pc_config *cfg, const char *spec, char *err,
                       size_t errlen)
{
    int slot;
    struct pc_nic *c = new_card(n, cfg, spec, &slot, err, errlen);
    char model[16], id[64];
    snprintf(model, sizeof(model), "%.*s", (int)strcspn(spec, ","), spec);
    if (!c || !set_model(c, model, err, errlen) ||
        (c->model == PC_NIC_NE2K_ISA && !parse_isa_props(c, spec, err, errlen)))
        return false;
    if (netdev_opt(spec, "netdev", id, sizeof(id))) {
        n->nic_nd[slot] = find_id(n, id);
        if (n->nic_nd[slot] < 0) {
            snprintf(err, errlen, "-device %s: no -netdev with id '%s'", model, id);
            return false;
        }
    }
    return true;
}

/* -nic BACKEND[,model=M][,mac=A][,backend options]: a backend and its card. */
static bool add_nic(struct vm_net *n, struct pc_config *cfg, const char *spec, char *err,
                    size_t errlen)
{
    if (starts_word(spec, "none"))
        return true;
    int slot;
    struct pc_nic *c = new_card(n, cfg, spec, &slot, err, errlen);
    char model[32] = "ne2k_pci";
    netdev_opt(spec, "model", model, sizeof(model));
    if (!c || !set_model(c, model, err, errlen) || !open_backend(n, spec, err, errlen))
        return false;
    n->nic_nd[slot] = n->count - 1;
    return true;
}

bool vm_net_configure(struct vm_net *n, const struct ui_options *o, struct pc_config *cfg,
                      char *err, size_t errlen)
{
    for (int i = 0; i < PC_MAX_NIC; i++)
        n->nic_nd[i] = -1;
    for (int i = 0; i < o->netdev.count; i++)
        if (!open_backend(n, o->netdev.item[i], err, errlen))
            return false;
    for (int i = 0; i < o->nic.count; i++)
        if (!add_nic(n, cfg, o->nic.item[i], err, errlen))
            return false;
    for (int i = 0; i < o->device.count; i++)
        if (vm_net_is_device(o->device.item[i]) &&
            !add_device(n, cfg, o->device.item[i], err, errlen))
            return false;
    for (int i = 0; i < PC_MAX_NIC; i++)
        if (n->nic_nd[i] >= 0)
            cfg->nic[i].backend = netdev_backend(n->nd[n->nic_nd[i]]);
    return true;
}

void vm_net_attach(struct vm_net *n, struct pc_machine *pc)
{
    for (int i = 0; i < PC_MAX_NIC; i++)
        if (n->nic_nd[i] >= 0 && pc->nic[i])
            netdev_attach(n->nd[n->nic_nd[i]], ne2000_client(pc->nic[i]));
}

int vm_net_poll_fds(struct vm_net *n, struct pollfd *fds, int max)
{
    int k = 0;
    for (int i = 0; i < n->count && k < max; i++)
        k += netdev_poll_fds(n->nd[i], fds + k, max - k);
    return k;
}

void vm_net_poll(struct vm_net *n)
{
    for (int i = 0; i < n->count; i++)
        netdev_poll(n->nd[i]);
}

void vm_net_free(struct vm_net *n)
{
    for (int i = 0; i < n->count; i++)
        netdev_free(n->nd[i]);
    n->count = 0;
}

bool vm_net_nic_info(const struct pc_machine *pc, int i, char *buf, size_t len)
{
    if (i < 0 || i >= PC_MAX_NIC)
        return false;
    buf[0] = 0;
    if (pc->nic[i])
        ne2000_info(pc->nic[i], buf, len);
    return true;
}
