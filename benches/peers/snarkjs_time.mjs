// Times snarkjs witness generation + Groth16 proof (fullProve) and verification in one
// process, after one warm-up run. Prints one JSON line.
// Usage: node snarkjs_time.mjs circuit.wasm circuit.zkey verification_key.json input.json REPS
import * as snarkjs from "snarkjs";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [wasm, zkey, vkPath, inputPath, repsArg] = process.argv.slice(2);
const vk = JSON.parse(readFileSync(vkPath, "utf8"));
const input = JSON.parse(readFileSync(inputPath, "utf8"));
const reps = Number(repsArg || 5);
const prove = [];
const verify = [];
for (let i = 0; i <= reps; i++) {
  const t0 = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, wasm, zkey);
  const t1 = performance.now();
  const ok = await snarkjs.groth16.verify(vk, publicSignals, proof);
  const t2 = performance.now();
  if (!ok) throw new Error("snarkjs rejected its own proof");
  if (i > 0) {
    prove.push(t1 - t0);
    verify.push(t2 - t1);
  }
}
console.log(JSON.stringify({ prove_ms: prove, verify_ms: verify }));
if (globalThis.curve_bn128) await globalThis.curve_bn128.terminate();
process.exit(0);
