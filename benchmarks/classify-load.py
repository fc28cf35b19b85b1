"""Classify throughput and latency under concurrency (issue #13's "classify throughput, 224 JPEG,
concurrency 2 / 4 / 32" row): C clients, each on its own kept-open connection to the daemon's Unix
socket, send the same JPEG to POST /v1/models/MODEL/classify back to back for SECONDS after a warm-up;
prints requests/s, p50, p99 and every status seen (503s must carry Retry-After).

    python3 benchmarks/classify-load.py --socket S --model efficientnet-lite0 --image samples/... \
        --concurrency 2,4,32 --seconds 10
"""
import argparse, http.client, socket, statistics, threading, time
from unix_http import UnixConnection



def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def run(args, image, clients):
    stop = time.monotonic() + args.seconds
    latencies, statuses, lock = [], {}, threading.Lock()

    def client():
        connection = UnixConnection(args.socket)
        target = f"/v1/models/{args.model}/classify?top=1&offload=never"
        while time.monotonic() < stop:
            start = time.monotonic()
            try:
                connection.request("POST", target, body=image, headers={"Content-Type": "image/jpeg"})
                response = connection.getresponse()
                response.read()
                key = str(response.status) + (" with Retry-After" if response.status == 503 and response.getheader("Retry-After") else "")
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                key = f"error: {error}"
                connection.close()
            elapsed = (time.monotonic() - start) * 1000
            with lock:
                statuses[key] = statuses.get(key, 0) + 1
                if key == "200":
                    latencies.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - begun
    return len(latencies) / wall, statistics.median(latencies), percentile(latencies, 99), statuses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--concurrency", default="1,2,4,32")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    image = open(args.image, "rb").read()
    args_warm = argparse.Namespace(**{**vars(args), "seconds": 2})
    run(args_warm, image, 2)
    print("| clients | classify/s | p50 ms | p99 ms | statuses |\n|---|---|---|---|---|")
    for clients in map(int, args.concurrency.split(",")):
        rate, p50, p99, statuses = run(args, image, clients)
        seen = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
        print(f"| {clients} | {rate:.0f} | {p50:.1f} | {p99:.1f} | {seen} |", flush=True)


if __name__ == "__main__":
    main()
