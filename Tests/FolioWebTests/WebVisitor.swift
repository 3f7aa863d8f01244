import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// One browser at the pages: keeps the cookies the server sets and sends them back, and reads the form
/// tokens off the last page, as a browser would submit its forms.
final class WebVisitor: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// Sent as `Origin` on every POST, as a browser does; nil sends none (curl).
    var origin: String?

    init(_ client: any TestClientProtocol, origin: String? = nil) {
        self.client = client
        self.origin = origin
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
        var location: String? { headers[.location] }
        /// The value of the first hidden field `name` on the page.
        func field(_ name: String) -> String? {
            guard let range = body.range(of: "name=\"\(name)\" value=\"") else { return nil }
            let rest = body[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        /// The page's text without its tags, for checking what a person reads.
        var text: String { body.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression) }
    }

    func get(_ uri: String) async throws -> Page {
        try await send(uri, method: .get, headers: [:], body: nil)
    }

    func post(_ uri: String, form: [(String, String)]) async throws -> Page {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let origin { headers[.origin] = origin }
        return try await send(uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// A multipart form with one file, as a browser sends an upload.
    func upload(_ uri: String, fields: [(String, String)], file: (name: String, bytes: [UInt8])?) async throws -> Page {
        let boundary = "----folioTestBoundary7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if let origin { headers[.origin] = origin }
        return try await send(uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> Page {
        var headers = headers
        if !cookies.isEmpty {
            headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        for line in response.headers[values: .setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    /// Signs a student in through the sign-in form.
    @discardableResult
    func signIn(_ number: String, secret: String) async throws -> Page {
        let form = try await get("/signin")
        return try await post("/signin", form: [("signin", form.field("signin") ?? ""), ("number", number), ("secret", secret)])
    }
}
