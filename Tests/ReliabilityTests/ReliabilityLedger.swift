import Foundation
import XCTest

/// The suite's figures, added up as its tests run and printed as one line when the test bundle
/// finishes: faults injected and survived, hostile inputs tried and handled, rows lost.
final class ReliabilityLedger: NSObject, XCTestObservation, @unchecked Sendable {
    static let shared = ReliabilityLedger()
    private static let registration: Void = { XCTestObservationCenter.shared.addTestObserver(shared) }()

    private let lock = NSLock()
    private var faultsInjected = 0, faultsSurvived = 0
    private var hostileTried = 0, hostileHandled = 0
    private var rowsLost = 0

    /// Call from each reliability test's setUp, so the line is printed once the bundle ends.
    static func register() { _ = registration }

    func fault(survived: Bool, rowsLost lost: Int) {
        lock.lock(); defer { lock.unlock() }
        faultsInjected += 1
        if survived { faultsSurvived += 1 }
        rowsLost += lost
    }

    func hostileInput(handled: Bool, rowsLost lost: Int = 0) {
        lock.lock(); defer { lock.unlock() }
        hostileTried += 1
        if handled { hostileHandled += 1 }
        rowsLost += lost
    }

    var summary: String {
        lock.lock(); defer { lock.unlock() }
        return "reliability: faults injected \(faultsInjected) / survived \(faultsSurvived), "
            + "hostile inputs tried \(hostileTried) / handled \(hostileHandled), rows lost \(rowsLost)"
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        print(summary)
    }
}
