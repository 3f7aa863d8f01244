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
}
