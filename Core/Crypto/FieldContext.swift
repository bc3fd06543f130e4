import Foundation

/// Where an encrypted value lives: its tenant, table, column and row. It is bound into the ciphertext as additional
/// data, so a ciphertext copied to another row, column, table or tenant fails to decrypt.
public struct FieldContext: Sendable, Hashable {
    /// The owning tenant.
    public var tenant: TenantID
    /// The table name.
    public var table: String
    /// The column name.
    public var column: String
    /// The row's identifier, as text.
    public var row: String

    /// Creates a context.
    public init(tenant: TenantID, table: String, column: String, row: String) {
        self.tenant = tenant
        self.table = table
        self.column = column
        self.row = row
    }

    /// The additional data: `glavito/v1`, then each part length-prefixed so that no two contexts collide.
    public var additionalData: [UInt8] {
        var out = Array("glavito/v1".utf8)
        for part in [tenant.rawValue.uuidString.lowercased(), table, column, row] {
            let bytes = Array(part.utf8)
            let length = UInt32(bytes.count)
            out += [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            out += bytes
        }
        return out
    }
}
