/// Checks a term's calendar against the national timing rules before it is accepted.
public enum CalendarRules {
    public static func check(_ c: CalendarTerm) -> FolioError? {
        guard c.start <= c.end, c.upload.from <= c.upload.to, c.certify.from <= c.certify.to,
              c.select.from <= c.select.to else {
            return FolioError(.badDate, "calendar.windowReversed", ["term": c.term.description])
        }
        // Uploads stay open at least two weeks after the closing ceremony (DOMAIN.md). Grade 12's second
        // semester is the national exception, handled by the school setting shorter per-grade dates, so this
        // check only warns through `folio schedule`, not here.
        guard c.certify.to >= c.upload.to else {
            return FolioError(.badDate, "calendar.certifyBeforeUpload", ["term": c.term.description, "uploadEnd": c.upload.to.description])
        }
        return nil
    }

    /// Why `what` is refused on `day` for `term`: no calendar, or `which` window not open. The fold applies it to
    /// every upload and decision; `folio certify --all` asks it first, to leave such items instead of failing.
    /// The message names the window from `which`, in the reader's language; `what` is shown as it is only for
    /// a window that has no name in the catalogs.
    public static func window(_ school: SchoolState, _ term: Term, _ day: CivilDate,
                              _ which: KeyPath<CalendarTerm, Window>, _ what: String) -> FolioError? {
        let name = which == \CalendarTerm.upload ? Message("calendar.what.upload")
                 : which == \CalendarTerm.certify ? Message("calendar.what.certify")
                 : which == \CalendarTerm.select ? Message("calendar.what.select")
                 : Message.verbatim(what)
        guard let c = school.calendar(for: term) else {
            return FolioError(.noCalendar, "calendar.noneToAccept", ["term": term.description, "what": name])
        }
        let w = c[keyPath: which]
        guard w.contains(day) else {
            let values: [String: any MessageValue] = ["what": name, "term": term.description, "from": w.from.description,
                                                      "to": w.to.description, "day": day.description]
            return FolioError(.outsideWindow, Message("calendar.outsideWindow", values),
                              hint: Message(day < w.from ? "calendar.outsideWindow.notYet.hint" : "calendar.outsideWindow.closed.hint", values))
        }
        return nil
    }
}
