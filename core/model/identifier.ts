import { z } from 'zod';

/**
 * The one rule for text that names things (event ids, SKUs, location ids, documents, lines,
 * tills): no C0 control character and no DEL. PostgreSQL's text types cannot hold NUL at all (an
 * insert fails, and the partition behind it stops), and the other controls are never part of a
 * real code: they are a till's or an integration's bug, and in a SKU they make a second item
 * that no system can show or find. Written as a pattern rather than a refinement so that the
 * generated JSON Schema (the sinks' ajv gate) carries the same rule as the zod schema.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const NO_CONTROL_CHARACTER = /^[^\u0000-\u001f\u007f]*$/;
const NO_NUL = /^[^\u0000]*$/;

export const CONTROL_CHARACTER_MESSAGE = 'must not contain control characters (U+0000-U+001F, U+007F)';

/** An id, code or document number of `min`..`max` characters, without control characters. */
export const identifier = (min: number, max: number) => (min > 0 ? z.string().min(min) : z.string()).max(max).regex(NO_CONTROL_CHARACTER, CONTROL_CHARACTER_MESSAGE);

/**
 * Free text (a remark, a cancel reason, an actor's name): line breaks and tabs are legitimate
 * there, NUL never is, for the reason above.
 */
export const freeText = (max: number) => z.string().max(max).regex(NO_NUL, 'must not contain NUL (U+0000)');

/** For checks outside a schema (a path parameter): the same rule as `identifier`. */
export const hasControlCharacter = (value: string): boolean => CONTROL_CHARACTER.test(value);
