import Foundation

/// RFC 5322 date-time, with the obsolete forms: two-digit years, named zones, missing day name or seconds, comments.
enum EmailDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "edt": -4, "est": -5, "cdt": -5, "cst": -6, "mdt": -6, "mst": -7,
        "pdt": -7, "pst": -8, "cet": 1, "cest": 2, "bst": 1,
    ]

    static func parse(_ value: String) -> Date? {
        // Tokens: words and numbers; comments dropped; "," ignored; ":" joins the time.
        var cleaned = ""
        var depth = 0
        for character in value.prefix(200) {
            if character == "(" { depth += 1; continue }
            if character == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(character == "," ? " " : character) }
        }
        var tokens = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0).lowercased() }
        if let first = tokens.first, first.count >= 3, first.first?.isLetter == true, !months.contains(String(first.prefix(3))) {
            tokens.removeFirst()  // the day name
        }
        guard tokens.count >= 4 else { return nil }
        var day: Int?
        var month: Int?
        var monthIndex = 0
        if let number = Int(tokens[0]), let named = months.firstIndex(of: String(tokens[1].prefix(3))) {
            day = number
            month = named + 1
            monthIndex = 1
        } else if let named = months.firstIndex(of: String(tokens[0].prefix(3))), let number = Int(tokens[1]) {
            day = number  // "Jul 1 2003" form
            month = named + 1
            monthIndex = 1
        }
        guard let day, let month, tokens.count > monthIndex + 2, var year = Int(tokens[monthIndex + 1]) else { return nil }
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        let timeParts = tokens[monthIndex + 2].split(separator: ":").map { Int($0) }
        guard timeParts.count >= 2, let hour = timeParts[0], let minute = timeParts[1] else { return nil }
        let second = timeParts.count > 2 ? (timeParts[2] ?? 0) : 0
        var offsetSeconds = 0
        if tokens.count > monthIndex + 3 {
            let zone = tokens[monthIndex + 3]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let digits = Int(zone.dropFirst()) {
                offsetSeconds = (digits / 100 * 3600 + digits % 100 * 60) * (sign == "-" ? -1 : 1)
            } else if let hours = zones[zone] {
                offsetSeconds = hours * 3600
            }
        }
        guard (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (1...9999).contains(year) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
