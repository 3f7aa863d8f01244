import FolioCore
import Foundation
import Hummingbird
import NIOCore

/// A stored file sent to the browser to show in place: its type from its checked kind (never from its
/// name), its name for saving, and a policy that lets it run no script even if it is a crafted PDF.
enum FileAnswer {
    static func mediaType(_ kind: String) -> String {
        switch FileKind(rawValue: kind) {
        case .pdf: "application/pdf"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .mp3: "audio/mpeg"
        case .mp4: "video/mp4"
        case nil: "application/octet-stream"
        }
    }

    static func inline(_ file: StoredFile, bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = mediaType(file.kind)
        // RFC 6266 with RFC 8187: a Chinese file name survives in every browser.
        let encoded = file.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        headers[.contentDisposition] = "inline; filename*=UTF-8''\(encoded)"
        // Pictures, sound and film are sent with a sandbox; a PDF cannot be (the browser's viewer refuses a
        // sandboxed document), so it gets a policy that loads nothing and is shown by the browser's own viewer,
        // whose handling of the file is the browser's, not the pages' origin's.
        headers[.contentSecurityPolicy] = file.kind == "pdf" ? "default-src 'none'; frame-ancestors 'self'"
            : "default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'self'; sandbox"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
