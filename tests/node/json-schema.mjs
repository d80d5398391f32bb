// Validates documents against a JSON Schema with Ajv, which implements draft-07, the draft Helm's values.schema.json
// follows. Input (stdin): {"schema": {...}, "documents": [...]}. Output (stdout): {"results": [{"valid", "errors"}]}.
// Exit code: 0 when it could judge every document (valid or not), 2 when the schema itself is not valid draft-07.
import { readFileSync } from "node:fs";
import Ajv from "ajv";

const { schema, documents } = JSON.parse(readFileSync(0, "utf8"));
const ajv = new Ajv({ allErrors: true, strict: true });
let validate;
try {
  validate = ajv.compile(schema);
} catch (e) {
  console.error(`the schema is not valid draft-07: ${e.message}`);
  process.exit(2);
}

const results = documents.map((doc) => {
  const valid = validate(doc);
  return { valid, errors: (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message, params: e.params })) };
});
console.log(JSON.stringify({ results }));
