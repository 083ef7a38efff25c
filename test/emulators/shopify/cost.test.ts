import { parse } from 'graphql';
import { calculateCost, loadAdminSchema } from '../../../emulators/shopify';
import { selectOperation } from '../../../emulators/shopify/cost';

const schema = loadAdminSchema('2026-07');

const costOf = (query: string, variables: Record<string, unknown> = {}): number => {
  const document = parse(query);
  return calculateCost(schema, document, selectOperation(document)!, variables);
};

describe('calculated query cost', () => {
  it('charges 1 per object and nothing for scalars', () => {
    expect(costOf('{ shop { id name myshopifyDomain } }')).toBe(1);
    expect(costOf('{ shop { id } location(id: "gid://shopify/Location/1") { id name } }')).toBe(2);
  });

  it('charges a connection 2 plus first times one node, pageInfo and cursors free', () => {
    expect(costOf('{ inventoryItems(first: 10) { nodes { id sku } pageInfo { hasNextPage endCursor } } }')).toBe(12);
    // Without first the emulator assumes 10.
    expect(costOf('{ locations { edges { cursor node { id } } } }')).toBe(12);
  });

  it('multiplies nested connections', () => {
    const query = `{ inventoryItems(first: 5, query: "sku:A") {
      edges { cursor node { id inventoryLevels(first: 21) { nodes { id quantities(names: ["available"]) { name quantity } } } } }
      pageInfo { hasNextPage } } }`;
    // level: 1 + quantities 1 = 2; levels: 2 + 21 x 2 = 44; item: 1 + 44 = 45; items: 2 + 5 x 45.
    expect(costOf(query)).toBe(227);
  });

  it('reads first from variables', () => {
    const query = 'query Orders($n: Int!) { orders(first: $n) { nodes { id lineItems(first: 50) { nodes { sku quantity } } } } }';
    expect(costOf(query, { n: 20 })).toBe(2 + 20 * (1 + 2 + 50));
  });

  it('charges nodes(ids) per id, the dearest fragment branch only', () => {
    const query = `{ nodes(ids: ["a", "b", "c"]) {
      ... on InventoryItem { id inventoryLevel(locationId: "x") { id } }
      ... on Location { id name } } }`;
    expect(costOf(query)).toBe(3 * (1 + 1));
  });

  it('flattens named fragments and honours @skip/@include', () => {
    const query = `query Q($full: Boolean!) { shop { id } ...L inventoryItems(first: 3) @include(if: $full) { nodes { id } } }
      fragment L on QueryRoot { locations(first: 4) @skip(if: false) { nodes { ...Loc } } }
      fragment Loc on Location { id name }`;
    expect(costOf(query, { full: false })).toBe(1 + (2 + 4));
    expect(costOf(query, { full: true })).toBe(1 + (2 + 4) + (2 + 3));
  });

  it('charges each top-level mutation field 10, whatever it selects', () => {
    const input = '{ name: "available", reason: "correction", quantities: [] }';
    const query = `mutation { a: inventorySetQuantities(input: ${input}) { inventoryAdjustmentGroup { changes { item { id } } } userErrors { code } }
      b: inventorySetQuantities(input: ${input}) @idempotent(key: "k") { userErrors { code } } }`;
    expect(costOf(query)).toBe(20);
  });
});
