import Core
import Foundation
import InferdRuntime
import Testing

@Suite struct PressureMonitorTests {
    @Test func psiTextParses() throws {
        let text = """
            some avg10=12.50 avg60=3.00 avg300=1.00 total=123456
            full avg10=0.75 avg60=0.10 avg300=0.00 total=789
            """
        let reading = try #require(PSIReading.parse(text))
        #expect(reading.someAverage10 == 12.5 && reading.fullAverage10 == 0.75)
        #expect(reading.someTotal == 123456 && reading.fullTotal == 789)
        #expect(PSIReading.parse("not psi") == nil)
    }

    @Test func averagesMapToLevelsWithTheTriggerThresholds() {
        let thresholds = PressureThresholds()   // some 140 ms / full 1400 ms in a 2 s window = 7 % / 70 %
        #expect(thresholds.someAverage10Percent == 7 && thresholds.fullAverage10Percent == 70)
        let calm = PSIReading(someAverage10: 1, fullAverage10: 0, someTotal: 0, fullTotal: 0)
        let some = PSIReading(someAverage10: 8, fullAverage10: 1, someTotal: 0, fullTotal: 0)
        let full = PSIReading(someAverage10: 90, fullAverage10: 75, someTotal: 0, fullTotal: 0)
        #expect(calm.level(thresholds) == .none)
        #expect(some.level(thresholds) == .moderate)
        #expect(full.level(thresholds) == .critical)
    }

    @Test func aRealTriggerIsArmedOnTheRealPSIFile() throws {
        let file = "/proc/pressure/memory"
        try #require(FileManager.default.isReadableFile(atPath: file), "this kernel has no PSI")
        // The default 2 s window is accepted with or without CAP_SYS_RESOURCE.
        let monitor = PressureMonitor(candidates: [file])
        let (mode, _) = monitor.start()
        defer { monitor.stop() }
        #expect(mode == .triggers(file: file))
    }

    @Test func aWindowTheKernelRefusesIsReportedAndPolled() throws {
        let file = "/proc/pressure/memory"
        try #require(FileManager.default.isReadableFile(atPath: file), "this kernel has no PSI")
        // A 1 s window needs CAP_SYS_RESOURCE: armed where the process has it, else refused with the
        // reason and polled instead. Either way the monitor runs.
        let monitor = PressureMonitor(thresholds: PressureThresholds(windowMicroseconds: 1_000_000,
                                                                     someStallMicroseconds: 70_000,
                                                                     fullStallMicroseconds: 700_000),
                                      candidates: [file])
        let (mode, _) = monitor.start()
        defer { monitor.stop() }
        switch mode {
        case .triggers(let armed):
            #expect(armed == file)
        case .polling(let polled, let reason):
            #expect(polled == file)
            #expect(reason.contains("rejected") && reason.contains("multiple of 2 s"), "\(reason)")
        case .unavailable(let reason):
            Issue.record("PSI file readable but monitor unavailable: \(reason)")
        }
    }

    @Test func noPSIFileIsReportedAsUnavailable() async {
        let monitor = PressureMonitor(candidates: ["/nonexistent/memory.pressure"])
        let (mode, events) = monitor.start()
        guard case .unavailable(let reason) = mode else {
            Issue.record("expected unavailable, got \(mode)")
            return
        }
        #expect(reason.contains("/nonexistent/memory.pressure"))
        var count = 0
        for await _ in events { count += 1 }
        #expect(count == 0)
    }

    @Test func theKernelWindowRangeIsValidated() {
        #expect(throws: ConfigurationError.self) { try PressureThresholds(windowMicroseconds: 100_000).validate() }
        #expect(throws: ConfigurationError.self) {
            try PressureThresholds(someStallMicroseconds: 3_000_000).validate()
        }
        #expect(throws: Never.self) { try PressureThresholds().validate() }
    }

    @Test func headroomIsTheLowerOfMemAvailableAndTheCgroupLimitLeft() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/proc/self", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/cgroup/system.slice/inferd.service", withIntermediateDirectories: true)
        func write(_ path: String, _ text: String) throws { try text.write(toFile: root + path, atomically: true, encoding: .utf8) }
        try write("/proc/meminfo", "MemTotal:       24000000 kB\nMemFree:  1000 kB\nMemAvailable:   20000000 kB\n")
        try write("/proc/self/cgroup", "0::/system.slice/inferd.service\n")
        try write("/cgroup/cgroup.controllers", "memory\n")
        let unit = "/cgroup/system.slice/inferd.service"
        try write(unit + "/memory.current", "\(2_500 << 20)\n")
        try write(unit + "/memory.max", "\(3 << 30)\n")
        try write(unit + "/memory.high", "max\n")
        // A 3 GiB limit with 2500 MiB used: 572 MiB left, well below what the machine has available.
        let left: Int64 = (3072 - 2500) << 20
        #expect(MemoryHeadroom.bytes(cgroupRoot: root + "/cgroup", procRoot: root + "/proc") == left)
        // Without a limit (max), the machine's MemAvailable.
        try write(unit + "/memory.max", "max\n")
        let available: Int64 = 20_000_000 * 1024
        #expect(MemoryHeadroom.bytes(cgroupRoot: root + "/cgroup", procRoot: root + "/proc") == available)
        // Over the limit already: none.
        try write(unit + "/memory.high", "\(2 << 30)\n")
        #expect(MemoryHeadroom.bytes(cgroupRoot: root + "/cgroup", procRoot: root + "/proc") == 0)
        #expect(MemoryHeadroom.bytes(cgroupRoot: root + "/none", procRoot: root + "/none") == nil)
    }

    @Test func cgroupPathsAreFoundForThisProcess() {
        let paths = CgroupPaths()
        // At least one hierarchy exists on any Linux with cgroups mounted.
        #expect(paths.unifiedDirectory != nil || paths.memoryV1Directory != nil)
        let limit = MemoryBudget.detectLimit()
        #expect(limit.bytes > 0 && !limit.source.isEmpty)
    }
}
