import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A network namespace of its own joined to this one by a veth pair: a "remote host" on this
/// machine, reached over a real kernel link that `tc` can shape. Needs root, `ip` and `tc`.
///
/// ```swift
/// let namespace = try NetworkNamespace.create()
/// defer { namespace.remove() }
/// let shaping = try namespace.shape(rateMbit: 20, delayMs: 20)
/// // run a daemon with launcher: namespace.exec, listening on namespace.innerAddress
/// ```
///
/// The names carry this process's id, so ``create()`` removes namespaces a killed test run left
/// behind without touching those of a run still going (another worktree's).
struct NetworkNamespace: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The namespace name, `inferd-test-<pid>-<hex>`.
    let name: String
    /// The veth end in this (the host's) namespace.
    let outerInterface: String
    /// The veth end inside the namespace.
    let innerInterface: String
    /// This side's address on the link (`10.213.X.Y`, a /30 of its own).
    let outerAddress: String
    /// The namespace's address on the link: what a daemon inside listens on.
    let innerAddress: String

    /// `ip netns exec NAME`: a launcher that runs a command inside.
    var exec: [String] { [Command.which("ip") ?? "/usr/sbin/ip", "netns", "exec", name] }

    static let prefix = "inferd-test-"
    /// tbf's bucket: this many bytes pass at once before the rate applies.
    static let burstBytes = 64 * 1024

    /// Why namespaces cannot be used here, nil when they can: not root, `ip` or `tc` missing, or
    /// creating one is refused (a container without CAP_SYS_ADMIN).
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "network namespaces need root" }
        guard Command.which("ip") != nil, Command.which("tc") != nil else { return "ip or tc (iproute2) is not installed" }
        let probe = "\(prefix)probe-\(getpid())"
        guard let added = try? Command.runBlocking(["ip", "netns", "add", probe], timeout: 30) else { return "ip netns add did not run" }
        defer { _ = try? Command.runBlocking(["ip", "netns", "del", probe], timeout: 30) }
        guard added.status == 0 else { return "ip netns add is refused here: \(added.stderr.trimmingCharacters(in: .whitespacesAndNewlines))" }
        return nil
    }()

    /// Creates the namespace and the veth pair, addresses both ends and brings them up.
    ///
    /// - Throws: ``Failure`` with the failing command's output (after removing what was made).
    static func create() throws -> NetworkNamespace {
        removeLeftovers()
        let tag = String(format: "%04x", UInt16.random(in: 0...UInt16.max))
        let block = Int.random(in: 0..<16384) * 4   // a /30 in 10.213.0.0/16
        let base = "10.213.\(block / 256)."
        let namespace = NetworkNamespace(name: "\(prefix)\(getpid())-\(tag)", outerInterface: "vinf\(tag)o", innerInterface: "vinf\(tag)i",
                                         outerAddress: base + "\(block % 256 + 1)", innerAddress: base + "\(block % 256 + 2)")
        do {
            try namespace.run(["ip", "netns", "add", namespace.name])
            try namespace.run(["ip", "link", "add", namespace.outerInterface, "type", "veth", "peer", "name", namespace.innerInterface])
            try namespace.run(["ip", "link", "set", namespace.innerInterface, "netns", namespace.name])
            try namespace.run(["ip", "addr", "add", namespace.outerAddress + "/30", "dev", namespace.outerInterface])
            try namespace.run(["ip", "link", "set", namespace.outerInterface, "up"])
            try namespace.run(namespace.exec + ["ip", "addr", "add", namespace.innerAddress + "/30", "dev", namespace.innerInterface])
            try namespace.run(namespace.exec + ["ip", "link", "set", namespace.innerInterface, "up"])
            try namespace.run(namespace.exec + ["ip", "link", "set", "lo", "up"])
        } catch {
            namespace.remove()
            throw error
        }
        return namespace
    }

    /// How ``shape(rateMbit:delayMs:)`` shaped the link.
    struct Shaping: Sendable {
        /// netem added the delay (and the rate); false: only tbf's rate, no delay.
        var delayed: Bool
        /// What netem said when it could not be used.
        var netemError: String?
    }

    /// Limits both directions to `rateMbit` and, where the kernel has netem, delays each by
    /// `delayMs`; without netem, tbf alone limits the rate.
    func shape(rateMbit: Double, delayMs: Double) throws -> Shaping {
        let rate = "\(Int(rateMbit * 1000))kbit"
        var shaping = Shaping(delayed: true)
        for (prefix, device) in [([String](), outerInterface), (exec, innerInterface)] {
            let qdisc = prefix + ["tc", "qdisc", "add", "dev", device, "root"]
            let netem = try Command.runBlocking(qdisc + ["netem", "delay", "\(Int(delayMs))ms", "rate", rate, "limit", "10000"], timeout: 30)
            if netem.status != 0 {
                shaping = Shaping(delayed: false, netemError: netem.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
                try run(qdisc + ["tbf", "rate", rate, "burst", "\(Self.burstBytes / 1024)kb", "limit", "1mb"])
            }
        }
        return shaping
    }

    /// Deletes the namespace (which deletes the veth pair with it); never throws, for `defer`.
    func remove() {
        _ = try? Command.runBlocking(["ip", "netns", "del", name], timeout: 30)
        _ = try? Command.runBlocking(["ip", "link", "del", outerInterface], timeout: 30)
    }

    /// Removes namespaces of this prefix whose test process is gone.
    private static func removeLeftovers() {
        guard let list = try? Command.runBlocking(["ip", "netns", "list"], timeout: 30) else { return }
        for line in list.stdout.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? "") else { continue }
            if Glibc.kill(pid, 0) != 0, errno == ESRCH {
                _ = try? Command.runBlocking(["ip", "netns", "del", name], timeout: 30)
            }
        }
    }

    private func run(_ arguments: [String]) throws {
        let result = try Command.runBlocking(arguments, timeout: 30)
        guard result.status == 0 else {
            throw Failure(description: "\(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
    }
}
