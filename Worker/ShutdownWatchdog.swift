import Dispatch
import Foundation
import Logging

/// The last resort of a graceful stop. Once the shutdown deadline has passed and the unfinished jobs were released,
/// a handler that ignores cancellation (seen: a database call in flight while PostgreSQL restarted that never
/// returns) must not keep the process alive forever. Its job is already back in the queue, so exiting is safe.
enum ShutdownWatchdog {
    /// Exits the process `after` from now unless it ended by itself first.
    static func arm(after delay: Duration, logger: Logger) {
        let seconds = Double(delay.components.seconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            logger.critical("handlers ignored cancellation after the shutdown deadline; exiting with their jobs released")
            exit(0)
        }
    }
}
