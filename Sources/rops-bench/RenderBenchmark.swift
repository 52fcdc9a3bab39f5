import Foundation
import Template

/// Times the template engine on model files shaped like real ones: a `config`, a `set`, a `for`
/// loop over columns and three `ref`s each.
enum RenderBenchmark {
    static func model(_ i: Int) -> String {
        """
        {{ config(materialized='table', schema='staging', tags=['daily']) }}
        {%- set columns = ['id', 'client_id', 'card_id', 'amount', 'merchant_id', 'mcc'] %}

        with

        transactions as (
            select * from {{ ref('stg_transactions_\(i % 50)') }}
        ),

        users as (
            select * from {{ ref('stg_users') }}
        ),

        cards as (
            select * from {{ ref('stg_cards') }}
        ),

        final as (
            select
                {%- for column in columns %}
                transactions.{{ column }}{% if not loop.last %},{% endif %}
                {%- endfor %}
            from transactions
            join users on users.id = transactions.client_id
            join cards on cards.id = transactions.card_id
            where transactions.amount > {{ \(i % 100) }}
        )

        select * from final
        """
    }

    static func run(models count: Int) throws {
        let hosts: [String: Value] = [
            "ref": .function(Function(name: "ref") { a in .string("\"staging\".\"\(a.positional[0].stringValue ?? "")\"") }),
            "config": .function(Function(name: "config") { _ in .string("") }),
        ]
        let sources = (0..<count).map(model)
        var start = Date()
        let templates = try sources.enumerated().map { try Template(source: $0.element, file: "models/m\($0.offset).sql") }
        let parseSeconds = Date().timeIntervalSince(start)
        var bytes = 0
        var best = Double.infinity
        for _ in 0..<5 {
            start = Date()
            bytes = 0
            for template in templates { bytes += try template.render(hosts).utf8.count }
            best = min(best, Date().timeIntervalSince(start))
        }
        print(String(format: "templates=%d parse_ms=%.1f render_ms=%.1f (best of 5) total_ms=%.1f output_bytes=%d goal_render_ms<100",
                     count, parseSeconds * 1000, best * 1000, (parseSeconds + best) * 1000, bytes))
    }
}
