import ArgumentParser
import Foundation
import GlavitoCore
import Logging

/// `glavito tenants apply|list`: tenants as files, applied idempotently as the platform role.
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Apply tenant definition files and list tenants.",
        subcommands: [Apply.self, List.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update tenants from YAML files or directories of them; all or nothing."
        )

        @Argument(help: "Tenant YAML files, or directories whose *.yaml files are applied.")
        var paths: [String]

        @Option(help: "Append the generated passwords of newly created users to this file (mode 600) instead of printing them.")
        var loginsFile: String?

        func run() async throws {
            let config = try CommandEnvironment.load()
            let files: [String]
            do {
                files = try TenantFiles.expand(paths)
            } catch {
                throw CommandEnvironment.fail("\(error)")
            }
            var definitions: [TenantDefinition] = []
            var errors: [TenantDefinitionError] = []
            let parser = TenantDefinitionParser()
            for file in files {
                do { definitions.append(try parser.parseFile(at: file)) } catch { errors.append(error) }
            }
            if let duplicate = TenantFiles.duplicateSlug(in: definitions) {
                errors.append(TenantDefinitionError(file: duplicate.file, line: 0, column: 0, message: "slug '\(duplicate.slug)' is defined twice"))
            }
            guard errors.isEmpty else {
                throw CommandEnvironment.fail("nothing applied; fix these first:\n" + errors.map { "  \($0)" }.joined(separator: "\n"))
            }
            let logger = Logger(label: "glavito.tenants")
            let parsed = definitions
            do {
                let outcomes = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                    try await TenantDirectory(platform: database).apply(parsed)
                }
                for (slug, outcome) in outcomes { print("\(slug): \(outcome.rawValue)") }
                try await applyMembers(parsed, config: config, logger: logger)
            } catch let error as TenantDirectory.ApplyError {
                throw CommandEnvironment.fail("nothing applied: \(error)")
            }
        }

        /// Creates the files' custom roles and missing users; new users' passwords go to --logins-file or stdout.
        func applyMembers(_ definitions: [TenantDefinition], config: GlavitoConfig, logger: Logger) async throws {
            guard definitions.contains(where: { !$0.users.isEmpty || !$0.roles.isEmpty }) else { return }
            let logins = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                let identity: IdentityService
                do { identity = try IdentityService(database: database, config: config.identity) } catch {
                    throw CommandEnvironment.fail("users and roles need the master key: \(error)")
                }
                let ids = Dictionary(try await TenantDirectory(platform: database).list().map { ($0.slug, $0.id) }, uniquingKeysWith: { a, _ in a })
                return try await TenantMembersApplier(identity: identity, generatePassword: PasswordGenerator.generate).apply(definitions, tenantIDs: ids)
            }
            let lines = logins.map { "\($0.tenantSlug)  \($0.role.padding(toLength: 12, withPad: " ", startingAt: 0))  \($0.email)  \($0.password)" }
            guard !lines.isEmpty else { return }
            if let loginsFile {
                let url = URL(fileURLWithPath: loginsFile)
                if !FileManager.default.fileExists(atPath: loginsFile) {
                    FileManager.default.createFile(atPath: loginsFile, contents: nil, attributes: [.posixPermissions: 0o600])
                }
                let handle = try FileHandle(forWritingTo: url)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
                try handle.close()
                print("created \(lines.count) user(s); their passwords were appended to \(loginsFile)")
            } else {
                print("created users (passwords are shown only now):")
                for line in lines { print("  " + line) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every tenant.")

        @Flag(help: "Print JSON lines instead of a table.")
        var json = false

        func run() async throws {
            let config = try CommandEnvironment.load()
            let logger = Logger(label: "glavito.tenants")
            let tenants = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                try await TenantDirectory(platform: database).list()
            }
            if json {
                for tenant in tenants { print(try JSONCoding.encode(tenant)) }
                return
            }
            print("SLUG".padding(toLength: 24, withPad: " ", startingAt: 0) + "STATUS     PLAN       NAME")
            for tenant in tenants {
                print(tenant.slug.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + tenant.status.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + tenant.plan.padding(toLength: 11, withPad: " ", startingAt: 0) + tenant.name)
            }
        }
    }
}
