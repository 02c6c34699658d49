// Validates an OpenAPI document read from stdin; prints {valid, errors} as JSON. An ES module
// (the validator is ESM-only), so the jest tests run it as a child process.
import { Validator } from '@seriousme/openapi-schema-validator';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const result = await new Validator().validate(JSON.parse(input));
process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors ?? [] }));
