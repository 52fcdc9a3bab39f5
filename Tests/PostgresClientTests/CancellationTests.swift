import Foundation
import PostgresClient
import TestSupport
import XCTest

final class CancellationTests: XCTestCase {
    func testCancelStopsARunningQuery() throws {
        let connection = try TestDatabase.connect()
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { connection.cancel() }
        XCTAssertThrowsError(try connection.execute("select pg_sleep(30)")) { error in
            XCTAssertTrue((error as? PostgresError)?.isCancellation == true, "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(try connection.query("select 1 as one")[0]["one"].int, 1)
    }

    func testCancelAllReachesEveryRunningConnection() throws {
        let first = try TestDatabase.connect(), second = try TestDatabase.connect()
        let group = DispatchGroup()
        let errors = ErrorBox()
        for connection in [first, second] {
            group.enter()
            DispatchQueue.global().async {
                do { try connection.execute("select pg_sleep(30)") } catch { errors.append(error) }
                group.leave()
            }
        }
        Thread.sleep(forTimeInterval: 0.7)
        XCTAssertEqual(ActiveConnections.shared.cancelAll(), 2)
        XCTAssertEqual(group.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(errors.all.count, 2)
        XCTAssertTrue(errors.all.allSatisfy { ($0 as? PostgresError)?.isCancellation == true })
    }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func append(_ error: Error) { lock.lock(); errors.append(error); lock.unlock() }
    var all: [Error] { lock.lock(); defer { lock.unlock() }; return errors }
}
