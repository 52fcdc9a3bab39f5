import Foundation
import PostgresClient
import TestSupport
import XCTest

final class SeedTests: XCTestCase {
    func testSeedsLoadTypedAndModelsRefThem() throws {
        let fixture = try ProjectFixture("mini_project")
        let db = try TestDatabase.connect()
        try fixture.createSources(db)
        let path = fixture.root + "/project.yml"
        try (String(contentsOfFile: path, encoding: .utf8) + "seeds:\n  +schema: __S___seeds\n".replacingOccurrences(of: "__S__", with: fixture.prefix))
            .write(toFile: path, atomically: true, encoding: .utf8)
        try fixture.write("seeds/risk_groups.csv", "mcc,group_name,weight,zip,active,since\n5732,electronics,2.5,01234,true,2015-01-01\n5944,jewellery,3,90210,false,2016-06-30\n")
        try fixture.write("seeds/_seeds.yml", "version: 2\nseeds:\n  - name: risk_groups\n    description: Merchant categories by risk.\n    config:\n      column_types: {mcc: text}\n")
        try fixture.write("models/queries/risky.sql", "select group_name, weight * 2 as double_weight from {{ ref('risk_groups') }} where active")

        let built = try fixture.rops(["build"])
        XCTAssertEqual(built.status, 0, built.all)
        XCTAssertTrue(built.stdout.contains("seed   \(fixture.prefix)_seeds.risk_groups"), built.stdout)
        let types = try db.query("""
            select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'risk_groups' order by ordinal_position
            """, [fixture.prefix + "_seeds"]).map { "\($0["column_name"].string!) \($0["data_type"].string!)" }
        XCTAssertEqual(types, ["mcc text", "group_name text", "weight numeric", "zip text", "active boolean", "since date"])
        XCTAssertEqual(try fixture.scalar(db, "select zip from __S___seeds.risk_groups where mcc = '5732'").string, "01234")
        XCTAssertEqual(try fixture.scalar(db, "select double_weight::text from __S___queries.risky").string, "5.0")
        let listed = try fixture.rops(["ls", "-s", "+risky", "--resource-type", "all"])
        XCTAssertTrue(listed.stdout.contains("risk_groups"), listed.stdout)
    }
}
