import ArgumentParser
import Foundation

/// `--json`, on every command that prints data.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON with stable keys instead of text.")
    var json = false

    /// Prints `value` as one line of JSON with sorted keys.
    func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Prints a JSON body as the daemon sent it (one line, trailing whitespace trimmed).
    func printRawJSON(_ body: [UInt8]) {
        var text = String(decoding: body, as: UTF8.self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        print(text.isEmpty ? "{}" : text)
    }
}
