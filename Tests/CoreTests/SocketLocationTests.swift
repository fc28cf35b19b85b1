import InferdWire
import Testing

/// The socket rule shared by inferd and its clients, rule by rule.
@Suite struct SocketLocationTests {
    let runtime = ["XDG_RUNTIME_DIR": "/run/user/1000"]

    @Test func explicitPathWins() {
        let location = SocketLocation.forClient(explicit: "/tmp/a.sock", environment: runtime.merging(["INFERD_SOCKET": "/tmp/b.sock"]) { $1 },
                                                fileExists: { _ in true }, userID: 1000)
        #expect(location == SocketLocation(path: "/tmp/a.sock", source: .explicit))
    }

    @Test func environmentComesNext() {
        let location = SocketLocation.forClient(explicit: nil, environment: runtime.merging(["INFERD_SOCKET": "/tmp/b.sock"]) { $1 },
                                                fileExists: { _ in true }, userID: 1000)
        #expect(location == SocketLocation(path: "/tmp/b.sock", source: .environment))
    }

    @Test func systemSocketIsUsedByClientsWhenItExists() {
        let location = SocketLocation.forClient(explicit: nil, environment: runtime,
                                                fileExists: { $0 == SocketLocation.systemPath }, userID: 1000)
        #expect(location == SocketLocation(path: "/run/inferd/inferd.sock", source: .system))
    }

    @Test func runtimeDirectoryWhenNoSystemSocket() {
        let location = SocketLocation.forClient(explicit: nil, environment: runtime, fileExists: { _ in false }, userID: 1000)
        #expect(location == SocketLocation(path: "/run/user/1000/inferd.sock", source: .runtimeDirectory))
        let slash = SocketLocation.forClient(explicit: nil, environment: ["XDG_RUNTIME_DIR": "/run/user/7/"], fileExists: { _ in false }, userID: 7)
        #expect(slash.path == "/run/user/7/inferd.sock")
    }

    @Test func temporaryFallbackCarriesTheUID() {
        let location = SocketLocation.forClient(explicit: nil, environment: [:], fileExists: { _ in false }, userID: 4242)
        #expect(location == SocketLocation(path: "/tmp/inferd-4242.sock", source: .temporary))
    }

    @Test func emptyValuesCountAsUnset() {
        let location = SocketLocation.forClient(explicit: "", environment: ["INFERD_SOCKET": "", "XDG_RUNTIME_DIR": ""],
                                                fileExists: { _ in false }, userID: 5)
        #expect(location.source == .temporary)
    }

    @Test func theDaemonDecidesTheSystemRuleItself() {
        let service = SocketLocation.resolve(explicit: nil, environment: runtime, useSystemPath: true, userID: 0)
        #expect(service.source == .system)
        let user = SocketLocation.resolve(explicit: nil, environment: runtime, useSystemPath: false, userID: 1000)
        #expect(user.source == .runtimeDirectory)
    }
}
