import Dispatch
import Foundation
import PostgresClient

/// Ctrl-C (SIGINT) and SIGTERM: the first cancels running queries (the command then fails with
/// "cancelled" and exits 130); a second, or one while no query runs, exits at once.
enum Interrupts {
    private nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    private nonisolated(unsafe) static var cancelRequested = false

    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { handle(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// `rops live` and `rops load --watch`: the first Ctrl-C asks the loop to stop once the cycle it
    /// is in has finished (a second cancels the cycle's queries, a third quits at once).
    nonisolated(unsafe) static var stopsBetweenCycles = false
    nonisolated(unsafe) static var stopRequested = false

    private static func handle(_ signalNumber: Int32) {
        if stopsBetweenCycles && !stopRequested {
            stopRequested = true
            Console.note("\nstopping after this cycle… (press Ctrl-C again to cancel it)")
            return
        }
        if cancelRequested { exit(130) }
        cancelRequested = true
        let cancelled = ActiveConnections.shared.interrupt()
        if cancelled == 0 { exit(130) }
        Console.note("\ncancelling \(cancelled) running quer\(cancelled == 1 ? "y" : "ies")… (press Ctrl-C again to quit now)")
    }
}

/// Whether Ctrl-C cancelled the operation (the command then exits 130).
enum Interrupted {
    static var now: Bool { ActiveConnections.shared.isInterrupted }
}
