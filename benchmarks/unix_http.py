"""HTTP/1.1 over a Unix socket for the benchmark scripts (http.client speaks TCP only)."""
import http.client, socket


class UnixConnection(http.client.HTTPConnection):
    """An `http.client.HTTPConnection` to the daemon's Unix socket at `path`."""

    def __init__(self, path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)
