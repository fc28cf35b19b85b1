#!/usr/bin/env python3
"""A TCP proxy that behaves like a slow link (Wi-Fi between an edge device and a server).

    link_emulator.py --target HOST:PORT [--listen HOST:PORT] [--delay-ms 20] [--rate-mbit 20]

Every byte, in each direction, waits for the link to be free (one stream of `--rate-mbit` per
direction, shared by all connections through the proxy), then takes `--delay-ms` to arrive. The
proxy reads from a sender only while less than `--buffer-kb` is queued on the link, so a fast
sender is slowed down as by a real link's TCP window, not buffered without bound.

Prints `listening HOST:PORT` (the bound port when asked for port 0) as its first line. A line
`rate MBIT` on its standard input changes the rate of both directions from then on. Stops when
its standard input, a pipe, closes (so it never outlives the test that started it), on SIGTERM, or after
`--max-seconds`. Standard library only.
"""
import argparse
import asyncio
import os
import signal
import stat
import sys


class Link:
    """One direction of the link: when it is next free to send, in the loop's clock."""

    def __init__(self, rate_bytes_per_s, delay_s, buffer_bytes):
        self.delay = delay_s
        self.buffer_bytes = buffer_bytes
        self.free_at = 0.0
        self.set_rate(rate_bytes_per_s)

    def set_rate(self, rate_bytes_per_s):
        self.rate = rate_bytes_per_s
        self.buffer_s = self.buffer_bytes / rate_bytes_per_s


async def pump(reader, writer, link):
    """Copies reader to writer through `link`; half-closes writer at the end of the stream."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    delivery = asyncio.create_task(deliver())
    try:
        while True:
            backlog = link.free_at - loop.time()
            if backlog > link.buffer_s:
                await asyncio.sleep(backlog - link.buffer_s)
            data = await reader.read(16384)
            now = loop.time()
            if not data:
                queue.put_nowait((max(now, link.free_at) + link.delay, None))
                break
            link.free_at = max(now, link.free_at) + len(data) / link.rate
            queue.put_nowait((link.free_at + link.delay, data))
        await delivery
    finally:
        delivery.cancel()


async def serve(args):
    host, port = args.target.rsplit(":", 1)
    rate = args.rate_mbit * 1_000_000 / 8
    up = Link(rate, args.delay_ms / 1000, args.buffer_kb * 1024)
    down = Link(rate, args.delay_ms / 1000, args.buffer_kb * 1024)

    async def connection(client_reader, client_writer):
        # The TCP handshake crosses the link too: one round trip before the first byte.
        await asyncio.sleep(2 * args.delay_ms / 1000)
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(pump(client_reader, server_writer, up), pump(server_reader, client_writer, down))
        except (ConnectionError, OSError):
            pass
        finally:
            for writer in (client_writer, server_writer):
                writer.close()

    listen_host, listen_port = args.listen.rsplit(":", 1)
    server = await asyncio.start_server(connection, listen_host, int(listen_port))
    bound = server.sockets[0].getsockname()
    print(f"listening {bound[0]}:{bound[1]}", flush=True)

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    if stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode):
        pending = b""

        def command():
            nonlocal pending
            data = os.read(sys.stdin.fileno(), 4096)
            if not data:
                stop.set()
                return
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                words = line.decode().split()
                if len(words) == 2 and words[0] == "rate":
                    for link in (up, down):
                        link.set_rate(float(words[1]) * 1_000_000 / 8)
                    print(f"rate {words[1]}", flush=True)

        loop.add_reader(sys.stdin.fileno(), command)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.max_seconds)
    except asyncio.TimeoutError:
        pass
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="HOST:PORT to forward to")
    parser.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT to listen on (default 127.0.0.1:0)")
    parser.add_argument("--delay-ms", type=float, default=20, help="one-way delay, ms (default 20)")
    parser.add_argument("--rate-mbit", type=float, default=20, help="bandwidth per direction, Mbit/s (default 20)")
    parser.add_argument("--buffer-kb", type=float, default=64, help="bytes queued on the link before reads pause (default 64)")
    parser.add_argument("--max-seconds", type=float, default=1800, help="stop after this long (default 1800)")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
