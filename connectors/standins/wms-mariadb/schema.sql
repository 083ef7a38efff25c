-- WMS stand-in: the DC's warehouse management system, with its vendor's naming (three-letter
-- table prefixes, snake_case, integer quantities in each unit of measure).

-- Item master as the WMS knows it (synchronised from the ERP by the WMS's own interface).
CREATE TABLE itm_item (
  sku_code   VARCHAR(20) NOT NULL PRIMARY KEY,
  item_desc  VARCHAR(60) NOT NULL,
  uom_code   VARCHAR(4)  NOT NULL DEFAULT 'EA',
  status_flg CHAR(1)     NOT NULL DEFAULT 'A'
) ENGINE = InnoDB;

-- Storage locations (bins) of the DC: dock doors, reserve and pick faces.
CREATE TABLE loc_location (
  loc_id    INT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
  whse_code VARCHAR(6)  NOT NULL,
  loc_code  VARCHAR(20) NOT NULL UNIQUE,
  zone_code VARCHAR(4)  NOT NULL,
  loc_type  VARCHAR(4)  NOT NULL COMMENT 'DOCK, RSRV, PICK'
) ENGINE = InnoDB;

-- Stock per bin and SKU; qty_allocated is stock promised to open pick waves.
CREATE TABLE inv_inventory (
  inv_id        BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  whse_code     VARCHAR(6)  NOT NULL,
  loc_id        INT         NOT NULL,
  sku_code      VARCHAR(20) NOT NULL,
  qty_on_hand   INT         NOT NULL DEFAULT 0,
  qty_allocated INT         NOT NULL DEFAULT 0,
  last_txn_id   BIGINT      NULL,
  upd_user      VARCHAR(12) NULL,
  upd_ts        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uk_inv_loc_sku (loc_id, sku_code),
  KEY ix_inv_sku (sku_code),
  CONSTRAINT fk_inv_loc FOREIGN KEY (loc_id) REFERENCES loc_location (loc_id),
  CONSTRAINT fk_inv_sku FOREIGN KEY (sku_code) REFERENCES itm_item (sku_code)
) ENGINE = InnoDB;

-- Inventory transactions, insert-only. txn_type: RCPT receipt, PICK pick for a store or web
-- order, SHIP shipment, ADJ adjustment, CC cycle count (qty = counted), MOVE bin-to-bin.
CREATE TABLE itx_transaction (
  txn_id    BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  txn_type  VARCHAR(4)  NOT NULL,
  whse_code VARCHAR(6)  NOT NULL,
  sku_code  VARCHAR(20) NOT NULL,
  loc_id    INT         NOT NULL,
  qty       INT         NOT NULL,
  ref_doc   VARCHAR(24) NULL,
  ref_line  INT         NULL,
  user_id   VARCHAR(12) NULL,
  txn_ts    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_itx_sku (sku_code, txn_ts)
) ENGINE = InnoDB AUTO_INCREMENT = 5000001;
