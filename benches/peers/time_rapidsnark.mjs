// Times rapidsnark on a circom circuit the way benches/peers/snarkjs_time.mjs times snarkjs:
// one warm-up run, then REPS timed runs; prints ONE JSON line.
//
//   witness_ms        snarkjs.wtns.calculate(input, wasm, file.wtns) IN-PROCESS (this node
//                     process, wasm witness calculator, warm after the first run), including
//                     writing the .wtns file.
//   prover_process_ms wall time of one `prover zkey wtns proof.json public.json` process
//                     (spawnSync): process start + mmap/parse of the zkey + the Groth16 proof +
//                     writing proof.json/public.json. The zkey is re-opened every run (page
//                     cache warm after the warm-up run); the CLI has no "keep key loaded" mode.
//   prove_ms          witness_ms + prover_process_ms  (comparable to snarkjs fullProve).
//   prover_startup_ms wall time of the same binary with the zkey passed as the witness too:
//                     it starts, opens the zkey, parses its header, then rejects the
//                     "witness" (wrong file type) and exits. Lower bound of the fixed
//                     per-process cost contained in prover_process_ms (the key's point
//                     sections are mmap'd and only paged in during the MSMs, so that part
//                     cannot be separated from the proof with the CLI).
//   verify_ms         snarkjs.groth16.verify of rapidsnark's proof, in-process (it must
//                     accept, else this throws).
//
// Usage: node time_rapidsnark.mjs circuit.zkey circuit.wasm input.json REPS [vk.json]
// Env:   RAPIDSNARK_PROVER  path of the prover binary (required)
//        PEERS_DIR          dir whose node_modules holds snarkjs (default: this script's dir)
//        TMPDIR             where the per-run wtns/proof/public files go
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL, fileURLToPath } from "node:url";
import { dirname } from "node:path";

const [zkey, wasm, inputPath, repsArg, vkArg] = process.argv.slice(2);
if (!zkey || !wasm || !inputPath) {
  console.error("usage: node time_rapidsnark.mjs circuit.zkey circuit.wasm input.json REPS [vk.json]");
  process.exit(2);
}
const prover = process.env.RAPIDSNARK_PROVER;
if (!prover) {
  console.error("set RAPIDSNARK_PROVER to rapidsnark's prover binary (build_rapidsnark.sh prints it)");
  process.exit(2);
}
const peers = process.env.PEERS_DIR || dirname(fileURLToPath(import.meta.url));
const snarkjs = await import(pathToFileURL(resolve(peers, "node_modules/snarkjs/main.js")).href);

const vkPath = vkArg || zkey.replace(/\.zkey$/, ".vk.json");
const vk = JSON.parse(readFileSync(vkPath, "utf8"));
const input = JSON.parse(readFileSync(inputPath, "utf8"));
const reps = Number(repsArg || 5);
const dir = mkdtempSync(join(tmpdir(), "rapidsnark-"));
const wtns = join(dir, "w.wtns");
const proofPath = join(dir, "proof.json");
const publicPath = join(dir, "public.json");

const witness = [], proc = [], prove = [], startup = [], verify = [];
try {
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now();
    await snarkjs.wtns.calculate(input, wasm, wtns);
    const t1 = performance.now();
    const r = spawnSync(prover, [zkey, wtns, proofPath, publicPath], { stdio: ["ignore", "ignore", "pipe"] });
    const t2 = performance.now();
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`prover exited ${r.status}: ${r.stderr}`);
    const s = spawnSync(prover, [zkey, zkey, join(dir, "x.json"), join(dir, "y.json")], { stdio: "ignore" });
    const t3 = performance.now();
    if (s.status === 0) throw new Error("startup probe unexpectedly succeeded");
    const proof = JSON.parse(readFileSync(proofPath, "utf8"));
    const pub = JSON.parse(readFileSync(publicPath, "utf8"));
    const t4 = performance.now();
    const ok = await snarkjs.groth16.verify(vk, pub, proof);
    const t5 = performance.now();
    if (!ok) throw new Error("snarkjs rejected rapidsnark's proof");
    if (i > 0) {
      witness.push(t1 - t0);
      proc.push(t2 - t1);
      prove.push(t2 - t0);
      startup.push(t3 - t2);
      verify.push(t5 - t4);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({
  prove_ms: prove,
  verify_ms: verify,
  witness_ms: witness,
  prover_process_ms: proc,
  prover_startup_ms: startup,
}));
if (globalThis.curve_bn128) await globalThis.curve_bn128.terminate();
process.exit(0);
