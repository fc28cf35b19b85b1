#!/usr/bin/env python3
"""Independent references for `inferctl simulate`'s policies, for the cross-check test.

Reads a trace (CSV time,model), per-model sizes and GDSF costs (JSON), a budget and a keep-alive, and
prints the loads (misses) each reference counts, as JSON:
  lru_libcachesim, lru_cachetools    LRU by bytes (libCacheSim LRU, cachetools LRUCache)
  ttl_cachetools                     keep-alive refreshed on each request, LRU when full (TTLCache)
  belady_libcachesim                 Belady (farthest next use; equal sizes)
  gdsf_reference                     GreedyDual-Size-Frequency as in Cherkasova (1998), written here
Run with PYTHONPATH=.deps/python-policy (scripts/setup.sh installs libcachesim and cachetools there).
"""
import csv
import json
import sys

import cachetools
import libcachesim as lcs

INT64_MAX = 2**63 - 1


def read(trace_path):
    events = []
    with open(trace_path) as handle:
        for row in csv.reader(line for line in handle if not line.startswith("#")):
            if not row or row[0] == "time":
                continue
            events.append((float(row[0]), row[1]))
    return events


def lru_libcachesim(events, sizes, ids, budget):
    cache = lcs.LRU(cache_size=budget)
    misses = 0
    for index, (_, model) in enumerate(events):
        request = lcs.Request(obj_id=ids[model], obj_size=sizes[model], clock_time=index)
        misses += 0 if cache.get(request) else 1
    return misses


def lru_cachetools(events, sizes, budget):
    cache = cachetools.LRUCache(maxsize=budget, getsizeof=lambda model: sizes[model])
    misses = 0
    for _, model in events:
        if model in cache:
            cache[model]  # a hit refreshes recency
        else:
            misses += 1
            cache[model] = model
    return misses


def ttl_cachetools(events, sizes, budget, keep_alive):
    now = [0.0]
    cache = cachetools.TTLCache(maxsize=budget, ttl=keep_alive, timer=lambda: now[0], getsizeof=lambda model: sizes[model])
    misses = 0
    for time, model in events:
        now[0] = time
        if model not in cache:
            misses += 1
        cache[model] = model  # set (re)starts the keep-alive and refreshes recency
    return misses


def belady_libcachesim(events, sizes, ids, budget):
    following = [INT64_MAX] * len(events)
    seen = {}
    for index in range(len(events) - 1, -1, -1):
        model = events[index][1]
        following[index] = seen.get(model, INT64_MAX)
        seen[model] = index
    cache = lcs.Belady(cache_size=budget)
    misses = 0
    for index, (_, model) in enumerate(events):
        request = lcs.Request(obj_id=ids[model], obj_size=sizes[model], clock_time=index, next_access_vtime=following[index])
        misses += 0 if cache.get(request) else 1
    return misses


def gdsf_reference(events, sizes, costs, budget):
    """Cherkasova's GDSF: H = L + frequency x cost / size; on a miss evict lowest H (ties: least recently
    used) until the newcomer fits, L rising to each victim's H; frequency restarts after an eviction."""
    inflation = 0.0
    cached = {}  # model -> [H, last use, frequency]
    used = 0
    misses = 0
    for index, (_, model) in enumerate(events):
        value = costs[model] / (max(sizes[model], 1024) / 1048576)
        if model in cached:
            entry = cached[model]
            entry[2] += 1
            entry[0] = inflation + entry[2] * value
            entry[1] = index
            continue
        misses += 1
        while used + sizes[model] > budget and cached:
            victim = min(cached, key=lambda name: (cached[name][0], cached[name][1]))
            inflation = max(inflation, cached[victim][0])
            used -= sizes[victim]
            del cached[victim]
        if sizes[model] <= budget:
            cached[model] = [inflation + value, index, 1]
            used += sizes[model]
    return misses


def main():
    trace_path, sizes_path, budget, keep_alive = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    events = read(trace_path)
    spec = json.load(open(sizes_path))
    sizes, costs = spec["sizes"], spec["costs"]
    ids = {name: index + 1 for index, name in enumerate(sorted(sizes))}
    print(json.dumps({
        "lru_libcachesim": lru_libcachesim(events, sizes, ids, budget),
        "lru_cachetools": lru_cachetools(events, sizes, budget),
        "ttl_cachetools": ttl_cachetools(events, sizes, budget, keep_alive),
        "belady_libcachesim": belady_libcachesim(events, sizes, ids, budget),
        "gdsf_reference": gdsf_reference(events, sizes, costs, budget),
    }))


if __name__ == "__main__":
    main()
