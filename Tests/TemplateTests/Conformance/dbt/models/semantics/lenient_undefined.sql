{#- What dbt-core renders for names nothing defines: an undefined variable prints as nothing, a
    macro argument left out is undefined too, `is defined` and `default` see them, and a loop over
    one runs no times. -#}
select
    '{{ not_a_variable }}' as undefined_prints_empty,
    '{{ labelled("only a label") }}' as missing_argument_prints_empty,
    {{ 1 if not_a_variable is defined else 0 }} as is_defined,
    '{{ not_a_variable | default("fallback") }}' as default_applies,
    '{% for item in not_a_variable %}{{ item }}{% endfor %}' as loop_runs_no_times,
    {{ 'true' if not_a_variable else 'false' }} as undefined_is_false
