import FolioCore
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// An upload form (`multipart/form-data`) read as it streams in: the file goes straight to a private
/// temporary folder, and the request is cut off as soon as the file passes `fileLimit` or any other field
/// passes `fieldLimit`, so neither memory nor disk holds more than the limits, whatever a client sends.
public struct UploadForm: Sendable {
    public enum Refusal: Error, Sendable {
        case notAForm
        case fileTooLarge(limit: Int)
        case fieldTooLarge
        case tooManyFiles
        case damaged
    }

    public var fields: [String: String]
    /// The file, saved under the name the browser gave (its last path part) in `folder`.
    public var file: (name: String, path: String, size: Int)?
    /// A private folder holding the file; the caller removes it.
    public let folder: String

    public static let fieldLimit = 8 * 1024

    public static func receive(_ request: Request, fileLimit: Int) async throws -> UploadForm {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.boundary(type) else { throw Refusal.notAForm }
        let folder = try Self.privateFolder()
        do {
            let reader = PartReader(folder: folder, fileLimit: fileLimit)
            let parser = MultipartParser(boundary: boundary)
            parser.onHeader = { name, value in reader.header(name, value) }
            parser.onBody = { buffer in reader.body(&buffer) }
            parser.onPartComplete = { reader.complete() }
            for try await chunk in request.body {
                do { try parser.execute(chunk) } catch { throw Refusal.damaged }
                if let refusal = reader.refusal { throw refusal }
            }
            reader.finish()
            if let refusal = reader.refusal { throw refusal }
            return UploadForm(fields: reader.fields, file: reader.file, folder: folder)
        } catch {
            Self.remove(folder)
            throw error
        }
    }

    /// Removes the temporary folder and what is in it.
    public func discard() { Self.remove(folder) }

    static func boundary(_ contentType: String) -> String? {
        for part in contentType.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.lowercased().hasPrefix("boundary=") {
                let value = pair.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }

    static func privateFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/folio-upload-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Refusal.damaged
        }
        return String(cString: made)
    }

    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The file name a browser sends: only its last part (some send a whole path), in NFC.
    static func fileName(_ sent: String) -> String {
        let last = sent.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        // Never a name that means a folder, or that the file system cannot hold: the library names what is wrong.
        if last == "." || last == ".." || last.contains("\0") || last.utf8.count > 255 { return "" }
        return last.precomposedStringWithCanonicalMapping
    }
}

/// The parser's callbacks, collecting fields and writing the one file. Used from one task only.
private final class PartReader: @unchecked Sendable {
    let folder: String
    let fileLimit: Int
    var fields: [String: String] = [:]
    var file: (name: String, path: String, size: Int)?
    var refusal: UploadForm.Refusal?

    private var name: String?
    private var fileName: String?
    private var bytes: [UInt8] = []
    private var handle: FileHandle?
    private var written = 0
    private var total = 0

    init(folder: String, fileLimit: Int) {
        self.folder = folder
        self.fileLimit = fileLimit
    }

    func header(_ header: String, _ value: String) {
        guard refusal == nil, header.lowercased() == "content-disposition" else { return }
        name = Self.parameter("name", in: value)
        if let sent = Self.parameter("filename", in: value) {
            fileName = UploadForm.fileName(sent)
        }
    }

    func body(_ buffer: inout ByteBuffer) {
        guard refusal == nil else { return }
        let chunk = buffer.readBytes(length: buffer.readableBytes) ?? []
        if let fileName {
            if handle == nil {
                guard file == nil, !fileName.isEmpty else {
                    refusal = file == nil ? nil : .tooManyFiles
                    return
                }
                let path = folder + "/" + fileName
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                      let opened = FileHandle(forWritingAtPath: path) else {
                    refusal = .damaged
                    return
                }
                handle = opened
            }
            written += chunk.count
            guard written <= fileLimit else {
                refusal = .fileTooLarge(limit: fileLimit)
                return
            }
            handle?.write(Data(chunk))
        } else {
            bytes += chunk
            total += chunk.count
            if bytes.count > UploadForm.fieldLimit || total > 16 * UploadForm.fieldLimit { refusal = .fieldTooLarge }
        }
    }

    func complete() {
        guard refusal == nil else { return }
        if let fileName {
            if let handle {
                try? handle.close()
                file = (fileName, folder + "/" + fileName, written)
            }
            self.handle = nil
        } else if let name, fields[name] == nil {
            fields[name] = String(decoding: bytes, as: UTF8.self)
        }
        name = nil
        fileName = nil
        bytes = []
        written = 0
    }

    func finish() {
        try? handle?.close()
        handle = nil
    }

    /// `name="value"` out of a Content-Disposition header (browsers escape a quote in the value as %22).
    static func parameter(_ key: String, in header: String) -> String? {
        let marker = key + "=\""
        var search = header[...]
        while let range = search.range(of: marker) {
            // Not the tail of a longer parameter (`filename=` contains `name=`).
            let before = range.lowerBound == header.startIndex ? nil : header[header.index(before: range.lowerBound)]
            if before == nil || before == " " || before == ";" {
                let rest = header[range.upperBound...]
                guard let end = rest.firstIndex(of: "\"") else { return nil }
                return String(rest[..<end]).replacingOccurrences(of: "%22", with: "\"")
            }
            search = header[range.upperBound...]
        }
        return nil
    }
}
