import GlavitoCore
import Logging
import ServiceLifecycle

/// Runs this worker's member of the `webhooks` consumer group: follows the event log and turns matching events
/// into webhook messages and delivery jobs (``WebhookDispatcher``). Restarts the member after an error (a
/// database restart, say) until a graceful shutdown.
struct WebhookDispatchService: Service {
    let member: ConsumerGroupMember
    let dispatcher: WebhookDispatcher
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await member.run(pollInterval: .milliseconds(500)) { events in
                    try await dispatcher.dispatch(events)
                }
                return
            } catch {
                logger.warning("webhook dispatch failed; restarting", metadata: ["glavito.error": "\(String(reflecting: error))"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
        }
    }
}
