/// A tenant as described by a `tenants/<slug>.yaml` file, validated, before it is applied to the database.
public struct TenantDefinition: Sendable, Equatable {
    /// The file it came from.
    public var sourceFile: String
    /// The tenant's slug.
    public var slug: String
    /// The display name.
    public var name: String
    /// The lifecycle state.
    public var status: Tenant.Status
    /// The plan name.
    public var plan: String
    /// Custom domains, lowercased.
    public var domains: [String]
    /// Branding, with a logo file already inlined as a data URI.
    public var branding: Branding
    /// Settings as given.
    public var settings: [String: String]
    /// Users to create when missing.
    public var users: [TenantUserDefinition] = []
    /// Teams (`teams:`), applied before the users that name them.
    public var teams: [TenantTeamDefinition] = []
    /// Custom roles.
    public var roles: [TenantRoleDefinition] = []
    /// Channel accounts (`channels:`), applied with their secrets read from the environment.
    public var channels: [TenantChannelDefinition] = []

    /// Creates a definition.
    public init(
        sourceFile: String, slug: String, name: String, status: Tenant.Status = .active, plan: String = "free",
        domains: [String] = [], branding: Branding, settings: [String: String] = [:]
    ) {
        self.sourceFile = sourceFile
        self.slug = slug
        self.name = name
        self.status = status
        self.plan = plan
        self.domains = domains
        self.branding = branding
        self.settings = settings
    }
}
