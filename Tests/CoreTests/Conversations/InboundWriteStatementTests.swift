import Foundation
import Testing
@testable import GlavitoCore

@Suite("Inbound write: one statement from three")
struct InboundWriteStatementTests {
    @Test("parameters from a given number on are shifted, others and a lone dollar sign are kept")
    func renumbering() {
        #expect(InboundWriteStatement.renumbered("$1, $2::uuid[], $10 = ANY($2), '$' || $x", from: 2, by: 5)
                == "$1, $7::uuid[], $15 = ANY($7), '$' || $x")
        #expect(InboundWriteStatement.renumbered("no parameters", from: 1, by: 3) == "no parameters")
    }

    @Test("the combined statement numbers its parameters 1 to 13 without gaps, as its bindings are appended")
    func parameterNumbers() {
        var numbers = Set<Int>()
        var rest = InboundWriteStatement.sql[...]
        while let dollar = rest.firstIndex(of: "$") {
            rest = rest[rest.index(after: dollar)...]
            if let number = Int(rest.prefix(while: \.isNumber)) { numbers.insert(number) }
        }
        #expect(numbers == Set(1...13))
    }
}
