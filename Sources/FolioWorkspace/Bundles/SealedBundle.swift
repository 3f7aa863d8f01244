import Crypto
import FolioCore
import FolioTar
import Foundation

/// Sealed bundles: every bundle folio writes is encrypted to its readers (`StreamCipher`), inside a plain tar
/// whose first entry, `envelope.json`, says only what routing needs (`BundleEnvelope`). The content is an
/// ordinary `folio-bundle/1` bundle, written and read a chunk at a time, so a gigabyte needs one piece in
/// memory either way.
enum SealedBundle {
    /// Takes the plain bundle's bytes as its writer produces them, seals them a chunk at a time and writes the
    /// sealed bytes into `outer` as `payload/` pieces. Sealing and writing run on a thread of their own, a few
    /// chunks behind: the calling thread reads, hashes and archives the files, so encryption costs no time of
    /// its own on a machine with two cores.
    final class Sealer {
        private let worker: Worker
        private var plain: [UInt8] = []

        /// Writes `envelope.json` into `outer`, signed by `signer`.
        init(outer: TarWriter, header: BundleHeader, readers: [(id: String, key: Curve25519.KeyAgreement.PublicKey)],
             signer: SigningIdentity) throws(FolioError) {
            let cipher: StreamCipher.Sealer
            do {
                cipher = try StreamCipher.Sealer(recipients: readers, context: BundleEnvelope.context(header))
                let signed = try SignedBundleEnvelope.sign(BundleEnvelope(header: header, sealed: cipher.envelope), with: signer)
                try outer.appendFile(BundleEnvelope.entryName, bytes: try signed.fileBytes())
            } catch let error as TarError {
                throw FolioError(.io, Message("bundle.sealed.envelopeWrite", ["error": error.what]), hint: error.next)
            } catch {
                throw FolioError(.internalError, Message("bundle.sealFailed", ["error": "\(error)"]), hint: Message("internal.reportIT.hint"))
            }
            worker = Worker(outer: outer, cipher: cipher)
            plain.reserveCapacity(StreamCipher.chunkSize)
        }

        deinit { worker.stop() }

        /// More of the plain bundle. Every full chunk is sealed (never as the last: the last chunk is the short
        /// one `finish` seals, so a reader knows the end by its size).
        func take(_ bytes: UnsafeRawBufferPointer) throws {
            var rest = bytes
            while !rest.isEmpty {
                let n = min(StreamCipher.chunkSize - plain.count, rest.count)
                // Whole buffers, not slices: a slice is appended a byte at a time.
                plain.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest.prefix(n)))
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(n))
                if plain.count == StreamCipher.chunkSize {
                    try worker.add(plain, last: false)
                    plain = []
                    plain.reserveCapacity(StreamCipher.chunkSize)
                }
            }
        }

        /// Seals the last chunk, writes the last piece and waits for the writing to end.
        func finish() throws {
            try worker.add(plain, last: true)
            plain = []
            try worker.finish()
        }
    }

    /// The thread that seals chunks in order and writes them as pieces. At most `depth` chunks wait (4 MiB), so
    /// memory stays flat whatever the bundle's size; the first failure (a full stick) stops it and is handed to
    /// the next `add` or to `finish`.
    final class Worker: @unchecked Sendable {
        private static let depth = 64
        // Guarded by `condition`.
        private let condition = NSCondition()
        private var queue: [(chunk: [UInt8], last: Bool)] = []
        private var closed = false
        private var failure: (any Error)?
        private let done = DispatchSemaphore(value: 0)
        private var joined = false
        // Used on the worker's thread only, once started.
        private let outer: TarWriter
        private var cipher: StreamCipher.Sealer
        private var piece: [UInt8] = []
        private var pieces = 0

        init(outer: TarWriter, cipher: StreamCipher.Sealer) {
            self.outer = outer
            self.cipher = cipher
            piece.reserveCapacity(BundleEnvelope.pieceSize)
            Thread.detachNewThread { [self] in
                run()
                done.signal()
            }
        }

        func add(_ chunk: [UInt8], last: Bool) throws {
            condition.lock(); defer { condition.unlock() }
            while queue.count >= Self.depth && failure == nil && !closed { condition.wait() }
            if let failure { throw failure }
            queue.append((chunk, last))
            condition.broadcast()
        }

        /// Waits until everything added is written; throws what stopped the writing, if anything did.
        func finish() throws {
            close(dropping: false)
            join()
            condition.lock(); defer { condition.unlock() }
            if let failure { throw failure }
        }

        /// Drops what waits and waits for the thread.
        func stop() {
            close(dropping: true)
            join()
        }

        private func close(dropping: Bool) {
            condition.lock()
            closed = true
            if dropping { queue.removeAll() }
            condition.broadcast()
            condition.unlock()
        }

        private func join() {
            condition.lock()
            let wait = !joined
            joined = true
            condition.unlock()
            if wait { done.wait() }
        }

        private func run() {
            while true {
                condition.lock()
                while queue.isEmpty && !closed { condition.wait() }
                guard !queue.isEmpty, failure == nil else {
                    condition.unlock()
                    return
                }
                let (chunk, last) = queue.removeFirst()
                condition.broadcast()
                condition.unlock()
                do {
                    piece.append(contentsOf: try cipher.seal(chunk, last: last))
                    if last || piece.count >= BundleEnvelope.pieceSize {
                        pieces += 1
                        try outer.appendFile(BundleEnvelope.pieceName(pieces), bytes: piece, hashing: false)
                        piece.removeAll(keepingCapacity: true)
                    }
                } catch {
                    condition.lock()
                    failure = error
                    queue.removeAll()
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                if last { return }
            }
        }
    }

    /// A sealed bundle as read from the front of its file: the envelope and its id, and either a way to read the
    /// bundle inside or why it cannot be opened with the keys given.
    struct Opened {
        let envelope: BundleEnvelope
        /// SHA-256 of `envelope.json` as read: a workspace remembers it with the bundle's id.
        let id: String
        let content: Result<Content, FolioError>
    }

    /// The bundle inside: a source that opens it chunk by chunk as a `TarReader` reads it, and `finish`, which
    /// reads on to the end of the sealed content once the reader has stopped (a tar's end can come before its
    /// last chunk) and fails unless that end is there, sealed as the last chunk, with nothing after it.
    struct Content {
        let source: TarSource
        let finish: () throws(TarError) -> Void
    }

    /// Reads a bundle's front once: nil when `file` is not sealed (a plain bundle, read as it is). `screen`
    /// judges the envelope (its school and recipient) before any key is tried; a refusal there is thrown.
    static func open(_ file: String, keys: [SigningIdentity],
                     screen: (BundleEnvelope) throws(FolioError) -> Void = { _ in }) throws(FolioError) -> Opened? {
        let label = FileIO.lastComponent(of: file)
        let refuse = StagedBundle.refuser(label)
        let stream: TarEntryStream
        do { stream = try TarEntryStream(path: file) } catch { return nil }
        guard let first = try? stream.next(), first.path == BundleEnvelope.entryName else { return nil }
        guard first.size <= 1 << 20, let bytes = try? stream.read(max: Int(first.size)),
              let signed = SignedBundleEnvelope.read(bytes) else {
            throw refuse(Message("bundle.sealed.envelopeUnreadable"), Message("bundle.copyAgain.hint"))
        }
        guard signed.signatureIsValid else {
            throw refuse(Message("bundle.sealed.envelopeSignature"), Message("bundle.sealed.envelopeSignature.hint"))
        }
        let envelope = signed.envelope
        let id = SHA256Hex.of(bytes)
        try screen(envelope)
        var opener: StreamCipher.Opener?
        for key in keys where envelope.readers.contains(key.principal) {
            if let opened = try? StreamCipher.Opener(envelope.sealed, privateKey: key.agreementKey, context: envelope.context) {
                opener = opened
                break
            }
        }
        guard var opener else { return Opened(envelope: envelope, id: id, content: .failure(notForThese(keys, envelope, label: label))) }
        var pieces = 0
        var ended = false
        let chunk = StreamCipher.chunkSize + StreamCipher.tagSize
        // The next `count` sealed bytes, across `payload/` pieces; fewer only at the end of the archive.
        func sealedBytes(_ count: Int) throws(TarError) -> [UInt8] {
            var out: [UInt8] = []
            while out.count < count {
                let got = try stream.read(max: count - out.count)
                if !got.isEmpty {
                    out += got
                    continue
                }
                guard let next = try stream.next() else { break }
                pieces += 1
                guard next.path == BundleEnvelope.pieceName(pieces) else {
                    throw sourceFailed(label, Message("bundle.sealed.misplaced", ["path": next.path, "piece": pieces]), Message("bundle.doNotUse.hint"))
                }
            }
            return out
        }
        func next() throws(TarError) -> [UInt8] {
            guard !ended else { return [] }
            let sealed = try sealedBytes(chunk)
            let last = sealed.count < chunk
            do {
                let plain = try opener.open(sealed, last: last)
                if last {
                    ended = true
                    guard try stream.next() == nil else {
                        throw Self.sourceFailed(label, Message("bundle.sealed.trailing"), Message("bundle.doNotUse.hint"))
                    }
                }
                return plain
            } catch let failure as StreamCipher.Failure {
                throw failed(failure, label: label)
            } catch let error as TarError {
                throw error
            } catch {
                throw sourceFailed(label, .verbatim("\(error)"), Message("bundle.exportAgain.hint"))
            }
        }
        let finish = { () throws(TarError) -> Void in
            while !ended { _ = try next() }
        }
        return Opened(envelope: envelope, id: id, content: .success(Content(source: .pull(TarPull(next)), finish: finish)))
    }

    static func failed(_ failure: StreamCipher.Failure, label: String) -> TarError {
        switch failure {
        case .truncated:
            return sourceFailed(label, Message("bundle.sealed.short"), Message("bundle.sealed.short.hint"))
        case .damaged(let chunk):
            return sourceFailed(label, Message("bundle.sealed.chunk", ["chunk": chunk + 1]), Message("bundle.sealed.chunk.hint"))
        case .notForThisKey, .malformed:
            return sourceFailed(label, Message("bundle.sealed.cannotOpen"), Message("bundle.exportAgain.hint"))
        }
    }

    /// The tar layer carries a failed source's words as text: they are rendered here, in the language shown.
    private static func sourceFailed(_ label: String, _ what: Message, _ hint: Message) -> TarError {
        .sourceFailed(message: Message("bundle.refused", ["label": label, "why": what]).text(), hint: hint.text())
    }

    /// The refusal of a bundle none of `keys` opens: whose it is, and what to do.
    static func notForThese(_ keys: [SigningIdentity], _ envelope: BundleEnvelope, label: String) -> FolioError {
        let readers = envelope.readers
        let shown: Message = readers.count > 6
            ? Message("bundle.sealed.more", ["shown": readers.prefix(6).joined(separator: ", "), "count": readers.count - 6])
            : .verbatim(readers.joined(separator: ", "))
        guard let key = keys.first else {
            return FolioError(.badKeyFile, "bundle.sealed.onlyThese", ["label": label, "shown": shown])
        }
        if readers.contains(key.principal) {
            return FolioError(.wrongKey, "bundle.sealed.oldKey", ["label": label, "principal": key.principal])
        }
        return FolioError(.wrongKey, "bundle.sealed.forOthers", ["label": label, "shown": shown, "principal": key.principal])
    }
}
