import ArgumentParser
import Foundation
import GlavitoCore
import Logging

/// `glavito users create|list|reset-mfa`: user administration from the shell, as the audited platform role.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Create and list users, reset a user's two-step verification.",
        subcommands: [Create.self, List.self, ResetMFA.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints a generated password unless --password-stdin is given.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "Email address.") var email: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Role key (owner, admin, supervisor, agent, viewer or a custom role).") var role = "agent"
        @Flag(help: "Read the password from standard input instead of generating one.") var passwordStdin = false

        func run() async throws {
            let password = passwordStdin ? (readLine(strippingNewline: true) ?? "") : PasswordGenerator.generate()
            try await IdentityCLI.run(tenant: tenant) { service, tenantID in
                let hash: String
                do { hash = try await service.hashNewPassword(password) } catch { throw CommandEnvironment.fail("\(error)") }
                let event = AuditEvent(actorKind: .platform, actorID: "cli", action: "user.created", details: ["role": role])
                let user = try await service.audited(tenantID, event) { connection, logger in
                    try await UserRepository(tenant: tenantID).create(email: email, displayName: name, roleKey: role, passwordHash: hash,
                                                                      on: connection, logger: logger)
                }
                print("created \(user.email) (\(user.id)) with role \(user.roleKey)")
                if !passwordStdin { print("password: \(password)") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's users.")
        @Option(help: "The tenant's slug.") var tenant: String

        func run() async throws {
            try await IdentityCLI.run(tenant: tenant) { service, tenantID in
                let users = try await service.database.withTenantTransaction(tenantID) { connection in
                    try await UserRepository(tenant: tenantID).list(on: connection, logger: service.database.logger)
                }
                print("EMAIL".padding(toLength: 36, withPad: " ", startingAt: 0) + "ROLE        STATUS      MFA")
                for user in users {
                    print(user.email.padding(toLength: 36, withPad: " ", startingAt: 0) + user.roleKey.padding(toLength: 12, withPad: " ", startingAt: 0)
                          + user.status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + (user.mfaEnrolled ? "on" : "off"))
                }
            }
        }
    }

    struct ResetMFA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-mfa", abstract: "Remove a user's authenticator and recovery codes and end their sessions.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "Email address.") var email: String

        func run() async throws {
            try await IdentityCLI.run(tenant: tenant) { service, tenantID in
                let done: Bool = try await service.database.withTenantTransaction(tenantID) { connection in
                    let logger = service.database.logger
                    guard let user = try await UserRepository(tenant: tenantID).find(email: email, on: connection, logger: logger) else { return false }
                    try await MFAService(tenant: tenantID, keyRing: service.keyRing).reset(user: user.id, on: connection, logger: logger)
                    try await service.sessions.revokeAll(tenant: tenantID, user: user.id, on: connection, logger: logger)
                    try await service.audit.append(AuditEvent(actorKind: .platform, actorID: "cli", action: "mfa.reset", target: "user:\(user.id)"),
                                                   tenant: tenantID, on: connection, logger: logger)
                    return true
                }
                guard done else { throw CommandEnvironment.fail("no user \(email) in tenant \(tenant)") }
                print("two-step verification reset for \(email); their sessions were ended")
            }
        }
    }
}

/// Shared set-up of identity commands: configuration, the platform database, the tenant by slug.
enum IdentityCLI {
    static func run(tenant slug: String, _ body: @Sendable (IdentityService, TenantID) async throws -> Void) async throws {
        let config = try CommandEnvironment.load()
        let logger = Logger(label: "glavito.identity")
        try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
            guard let tenant = try await TenantDirectory(platform: database).list().first(where: { $0.slug == slug }) else {
                throw CommandEnvironment.fail("no tenant with slug '\(slug)'")
            }
            let service: IdentityService
            do { service = try IdentityService(database: database, config: config.identity) } catch { throw CommandEnvironment.fail("\(error)") }
            try await body(service, tenant.id)
        }
    }
}

/// Random passwords for generated accounts: 4 groups of 5 base32 characters (about 100 bits).
enum PasswordGenerator {
    static func generate() -> String {
        let text = Base32.encode(SecureRandom.bytes(13)).lowercased()
        return stride(from: 0, to: 20, by: 5).map { offset in
            String(text.dropFirst(offset).prefix(5))
        }.joined(separator: "-")
    }
}
