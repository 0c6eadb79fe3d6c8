// Measures how long the published worker takes from the start of the Functions host emulator to the
// first request a function answers through the host's front door (GET /api/web/, which touches no
// storage): the host's own start, the worker's process start, its gRPC handshake and function loading,
// and the first invocation.
//
//   node tests/measure-startup.mjs [SCRIPT_ROOT] [--runs N]
//
// SCRIPT_ROOT is a publish folder (default: artifacts/package, where the packaging command of docs/deploying.md
// puts it). Settings are those of an Azure deployment (Production, identity-based storage, Baidu keys,
// timers off); nothing is called at start-up, so no storage or Baidu is needed. The host emulator must be
// built in Release (`dotnet build tests/Shiming.FunctionsHost -c Release`). Prints each run, then median and p95.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
let runs = 20;
let scriptRoot = path.join(root, "artifacts", "package");
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else scriptRoot = path.resolve(args[i]);
}

const hostEmulator = path.join(root, "tests", "Shiming.FunctionsHost", "bin", "Release", "net10.0", "Shiming.FunctionsHost.dll");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function probe(port) {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/api/web/", agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once("error", () => resolve(false));
  });
}

async function once() {
  const port = await freePort();
  const env = {
    ...process.env,
    FUNCTIONS_WORKER_RUNTIME: "dotnet-isolated",
    AZURE_FUNCTIONS_ENVIRONMENT: "Production",
    "AzureWebJobs.DrainVerifications.Disabled": "true",
    "AzureWebJobs.PurgeExpiredVerifications.Disabled": "true",
    AzureWebJobsStorage__accountName: "startupmeasure",
    AzureWebJobsStorage__credential: "managedidentity",
    Baidu__ApiKey: "startup-measure-key",
    Baidu__SecretKey: "startup-measure-secret",
    Api__PublicBaseUrl: "https://startup-measure.example.org/",
    Encryption__CurrentKeyId: "measure",
    Encryption__Keys__measure: randomBytes(32).toString("base64"),
    Encryption__BlindIndexKey: randomBytes(32).toString("base64"),
  };
  delete env.ASPNETCORE_URLS;

  const started = process.hrtime.bigint();
  const child = spawn("dotnet", [hostEmulator, "--script-root", scriptRoot, "--port", String(port)], { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => { stderr += chunk; });
  let exited = false;
  child.once("exit", () => { exited = true; });

  // A tight loop measures the start rather than the probe interval.
  const deadline = Date.now() + 30_000;
  while (!(await probe(port))) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`no function answered on port ${port}${stderr ? `:\n${stderr}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = cpuMilliseconds(child.pid) + childCpuMilliseconds(child.pid);

  const gone = new Promise((r) => (exited ? r() : child.once("exit", r)));
  child.kill("SIGTERM");
  await gone;
  return { elapsed, cpu };
}

// CPU time the host's and the worker's threads used until the answer (Linux): less swayed by other work on
// the machine than the wall-clock time, which is what a first client waits for.
function childCpuMilliseconds(pid) {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return children.reduce((sum, child) => sum + cpuMilliseconds(Number(child)), 0);
  } catch {
    return NaN;
  }
}

function cpuMilliseconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

function percentile(sorted, p) {
  // Nearest rank: the smallest value with at least p% of the runs at or below it.
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

console.log(`script root: ${scriptRoot}`);
console.log(`host:        ${hostEmulator}`);
console.log(`machine:     ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
await once(); // a first start warms the file cache, as a second instance on the same machine would find it
const walls = [];
const cpus = [];
for (let i = 0; i < runs; i++) {
  const { elapsed, cpu } = await once();
  walls.push(elapsed);
  cpus.push(cpu);
  console.log(`run ${String(i + 1).padStart(2)}: ${elapsed.toFixed(0)} ms to first answer, ${cpu.toFixed(0)} ms CPU`);
}
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, ` +
    `min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`;
};
console.log(`runs: ${runs}`);
console.log(`start to first answer: ${summary(walls)}`);
console.log(`CPU time until then:   ${summary(cpus)}`);
console.log(`load average after:    ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
