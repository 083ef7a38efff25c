import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildClientSchema, parse, validate, GraphQLError, type DocumentNode, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { ConfigError } from '../../core/errors';

/** Where scripts/fetch-shopify-schema leaves Shopify's introspection JSON, one file per API version. */
export const SCHEMA_DIR = resolve(__dirname, '../../.cache/shopify');

export const schemaPathOf = (apiVersion: string): string => join(SCHEMA_DIR, `admin_${apiVersion}.json`);

// Building the 11 MB schema takes about a second: once per process and file, shared by every
// emulator a test file starts.
const schemas = new Map<string, GraphQLSchema>();

/** Shopify's real Admin schema for `apiVersion`, as an executable graphql-js schema. */
export function loadAdminSchema(apiVersion: string, path: string = schemaPathOf(apiVersion)): GraphQLSchema {
  const cached = schemas.get(path);
  if (cached) return cached;
  if (!existsSync(path)) {
    throw new ConfigError(`${path} is missing: run bash scripts/fetch-shopify-schema to fetch Shopify's Admin schema ${apiVersion}`, 'SHOPIFY_API_VERSION');
  }
  const json = JSON.parse(readFileSync(path, 'utf8')) as { data?: IntrospectionQuery } & Partial<IntrospectionQuery>;
  const schema = buildClientSchema(json.data ?? (json as IntrospectionQuery), { assumeValid: true });
  schemas.set(path, schema);
  return schema;
}

/** One entry of a GraphQL `errors` array as Shopify writes it. */
export interface ShopifyGraphqlError {
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: ReadonlyArray<string | number>;
  extensions: { code: string } & Record<string, unknown>;
}

// graphql-ruby's static-validation codes, which Shopify returns, keyed by graphql-js's wording.
const VALIDATION_CODES: Array<[RegExp, string]> = [
  [/^Cannot query field/, 'undefinedField'],
  [/^Unknown argument/, 'argumentNotAccepted'],
  [/is required, but it was not provided/, 'missingRequiredArguments'],
  [/^Unknown type/, 'undefinedType'],
  [/^Variable ".*" is never used/, 'variableNotUsed'],
  [/^Variable ".*" is not defined/, 'variableNotDefined'],
  [/used in position expecting/, 'variableMismatch'],
  [/must have a selection of subfields|must not have a selection/, 'selectionMismatch'],
  [/^Unknown directive/, 'undefinedDirective'],
  [/^Fragment ".*" is never used|^Unknown fragment/, 'useAndDefineFragment'],
  [/cannot represent|^Expected value of type|^Expected type/, 'argumentLiteralsIncompatible'],
];

export function toShopifyError(error: GraphQLError, fallbackCode: string): ShopifyGraphqlError {
  const code = (error.extensions?.code as string | undefined) ?? VALIDATION_CODES.find(([pattern]) => pattern.test(error.message))?.[1] ?? fallbackCode;
  // Shopify (graphql-ruby) words its most common refusal differently and names the field.
  const undefinedField = code === 'undefinedField' ? /^Cannot query field "(.+?)" on type "(.+?)"/.exec(error.message) : null;
  if (undefinedField) {
    const [, fieldName, typeName] = undefinedField;
    return {
      message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
      ...(error.locations && { locations: error.locations.map(({ line, column }) => ({ line, column })) }),
      path: [],
      extensions: { code, typeName: typeName!, fieldName: fieldName! },
    };
  }
  return {
    message: error.message,
    ...(error.locations && { locations: error.locations.map(({ line, column }) => ({ line, column })) }),
    ...(error.path && { path: error.path }),
    extensions: { ...error.extensions, code },
  };
}

export type Prepared = { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: ShopifyGraphqlError[] };

/**
 * Parses and validates documents against the schema, remembering the last few hundred: a client
 * sends the same handful of documents over and over, and validation walks every field.
 */
export class DocumentCache {
  private readonly entries = new Map<string, Prepared>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly capacity = 500,
  ) {}

  prepare(query: string): Prepared {
    const hit = this.entries.get(query);
    if (hit) {
      this.entries.delete(query);
      this.entries.set(query, hit);
      return hit;
    }
    const prepared = this.build(query);
    this.entries.set(query, prepared);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return prepared;
  }

  private build(query: string): Prepared {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [toShopifyError(error, 'parseError')] };
      throw error;
    }
    const errors = validate(this.schema, document);
    return errors.length > 0 ? { errors: errors.map((e) => toShopifyError(e, 'validationError')) } : { document };
  }
}
