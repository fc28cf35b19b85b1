import InferdClient
import Testing

/// Parsing `--remote` / `--socket` texts into endpoints, and the errors for what is refused.
@Suite struct EndpointTests {
    @Test(arguments: [
        ("unix:/run/inferd/inferd.sock", Endpoint.unix(path: "/run/inferd/inferd.sock")),
        ("unix:///tmp/x.sock", .unix(path: "/tmp/x.sock")),
        ("/tmp/inferd.sock", .unix(path: "/tmp/inferd.sock")),
        ("./inferd.sock", .unix(path: "./inferd.sock")),
        ("http://127.0.0.1:43567", .tcp(host: "127.0.0.1", port: 43567)),
        ("http://127.0.0.1:43567/", .tcp(host: "127.0.0.1", port: 43567)),
        ("HTTP://Example.org:8080", .tcp(host: "Example.org", port: 8080)),
        ("http://gpu-box", .tcp(host: "gpu-box", port: 80)),
        ("http://[::1]:9000", .tcp(host: "::1", port: 9000)),
        ("http://[fe80::1%eth0]:9000/", .tcp(host: "fe80::1%eth0", port: 9000)),
        ("  http://10.0.0.2:8080  ", .tcp(host: "10.0.0.2", port: 8080)),
        // Without http://: a TCP address all the same (not a socket file called "127.0.0.1:8080").
        ("127.0.0.1:8080", .tcp(host: "127.0.0.1", port: 8080)),
        ("gpu-box:9000", .tcp(host: "gpu-box", port: 9000)),
        ("[::1]:9000", .tcp(host: "::1", port: 9000)),
        ("inferd.sock", .unix(path: "inferd.sock")),
        ("./odd:8080", .unix(path: "./odd:8080")),
    ])
    func parses(_ text: String, _ expected: Endpoint) throws {
        #expect(try Endpoint(parsing: text) == expected)
    }

    @Test func descriptionParsesBackToTheSameEndpoint() throws {
        for endpoint in [Endpoint.unix(path: "/tmp/a.sock"), .tcp(host: "127.0.0.1", port: 1), .tcp(host: "::1", port: 65535)] {
            #expect(try Endpoint(parsing: endpoint.description) == endpoint, "\(endpoint.description)")
        }
        #expect(Endpoint.tcp(host: "::1", port: 8080).description == "http://[::1]:8080")
        #expect(Endpoint.unix(path: "/tmp/a.sock").displayName == "/tmp/a.sock")
    }

    @Test(arguments: [
        ("https://10.0.0.2:8443", "TLS-terminating proxy"),
        ("http://10.0.0.2:8080/v2", "path \"/v2\""),
        ("http://10.0.0.2:8080/?x=1", "path"),
        ("ftp://10.0.0.2", "unsupported scheme"),
        ("http://:8080", "no host"),
        ("http://host:0", "1...65535"),
        ("http://host:99999", "1...65535"),
        ("http://host:http", "1...65535"),
        ("http://user:pw@host:80", "--token-file"),
        ("http://[::1:80", "unterminated"),
        ("", "empty"),
        ("unix:", "no socket path"),
    ])
    func refuses(_ text: String, _ messagePart: String) {
        #expect {
            try Endpoint(parsing: text)
        } throws: { error in
            guard let error = error as? Endpoint.ParseError else { return false }
            return error.message.contains(messagePart)
        }
    }
}
