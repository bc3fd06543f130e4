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
            let needsIdentity = parsed.contains { !$0.users.isEmpty || !$0.roles.isEmpty || !$0.channels.isEmpty }
            let channels: [TenantChannelsApplier.Resolved]
            do { channels = try TenantChannelsApplier.resolve(parsed, environment: ProcessInfo.processInfo.environment) } catch {
                throw CommandEnvironment.fail("nothing applied: \(error)")
            }
            do {
                let (outcomes, logins) = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                    guard needsIdentity else {
                        return (try await TenantDirectory(platform: database).apply(parsed), [TenantMembersApplier.CreatedLogin]())
                    }
                    let identity: IdentityService
                    do { identity = try IdentityService(database: database, config: config.identity) } catch {
                        throw CommandEnvironment.fail("nothing applied: users and roles need the master key: \(error)")
                    }
                    let applier = TenantMembersApplier(identity: identity, generatePassword: PasswordGenerator.generate)
                    let prepared = try await applier.prepare(parsed)
                    // Tenants, roles, users and channels commit together, or not at all.
                    let (outcomes, (logins, applied)) = try await TenantDirectory(platform: database).apply(parsed) { connection, ids in
                        (try await applier.apply(prepared, tenantIDs: ids, on: connection),
                         try await TenantChannelsApplier(keyRing: identity.keyRing).apply(channels, tenantIDs: ids, on: connection, logger: logger))
                    }
                    for channel in applied {
                        print("\(channel.slug): channel '\(channel.name)' \(channel.created ? "created" : "updated") \(channel.id.uuidString.lowercased())")
                    }
                    return (outcomes, logins)
                }
                for (slug, outcome) in outcomes { print("\(slug): \(outcome.rawValue)") }
                try report(logins)
            } catch let error as TenantDirectory.ApplyError {
                throw CommandEnvironment.fail("nothing applied: \(error)")
            } catch let error as IdentityError {
                throw CommandEnvironment.fail("nothing applied: \(error)")
            } catch let error as ConversationError {
                throw CommandEnvironment.fail("nothing applied: \(error)")
            }
        }

        /// Appends new users' passwords to --logins-file (mode 600), or prints them.
        func report(_ logins: [TenantMembersApplier.CreatedLogin]) throws {
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
