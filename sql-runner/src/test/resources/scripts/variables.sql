-- psql variables: \set joins its arguments; :name, :'name', :"name" and :{?name} are replaced
-- outside quotes, in SQL and anywhere in a meta-command's argument.
\set a 'one'
\set b :a:a
SELECT :'b' AS doubled;
\set c :a ' and ' :a
SELECT :'c' AS joined;
\set d 'it''s'
SELECT :'d' AS quote, 1 AS :"a";
\set e 'tab\there\\slash\101\x42'
SELECT :'e' AS escaped;
\set f "quoted ident"
SELECT :'f' AS kept_quotes;
\set g ':a'
SELECT :'g' AS not_substituted;
SELECT ':a' AS in_literal, 1 AS ":a";
\set u :undefined_variable
SELECT :'u' AS undefined_kept;
\set h x:a
SELECT :'h' AS glued;
\set i :'a'
SELECT :'i' AS quoted_in_set;
\set j :"a"
SELECT :'j' AS ident_in_set;
\set k
SELECT :'k' AS empty;
\set t :{?a} :{?undefined_variable}
SELECT :'t' AS tested;
\set table_name pg_class
SELECT count(*) > 0 AS counted FROM :table_name;
SELECT 'a' || :'a'::text AS cast_after;
\unset a
SELECT ':a' AS after_unset, :'b' AS still_set;
