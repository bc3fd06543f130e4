import Foundation
import Logging
import PostgresNIO

/// The customer-service windows a group of inbound messages moves: per channel account and identity, the latest
/// message time and the contact of the last message.
struct ChannelWindows {
    private var order: [String] = []
    private var moves: [String: (account: UUID, identity: UUID, contact: UUID, at: Date)] = [:]

    mutating func move(account: UUID, identity: UUID, contact: UUID, at: Date) {
        let key = "\(account)/\(identity)"
        if let earlier = moves[key] {
            moves[key] = (account, identity, contact, max(earlier.at, at))
        } else {
            order.append(key)
            moves[key] = (account, identity, contact, at)
        }
    }

    /// ``ChannelWindowStatement``'s parameters after the tenant: accounts, identities, contacts and times (empty
    /// arrays for no moves).
    func appendBindings(to bindings: inout PostgresBindings) {
        let list = order.compactMap { moves[$0] }
        bindings.append(list.map(\.account))
        bindings.append(list.map(\.identity))
        bindings.append(list.map(\.contact))
        bindings.append(list.map(\.at))
    }
}
