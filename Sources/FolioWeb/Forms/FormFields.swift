import FolioCore
import Foundation
import Hummingbird

/// A posted form's fields (`application/x-www-form-urlencoded`), read up to the context's size limit.
public struct FormFields: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    public static func read(_ request: Request, context: WebContext) async throws -> FormFields {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let text = String(buffer: buffer)
        guard let pairs = URLComponents(string: "?" + text.replacingOccurrences(of: "+", with: "%20"))?.queryItems else {
            return FormFields([:])
        }
        var values: [String: String] = [:]
        for pair in pairs where values[pair.name] == nil { values[pair.name] = pair.value ?? "" }
        return FormFields(values)
    }

    public subscript(_ name: String) -> String? { values[name] }

    /// The field with blanks at either end taken off, Unicode-normalised (NFC) as folio stores text; nil when empty.
    public func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value.precomposedStringWithCanonicalMapping
    }

    /// Whether the form carries this visit's form token: a form from another site cannot.
    public func carries(_ visit: Visit) -> Bool {
        guard let token = values["csrf"] else { return false }
        return VisitBook.same(token, visit.formToken)
    }
}
