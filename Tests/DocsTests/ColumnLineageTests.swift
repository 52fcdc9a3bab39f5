@testable import Docs
import XCTest

final class ColumnLineageTests: XCTestCase {
    let upstream: [String: [String]] = [
        "\"raw\".\"transactions\"": ["id", "date", "client_id", "amount", "use_chip", "errors"],
        "\"staging\".\"stg_users\"": ["client_id", "credit_score"],
    ]

    func trace(_ sql: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for (column, origins) in ColumnLineage.trace(sql: sql, columnsOf: { self.upstream[$0] }) {
            result[column] = origins.map { "\($0.relation.replacingOccurrences(of: "\"", with: "")).\($0.column)" }
        }
        return result
    }

    func testCTEChainRenamesAndExpressions() {
        let sql = """
            with

            source as (
                select * from "raw"."transactions"
            ),

            cleaned as (
                select
                    id::bigint as transaction_id,
                    client_id::integer as client_id,
                    -- money
                    nullif(replace(amount, '$', ''), '')::numeric(12, 2) as amount_usd,
                    date::timestamp as transacted_at,
                    case when use_chip = 'Online Transaction' then true else false end as is_online
                from source
            )

            select * from cleaned
            """
        let lineage = trace(sql)
        XCTAssertEqual(lineage["transaction_id"], ["raw.transactions.id"])
        XCTAssertEqual(lineage["amount_usd"], ["raw.transactions.amount"])
        XCTAssertEqual(lineage["transacted_at"], ["raw.transactions.date"])
        XCTAssertEqual(lineage["is_online"], ["raw.transactions.use_chip"])
        XCTAssertEqual(Set(lineage.keys), ["transaction_id", "client_id", "amount_usd", "transacted_at", "is_online"])
    }

    /// `is distinct from` and CASE … END with commas and FROM inside must not end the select list.
    func testCaseExpressionsAndIsDistinctFrom() {
        let sql = """
            select
                case when s.amount is distinct from u.credit_score::text then 'x' else coalesce(s.date, 'y') end as flag,
                s.amount,
                s.id
            from "raw"."transactions" as s
            left join "staging"."stg_users" as u on u.client_id::text is not distinct from s.client_id
            """
        let lineage = trace(sql)
        XCTAssertEqual(lineage["flag"], ["raw.transactions.amount", "raw.transactions.date", "staging.stg_users.credit_score"])
        XCTAssertEqual(lineage["amount"], ["raw.transactions.amount"])
        XCTAssertEqual(lineage["id"], ["raw.transactions.id"])
    }

    func testJoinsWithAliasesAndQualifiedStars() {
        let sql = """
            select t.id as transaction_id, u.credit_score, t.amount * 2 doubled, u.*
            from "raw"."transactions" as t
            left join "staging"."stg_users" u on u.client_id = t.client_id
            where t.amount > 0
            """
        let lineage = trace(sql)
        XCTAssertEqual(lineage["transaction_id"], ["raw.transactions.id"])
        XCTAssertEqual(lineage["credit_score"], ["staging.stg_users.credit_score"])
        XCTAssertEqual(lineage["doubled"], ["raw.transactions.amount"])
        XCTAssertEqual(lineage["client_id"], ["staging.stg_users.client_id"])
    }

    func testAggregatesAndSubqueries() {
        let sql = """
            select client_id, sum(amount) as total, count(*) as n
            from (select client_id, amount from "raw"."transactions") as x
            group by 1
            """
        let lineage = trace(sql)
        XCTAssertEqual(lineage["total"], ["raw.transactions.amount"])
        XCTAssertEqual(lineage["client_id"], ["raw.transactions.client_id"])
        XCTAssertEqual(lineage["n"], [])
    }

    func testWhatItCannotFollowGivesNothing() {
        XCTAssertTrue(trace("select 1 as a union all select 2").isEmpty)
        XCTAssertTrue(trace("create index x on y (z)").isEmpty)
    }
}
