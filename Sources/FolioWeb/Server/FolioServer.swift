import FolioCore
import FolioWorkspace
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `folio serve`: the pages over one workspace.
public struct ServeOptions: Sendable {
    public enum Mode: Sendable {
        /// A classroom kiosk: students sign in with their number and secret; no staff page exists.
        case kiosk
        /// Staff desks: teachers and clerks sign in by unlocking one of these key files (by person) with its
        /// passphrase; teachers get the review desk.
        case staff(keys: [String: String])

        var isKiosk: Bool { if case .kiosk = self { true } else { false } }
    }

    public var workspace: String?
    public var mode: Mode
    public var host: String
    public var port: Int
    /// Minutes a visit lives without a request.
    public var idleMinutes: Int
    /// The first wait after repeated failed sign-ins (doubling after); a test on a busy machine sets a long one,
    /// so that the wait cannot run out between two of its requests.
    public var signInWait: TimeInterval = 2
    /// Now: the system clock, or `FOLIO_NOW` in a demo school, as the CLI has it; tests set their own.
    public var clock: @Sendable () throws(FolioError) -> Instant = { () throws(FolioError) in try DemoSchool.now() }

    public init(workspace: String?, mode: Mode, host: String = "127.0.0.1", port: Int = 8080, idleMinutes: Int? = nil) {
        self.workspace = workspace
        self.mode = mode
        self.host = host
        self.port = port
        self.idleMinutes = idleMinutes ?? (mode.isKiosk ? 5 : 30)
    }

    /// Whether the address is this machine only (loopback): anything else is reachable from the network.
    public var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host == "localhost" }
}

public enum FolioServer {
    /// The router of every page for `options`, over `gate`: what `serve` runs and what the tests call.
    public static func router(_ options: ServeOptions, gate: WorkspaceGate) throws -> Router<WebContext> {
        let renderer = try PageRenderer(idleMinutes: options.idleMinutes)
        let desk = Desk(gate: gate, visits: VisitBook(idleLimit: TimeInterval(options.idleMinutes * 60)),
                        throttle: SignInThrottle(firstWait: options.signInWait), renderer: renderer, clock: options.clock)
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityMiddleware(renderer: renderer))
        router.add(middleware: VisitMiddleware(visits: desk.visits))
        Assets.add(to: router)
        switch options.mode {
        case .kiosk:
            StudentSignIn(desk: desk).add(to: router)
            StudentPages(desk: desk).add(to: router)
            UploadPage(desk: desk).add(to: router)
        case .staff(let keys):
            StaffSignIn(desk: desk, keys: keys).add(to: router)
            ReviewPages(desk: desk).add(to: router)
            OfficePages(desk: desk).add(to: router)
        }
        return router
    }

    /// The server for `options`; `running` is told the address it listens on once it does (with the port
    /// the system chose, when asked for port 0).
    public static func application(_ options: ServeOptions, running: @escaping @Sendable (String) -> Void) throws -> some ApplicationProtocol {
        var logger = Logger(label: "folio.serve")
        logger.logLevel = .warning
        return Application(router: try router(options, gate: WorkspaceGate(root: options.workspace)),
                           configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? options.port
                               let host = options.host.contains(":") ? "[\(options.host)]" : options.host
                               running("http://\(host):\(port)/")
                           },
                           logger: logger)
    }
}

/// The stylesheet and the little script, built into the binary: the pages need no network at all.
enum Assets {
    static func add(to router: Router<WebContext>) {
        router.get("/assets/:name") { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            guard let text = EmbeddedWebFiles.assets[name] else { throw HTTPError(.notFound) }
            var headers = HTTPFields()
            headers[.contentType] = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
            headers[.cacheControl] = "max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
