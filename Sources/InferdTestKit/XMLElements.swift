import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Element names and attributes of a well-formed XML (XHTML, SVG) document: what the report tests
/// look for in generated charts and pages.
public final class XMLElements: NSObject, XMLParserDelegate {
    public private(set) var found: [(name: String, attributes: [String: String])] = []

    /// nil when `text` is not well-formed.
    public static func parse(_ text: String) -> XMLElements? {
        let collector = XMLElements()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    public func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                       qualifiedName: String?, attributes: [String: String] = [:]) {
        found.append((elementName, attributes))
    }

    /// The attributes of every element called `name`, in document order.
    public func named(_ name: String) -> [[String: String]] { found.filter { $0.name == name }.map(\.attributes) }
}
