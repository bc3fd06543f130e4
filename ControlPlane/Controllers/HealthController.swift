import GlavitoCore
import Hummingbird
import Prometheus

/// `/healthz` (the process is up), `/readyz` (PostgreSQL answers and the schema is the one this build expects)
/// and `/metrics` (Prometheus text format).
struct HealthController {
    let database: Database
    let expectedSchemaVersion: Int
    let registry: PrometheusCollectorRegistry
    /// Reads the log-wide event gauges before each scrape (platform role); `nil` leaves them out.
    var eventLog: Database? = nil

    func addRoutes(to router: Router<GlavitoRequestContext>) {
        router.get("/healthz") { _, _ in
            Self.json(#"{"status":"ok"}"#)
        }
        router.get("/readyz") { _, context in
            do {
                try await Migrator.checkSchema(of: database, expected: expectedSchemaVersion)
            } catch let error as MigrationError {
                context.logger.warning("not ready", metadata: ["glavito.reason": "\(error)"])
                throw Problem(status: .serviceUnavailable, type: "not-ready", title: "Not ready", detail: error.description)
            } catch {
                context.logger.warning("not ready: database unreachable")
                throw Problem(status: .serviceUnavailable, type: "not-ready", title: "Not ready", detail: "The database cannot be reached.")
            }
            return Self.json(#"{"status":"ready","schema_version":\#(expectedSchemaVersion)}"#)
        }
        router.get("/metrics") { _, context in
            if let eventLog {
                do {
                    try await EventMetrics.refreshGauges(database: eventLog)
                } catch {
                    context.logger.warning("event log gauges not refreshed", metadata: ["glavito.error": "\(String(reflecting: error))"])
                }
            }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
