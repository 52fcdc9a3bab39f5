@testable import Load
import XCTest

final class TypeInferenceTests: XCTestCase {
    func infer(_ values: [String?]) -> String {
        var inference = TypeInference()
        for value in values { inference.observe(value) }
        return inference.sqlType
    }

    func testTypes() {
        XCTAssertEqual(infer(["1", "-20", nil, ""]), "bigint")
        XCTAssertEqual(infer(["1", "2.5", "1e3"]), "numeric")
        XCTAssertEqual(infer(["01234", "90210"]), "text", "leading zeros must survive")
        XCTAssertEqual(infer(["0", "0.5"]), "numeric")
        XCTAssertEqual(infer(["true", "FALSE"]), "boolean")
        XCTAssertEqual(infer(["2019-10-31", "2010-01-01"]), "date")
        XCTAssertEqual(infer(["2019-10-31 23:59:00", "2010-01-01T00:01"]), "timestamp")
        XCTAssertEqual(infer(["2019-10-31", "soon"]), "text")
        XCTAssertEqual(infer(["99999999999999999999"]), "numeric")
        XCTAssertEqual(infer([nil, ""]), "text")
        XCTAssertEqual(infer(["$24295"]), "text")
    }

    func testColumnNames() {
        XCTAssertEqual(ColumnNames.unique(["Id", "Merchant City", "merchant-city", "", "2fa", "_rops_line", "id"]),
                       ["id", "merchant_city", "merchant_city_2", "column_4", "c_2fa", "rops_line", "id_2"])
    }
}
