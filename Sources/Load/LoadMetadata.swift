import Foundation
import PostgresClient

/// `rops_meta.loads`: one row per loaded (or failed) file.
public enum LoadMetadata {
    public static func ensure(_ connection: PostgresConnection) throws {
        let present = try connection.query("select to_regclass('rops_meta.loads') is not null as present")[0]["present"].bool == true
        guard !present else { return }
        try connection.executeScript("""
            create schema if not exists rops_meta;
            create table if not exists rops_meta.loads (
                load_id bigserial primary key,
                source text not null,
                table_name text not null,
                file text not null,
                bytes bigint,
                checksum text,
                rows_loaded bigint not null default 0,
                rows_rejected bigint not null default 0,
                started_at timestamptz not null default now(),
                finished_at timestamptz not null default clock_timestamp(),
                status text not null,
                error text,
                mode text
            );
            """)
    }

    /// A new load id, taken before the file is copied so that its rows can carry it.
    static func nextLoadId(_ connection: PostgresConnection) throws -> Int64 {
        try ensure(connection)
        let row = try connection.query("select nextval(pg_get_serial_sequence('rops_meta.loads', 'load_id'))::text as id")
        guard let id = row.first?["id"].string.flatMap({ Int64($0) }) else { throw PostgresError(kind: .client, message: "no load id") }
        return id
    }

    static func record(_ connection: PostgresConnection, loadId: Int64? = nil, source: String, table: String, file: String, bytes: Int?, checksum: String?,
                       loaded: Int, rejected: Int, status: String, error: String?, mode: String) throws {
        try ensure(connection)
        try connection.execute("""
            insert into rops_meta.loads (load_id, source, table_name, file, bytes, checksum, rows_loaded, rows_rejected, status, error, mode)
            values (coalesce($11::bigint, nextval(pg_get_serial_sequence('rops_meta.loads', 'load_id'))), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, [source, table, file, bytes, checksum, loaded, rejected, status, error, mode, loadId.map(String.init)])
    }
}
