/**
 * Every Admin GraphQL document the project sends, in one place, so that one test can validate
 * all of them against Shopify's real schema for the pinned API version
 * (test/core/shopify/documents.test.ts). Sizes are chosen to stay far below Shopify's
 * 1,000-point single-query limit: a connection costs 2 + first x (its node's cost).
 */

/** Sets absolute quantities (at most 250), with compare-and-set per quantity and an idempotency key. */
export const SET_QUANTITIES = /* GraphQL */ `
  mutation SetInventoryQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
      inventoryAdjustmentGroup {
        id
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;
/** Shopify's limit on quantities per inventorySetQuantities call. */
export const SET_QUANTITIES_MAX = 250;

/** Inventory items by SKU: `query` is "sku:A OR sku:B ...". */
export const ITEMS_BY_SKU = /* GraphQL */ `
  query InventoryItemsBySku($query: String!, $first: Int!) {
    inventoryItems(first: $first, query: $query) {
      nodes {
        legacyResourceId
        sku
      }
    }
  }
`;
/** SKUs per ITEMS_BY_SKU call: also bounds the length of the search query. */
export const ITEMS_BY_SKU_MAX = 50;

/** The SKU of inventory items by id (what inventory_levels/update webhooks name). */
export const ITEM_SKUS = /* GraphQL */ `
  query InventoryItemSkus($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        legacyResourceId
        sku
      }
    }
  }
`;
export const ITEM_SKUS_MAX = 100;

/**
 * Available quantities of items at one location: the compare-and-set bases after a conflict.
 * One level an item costs 3 points (item, level, quantities), where every level of an item
 * (`inventoryLevels(first: 25)`) cost 78: after an outage the re-reads of the web orders' levels
 * took most of a Standard bucket's minute.
 */
export const ITEM_LEVELS_AT = /* GraphQL */ `
  query InventoryItemLevelsAt($ids: [ID!]!, $locationId: ID!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        legacyResourceId
        inventoryLevel(locationId: $locationId) {
          quantities(names: ["available"]) {
            name
            quantity
          }
        }
      }
    }
  }
`;
/** Items per ITEM_LEVELS_AT call (Shopify's limit for `nodes`), and its cost in points per item. */
export const ITEM_LEVELS_AT_MAX = 250;
export const ITEM_LEVELS_AT_COST = 3;

/** Orders changed since a time (`query` "updated_at:>='…'"), oldest first, to read back what webhooks lost. */
export const ORDERS_UPDATED_SINCE = /* GraphQL */ `
  query OrdersUpdatedSince($query: String!, $after: String) {
    orders(first: 10, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        legacyResourceId
        name
        createdAt
        updatedAt
        sourceName
        retailLocation {
          legacyResourceId
        }
        lineItems(first: 50) {
          nodes {
            id
            sku
            quantity
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** Levels asked for per item by LEVELS_BY_SKU: more than the shop's 21 locations. */
export const LEVELS_BY_SKU_LEVELS = 25;

/**
 * The reconciliation report's read (hub/ops/report/shopify-view.ts): Shopify's available quantity
 * of items found by SKU (`query` "sku:A OR sku:B ..."), at every location. Requested cost: a level
 * is 3 (itself, its location, its quantities), an item 1 + 2 + 25 x 3 = 78, so 2 + 78 x first:
 * 12 items (938 points) is the most one query may ask for under the 1,000-point limit.
 */
export const LEVELS_BY_SKU = /* GraphQL */ `
  query ReportLevelsBySku($query: String!, $first: Int!) {
    inventoryItems(first: $first, query: $query) {
      nodes {
        sku
        inventoryLevels(first: ${LEVELS_BY_SKU_LEVELS}) {
          nodes {
            location {
              legacyResourceId
            }
            quantities(names: ["available"]) {
              name
              quantity
            }
          }
        }
      }
    }
  }
`;

/** The cheapest call: whether Shopify answers again after an outage. */
export const SHOP_PROBE = /* GraphQL */ `
  query ShopProbe {
    shop {
      id
    }
  }
`;
