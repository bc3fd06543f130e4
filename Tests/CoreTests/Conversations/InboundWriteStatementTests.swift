import Foundation
import Testing
@testable import GlavitoCore

@Suite("Inbound statements composed of others")
struct InboundWriteStatementTests {
    @Test("parameters from a given number on are shifted, others and a lone dollar sign are kept")
    func renumbering() {
        #expect(SQLText.renumbered("$1, $2::uuid[], $10 = ANY($2), '$' || $x", from: 2, by: 5)
                == "$1, $7::uuid[], $15 = ANY($7), '$' || $x")
        #expect(SQLText.renumbered("no parameters", from: 1, by: 3) == "no parameters")
    }

    @Test("the combined statements number their parameters from 1 without gaps, as their bindings are appended")
    func parameterNumbers() {
        #expect(Self.parameters(InboundWriteStatement.sql) == Set(1...13))
        #expect(Self.parameters(InboundLookupStatement.sql) == Set(1...4))
    }

    static func parameters(_ sql: String) -> Set<Int> {
        var numbers = Set<Int>()
        var rest = sql[...]
        while let dollar = rest.firstIndex(of: "$") {
            rest = rest[rest.index(after: dollar)...]
            if let number = Int(rest.prefix(while: \.isNumber)) { numbers.insert(number) }
        }
        return numbers
    }
}
