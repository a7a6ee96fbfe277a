#!/usr/bin/env node
// Validate Office Open XML files with Microsoft's Open XML SDK (npm @ooxml-tools/validate, which
// bundles the SDK as WebAssembly and runs offline), many files in one process: the SDK's start-up
// costs seconds, a file then milliseconds. Prints one JSON object: {path: [errors]}.
//
//   node tools/ooxml/validate_many.mjs FILE...      (exit 0: every file valid, 1: errors, 2: failed)
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(path.join(here, "package.json"));
let validate, getFileFormatFromName;
try {
  ({ default: validate, getFileFormatFromName } = await import(require.resolve("@ooxml-tools/validate")));
} catch (err) {
  console.error(`@ooxml-tools/validate is not installed: run npm install in ${here} (${err.message})`);
  process.exit(2);
}
const out = {};
let bad = false;
for (const file of process.argv.slice(2)) {
  const data = new Uint8Array(await readFile(file));
  const errors = await validate(data, getFileFormatFromName(file), "Microsoft365");
  out[file] = errors.map((e) => ({ id: e.id, description: e.description, part: e.path?.partUri, xpath: e.path?.xpath }));
  bad ||= errors.length > 0;
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
process.exit(bad ? 1 : 0);
