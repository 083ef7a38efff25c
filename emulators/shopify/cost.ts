import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isLeafType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type FieldNode,
} from 'graphql';

/**
 * Shopify's calculated query cost, simplified to the rules that matter for budgeting:
 * scalars and enums 0; an object 1 plus its selection; a connection 2 plus `first` (10 when
 * absent) times the cost of one node; `nodes(ids)` one node per id; each top-level mutation
 * field 10, its payload free. Inline fragments on different types count the dearest branch,
 * not the sum (only one of them can match).
 */
export const DEFAULT_PAGE_SIZE = 10;
export const MUTATION_FIELD_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** The requested cost of `operation`, with its (already coerced) variables. */
export function calculateCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const walk: Walk = { schema, fragments, variables };
  if (operation.operation === 'mutation') {
    return collectFields(walk, schema.getMutationType()!, operation.selectionSet).length * MUTATION_FIELD_COST;
  }
  const root = operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  return root ? selectionCost(walk, root, operation.selectionSet) : 0;
}

function included(walk: Walk, node: SelectionNode): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, walk.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, walk.variables);
  return include?.if !== false;
}

/** Fields selected directly on `type` (spreads on the same type flattened); other-type fragments apart. */
function collectFields(walk: Walk, type: GraphQLCompositeType, selectionSet: SelectionSetNode, branches?: Array<[GraphQLCompositeType, SelectionSetNode]>): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (!included(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      fields.push(selection);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments.get(selection.name.value);
    if (!fragment) continue;
    const condition = fragment.typeCondition ? (walk.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) : type;
    if (!condition || condition === type || !branches) fields.push(...collectFields(walk, condition ?? type, fragment.selectionSet, branches));
    else branches.push([condition, fragment.selectionSet]);
  }
  return fields;
}

function selectionCost(walk: Walk, type: GraphQLCompositeType, selectionSet: SelectionSetNode): number {
  const branches: Array<[GraphQLCompositeType, SelectionSetNode]> = [];
  let cost = 0;
  for (const field of collectFields(walk, type, selectionSet, branches)) cost += fieldCost(walk, type, field);
  let dearest = 0;
  for (const [branchType, branchSet] of branches) dearest = Math.max(dearest, selectionCost(walk, branchType, branchSet));
  return cost + dearest;
}

function fieldDefinition(type: GraphQLCompositeType, name: string) {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

const isConnection = (type: GraphQLNamedType): type is GraphQLCompositeType => isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();

function fieldCost(walk: Walk, parent: GraphQLCompositeType, field: FieldNode): number {
  const definition = fieldDefinition(parent, field.name.value);
  if (!definition || field.name.value.startsWith('__')) return 0;
  const type = getNamedType(definition.type);
  if (isLeafType(type) || !field.selectionSet) return 0;
  const args = getArgumentValues(definition, field, walk.variables);
  if (isConnection(type)) {
    const first = (args.first ?? args.last ?? DEFAULT_PAGE_SIZE) as number;
    const { node, extra } = connectionNodeCost(walk, type, field.selectionSet);
    return 2 + first * node + extra;
  }
  const composite = type as GraphQLCompositeType;
  const one = 1 + selectionCost(walk, composite, field.selectionSet);
  const ids = args.ids;
  return Array.isArray(ids) ? ids.length * one : one;
}

/**
 * One node of a connection (`nodes { ... }` or `edges { node { ... } }`, whichever is dearer),
 * and what else is asked of the connection itself, once.
 */
function connectionNodeCost(walk: Walk, connection: GraphQLCompositeType, selectionSet: SelectionSetNode): { node: number; extra: number } {
  let node = 0;
  let extra = 0;
  for (const field of collectFields(walk, connection, selectionSet)) {
    const name = field.name.value;
    if (name === 'pageInfo' || name.startsWith('__')) continue;
    const definition = fieldDefinition(connection, name);
    if (!definition || !field.selectionSet) continue;
    const type = getNamedType(definition.type) as GraphQLCompositeType;
    if (name === 'nodes') node = Math.max(node, 1 + selectionCost(walk, type, field.selectionSet));
    else if (name === 'edges') {
      for (const edgeField of collectFields(walk, type, field.selectionSet)) {
        const edgeDefinition = fieldDefinition(type, edgeField.name.value);
        if (edgeField.name.value !== 'node' || !edgeDefinition || !edgeField.selectionSet) continue;
        node = Math.max(node, 1 + selectionCost(walk, getNamedType(edgeDefinition.type) as GraphQLCompositeType, edgeField.selectionSet));
      }
    } else extra += fieldCost(walk, connection, field);
  }
  return { node, extra };
}
