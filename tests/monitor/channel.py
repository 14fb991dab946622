"""Host side of the host-guest channel (docs/monitor.md): frames are
'J' '8', a 16-bit little-endian payload length (at most 1024), the payload and
a checksum byte that makes the length bytes, payload and checksum sum to 0."""
import struct

MAGIC = b"J8"
MAX_PAYLOAD = 1024


def encode(payload):
    if len(payload) > MAX_PAYLOAD:
        raise ValueError("payload too long")
    head = struct.pack("<H", len(payload))
    total = sum(head) + sum(payload)
    return MAGIC + head + payload + bytes([(-total) & 0xFF])


class FrameReader:
    """Reassembles frames from a byte stream (socket reads of any size)."""

    def __init__(self, recv):
        self.recv = recv
        self.buf = b""

    def _need(self, n):
        while len(self.buf) < n:
            data = self.recv(4096)
            if not data:
                raise EOFError("channel closed")
            self.buf += data

    def read(self):
        """The next frame's payload; raises ValueError on a bad checksum."""
        while True:
            self._need(2)
            if self.buf[:2] == MAGIC:
                break
            self.buf = self.buf[1:]
        self._need(4)
        (length,) = struct.unpack("<H", self.buf[2:4])
        if length > MAX_PAYLOAD:
            self.buf = self.buf[1:]
            return self.read()
        self._need(5 + length)
        frame, self.buf = self.buf[:5 + length], self.buf[5 + length:]
        if (sum(frame[2:])) & 0xFF:
            raise ValueError("bad checksum")
        return frame[4:4 + length]
