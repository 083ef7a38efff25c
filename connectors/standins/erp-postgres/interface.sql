-- ERP stand-in: the interface table the ERP imports movements from, and the import job that the
-- ERP runs on a schedule. This is how the hub writes back to the ERP without changing it: the
-- ERP already imports documents this way; the hub is one more producer of interface rows.
-- Each row carries the hub's event id (HUBEVT), which the import copies into the journal's remark
-- as 'HUB:<event id>', so that the change CDC captures afterwards is recognized as the hub's own.

CREATE SEQUENCE "ERPADM"."HUBIMP_SEQ";
CREATE TABLE "ERPADM"."HUBIMP" (
  "IMPID"  NUMERIC(12)   PRIMARY KEY DEFAULT nextval('"ERPADM"."HUBIMP_SEQ"'),
  "HUBEVT" VARCHAR(64)   NOT NULL UNIQUE,
  "ITMCD"  VARCHAR(20)   NOT NULL,
  "BRNCD"  VARCHAR(6)    NOT NULL,
  "MVTTYP" CHAR(3)       NOT NULL,
  "QTY"    NUMERIC(12,3) NOT NULL,
  "DOCNO"  VARCHAR(20),
  "TRNDT"  TIMESTAMP     NOT NULL,
  -- N new, P posted, E rejected by the import (ERRMSG says why; ERP staff correct or delete it).
  "STATUS" CHAR(1)       NOT NULL DEFAULT 'N' CHECK ("STATUS" IN ('N', 'P', 'E')),
  "ERRMSG" VARCHAR(200),
  "CRTDT"  TIMESTAMP     NOT NULL DEFAULT LOCALTIMESTAMP
);

-- The ERP's import job: posts every new interface row to the journal and the balance, as the
-- ERP application would, and marks it processed. A row naming an article or branch the ERP does
-- not have is rejected on its own (status E), as import jobs do; the others are still posted.
CREATE FUNCTION "ERPADM"."IMPORT_HUBIMP"() RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
  n INTEGER := 0;
BEGIN
  FOR r IN SELECT * FROM "ERPADM"."HUBIMP" WHERE "STATUS" = 'N' ORDER BY "IMPID" FOR UPDATE LOOP
    IF NOT EXISTS (SELECT 1 FROM "ERPADM"."STKBAL" WHERE "ITMCD" = r."ITMCD" AND "BRNCD" = r."BRNCD") THEN
      UPDATE "ERPADM"."HUBIMP" SET "STATUS" = 'E', "ERRMSG" = 'unknown article or branch: ' || r."ITMCD" || '@' || r."BRNCD" WHERE "IMPID" = r."IMPID";
      CONTINUE;
    END IF;
    INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "USRID", "TRNDT", "RMK")
    VALUES (r."ITMCD", r."BRNCD", r."MVTTYP", r."QTY", r."DOCNO", 'STOCKHUB', r."TRNDT", 'HUB:' || r."HUBEVT");
    UPDATE "ERPADM"."STKBAL" SET "QTYOH" = "QTYOH" + r."QTY", "LSTUPD" = LOCALTIMESTAMP, "LSTUSR" = 'STOCKHUB'
    WHERE "ITMCD" = r."ITMCD" AND "BRNCD" = r."BRNCD";
    UPDATE "ERPADM"."HUBIMP" SET "STATUS" = 'P' WHERE "IMPID" = r."IMPID";
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
