-- A corpus of what makes splitting SQL hard. Errors are fine: the comparison is about what is sent.
SELECT 1; SELECT 'a;b' AS "x;y";
SELECT E'it\'s; fine', 'plain \ backslash';
CREATE TABLE t (id int, note text);
CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
CREATE OR REPLACE PROCEDURE p() LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO t VALUES (CASE WHEN true THEN 1 END, 'x');
  SELECT CASE WHEN true THEN 1 ELSE 2 END;
END;
DO $body$
BEGIN
  RAISE NOTICE 'x;y';
END
$body$;
SELECT $$a;b$$, $q$ $$ ; $q$;
/* outer /* nested ; */ still a comment ; */ SELECT 3;
SELECT (1,
        2);
SELECT a$b FROM (SELECT 1 AS a$b) s;
COPY t (id, note) FROM stdin;
1	semi;colon
2	\N
\.
SELECT count(*) FROM t;
SELECT U&'d\0061t\+000061' AS unicode, B'1010' AS bits, X'1F' AS hex;
  -- trailing comment line
SELECT 'last statement without a semicolon'
