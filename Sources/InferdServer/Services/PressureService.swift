import Core
import Foundation
import InferdRuntime
import Logging
import ServiceLifecycle

/// Connects the kernel's memory-pressure signals to the lifecycle manager: the ``PressureMonitor``
/// (mechanism) reports levels, this service hands them to ``ModelManager/trim(_:)`` (policy) —
/// moderate evicts cached models down to the low watermark, critical everything but pinned and
/// in-flight models — and `.none` records that the pressure is over.
///
/// Logs at start how the monitor watches (PSI triggers on which file, or polling and the kernel's
/// reason for refusing triggers), and every trim that evicted something.
public struct PressureService: Service {
    let monitor: PressureMonitor
    let manager: ModelManager<LoadedModel>
    let logger: Logger
    /// Called after each level was acted on (for example to refresh systemd's `STATUS=`).
    let didChange: @Sendable () -> Void

    public init(monitor: PressureMonitor, manager: ModelManager<LoadedModel>, logger: Logger,
                didChange: @escaping @Sendable () -> Void = {}) {
        self.monitor = monitor
        self.manager = manager
        self.logger = logger
        self.didChange = didChange
    }

    /// Watches until graceful shutdown, then stops the monitor; never throws. Without PSI it logs
    /// why and idles until shutdown.
    public func run() async throws {
        let (mode, events) = monitor.start()
        let thresholds = monitor.thresholds
        let settings = "some \(thresholds.someStallMicroseconds / 1000) ms / full \(thresholds.fullStallMicroseconds / 1000) ms in \(thresholds.windowMicroseconds / 1000) ms"
        switch mode {
        case .triggers:
            logger.info("memory pressure: \(mode) (\(settings))", metadata: ["event": "pressure-monitor", "mode": "triggers"])
        case .polling:
            logger.notice("memory pressure: \(mode); thresholds \(String(format: "%.1f", thresholds.someAverage10Percent))% / \(String(format: "%.1f", thresholds.fullAverage10Percent))% avg10",
                          metadata: ["event": "pressure-monitor", "mode": "polling"])
        case .unavailable:
            logger.warning("memory pressure: \(mode); only the memory budget limits models",
                           metadata: ["event": "pressure-monitor", "mode": "unavailable"])
        }
        let monitor = self.monitor
        defer { monitor.stop() }
        await cancelWhenGracefulShutdown {
            var previous = PressureLevel.none
            for await level in events {
                await act(on: level, previous: previous)
                previous = level
            }
        }
    }

    /// One event: trim at moderate/critical (logging the victims), note `.none`.
    func act(on level: PressureLevel, previous: PressureLevel) async {
        guard level != .none else {
            await manager.notePressure(.none)
            if previous != .none { logger.info("memory pressure over", metadata: ["event": "pressure", "level": "none"]) }
            didChange()
            return
        }
        let evicted = await manager.trim(level)
        if !evicted.isEmpty || level != previous {
            logger.notice("memory pressure \(level.rawValue): evicted \(evicted.isEmpty ? "nothing" : evicted.joined(separator: ", "))",
                          metadata: ["event": "pressure", "level": "\(level.rawValue)", "evicted": "\(evicted.joined(separator: ","))"])
        }
        didChange()
    }
}
