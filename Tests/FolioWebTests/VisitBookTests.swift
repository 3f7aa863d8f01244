import FolioCore
import FolioWeb
import FolioWorkspace
import Foundation
import Testing

/// Visits end when idle, and sign-in failures slow the next attempt.
@Suite struct VisitBookTests {
    @Test func aVisitEndsAfterItsIdleTimeAndEachRequestStartsItAgain() throws {
        let book = VisitBook(idleLimit: 300)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let actor = FolioWorkspace.Actor(identity: SigningIdentity.generate(principal: "112002"))
        let visit = book.open(.student(number: "112002", name: "蔡佳穎"), actor: actor, now: start)
        #expect(book.find(visit.token, now: start.addingTimeInterval(299)) != nil)
        // Touched at 299 s, so it lives until 598 s.
        #expect(book.find(visit.token, now: start.addingTimeInterval(597)) != nil)
        #expect(book.find(visit.token, now: start.addingTimeInterval(897)) == nil, "idle for 300 s: gone")
        #expect(book.find(visit.token, now: start.addingTimeInterval(898)) == nil, "and it stays gone")
        #expect(book.find("not-a-token") == nil)
    }

    @Test func tokensAreLongRandomAndComparedWhole() {
        let a = VisitBook.randomToken(), b = VisitBook.randomToken()
        #expect(a != b && a.count == 43 && !a.contains("+") && !a.contains("/") && !a.contains("="))
        #expect(VisitBook.same(a, a) && !VisitBook.same(a, b) && !VisitBook.same(a, String(a.dropLast())))
    }

    @Test func threeFailuresAreFreeThenEachWaitDoubles() {
        let throttle = SignInThrottle()
        let t = Date(timeIntervalSince1970: 2_000_000)
        for _ in 0..<3 {
            #expect(throttle.wait(name: "112002", peer: "10.0.0.5", now: t) == nil)
            throttle.failed(name: "112002", peer: "10.0.0.5", now: t)
        }
        #expect(throttle.wait(name: "112002", peer: "10.0.0.5", now: t) == 2)
        #expect(throttle.wait(name: "112002", peer: "10.0.0.5", now: t.addingTimeInterval(2)) == nil)
        throttle.failed(name: "112002", peer: "10.0.0.5", now: t.addingTimeInterval(2))
        #expect(throttle.wait(name: "112002", peer: "10.0.0.5", now: t.addingTimeInterval(2)) == 4)
        // Another number from the same address waits too: one machine cannot try every student in turn.
        #expect(throttle.wait(name: "112003", peer: "10.0.0.5", now: t.addingTimeInterval(2)) == 4)
        // The student's own success clears their count; the address keeps its own.
        throttle.succeeded(name: "112002")
        #expect(throttle.wait(name: "112002", peer: "10.0.0.9", now: t.addingTimeInterval(2)) == nil)
    }
}
