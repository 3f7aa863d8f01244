/// Checks a term's calendar against the national timing rules before it is accepted.
public enum CalendarRules {
    public static func check(_ c: CalendarTerm) -> FolioError? {
        guard c.start <= c.end, c.upload.from <= c.upload.to, c.certify.from <= c.certify.to,
              c.select.from <= c.select.to else {
            return FolioError(.badDate, "In the calendar for \(c.term), a window ends before it starts.",
                              hint: "Check the dates: each window's start must be on or before its end.")
        }
        // Uploads stay open at least two weeks after the closing ceremony (DOMAIN.md). Grade 12's second
        // semester is the national exception, handled by the school setting shorter per-grade dates, so this
        // check only warns through `folio schedule`, not here.
        guard c.certify.to >= c.upload.to else {
            return FolioError(.badDate, "In the calendar for \(c.term), certification closes before uploads do.",
                              hint: "Teachers need time after the last upload: end certification on or after \(c.upload.to).")
        }
        return nil
    }

    /// Why `what` is refused on `day` for `term`: no calendar, or `which` window not open. The fold applies it to
    /// every upload and decision; `folio certify --all` asks it first, to leave such items instead of failing.
    public static func window(_ school: SchoolState, _ term: Term, _ day: CivilDate,
                              _ which: KeyPath<CalendarTerm, Window>, _ what: String) -> FolioError? {
        guard let c = school.calendar(for: term) else {
            return FolioError(.noCalendar, "There is no calendar for \(term), so \(what) cannot be accepted.",
                              hint: "The data section (資料組) sets it with `folio calendar set`.")
        }
        let w = c[keyPath: which]
        guard w.contains(day) else {
            return FolioError(.outsideWindow, "The \(what) window for \(term) is \(w); today is \(day).",
                              hint: day < w.from ? "Try again from \(w.from)." : "The window has closed; ask the data section (資料組) if it must be reopened.")
        }
        return nil
    }
}
