import Core
import Foundation
@testable import InferdServer
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// TCP listeners: address parsing, the admin token, and who may do what over the network.
@Suite struct NetworkAccessTests {
    let logger = Logger(label: "test.network")
    static let secret = "0123456789abcdef-secret"

    func networked(_ path: String, authorization: String? = nil) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        return HTTPRequest(method: .POST, uri: path, headers: headers, body: ByteBuffer(), clientAddress: "192.0.2.7:40000")
    }

    @Test func listenAddressesParse() throws {
        #expect(try ListenTarget.parse("tcp://127.0.0.1:8080") == .tcp(host: "127.0.0.1", port: 8080))
        #expect(try ListenTarget.parse("tcp://:8080") == .tcp(host: "127.0.0.1", port: 8080), "no host means loopback")
        #expect(try ListenTarget.parse("8080") == .tcp(host: "127.0.0.1", port: 8080))
        #expect(try ListenTarget.parse("tcp://[::1]:9000") == .tcp(host: "::1", port: 9000))
        #expect(try ListenTarget.parse("tcp://0.0.0.0:0/") == .tcp(host: "0.0.0.0", port: 0))
        #expect(try ListenTarget.parse("unix:/run/x.sock") == .unixPath("/run/x.sock"))
        #expect(ListenTarget.tcp(host: "::1", port: 9000).description == "tcp://[::1]:9000")
        #expect(ListenTarget.tcp(host: "127.0.0.2", port: 1).isLoopback && !ListenTarget.tcp(host: "0.0.0.0", port: 1).isLoopback)
        for bad in ["https://host:443", "tcp://host", "tcp://host:99999", "tcp://[::1]9000", "unix:relative", "localhost", ""] {
            #expect(throws: ListenError.self, "\(bad)") { try ListenTarget.parse(bad) }
        }
    }

    @Test func theTokenComparesWholeAndIsLongEnough() throws {
        let token = try AdminToken("  \(Self.secret)\n")
        #expect(token.accepts(authorization: "Bearer \(Self.secret)"))
        #expect(token.accepts(authorization: "bearer \(Self.secret)"))
        #expect(!token.accepts(authorization: nil))
        #expect(!token.accepts(authorization: "Bearer"))
        #expect(!token.accepts(authorization: "Basic \(Self.secret)"))
        #expect(!token.accepts(authorization: "Bearer \(Self.secret.dropLast())"), "a prefix")
        #expect(!token.accepts(authorization: "Bearer \(Self.secret)x"), "an extension")
        #expect(!token.accepts(authorization: "Bearer \(Self.secret.uppercased())"))
        #expect(throws: ConfigurationError.self) { try AdminToken("short") }
        #expect(AdminToken.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        // Lengths differing by 256 must not wrap around to "equal".
        #expect(!AdminToken.constantTimeEqual([UInt8](repeating: 0, count: 256), []))
    }

    @Test func overTCPAdminNeedsTheTokenAndOpenRoutesDoNot() throws {
        let withToken = AdminAccess(groupName: "inferd-admin-none", daemonUID: 0, token: try AdminToken(Self.secret), logger: logger)
        #expect(withToken.authorize(.open, networked("/v1/models/x/classify")) == nil)
        #expect(withToken.authorize(.admin, networked("/v1/trim", authorization: "Bearer \(Self.secret)")) == nil)
        let refused = try #require(withToken.authorize(.admin, networked("/v1/trim", authorization: "Bearer nope-nope-nope-nope")))
        #expect(refused.httpStatus == 403 && refused.message.contains("wrong"))
        #expect(withToken.authorize(.admin, networked("/v1/trim"))?.message.contains("none was sent") == true)

        let withoutToken = AdminAccess(groupName: "inferd-admin-none", daemonUID: 0, logger: logger)
        let off = try #require(withoutToken.authorize(.admin, networked("/v1/trim", authorization: "Bearer \(Self.secret)")))
        #expect(off.httpStatus == 403 && off.message.contains("admin_token_file"))
        // A Unix-socket request never looks at the header: root by SO_PEERCRED is admin.
        let unix = HTTPRequest(method: .POST, uri: "/v1/trim", headers: [:], body: ByteBuffer(), peer: PeerCredentials(pid: 1, uid: 0, gid: 0))
        #expect(withoutToken.authorize(.admin, unix) == nil)
    }

    @Test func listenersTokenAndRemotesComeFromEverySource() throws {
        let file = """
            [server]
            listen = ["tcp://:8080", "tcp://[::1]:8081"]
            admin_token_file = "/etc/inferd/admin.token"
            [offload]
            remotes = ["http://10.0.0.2:8080 models=alexnet,nin", "http://10.0.0.3:8000 protocol=oip token_file=/etc/t"]
            mode = "when-cold"
            timeout_ms = 2500
            """
        let configuration = try DaemonConfiguration.resolve(file: ("t.toml", file), environment: [:], flags: [:])
        #expect(configuration.listen == [.tcp(host: "127.0.0.1", port: 8080), .tcp(host: "::1", port: 8081)])
        #expect(configuration.adminTokenFile == "/etc/inferd/admin.token")
        #expect(configuration.offload.remotes.map(\.url) == ["http://10.0.0.2:8080", "http://10.0.0.3:8000"])
        #expect(configuration.offload.remotes[0].models == ["alexnet", "nin"] && configuration.offload.remotes[0].serves("nin"))
        #expect(!configuration.offload.remotes[0].serves("squeezenet") && configuration.offload.remotes[1].serves("squeezenet"))
        #expect(configuration.offload.remotes[1].wireProtocol == .oip && configuration.offload.remotes[1].tokenFile == "/etc/t")
        #expect(configuration.offload.effectiveMode == .whenCold && configuration.offload.timeoutMilliseconds == 2500)

        let environment = try DaemonConfiguration.resolve(file: nil, environment: [
            "INFERD_LISTEN": "tcp://:9000", "INFERD_OFFLOAD_REMOTES": "http://a:1 models=x,y;http://b:2",
        ], flags: [:])
        #expect(environment.listen == [.tcp(host: "127.0.0.1", port: 9000)])
        #expect(environment.offload.remotes.map(\.url) == ["http://a:1", "http://b:2"] && environment.offload.remotes[0].models == ["x", "y"])
        #expect(environment.offload.effectiveMode == .auto, "remotes without a mode: auto")
        #expect(DaemonConfiguration().offload.effectiveMode == .never)

        for bad in ["[offload]\nremotes = [\"https://x:1\"]", "[offload]\nremotes = [\"http://x:1 colour=red\"]",
                    "[offload]\nmode = \"sometimes\"", "[offload]\ntimeout_ms = 0", "[offload]\ntimeout_ms = 700000", "[server]\nlisten = [\"udp://x:1\"]", "[offload]\nremotes = [\"http://x:1 protocol=grpc\"]"] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try DaemonConfiguration.resolve(file: ("t.toml", bad), environment: [:], flags: [:])
            }
        }
    }
}
