import Foundation

/// Decoding of the tenant columns shared by the tenant queries.
enum TenantRow {
    typealias Columns = (UUID, String, String, String, String, String, String, [String])

    static func tenant(from row: Columns) throws -> Tenant {
        Tenant(
            id: TenantID(row.0),
            slug: row.1,
            name: row.2,
            status: Tenant.Status(rawValue: row.3) ?? .suspended,
            plan: row.4,
            branding: try JSONCoding.decode(Branding.self, from: row.5),
            settings: try JSONCoding.decode([String: String].self, from: row.6),
            domains: row.7
        )
    }
}
