import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { OPENAPI } from '../../src/server/openapi.js';

/**
 * Validates what the server answers (and what clients send) against OPENAPI with a real JSON Schema
 * 2020-12 validator, so the document cannot drift from the routes: a test that gets a shape the
 * document does not describe fails here.
 */

type Obj = Record<string, unknown>;

// ajv-formats is CommonJS: under Node's ESM loader its default import is module.exports, the plugin itself.
const addFormats = formats as unknown as typeof formats.default;

/** The document's schemas live under this id, so `#/components/schemas/X` refs resolve from anywhere. */
const BASE = 'https://atq.invalid/openapi.json';

/** strict: a typo in a schema keyword or a keyword on the wrong type is an error, not silently ignored. */
// strictRequired is off: "not both fileId and fileid" is a `not: {required}` without properties of its own.
export const ajv = new Ajv2020({
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: true,
});
addFormats(ajv);
ajv.addKeyword('components');
ajv.addSchema({ $id: BASE, components: { schemas: OPENAPI.components.schemas } });

const compiled = new Map<string, ValidateFunction>();

/** Compiles a schema taken from anywhere in the document, its local refs made absolute. */
export function compile(schema: unknown): ValidateFunction {
  const text = JSON.stringify(schema);
  let validate = compiled.get(text);
  if (!validate) {
    validate = ajv.compile(JSON.parse(text.replaceAll('"#/components/', `"${BASE}#/components/`)) as Obj);
    compiled.set(text, validate);
  }
  return validate;
}

/** `#/components/...` → the object it names in OPENAPI, or undefined. */
export function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = OPENAPI;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!at || typeof at !== 'object' || !(key in at)) return undefined;
    at = (at as Obj)[key];
  }
  return at;
}

const deref = (o: unknown): Obj => {
  const ref = (o as Obj | undefined)?.$ref;
  return (typeof ref === 'string' ? resolvePointer(ref) : o) as Obj;
};

function operation(method: string, pathTemplate: string): Obj | undefined {
  const item = OPENAPI.paths[pathTemplate];
  if (!item) throw new Error(`OPENAPI has no path ${pathTemplate}`);
  return item[method.toLowerCase()] as Obj | undefined;
}

/** The documented response for a status (405 for a method the path does not take). */
function response(method: string, pathTemplate: string, status: number): Obj {
  const op = operation(method, pathTemplate);
  if (!op) {
    if (status === 405) return deref(OPENAPI.components.responses['405']);
    throw new Error(`OPENAPI has no ${method} ${pathTemplate}`);
  }
  const responses = op.responses as Obj;
  const found = responses[String(status)] ?? responses.default;
  if (!found) throw new Error(`${method} ${pathTemplate} does not document status ${status}`);
  return deref(found);
}

function check(validate: ValidateFunction, value: unknown, what: string): void {
  if (validate(value)) return;
  const shown = JSON.stringify(value, null, 1);
  throw new Error(
    `${what} does not match OPENAPI:\n  ${ajv.errorsText(validate.errors, { separator: '\n  ' })}\n` +
      `value: ${shown.length > 3000 ? `${shown.slice(0, 3000)}…` : shown}`,
  );
}

/** Throws unless `body` is what OPENAPI documents for this answer (JSON unless told otherwise). */
export function expectMatchesSpec(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const content = response(method, pathTemplate, status).content as Obj | undefined;
  const media = (content?.[contentType] ?? content?.['*/*']) as Obj | undefined;
  if (!media) {
    if (body === undefined || body === '') return; // e.g. 204: no content documented, none sent
    throw new Error(`${method} ${pathTemplate} ${status} documents no ${contentType} body`);
  }
  if (media.schema) check(compile(media.schema), body, `${method} ${pathTemplate} ${status}`);
}

/** Throws unless `body` is a request body OPENAPI accepts for this operation. */
export function expectRequestMatchesSpec(
  method: string,
  pathTemplate: string,
  body: unknown,
  contentType = 'application/json',
): void {
  const requestBody = deref(operation(method, pathTemplate)?.requestBody);
  const media = (requestBody?.content as Obj | undefined)?.[contentType] as Obj | undefined;
  if (!media) throw new Error(`${method} ${pathTemplate} takes no ${contentType} body`);
  if (media.schema) check(compile(media.schema), body, `${method} ${pathTemplate} request`);
}

/** Throws unless `value` matches components.schemas[name] (e.g. TaskEvent for an SSE event's data). */
export function expectSchema(name: string, value: unknown): void {
  if (!OPENAPI.components.schemas[name]) throw new Error(`OPENAPI has no schema ${name}`);
  check(compile({ $ref: `#/components/schemas/${name}` }), value, `schema ${name}`);
}

/** Whether `value` matches components.schemas[name]: for tests that a wrong shape is refused. */
export function matchesSchema(name: string, value: unknown): boolean {
  return compile({ $ref: `#/components/schemas/${name}` })(value);
}
