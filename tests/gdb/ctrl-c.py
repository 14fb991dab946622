#!/usr/bin/env python3
"""Ctrl-C through the gdb remote protocol (GDB manual, "Interrupts"): sets the
test guest's spin flag, continues, sends 0x03 and expects a SIGINT stop
(T02) with EIP inside spin_loop, then kills the VM.

usage: ctrl-c.py PORT SPIN_ADDR SPIN_LOOP_ADDR"""
import socket
import sys
import time


def packet(data):
    return b"$%s#%02x" % (data, sum(data) & 0xFF)


def reply(sock):
    buf = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            raise SystemExit("FAIL: connection closed")
        buf += chunk
        start = buf.find(b"$")
        end = buf.find(b"#", start)
        if start >= 0 and end >= 0 and len(buf) >= end + 3:
            sock.sendall(b"+")
            return buf[start + 1:end]


def command(sock, data):
    sock.sendall(packet(data))
    return reply(sock)


def main():
    port, spin, loop = int(sys.argv[1]), int(sys.argv[2], 16), int(sys.argv[3], 16)
    for _ in range(50):
        try:
            sock = socket.create_connection(("127.0.0.1", port))
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise SystemExit("FAIL: cannot connect to the stub")
    stop = command(sock, b"?")
    print("initial stop:", stop.decode())
    assert command(sock, b"M%x,4:01000000" % spin) == b"OK"
    sock.sendall(packet(b"c"))
    time.sleep(0.5)
    sock.sendall(b"\x03")
    stop = reply(sock)
    print("after Ctrl-C:", stop.decode())
    if not stop.startswith(b"T02"):
        raise SystemExit("FAIL: expected a T02 stop")
    eip = int.from_bytes(bytes.fromhex(command(sock, b"p8").decode()), "little")
    print("eip in spin_loop:", loop <= eip < loop + 3)
    if not loop <= eip < loop + 3:
        raise SystemExit("FAIL: eip %#x outside spin_loop" % eip)
    sock.sendall(packet(b"k"))
    sock.close()
    print("PASS")


main()
