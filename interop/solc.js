// Compiles Solidity files with the pinned solc-js and prints, as JSON, the creation
// bytecode (hex) of every contract: {"Name": "60806040..."}. Errors go to stderr and
// the exit code is 1.
//
// Usage: node interop/solc.js A.sol B.sol ...
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const sources = {};
for (const file of process.argv.slice(2)) {
  sources[path.basename(file)] = { content: fs.readFileSync(file, "utf8") };
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["evm.bytecode.object"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === "error");
for (const e of output.errors || []) {
  process.stderr.write(e.formattedMessage + "\n");
}
if (errors.length > 0) {
  process.exit(1);
}
const out = {};
for (const file of Object.keys(output.contracts || {})) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    out[name] = c.evm.bytecode.object;
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
