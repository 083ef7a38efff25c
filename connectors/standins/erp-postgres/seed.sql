-- Seeds the ERP stand-in: :skus items (8-digit article numbers from 10000001), :stores stores
-- (S001..) and one distribution centre (DC01), and an opening balance per item per branch.
-- Quantities are deterministic (derived from the numbers) so that runs are repeatable.

INSERT INTO "ERPADM"."BRNMST" ("BRNCD", "BRNNM", "BRNTYP")
SELECT 'S' || lpad(s::text, 3, '0'), 'RetailMax store ' || s, 'S'
FROM generate_series(1, :stores) AS s
UNION ALL
SELECT 'DC01', 'RetailMax distribution centre', 'D';

INSERT INTO "ERPADM"."ITMMST" ("ITMCD", "ITMDSC", "ITMGRP")
SELECT (10000000 + i)::text,
       'Article ' || (10000000 + i),
       'G' || lpad((i % 40)::text, 2, '0')
FROM generate_series(1, :skus) AS i;

INSERT INTO "ERPADM"."STKBAL" ("ITMCD", "BRNCD", "QTYOH", "LSTUPD", "LSTUSR")
SELECT i."ITMCD",
       b."BRNCD",
       CASE WHEN b."BRNTYP" = 'D' THEN (hashtext(i."ITMCD") & 511)
            ELSE (hashtext(i."ITMCD" || b."BRNCD") & 31) END,
       TIMESTAMP '2026-11-01 02:00:00',
       'BATCH'
FROM "ERPADM"."ITMMST" i CROSS JOIN "ERPADM"."BRNMST" b;

ANALYZE;
