/// The generic tests every project has, as SQL templates returning failing rows. Their variables:
/// `model` (the relation, filtered by `where:`), `column_name`, and the test's arguments.
enum BuiltinTests {
    static let templates: [String: String] = [
        "not_null": """
            select {{ column_name }}
            from {{ model }}
            where {{ column_name }} is null
            """,
        "unique": """
            select {{ column_name }} as unique_field, count(*) as n_records
            from {{ model }}
            where {{ column_name }} is not null
            group by {{ column_name }}
            having count(*) > 1
            """,
        "accepted_values": """
            with all_values as (
                select {{ column_name }} as value_field, count(*) as n_records
                from {{ model }}
                group by {{ column_name }}
            )
            select * from all_values
            where value_field not in (
                {%- for value in values -%}
                {%- if quote is not defined or quote -%}'{{ value | string | replace("'", "''") }}'{%- else -%}{{ value }}{%- endif -%}
                {{- ', ' if not loop.last -}}
                {%- endfor -%}
            )
            """,
        "relationships": """
            with child as (
                select {{ column_name }} as from_field
                from {{ model }}
                where {{ column_name }} is not null
            ),
            parent as (
                select {{ field }} as to_field
                from {{ to }}
            )
            select from_field
            from child
            left join parent on child.from_field = parent.to_field
            where parent.to_field is null
            """,
        "expression_is_true": """
            select *
            from {{ model }}
            where not ({% if column_name is defined and column_name %}{{ column_name }} {% endif %}{{ expression }})
            """,
        "row_count": """
            select count(*) as row_count
            from {{ model }}
            having {% if min is defined %}count(*) < {{ min }}{% endif %}{% if min is defined and max is defined %} or {% endif %}{% if max is defined %}count(*) > {{ max }}{% endif %}{% if min is not defined and max is not defined %}false{% endif %}
            """,
        "recency": """
            select max({{ field if field is defined else column_name }}) as most_recent
            from {{ model }}
            having max({{ field if field is defined else column_name }}) is null
                or max({{ field if field is defined else column_name }}) < now() - interval '{{ max_age | replace("'", "") }}'
            """,
        "unique_combination": """
            {%- set cols = columns if columns is defined else combination_of_columns %}
            select {{ cols | join(', ') }}, count(*) as n_records
            from {{ model }}
            group by {{ cols | join(', ') }}
            having count(*) > 1
            """,
        "equal_row_count": """
            with model_rows as (select count(*) as n from {{ model }}),
            compare_rows as (select count(*) as n from {{ compare_model }})
            select model_rows.n as model_rows, compare_rows.n as compare_rows
            from model_rows cross join compare_rows
            where model_rows.n <> compare_rows.n
            """,
        "row_conservation": """
            with source_rows as (
                select {% for relation in (sources if sources is defined else [model]) %}(select count(*) from {{ relation }}){{ ' + ' if not loop.last }}{% endfor %} as n
            ),
            part_rows as (
                select {% for relation in parts %}(select count(*) from {{ relation }}){{ ' + ' if not loop.last }}{% endfor %} as n
            )
            select source_rows.n as source_rows, part_rows.n as part_rows
            from source_rows cross join part_rows
            where source_rows.n <> part_rows.n
            """,
    ]

    /// For the tests whose failing rows are rows of `model` matching a condition: that condition. Zero
    /// matching rows means zero failures for the test's own query too, so a shared scan can pass them.
    static let failingRowConditions: [String: String] = [
        "not_null": "{{ column_name }} is null",
        "accepted_values": """
            {{ column_name }} not in (
                {%- for value in values -%}
                {%- if quote is not defined or quote -%}'{{ value | string | replace("'", "''") }}'{%- else -%}{{ value }}{%- endif -%}
                {{- ', ' if not loop.last -}}
                {%- endfor -%}
            )
            """,
        "expression_is_true": "not ({% if column_name is defined and column_name %}{{ column_name }} {% endif %}{{ expression }})",
    ]

    /// dbt's spellings of the same tests.
    static let aliases: [String: String] = [
        "dbt_utils.expression_is_true": "expression_is_true",
        "dbt_utils.unique_combination_of_columns": "unique_combination",
        "unique_combination_of_columns": "unique_combination",
        "dbt_utils.equal_rowcount": "equal_row_count",
        "equal_rowcount": "equal_row_count",
    ]
}
