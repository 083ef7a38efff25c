-- Production ERP (Oracle 12c to 19c, non-CDB database ERPPRD): the one-time setup that lets
-- Debezium's Oracle connector (connectors/production/erp-oracle.json, LogMiner adapter) read the
-- ERP's redo without changing the ERP's tables or application. The runbook around it, and what
-- differs on a container database (CDB with ERPPRD as a PDB), is docs/oracle.md.
--
-- Run once in SQL*Plus as SYSDBA, connected to ERPPRD. SQL*Plus substitution variables:
--   cdc_password   the password of DBZERP, the value the Connect workers get as ERP_CDC_PASSWORD
--   cdc_tablespace an existing tablespace for DBZERP's three small tables (LogMiner flush table,
--                  heartbeat, signals); one apart from the ERP's keeps them out of its storage
-- The account's name is not a variable: the connector config names DBZERP, and its heartbeat
-- query and signal table name DBZERP's schema.

WHENEVER SQLERROR EXIT SQL.SQLCODE
SET VERIFY OFF

-- LogMiner reads the archived logs to resume after any pause of the connector; in NOARCHIVELOG
-- mode an online log is overwritten and what it held is gone for CDC. Switching needs a restart
-- (SHUTDOWN IMMEDIATE; STARTUP MOUNT; ALTER DATABASE ARCHIVELOG; ALTER DATABASE OPEN) in the ERP's
-- maintenance window, so this script stops here rather than doing it. A CDB is stopped too: its
-- user, grants and connector settings differ (docs/oracle.md, "Container database").
DECLARE
  log_mode V$DATABASE.LOG_MODE%TYPE;
  is_cdb   V$DATABASE.CDB%TYPE;
BEGIN
  SELECT LOG_MODE, CDB INTO log_mode, is_cdb FROM V$DATABASE;
  IF log_mode <> 'ARCHIVELOG' THEN
    RAISE_APPLICATION_ERROR(-20001, 'ERPPRD runs in ' || log_mode || ': enable ARCHIVELOG first (docs/oracle.md, Prerequisites)');
  END IF;
  IF is_cdb = 'YES' THEN
    RAISE_APPLICATION_ERROR(-20002, 'ERPPRD is a container database: use the CDB variant in docs/oracle.md');
  END IF;
END;
/

-- Minimal supplemental logging database-wide: LogMiner needs it to rebuild changes to chained or
-- migrated rows, and Debezium refuses to stream without it.
ALTER DATABASE ADD SUPPLEMENTAL LOG DATA;

-- Every column in the redo of the captured tables, so an update carries the row as it was and a
-- delete the whole row: the sinks check a changed journal row against its before image and
-- reverse a deleted one from it, and a balance mapping with deltas computes after - before
-- (docs/mappings.md; STKBAL's changes are ignored today, onChange: ignore). Without it Debezium
-- only logs a warning and the images hold just the columns a statement changed. Only these two
-- tables pay for it: the hub captures nothing else of the ERP. ERPADM.HUBIMP is not captured (its
-- rows come back through STKJRNL, marked HUB:), so it needs none.
ALTER TABLE "ERPADM"."STKBAL" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS;
ALTER TABLE "ERPADM"."STKJRNL" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS;

-- The LogMiner account. Its own tablespace quota holds the flush table Debezium creates
-- (LOG_MINING_FLUSH), the heartbeat table and the signal table below. Give it a profile whose
-- password does not expire on its own (or rotate ERP_CDC_PASSWORD with it): an expired password
-- stops capture at the next reconnect.
CREATE USER DBZERP IDENTIFIED BY "&&cdc_password"
  DEFAULT TABLESPACE &&cdc_tablespace
  QUOTA 100M ON &&cdc_tablespace;

-- The grants of Debezium 3.6's Oracle documentation ("Creating a user account for the
-- connector"), without CONTAINER=ALL and SET CONTAINER (non-CDB), and narrowed where it allows.
GRANT CREATE SESSION TO DBZERP;
GRANT SELECT ON V_$DATABASE TO DBZERP;

-- SELECT and FLASHBACK on the two captured tables only, in place of the documentation's SELECT
-- ANY TABLE and FLASHBACK ANY TABLE: the snapshot reads them as of one SCN (a flashback query),
-- the incremental snapshot with plain queries, and nothing else of the ERP is read. SELECT is also
-- what the snapshot's LOCK TABLE ... IN ROW SHARE MODE needs (Oracle allows LOCK TABLE with any
-- object privilege on the table), so LOCK ANY TABLE is not granted.
GRANT SELECT ON "ERPADM"."STKBAL" TO DBZERP;
GRANT SELECT ON "ERPADM"."STKJRNL" TO DBZERP;
GRANT FLASHBACK ON "ERPADM"."STKBAL" TO DBZERP;
GRANT FLASHBACK ON "ERPADM"."STKJRNL" TO DBZERP;

-- LogMiner itself: the dictionary views, the LogMiner role and packages (newer releases give
-- the packages through the role, older ones only through the explicit grants), and the
-- flashback reads of other sessions' transactions that the snapshot makes (the documentation
-- calls SELECT ANY TRANSACTION optional from 12c on; it is kept so the snapshot cannot fail on it).
GRANT SELECT_CATALOG_ROLE TO DBZERP;
GRANT EXECUTE_CATALOG_ROLE TO DBZERP;
GRANT SELECT ANY TRANSACTION TO DBZERP;
GRANT LOGMINING TO DBZERP;
GRANT EXECUTE ON DBMS_LOGMNR TO DBZERP;
GRANT EXECUTE ON DBMS_LOGMNR_D TO DBZERP;

-- The flush table (Debezium creates it and writes to it so that LGWR has written what the mining
-- session reads) and the sequence the documentation lists.
GRANT CREATE TABLE TO DBZERP;
GRANT CREATE SEQUENCE TO DBZERP;

-- The redo and archive logs, their destinations and the open transactions: how the connector
-- finds the logs that hold its SCN and checks that none is missing. V$THREAD is read by 3.6's
-- log collector for the redo threads' state; SELECT_CATALOG_ROLE covers it too, the direct
-- grant keeps it when roles are not enabled.
GRANT SELECT ON V_$LOG TO DBZERP;
GRANT SELECT ON V_$LOG_HISTORY TO DBZERP;
GRANT SELECT ON V_$LOGMNR_LOGS TO DBZERP;
GRANT SELECT ON V_$LOGMNR_CONTENTS TO DBZERP;
GRANT SELECT ON V_$LOGMNR_PARAMETERS TO DBZERP;
GRANT SELECT ON V_$LOGFILE TO DBZERP;
GRANT SELECT ON V_$ARCHIVED_LOG TO DBZERP;
GRANT SELECT ON V_$ARCHIVE_DEST_STATUS TO DBZERP;
GRANT SELECT ON V_$TRANSACTION TO DBZERP;
GRANT SELECT ON V_$THREAD TO DBZERP;
GRANT SELECT ON V_$MYSTAT TO DBZERP;
GRANT SELECT ON V_$STATNAME TO DBZERP;

-- Heartbeat: the connector runs heartbeat.action.query (a MERGE of this one row) every
-- heartbeat.interval.ms. The commit gives LogMiner something to mine while STKBAL and STKJRNL are
-- idle (nights, Sundays), so the offset's SCN moves on instead of pointing into logs that the
-- archive purge will delete ("SCN not found" at the next restart). The table is not captured:
-- the commit alone moves the offset. BEAT_AT is when the connector last ran it, for the DBA.
CREATE TABLE "DBZERP"."DEBEZIUM_HEARTBEAT" (
  "ID"      NUMBER(1)  NOT NULL,
  "BEAT_AT" TIMESTAMP  NOT NULL,
  CONSTRAINT "DEBEZIUM_HEARTBEAT_PK" PRIMARY KEY ("ID"),
  -- One row: the MERGE updates it, and a second row would only be noise.
  CONSTRAINT "DEBEZIUM_HEARTBEAT_ONE_CK" CHECK ("ID" = 1)
);
INSERT INTO "DBZERP"."DEBEZIUM_HEARTBEAT" ("ID", "BEAT_AT") VALUES (1, SYSTIMESTAMP);
COMMIT;

-- Signals (signal.data.collection = ERPPRD.DBZERP.DEBEZIUM_SIGNAL): the DBA or the hub's ops
-- insert a row to re-snapshot a table while the connector streams (docs/oracle.md,
-- "Re-snapshot one table"). Debezium reads the first three columns by position as id, type and
-- data, the structure its signalling documentation requires; it also writes its incremental
-- snapshot watermarks here and, with incremental.snapshot.watermarking.strategy=insert_delete,
-- deletes them again, so the table stays small. The signal table need not be in
-- table.include.list: the connector adds it to its filters itself.
CREATE TABLE "DBZERP"."DEBEZIUM_SIGNAL" (
  "ID"   VARCHAR2(64 CHAR)   NOT NULL,
  "TYPE" VARCHAR2(32 CHAR)   NOT NULL,
  "DATA" VARCHAR2(2048 CHAR),
  CONSTRAINT "DEBEZIUM_SIGNAL_PK" PRIMARY KEY ("ID")
);

-- The watermark deletes are read from the redo like any change: the delete's before image must
-- carry the signal's id and data for Debezium to close the snapshot window.
ALTER TABLE "DBZERP"."DEBEZIUM_SIGNAL" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS;
