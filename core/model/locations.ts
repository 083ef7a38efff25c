/**
 * Location ids: stores are S001..S999 (the retailer's branch codes, as the ERP and the tills
 * name them); anything else is a shared location: the DC (DC01), the web (WEB).
 */
export const STORE_LOCATION = /^S\d{3}$/;

export const isStoreLocation = (locationId: string): boolean => STORE_LOCATION.test(locationId);
