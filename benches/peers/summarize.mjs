// One markdown table row from the JSON lines of both sides (medians over all runs).
import { readFileSync } from "node:fs";
const [depth, fields, circomConstraints, zkPath, sjPath, rsPath] = process.argv.slice(2);
const lines = (p) =>
  readFileSync(p, "utf8")
    .trim()
    .split("\n")
    .filter((l) => l)
    .map((l) => JSON.parse(l));
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
const rs = rsPath ? lines(rsPath) : [];
const rsProve = rs.length ? median(rs.flatMap((r) => r.prove_ms)) : NaN;
const f = (x) => (Number.isNaN(x) ? "–" : x.toFixed(1));
const ratio = (a, b) => (Number.isNaN(a / b) ? "–" : (a / b).toFixed(3));
console.log(
  `| ${depth} | ${fields} | ${zk[0].constraints} | ${circomConstraints} | ${f(zkProve)} | ${f(zkTables)} | ${f(sjProve)} | ${f(rsProve)} | ${ratio(zkTables, sjProve)} | ${ratio(zkTables, rsProve)} | ${f(zkVerify)} | ${f(sjVerify)} |`,
);
