/** Shopify's global ids (Admin GraphQL) and the decimal ids webhooks and REST carry. */
export const locationGid = (legacyId: string): string => `gid://shopify/Location/${legacyId}`;
export const inventoryItemGid = (legacyId: string): string => `gid://shopify/InventoryItem/${legacyId}`;

/** gid://shopify/Type/123 -> "123"; a decimal id is returned as it is. */
export function legacyIdOf(gid: string): string {
  const slash = gid.lastIndexOf('/');
  return slash === -1 ? gid : gid.slice(slash + 1);
}
