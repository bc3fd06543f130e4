import GlavitoCore
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// A worker's own small HTTP listener: `/metrics` (Prometheus text: the job counters, timers and queue gauges
/// this process records) and `/healthz`. Off unless `GLAVITO_WORKER_METRICS_PORT` is set.
enum WorkerMetricsEndpoint {
    /// The listener as a service, or `nil` when no port is configured.
    static func service(config: GlavitoConfig, registry: PrometheusCollectorRegistry, logger: Logger) -> (any Service)? {
        guard config.workerMetricsPort > 0 else { return nil }
        let router = Router()
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(config.httpHost, port: config.workerMetricsPort), serverName: "glavito-worker"),
            logger: logger
        )
    }
}
