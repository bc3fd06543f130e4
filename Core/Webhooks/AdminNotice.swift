import Foundation

/// Something a tenant's admins should see (a webhook subscription disabled after a run of failures).
public struct AdminNotice: Sendable, Equatable, Codable {
    /// Its id.
    public var id: Int64
    /// What kind, dotted (`webhook.disabled`).
    public var kind: String
    /// A one-line subject.
    public var subject: String
    /// The explanation and what to do.
    public var message: String
    /// When it was raised.
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, subject, message
        case createdAt = "created_at"
    }
}
