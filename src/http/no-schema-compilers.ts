/**
 * Berth gives fastify no route schemas: its codecs decode and validate every body (with the
 * model's own shapes), and replies are written as they are. fastify otherwise requires its
 * default compilers (ajv and fast-json-stringify, ~0.5 MB of source) while the app is
 * built; these factories keep them unloaded, and the bundle leaves them out (scripts/bundle.mjs).
 * A route given a schema by mistake fails when the app is built, not at a request.
 */
function refuseSchema(): never {
  throw new Error('a route was given a fastify schema; Berth validates bodies in its codecs');
}

export const noSchemaCompilers = {
  buildValidator: () => refuseSchema,
  buildSerializer: () => refuseSchema,
};
