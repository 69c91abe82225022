// One markdown table row from the JSON lines of both sides (medians over all runs).
import { readFileSync } from "node:fs";
const [depth, fields, circomConstraints, zkPath, sjPath] = process.argv.slice(2);
const lines = (p) => readFileSync(p, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const zk = lines(zkPath);
const sj = lines(sjPath);
const zkProve = median(zk.flatMap((r) => r.prove_ms));
const zkVerify = median(zk.flatMap((r) => r.verify_ms));
const zkTables = median(zk.flatMap((r) => r.prove_tables_ms ?? []));
const sjProve = median(sj.flatMap((r) => r.prove_ms));
const sjVerify = median(sj.flatMap((r) => r.verify_ms));
const f = (x) => x.toFixed(1);
console.log(
  `| ${depth} | ${fields} | ${zk[0].constraints} | ${circomConstraints} | ${f(zkProve)} | ${f(zkTables)} | ${f(sjProve)} | ${(zkProve / sjProve).toFixed(3)} | ${(zkTables / sjProve).toFixed(3)} | ${f(zkVerify)} | ${f(sjVerify)} | ${(zkVerify / sjVerify).toFixed(3)} |`,
);
