-- Seeds the WMS stand-in (run after `SET @skus = N`): @skus items,
-- 2,000 pick bins plus dock and reserve locations in DC01, and one pick-face stock row per
-- SKU. Quantities are deterministic so that runs are repeatable. seq_* is MariaDB's
-- Sequence engine.

INSERT INTO itm_item (sku_code, item_desc)
SELECT CAST(10000000 + seq AS CHAR), CONCAT('ARTICLE ', 10000000 + seq)
FROM seq_1_to_1000000 WHERE seq <= @skus;

INSERT INTO loc_location (whse_code, loc_code, zone_code, loc_type)
VALUES ('DC01', 'DOCK-01', 'DOCK', 'DOCK'), ('DC01', 'DOCK-02', 'DOCK', 'DOCK');

INSERT INTO loc_location (whse_code, loc_code, zone_code, loc_type)
SELECT 'DC01',
       CONCAT('P-', LPAD(FLOOR((seq - 1) / 100) + 1, 2, '0'), '-', LPAD((seq - 1) % 100 + 1, 3, '0')),
       CONCAT('P', LPAD(FLOOR((seq - 1) / 500) + 1, 2, '0')),
       'PICK'
FROM seq_1_to_2000;

INSERT INTO inv_inventory (whse_code, loc_id, sku_code, qty_on_hand, upd_user, upd_ts)
SELECT 'DC01', 3 + (seq % 2000), CAST(10000000 + seq AS CHAR), CRC32(seq) % 512, 'INIT',
       '2026-11-01 02:00:00'
FROM seq_1_to_1000000 WHERE seq <= @skus;
