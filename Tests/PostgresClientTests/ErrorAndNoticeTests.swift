import PostgresClient
import TestSupport
import XCTest

/// Server errors arrive as typed values with SQLSTATE, detail, hint and position.
final class ErrorAndNoticeTests: XCTestCase {
    func serverError(_ connection: PostgresConnection, _ sql: String, _ parameters: [any PostgresBindable] = []) -> PostgresError? {
        do {
            try connection.execute(sql, parameters)
            return nil
        } catch {
            return error as? PostgresError
        }
    }

    func testUniqueViolationCarriesSQLStateAndDetail() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        try connection.execute("create table \(schema).k (id int primary key)")
        try connection.execute("insert into \(schema).k values (1)")
        let error = try XCTUnwrap(serverError(connection, "insert into \(schema).k values (1)"))
        XCTAssertEqual(error.kind, .server)
        XCTAssertEqual(error.sqlState, SQLState.uniqueViolation)
        XCTAssertEqual(error.severity, "ERROR")
        XCTAssertEqual(error.detail, "Key (id)=(1) already exists.")
    }

    func testSyntaxErrorCarriesPositionAndCaret() throws {
        let connection = try TestDatabase.connect()
        let sql = "select 1,\n  2 frm nowhere"
        let error = try XCTUnwrap(serverError(connection, sql))
        XCTAssertEqual(error.sqlState, SQLState.syntaxError)
        XCTAssertEqual(error.position, 19)  // "frm" parses as an alias; "nowhere" is the error
        XCTAssertTrue(error.description.contains("\n  line 2:   2 frm nowhere\n" + String(repeating: " ", count: 18) + "^"),
                      error.description)
    }

    func testCommonSQLStates() throws {
        let connection = try TestDatabase.connect()
        XCTAssertEqual(serverError(connection, "select * from no_such_table_here")?.sqlState, SQLState.undefinedTable)
        XCTAssertEqual(serverError(connection, "select 1/0")?.sqlState, SQLState.divisionByZero)
        XCTAssertEqual(serverError(connection, "select $1::int", ["12x"])?.sqlState, SQLState.invalidTextRepresentation)
        XCTAssertEqual(serverError(connection, "select no_such_column from pg_class")?.sqlState, SQLState.undefinedColumn)
    }

    func testHintFromRaise() throws {
        let connection = try TestDatabase.connect()
        let error = try XCTUnwrap(serverError(connection, """
            do $$ begin raise exception 'bad thing' using hint = 'try this', detail = 'because', errcode = '22023'; end $$
            """))
        XCTAssertEqual(error.message, "bad thing")
        XCTAssertEqual(error.hint, "try this")
        XCTAssertEqual(error.detail, "because")
        XCTAssertEqual(error.sqlState, "22023")
    }

    func testNoticesAreCaptured() throws {
        let connection = try TestDatabase.connect()
        connection.clearNotices()
        try connection.execute("do $$ begin raise notice 'hello %', 42; raise warning 'careful'; end $$")
        XCTAssertEqual(connection.notices.map(\.message), ["hello 42", "careful"])
        XCTAssertEqual(connection.notices.map(\.severity), ["NOTICE", "WARNING"])
    }

    func testConnectionIsUsableAfterAnError() throws {
        let connection = try TestDatabase.connect()
        XCTAssertNotNil(serverError(connection, "select * from missing_table"))
        XCTAssertEqual(try connection.query("select 2 as two")[0]["two"].int, 2)
    }

    func testMultiStatementScriptRunsEveryStatement() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        let results = try connection.executeScript("""
            create table \(schema).s (x int);
            insert into \(schema).s values (1), (2);
            insert into \(schema).s values (3);
            select count(*) as n from \(schema).s;
            """)
        XCTAssertEqual(results.count, 4)
        XCTAssertEqual(results[1].affectedRows, 2)
        XCTAssertEqual(results[3].rows[0]["n"].int, 3)
    }

    func testFailingScriptIsAllOrNothing() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        try connection.execute("create table \(schema).s (x int)")
        XCTAssertThrowsError(try connection.executeScript("""
            insert into \(schema).s values (1);
            insert into \(schema).s values ('not a number');
            insert into \(schema).s values (3);
            """)) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, SQLState.invalidTextRepresentation)
        }
        XCTAssertEqual(try connection.query("select count(*) as n from \(schema).s")[0]["n"].int, 0)
    }

    func testTransactionCommitsOrRollsBack() throws {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection)
        try connection.execute("create table \(schema).t (x int)")
        try connection.transaction { try connection.execute("insert into \(schema).t values (1)") }
        struct Boom: Error {}
        XCTAssertThrowsError(try connection.transaction {
            try connection.execute("insert into \(schema).t values (2)")
            throw Boom()
        })
        XCTAssertThrowsError(try connection.transaction {
            try connection.execute("insert into \(schema).t values (3)")
            try connection.execute("insert into \(schema).t values ('x')")
        })
        XCTAssertEqual(try connection.query("select array_agg(x)::text as xs from \(schema).t")[0]["xs"].string, "{1}")
    }

    func testWrongPasswordNeverAppearsInTheError() throws {
        let connection = try TestDatabase.connect()
        let port = try connection.query("select current_setting('port') as port")[0]["port"].string!
        let secret = "s3cr3t-Pa55"
        XCTAssertThrowsError(try PostgresConnection("postgresql://rops:\(secret)@127.0.0.1:\(port)/rops_test")) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.kind, .connection)
            XCTAssertEqual(error.sqlState, SQLState.invalidPassword)
            XCTAssertFalse(error.description.contains(secret))
            XCTAssertFalse(error.description.contains("\n"))
        }
        XCTAssertThrowsError(try PostgresConnection("postgresql://rops:\(secret)@[::1/x")) { error in
            XCTAssertFalse("\(error)".contains(secret), "\(error)")
            XCTAssertTrue("\(error)".contains("****"), "\(error)")
        }
    }
}
