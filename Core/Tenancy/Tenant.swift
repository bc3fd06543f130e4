/// A business using Glavito: the unit of isolation.
public struct Tenant: Sendable, Equatable, Codable {
    /// The tenant's id, carried by every row it owns.
    public var id: TenantID
    /// The URL-safe short name; the tenant is served at `<slug>.<base domain>`.
    public var slug: String
    /// The display name.
    public var name: String
    /// `active`, `suspended` or `deleted`.
    public var status: Status
    /// The billing plan's name.
    public var plan: String
    /// White-label branding shown on every page and message the tenant's users and customers see.
    public var branding: Branding
    /// Free-form tenant settings (time zone, locale, …).
    public var settings: [String: String]
    /// Custom domains besides `<slug>.<base domain>`.
    public var domains: [String]

    /// A tenant's lifecycle state.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case active
        case suspended
        case deleted
    }

    /// Creates a tenant value.
    public init(
        id: TenantID, slug: String, name: String, status: Status, plan: String,
        branding: Branding, settings: [String: String], domains: [String]
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.status = status
        self.plan = plan
        self.branding = branding
        self.settings = settings
        self.domains = domains
    }
}
