import Foundation

/// Short-lived signed URLs for attachments: `/attachments/<id>?expires=<unix seconds>&sig=<hex>`, where the signature
/// is HMAC-SHA256 under a key derived from the master key over the tenant, the attachment and the expiry. A URL
/// works only on its tenant's host and only until it expires; anyone holding it can fetch the file until then, so
/// lifetimes are short (five minutes by default) and the URL is handed out only to users allowed to read the ticket.
public struct AttachmentURLSigner: Sendable {
    let key: [UInt8]
    /// How long a URL works.
    public var lifetime: TimeInterval = 300

    /// Creates a signer with a key derived from `masterKey`.
    public init(masterKey: MasterKey) {
        key = masterKey.derive(context: "glvattur")
    }

    func signature(tenant: TenantID, attachment: UUID, expires: Int64) -> String {
        let message = "\(tenant.description)/\(attachment.uuidString.lowercased())/\(expires)"
        return Hashing.hex(WebhookSignature.hmacSHA256(key: key, message: Array(message.utf8)))
    }

    /// The path and query of a URL for `attachment` of `tenant` valid until `now + lifetime`, and that instant.
    public func url(tenant: TenantID, attachment: UUID, now: Date = Date()) -> (path: String, expiresAt: Date) {
        let expires = Int64(now.timeIntervalSince1970 + lifetime)
        let sig = signature(tenant: tenant, attachment: attachment, expires: expires)
        return ("/attachments/\(attachment.uuidString.lowercased())?expires=\(expires)&sig=\(sig)", Date(timeIntervalSince1970: Double(expires)))
    }

    /// Whether `sig` and `expires` were issued for `attachment` of `tenant` and have not expired at `now`.
    public func verify(tenant: TenantID, attachment: UUID, expires: Int64, sig: String, now: Date = Date()) -> Bool {
        guard Double(expires) >= now.timeIntervalSince1970, Double(expires) <= now.timeIntervalSince1970 + 24 * 3600 else { return false }
        return ConstantTime.equal(Array(signature(tenant: tenant, attachment: attachment, expires: expires).utf8), Array(sig.lowercased().utf8))
    }
}
