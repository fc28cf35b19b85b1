import ArgumentParser

/// How a benchmark cell reaches an answer: the four situations the paper's cold/warm study compares.
enum BenchMode: String, CaseIterable, Codable, ExpressibleByArgument {
    /// The model is unloaded through the API before each request, so every answer pays the load.
    case cold
    /// The model is loaded and warmed up first; every answer is steady state.
    case warm
    /// No daemon: every request is a fresh `inferctl classify --in-process` process (runtime start,
    /// model load, decode, compute, exit).
    case inProcess = "in-process"
    /// A fresh `inferd` per request: process start to the first classify answer.
    case daemonColdStart = "daemon-cold-start"
    /// The image goes to a remote server (`--cloud URL`: another inferd over TCP), warm there: the
    /// paper's cloud-based inference. Upload is the network: end to end minus the remote's own time.
    case cloud

    /// True when the mode talks to the daemon given by `--socket`.
    var usesRunningDaemon: Bool { self == .cold || self == .warm }
}

/// `--resize`: who downscales the image, or both side by side (the paper's rule needs both).
enum BenchResize: String, CaseIterable, ExpressibleByArgument {
    case client
    case server
    case both

    /// The resize modes to run.
    var modes: [ResizeMode] {
        switch self {
        case .client: [.client]
        case .server: [.server]
        case .both: [.client, .server]
        }
    }
}
