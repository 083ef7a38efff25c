-- ERP stand-in: the legacy Java + Oracle ERP's stock tables, reproduced in PostgreSQL with the
-- same uppercase, terse names (quoted so that PostgreSQL keeps them uppercase, as Oracle does)
-- and NUMBER-like NUMERIC columns, so that Debezium's events look like the Oracle connector's.
-- psql variables: app_user, app_password, cdc_user, cdc_password.

CREATE SCHEMA "ERPADM";

-- Item master.
CREATE TABLE "ERPADM"."ITMMST" (
  "ITMCD"  VARCHAR(20) PRIMARY KEY,
  "ITMDSC" VARCHAR(60) NOT NULL,
  "ITMGRP" VARCHAR(6),
  "UOM"    VARCHAR(3)  NOT NULL DEFAULT 'EA',
  "ACTFLG" CHAR(1)     NOT NULL DEFAULT 'Y',
  "CRTDT"  TIMESTAMP   NOT NULL DEFAULT LOCALTIMESTAMP
);

-- Branch master: stores (S) and the distribution centre (D).
CREATE TABLE "ERPADM"."BRNMST" (
  "BRNCD"  VARCHAR(6)  PRIMARY KEY,
  "BRNNM"  VARCHAR(40) NOT NULL,
  "BRNTYP" CHAR(1)     NOT NULL CHECK ("BRNTYP" IN ('S', 'D'))
);

-- Stock balance per item per branch, maintained by the ERP application.
CREATE TABLE "ERPADM"."STKBAL" (
  "ITMCD"  VARCHAR(20)   NOT NULL REFERENCES "ERPADM"."ITMMST",
  "BRNCD"  VARCHAR(6)    NOT NULL REFERENCES "ERPADM"."BRNMST",
  "QTYOH"  NUMERIC(12,3) NOT NULL DEFAULT 0,
  "QTYRSV" NUMERIC(12,3) NOT NULL DEFAULT 0,
  "LSTUPD" TIMESTAMP     NOT NULL DEFAULT LOCALTIMESTAMP,
  "LSTUSR" VARCHAR(10),
  PRIMARY KEY ("ITMCD", "BRNCD")
);

-- Stock movement journal: one insert-only row per movement line.
-- MVTTYP: SAL sale, RET return, RCV receipt, TRO transfer out, TRI transfer in,
--         ADJ adjustment, DMG damage/shrink, CNT physical count (QTY = counted quantity).
CREATE SEQUENCE "ERPADM"."STKJRNL_SEQ" START WITH 1000001;
CREATE TABLE "ERPADM"."STKJRNL" (
  "JRNLNO" NUMERIC(12)   PRIMARY KEY DEFAULT nextval('"ERPADM"."STKJRNL_SEQ"'),
  "ITMCD"  VARCHAR(20)   NOT NULL REFERENCES "ERPADM"."ITMMST",
  "BRNCD"  VARCHAR(6)    NOT NULL REFERENCES "ERPADM"."BRNMST",
  "MVTTYP" CHAR(3)       NOT NULL,
  "QTY"    NUMERIC(12,3) NOT NULL,
  "DOCNO"  VARCHAR(20),
  "DOCLN"  NUMERIC(4),
  "USRID"  VARCHAR(10),
  "TRNDT"  TIMESTAMP     NOT NULL DEFAULT LOCALTIMESTAMP,
  "RMK"    VARCHAR(80)
);
CREATE INDEX "STKJRNL_IX1" ON "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "TRNDT");

-- The ERP application's own account.
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
GRANT USAGE ON SCHEMA "ERPADM" TO :"app_user";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "ERPADM" TO :"app_user";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA "ERPADM" TO :"app_user";

-- What the DBAs grant for change-data capture: a replication login that can read the tables,
-- full before-images on the captured tables (the equivalent of Oracle's supplemental logging of
-- all columns, so that an update carries the old quantity and a delete the whole row), and a
-- publication listing the captured tables.
CREATE ROLE :"cdc_user" LOGIN REPLICATION PASSWORD :'cdc_password';
GRANT USAGE ON SCHEMA "ERPADM" TO :"cdc_user";
GRANT SELECT ON ALL TABLES IN SCHEMA "ERPADM" TO :"cdc_user";
ALTER TABLE "ERPADM"."STKBAL" REPLICA IDENTITY FULL;
ALTER TABLE "ERPADM"."STKJRNL" REPLICA IDENTITY FULL;
CREATE PUBLICATION dbz_erp FOR TABLE "ERPADM"."STKBAL", "ERPADM"."STKJRNL";
