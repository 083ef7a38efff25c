import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildClientSchema, parse, validate, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { documents, loadShopifyConfig } from '../../../core/shopify';

/** Fetched by scripts/fetch-shopify-schema (npm test runs scripts/install first) from @shopify/dev-mcp, pinned. */
function adminSchema(): GraphQLSchema {
  const path = resolve(__dirname, `../../../.cache/shopify/admin_${loadShopifyConfig().apiVersion}.json`);
  const introspection = JSON.parse(readFileSync(path, 'utf8')) as { data: IntrospectionQuery };
  return buildClientSchema(introspection.data);
}

const sent = Object.entries(documents as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string');

describe("GraphQL documents against Shopify's Admin schema", () => {
  const schema = adminSchema();

  it('covers every document the project sends', () => {
    expect(sent.map(([name]) => name).sort()).toEqual(['ITEMS_BY_SKU', 'ITEM_LEVELS_AT', 'ITEM_SKUS', 'LEVELS_BY_SKU', 'ORDERS_UPDATED_SINCE', 'SET_QUANTITIES', 'SHOP_PROBE']);
  });

  it.each(sent)('%s is valid', (_name, document) => {
    expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
  });

  it('would catch a field Shopify does not have', () => {
    const wrong = documents.SET_QUANTITIES.replace('userErrors {', 'userErrors { quantity');
    expect(validate(schema, parse(wrong)).map((error) => error.message)).toEqual([expect.stringContaining('Cannot query field "quantity"')]);
  });
});
