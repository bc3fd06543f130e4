import AsyncHTTPClient
import ServiceLifecycle

/// Keeps a shared `HTTPClient` for the life of the service group and shuts it down after the services started
/// later (the job runner) have stopped.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
