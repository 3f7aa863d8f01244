import FolioCore
import Foundation
import Hummingbird
import Mustache

/// Renders the pages: mustache templates built into the binary (`EmbeddedWebFiles`), every sentence from
/// the message catalogs, every value escaped by the template engine (`{{value}}`; no template uses the
/// unescaped `{{{…}}}` form for anything a person typed).
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// Minutes a visit lives without a request: the page signs itself out after them too.
    let idleMinutes: Int

    public init(idleMinutes: Int) throws {
        self.idleMinutes = idleMinutes
        var library = MustacheLibrary()
        for (name, text) in EmbeddedWebFiles.templates {
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// The page texts of the current language, by the key after `web.` with dots as underscores: the
    /// templates say `{{t.kiosk_signIn}}` for `web.kiosk.signIn`.
    static func texts(_ language: Language) -> [String: String] {
        var texts: [String: String] = [:]
        for key in MessageCatalog.keys(language) where key.hasPrefix("web.") {
            texts[String(key.dropFirst(4)).replacingOccurrences(of: ".", with: "_")] = MessageCatalog.text(key, language)
        }
        return texts
    }
    private static let zhTexts = texts(.zhTW)
    private static let enTexts = texts(.en)

    /// A part of a page: `template` with `values` and the page texts, escaped by the template engine.
    public func fragment(_ template: String, values: [String: Any]) -> String {
        var context = values
        context["t"] = Messages.language == .en ? Self.enTexts : Self.zhTexts
        return library.render(context, withTemplate: template) ?? ""
    }

    /// A page whose body was rendered before (by `fragment`, so escaped), in the frame of this visit.
    public func page(body: String, title: String, visit: Visit?, notice: String? = nil) -> Response {
        page("frame", title: title, visit: visit, notice: notice, values: ["bodyHTML": body])
    }

    /// The page `template` with `values`, inside the frame every page shares.
    public func page(_ template: String, title: String, visit: Visit?, notice: String? = nil, error: FolioError? = nil,
                     values: [String: Any] = [:], status: HTTPResponse.Status = .ok) -> Response {
        var context = values
        context["t"] = Messages.language == .en ? Self.enTexts : Self.zhTexts
        context["lang"] = Messages.language == .en ? "en" : "zh-Hant-TW"
        context["title"] = title
        context["idleMinutes"] = idleMinutes
        if let visit {
            context["csrf"] = visit.formToken
            context["staff"] = visit.staffID != nil
            context["office"] = visit.clerk
            switch visit.who {
            case .student(let number, let name): context["who"] = "\(number) \(name)"
            case .staff(let id, let name): context["who"] = "\(name)（\(id)）"
            }
        }
        if let notice { context["notice"] = notice }
        if let error { context["error"] = ["what": error.what.text(), "next": error.next.text()] }
        let html = library.render(context, withTemplate: template) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page that says a request was refused and what to do, with nothing changed.
    public func refusal(_ what: Message, next: Message? = nil, status: HTTPResponse.Status, visit: Visit?) -> Response {
        page("refused", title: Message("web.refused.title").text(), visit: visit,
             values: ["what": what.text(), "next": (next ?? Message("web.refused.next")).text()], status: status)
    }

    /// A refusal the library gave (a rule broken, a wrong secret): its own words, and what to do next.
    public func refusal(_ error: FolioError, status: HTTPResponse.Status = .badRequest, visit: Visit?) -> Response {
        refusal(error.what, next: error.next, status: status, visit: visit)
    }
}

/// A template's values made on the workspace's queue and read on the server's: plain strings, numbers,
/// booleans and lists of them, made once and never changed after.
struct PageValues: @unchecked Sendable {
    let values: [String: Any]
    init(_ values: [String: Any]) { self.values = values }
}
