/// The catalogue of fine-grained permissions. Roles and API key scopes are sets of these.
public enum Permission: String, Sendable, CaseIterable, Codable, Comparable {
    case ticketsRead = "tickets.read"
    case ticketsReply = "tickets.reply"
    case ticketsAssign = "tickets.assign"
    case ticketsDelete = "tickets.delete"
    case contactsRead = "contacts.read"
    case contactsExport = "contacts.export"
    case adminUsers = "admin.users"
    case adminTeams = "admin.teams"
    case adminRoles = "admin.roles"
    case adminAPIKeys = "admin.api_keys"
    case adminChannels = "admin.channels"
    case adminBranding = "admin.branding"
    case adminAutomation = "admin.automation"
    case adminSettings = "admin.settings"
    case analyticsView = "analytics.view"
    case auditRead = "audit.read"
    case complianceErase = "compliance.erase"
    case billingManage = "billing.manage"

    /// A short description for the role editor.
    public var summary: String {
        switch self {
        case .ticketsRead: "Read tickets and conversations"
        case .ticketsReply: "Reply to customers"
        case .ticketsAssign: "Assign tickets to agents and teams"
        case .ticketsDelete: "Delete tickets"
        case .contactsRead: "Read contacts"
        case .contactsExport: "Export contacts"
        case .adminUsers: "Invite, deactivate and assign roles to users"
        case .adminTeams: "Create, rename and delete teams and choose their members"
        case .adminRoles: "Create and edit roles"
        case .adminAPIKeys: "Create and revoke API keys"
        case .adminChannels: "Connect and configure channels"
        case .adminBranding: "Change branding"
        case .adminAutomation: "Edit automation rules"
        case .adminSettings: "Change workspace settings"
        case .analyticsView: "View analytics"
        case .auditRead: "Read and export the audit log"
        case .complianceErase: "Erase personal data"
        case .billingManage: "Manage billing"
        }
    }

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a list of permission names; throws naming the first unknown one.
    public static func parse(_ names: [String]) throws(IdentityError) -> Set<Permission> {
        var result: Set<Permission> = []
        for name in names {
            guard let permission = Permission(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw .invalid("unknown permission '\(name)'; known: \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            result.insert(permission)
        }
        return result
    }
}
