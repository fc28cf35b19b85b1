"""The driver of benchmarks/chaos.sh: warm local requests before and during a storm of offloaded
requests to a remote that never answers; prints the figures as a Markdown table."""
import argparse, http.client, json, os, socket, statistics, threading, time
from unix_http import UnixConnection



def classify(args, image, mode, timeout=600):
    """One request on its own connection: (status, milliseconds, retry-after, body)."""
    start = time.monotonic()
    connection = UnixConnection(args.socket, timeout)
    try:
        connection.request("POST", f"/v1/models/{args.model}/classify?top=1&offload={mode}", body=image,
                           headers={"Content-Type": "image/jpeg"})
        response = connection.getresponse()
        body = response.read()
        return response.status, (time.monotonic() - start) * 1000, response.getheader("Retry-After"), body
    except Exception as error:  # a dropped connection or a client timeout is an error too
        return f"error: {error}", (time.monotonic() - start) * 1000, None, b""
    finally:
        connection.close()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def threads(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    for name in ("--socket", "--model", "--image"):
        parser.add_argument(name, required=True)
    for name in ("--pid", "--offloads", "--timeout-ms", "--before"):
        parser.add_argument(name, type=int, required=True)
    args = parser.parse_args()
    image = open(args.image, "rb").read()

    for _ in range(5):  # warm the model here (and the client's own path)
        status, _, _, body = classify(args, image, "never")
        assert status == 200, (status, body[:300])
    threads_before = threads(args.pid)
    before = [classify(args, image, "never") for _ in range(args.before)]

    storm_done = threading.Event()
    offloaded = [None] * args.offloads
    peak = [threads_before]

    def sample_threads():
        while not storm_done.is_set():
            peak[0] = max(peak[0], threads(args.pid))
            time.sleep(0.05)

    def offload(i):
        offloaded[i] = classify(args, image, "always")

    sampler = threading.Thread(target=sample_threads)
    sampler.start()
    storm = [threading.Thread(target=offload, args=(i,)) for i in range(args.offloads)]
    storm_start = time.monotonic()
    for thread in storm:
        thread.start()
    during = []

    def local_client():
        while not storm_done.is_set():
            during.append(classify(args, image, "never"))

    local = threading.Thread(target=local_client)
    local.start()
    for thread in storm:
        thread.join()
    storm_ms = (time.monotonic() - storm_start) * 1000
    storm_done.set()
    local.join()
    sampler.join()

    def summary(results):
        ok = [ms for status, ms, _, _ in results if status == 200]
        return len(results), len(ok), statistics.median(ok) if ok else float("nan"), percentile(ok, 99), max(ok, default=float("nan"))

    def statuses(results):
        counts = {}
        for status, _, retry, body in results:
            key = str(status)
            if status == 503:
                key += " with Retry-After" if retry else " WITHOUT Retry-After"
            if status == 200:
                placement = json.loads(body).get("placement") or {}
                key += " remote" if placement.get("where") == "remote" else (" fallback here" if placement.get("fallback") else " here")
            counts[key] = counts.get(key, 0) + 1
        return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))

    b, d = summary(before), summary(during)
    latencies = [ms for _, ms, _, _ in offloaded]
    bound = args.timeout_ms * 1.1
    print(f"| measure | value |\n|---|---|")
    print(f"| warm local before: requests, p50, p99, max (ms) | {b[0]}, {b[2]:.1f}, {b[3]:.1f}, {b[4]:.1f} |")
    print(f"| warm local during: requests, p50, p99, max (ms) | {d[0]}, {d[2]:.1f}, {d[3]:.1f}, {d[4]:.1f} |")
    print(f"| warm local during / before: p50, p99 | {d[2] / b[2]:.2f}x, {d[3] / b[3]:.2f}x |")
    print(f"| warm local statuses during | {statuses(during)} |")
    print(f"| offloaded: requests, p50, max (ms); timeout_ms | {len(offloaded)}, {statistics.median(latencies):.0f}, {max(latencies):.0f}; {args.timeout_ms} |")
    print(f"| offloaded answered within timeout + 10 % ({bound:.0f} ms) | {sum(ms <= bound for ms in latencies)} of {len(latencies)} |")
    print(f"| offloaded statuses | {statuses(offloaded)} |")
    print(f"| daemon threads: before, peak during | {threads_before}, {peak[0]} |")
    print(f"| storm wall time (ms) | {storm_ms:.0f} |")
    connection = UnixConnection(args.socket, 30)
    connection.request("GET", "/v1/status")
    status = json.loads(connection.getresponse().read())
    connection.close()
    for pool in status.get("pools") or []:
        print(f"| pool {pool['name']}: threads, admitted, refused (queue full / deadline) | {pool['threads']}, "
              f"{pool['admitted']}, {pool['refused_queue_full']} / {pool['refused_deadline']} |")


if __name__ == "__main__":
    main()
