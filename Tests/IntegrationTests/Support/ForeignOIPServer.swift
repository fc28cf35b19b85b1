import Foundation
import InferdClient
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A stock Open Inference Protocol server from PyPI, serving efficientnet-lite0 through a small
/// OpenVINO-backed model of our own on a loopback port: the foreign remotes of the offload tests.
///
/// - ``Kind/kserve``: KServe's `ModelServer` (`kserve`, in `.deps/python-kserve`) with the
///   `kserve.Model` in `Support/kserve/efficientnet_kserve.py`. The deploy file names the input the
///   model takes (`fp32-nchw` or `uint8-nhwc`); ``redeploy(_:)`` rewrites it and asks KServe's own
///   repository endpoint to load the model again, so the same URL then describes a different input.
/// - ``Kind/mlserver``: Seldon's MLServer (`mlserver`, in `.deps/python-mlserver`) with the
///   `MLModel` in `Support/mlserver/efficientnet_mlserver.py` (FP32 NCHW, JSON tensors only).
///
/// ``stop()`` and ``start(_:port:deploy:)`` on the same port make the server go away and come back.
final class ForeignOIPServer: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Which server.
    enum Kind: String {
        case kserve, mlserver

        /// Where setup installs it: `INFERD_KSERVE_PYTHONPATH` / `INFERD_MLSERVER_PYTHONPATH`, else
        /// `.deps/python-kserve` / `.deps/python-mlserver`.
        var packagePath: String {
            ProcessInfo.processInfo.environment["INFERD_\(rawValue.uppercased())_PYTHONPATH"]
                ?? DaemonProcess.packageRoot + "/.deps/python-\(rawValue)"
        }

        /// True when setup installed it (its stamp is there); the tests skip otherwise.
        var isInstalled: Bool {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: packagePath)) ?? []
            return entries.contains { $0.hasPrefix(".installed-") } && FileManager.default.fileExists(atPath: packagePath + "/\(rawValue)/__init__.py")
        }

        /// The reason the tests give when they skip.
        var skipReason: Comment {
            "\(rawValue) is not installed in .deps/python-\(rawValue) (scripts/setup.sh could not install it on this machine)"
        }

        /// The test support folder with its model.
        var supportDirectory: String { DaemonProcess.packageRoot + "/Tests/IntegrationTests/Support/\(rawValue)" }
    }

    /// The input a KServe deployment takes.
    enum Deployment: String {
        /// `FP32 [1,3,224,224]`, normalised by the client.
        case fp32NCHW = "fp32-nchw"
        /// `UINT8 [1,224,224,3]`, normalised inside the model.
        case uint8NHWC = "uint8-nhwc"
    }

    let port: Int
    /// `http://127.0.0.1:PORT`.
    var url: String { "http://127.0.0.1:\(port)" }
    let directory: String
    private let process: Process
    private var deployFile: String { directory + "/deploy.txt" }
    private var logPath: String { directory + "/server.log" }

    /// What the server printed so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts `kind` on `port` (default: a free one) and waits until `/v2/health/ready` answers 200.
    static func start(_ kind: Kind, port: Int? = nil, deploy: Deployment = .fp32NCHW,
                      readyTimeout: Double = 240) async throws -> ForeignOIPServer {
        let server = try ForeignOIPServer(kind: kind, port: port ?? freeLoopbackPort(), deploy: deploy)
        do {
            try await server.waitUntilReady(timeout: readyTimeout)
        } catch {
            server.kill()
            throw error
        }
        return server
    }

    private init(kind: Kind, port: Int, deploy: Deployment) throws {
        self.port = port
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(kind.rawValue)-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        directory = folder
        process = Process()
        _ = FileManager.default.createFile(atPath: folder + "/server.log", contents: nil)
        let model = DaemonProcess.modelsDirectory + "/efficientnet-lite0"
        let arguments: [String]
        switch kind {
        case .kserve:
            try deploy.rawValue.write(toFile: folder + "/deploy.txt", atomically: true, encoding: .utf8)
            arguments = [kind.supportDirectory + "/efficientnet_kserve.py", "--model_dir", model,
                         "--deploy_file", folder + "/deploy.txt", "--http_port", String(port)]
        case .mlserver:
            let settings = #"{"host": "127.0.0.1", "http_port": \#(port), "grpc_port": \#(try Self.freeLoopbackPort()), "#
                + #""metrics_port": \#(try Self.freeLoopbackPort()), "parallel_workers": 0, "load_models_at_startup": true}"#
            let modelSettings = #"{"name": "efficientnet-lite0", "implementation": "efficientnet_mlserver.EfficientNet", "#
                + #""inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 224, 224]}], "#
                + #""outputs": [{"name": "logits", "datatype": "FP32", "shape": [1, 1000]}], "#
                + #""parameters": {"uri": "\#(model)/model.onnx"}}"#
            try FileManager.default.createDirectory(atPath: folder + "/efficientnet-lite0", withIntermediateDirectories: true)
            try settings.write(toFile: folder + "/settings.json", atomically: true, encoding: .utf8)
            try modelSettings.write(toFile: folder + "/efficientnet-lite0/model-settings.json", atomically: true, encoding: .utf8)
            arguments = ["-m", "mlserver.cli.main", "start", folder]
        }
        process.executableURL = URL(fileURLWithPath: Command.which("python3") ?? "/usr/bin/python3")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = [kind.packagePath, DaemonProcess.packageRoot + "/.deps/openvino", kind.supportDirectory].joined(separator: ":")
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: folder + "/server.log")
        process.standardError = FileHandle(forWritingAtPath: folder + "/server.log")
        try process.run()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A client of the server.
    func client() throws -> InferdClient {
        InferdClient(endpoint: try Endpoint(parsing: url), timeout: .seconds(60))
    }

    private func waitUntilReady(timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        let client = try client()
        while Date() < deadline {
            guard process.isRunning else { throw Failure(description: "the server exited before it was ready:\n\(log.suffix(3000))") }
            if let answer = try? await client.send("GET", "/v2/health/ready", acceptingAnyStatus: true), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "the server was not ready after \(timeout) s:\n\(log.suffix(3000))")
    }

    /// KServe: deploys the model anew with `deployment`'s input, through KServe's repository endpoint,
    /// while the server keeps running.
    func redeploy(_ deployment: Deployment) async throws {
        try deployment.rawValue.write(toFile: deployFile, atomically: true, encoding: .utf8)
        let answer = try await client().send("POST", "/v2/repository/models/efficientnet-lite0/load", acceptingAnyStatus: true)
        guard answer.status == 200 else { throw Failure(description: "redeploy: \(answer.status) \(answer.text)\n\(log.suffix(2000))") }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 20 s) and waits for it to exit.
    func stop() async throws {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        kill()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
    }

    /// Kills the server at once, if it still runs.
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick, released at once).
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
