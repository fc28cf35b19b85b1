import Core
import InferdRuntime
import InferdWire

/// Builds the `/metrics` page: the series ``DaemonMetrics`` recorded, plus what the lifecycle actor
/// knows now (per-model state, bytes, cold starts, evictions; budget, pressure, in-flight requests),
/// read in one pass at scrape time. The metric names are listed in docs/METRICS.md.
public enum MetricsScrape {
    /// The exposition text for `service`.
    public static func render(_ service: InferenceService) async -> String {
        let lifecycle = await service.manager.status()
        let models = await service.manager.summaries()
        var out = PrometheusText()
        writeDaemon(&out, service, lifecycle)
        writeModels(&out, models, lifecycle)
        writeRecorded(&out, service.metrics)
        return out.text
    }

    private static func writeDaemon(_ out: inout PrometheusText, _ service: InferenceService, _ lifecycle: LifecycleStatus) {
        out.family("inferd_build_info", .gauge, "Version of inferd and of OpenVINO (always 1).",
                   samples: [([("version", InferenceService.version), ("openvino_version", Engine.version)], 1)])
        out.family("inferd_uptime_seconds", .gauge, "Seconds since the daemon started.",
                   samples: [([], service.state.uptimeSeconds)])
        out.family("inferd_ready", .gauge, "1 when the daemon accepts inference (preload done, not draining).",
                   samples: [([], lifecycle.ready ? 1 : 0)])
        out.family("inferd_memory_budget_bytes", .gauge, "Memory budget for warm models.",
                   samples: [([("source", lifecycle.budget.source)], Double(lifecycle.budget.bytes))])
        out.family("inferd_models_resident_bytes", .gauge, "Bytes charged to warm models and loads in progress.",
                   samples: [([], Double(lifecycle.usedBytes))])
        out.family("inferd_process_resident_bytes", .gauge, "Resident set size of the daemon process.",
                   samples: [([], Double(ProcessMemory.residentBytes()))])
        let level: Double = switch lifecycle.pressure {
        case .none: 0
        case .moderate: 1
        case .critical: 2
        }
        out.family("inferd_memory_pressure_level", .gauge, "Last memory pressure seen: 0 none, 1 moderate, 2 critical.",
                   samples: [([], level)])
        out.family("inferd_models_warm", .gauge, "Models loaded now.", samples: [([], Double(lifecycle.warmModels))])
        out.family("inferd_models", .gauge, "Models in the catalog.", samples: [([], Double(lifecycle.totalModels))])
        out.family("inferd_in_flight_requests", .gauge, "Requests holding a model now.", samples: [([], Double(lifecycle.inFlight))])
        let pools = service.pools
        out.family("inferd_queue_depth", .gauge, "Jobs waiting in the bounded pools now (compute, its offload lane, loader).",
                   samples: [([], Double(pools.reduce(0) { $0 + $1.queued }))])
        out.family("inferd_pool_threads", .gauge, "Jobs a worker pool (or lane) runs at once.",
                   samples: pools.map { ([("pool", $0.name)], Double($0.threads)) })
        out.family("inferd_pool_running", .gauge, "Jobs running on a worker pool now.",
                   samples: pools.map { ([("pool", $0.name)], Double($0.running)) })
        out.family("inferd_pool_queued", .gauge, "Jobs waiting for a worker of a pool now.",
                   samples: pools.map { ([("pool", $0.name)], Double($0.queued)) })
        out.family("inferd_pool_admitted_total", .counter, "Jobs a worker pool admitted.",
                   samples: pools.map { ([("pool", $0.name)], Double($0.admitted)) })
        out.family("inferd_pool_refused_total", .counter, "Jobs a worker pool refused (answered 503 with Retry-After), by reason.",
                   samples: pools.flatMap { [([("pool", $0.name), ("reason", "queue_full")], Double($0.refusedQueueFull)),
                                            ([("pool", $0.name), ("reason", "deadline")], Double($0.refusedDeadline))] })
        out.family("inferd_in_flight_bytes", .gauge, "Bytes of request bodies, decoded images and tensors held by requests in flight (the in-flight cap's count).",
                   samples: [([], Double(service.inFlight.heldBytes))])
        let counters = lifecycle.counters
        out.family("inferd_evictions_total", .counter, "Models evicted, by reason.",
                   samples: EvictionReason.allCases.map { ([("reason", $0.rawValue)], Double(counters.evictions[$0.rawValue] ?? 0)) })
        out.family("inferd_cold_starts_total", .counter, "Requests that paid a model load.", samples: [([], Double(counters.coldStarts))])
        out.family("inferd_loads_total", .counter, "Model loads completed (preload, requests, inferctl load).",
                   samples: [([], Double(counters.loads))])
        out.family("inferd_load_failures_total", .counter, "Model loads that failed.", samples: [([], Double(counters.loadFailures))])
    }

    private static func writeModels(_ out: inout PrometheusText, _ models: [ModelSummary], _ lifecycle: LifecycleStatus) {
        func each(_ value: (ModelSummary) -> Double) -> [([(String, String)], Double)] {
            models.map { ([("model", $0.name)], value($0)) }
        }
        out.family("inferd_model_resident_bytes", .gauge, "Measured bytes of a warm model (0 when not warm).",
                   samples: each { $0.state == .warm && !$0.bytesEstimated ? Double($0.bytes) : 0 })
        out.family("inferd_model_budget_bytes", .gauge, "Bytes a model is charged against the budget (measured, or the estimate when cold).",
                   samples: each { Double($0.bytes) })
        out.family("inferd_model_state", .gauge, "1 for the model's life-cycle state, 0 for the others.",
                   samples: models.flatMap { model in
                       [ModelSummary.State.cold, .loading, .warm, .evicting, .failed].map {
                           ([("model", model.name), ("state", $0.rawValue)], model.state == $0 ? 1 : 0)
                       }
                   })
        out.family("inferd_model_in_flight_requests", .gauge, "Requests holding the model now.", samples: each { Double($0.inFlight) })
        out.family("inferd_model_companion_bytes", .gauge,
                   "Bytes charged for the model's throughput companion (its second compiled form for overlapping requests), 0 when none.",
                   samples: each { Double($0.companionBytes ?? 0) })
        out.family("inferd_model_companion_builds_total", .counter, "Throughput companions built for the model.",
                   samples: each { Double($0.companionBuilds) })
        out.family("inferd_model_cold_starts_total", .counter, "Requests to the model that paid its load.", samples: each { Double($0.coldStarts) })
        out.family("inferd_model_loads_total", .counter, "Loads of the model.", samples: each { Double($0.loads) })
        out.family("inferd_model_evictions_total", .counter, "Evictions of the model.", samples: each { Double($0.evictions) })
        out.family("inferd_model_synthetic_weights", .gauge, "1 when the model's weights are random (a demo bundle).",
                   samples: each { $0.syntheticWeights ? 1 : 0 })
    }

    private static func writeRecorded(_ out: inout PrometheusText, _ metrics: DaemonMetrics) {
        let recorded = metrics.snapshot
        out.family("inferd_requests_total", .counter, "HTTP requests answered, by method, route, model, status and placement.")
        for (key, count) in recorded.requests.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.sample("inferd_requests_total", [("method", key.method), ("route", key.route), ("model", key.model),
                                                 ("status", String(key.status)), ("placement", key.placement)], Double(count))
        }
        for step in DaemonMetrics.Step.allCases {
            let name = step == .total ? "inferd_request_duration_seconds" : "inferd_request_\(step.rawValue)_seconds"
            let help = switch step {
            case .queue: "Time a request waited for a model load started by another request or for an infer slot."
            case .load: "Model load paid by a cold request."
            case .decode: "Decoding the encoded image."
            case .compute: "Inference including the in-model resize and normalisation."
            case .total: "Everything the server spent on an inference request run here."
            }
            out.family(name, .histogram, help)
            for model in recorded.steps.keys.sorted() {
                if let histogram = recorded.steps[model]?[step] { out.histogram(name, [("model", model)], histogram) }
            }
        }
        out.family("inferd_model_load_seconds", .histogram, "Duration of successful model loads (read, compile, warm-up).")
        for model in recorded.loads.keys.sorted() {
            out.histogram("inferd_model_load_seconds", [("model", model)], recorded.loads[model]!)
        }
        out.family("inferd_model_load_attempts_total", .counter, "Model loads started, by model and result (ok, failed).")
        for model in recorded.loadResults.keys.sorted() {
            for (result, count) in recorded.loadResults[model]!.sorted(by: { $0.key < $1.key }) {
                out.sample("inferd_model_load_attempts_total", [("model", model), ("result", result)], Double(count))
            }
        }
    }
}
