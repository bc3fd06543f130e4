import Foundation

/// Helpers for SQL text that composes prepared statements out of others.
enum SQLText {
    /// `sql` with each parameter `$n` where `n >= from` renumbered to `$(n + by)`.
    static func renumbered(_ sql: String, from: Int, by: Int) -> String {
        var out = ""
        var characters = sql[...]
        while let dollar = characters.firstIndex(of: "$") {
            out += characters[..<dollar]
            let digits = characters[characters.index(after: dollar)...].prefix(while: \.isASCII).prefix(while: \.isNumber)
            if let number = Int(digits) {
                out += "$\(number >= from ? number + by : number)"
            } else {
                out += "$"
            }
            characters = characters[characters.index(after: dollar)...].dropFirst(digits.count)
        }
        return out + characters
    }
}
