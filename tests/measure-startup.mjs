// Measures how long the published handler takes from process start to its first answered request,
// started the way the Functions host starts it: the executable from host.json, in the script root,
// with FUNCTIONS_CUSTOMHANDLER_PORT set, probed with GET / until any HTTP answer comes back.
//
//   node tests/measure-startup.mjs [SCRIPT_ROOT] [--runs N]
//
// SCRIPT_ROOT is a publish folder (default: artifacts/package, where the README's packaging command
// puts it). Settings are those of an Azure deployment (Production, identity-based storage, Baidu keys);
// nothing is called at start-up, so no storage or Baidu is needed. Prints each run, then median and p95.
import { spawn } from "node:child_process";
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

const host = JSON.parse(readFileSync(path.join(scriptRoot, "host.json"), "utf8"));
const description = host.customHandler.description;
const executable = path.resolve(scriptRoot, description.defaultExecutablePath);
const workingDirectory = path.resolve(scriptRoot, description.workingDirectory || ".");

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
    const request = http.get({ host: "127.0.0.1", port, path: "/", agent: false }, (response) => {
      response.resume();
      resolve(true);
    });
    request.once("error", () => resolve(false));
  });
}

async function once() {
  const port = await freePort();
  const env = {
    ...process.env,
    FUNCTIONS_CUSTOMHANDLER_PORT: String(port),
    ASPNETCORE_ENVIRONMENT: "Production",
    AzureWebJobsStorage__accountName: "startupmeasure",
    AzureWebJobsStorage__credential: "managedidentity",
    Baidu__ApiKey: "startup-measure-key",
    Baidu__SecretKey: "startup-measure-secret",
    Api__PublicBaseUrl: "https://startup-measure.example.org/",
  };
  delete env.ASPNETCORE_URLS;

  const started = process.hrtime.bigint();
  const child = spawn(executable, description.arguments ?? [], { cwd: workingDirectory, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => { stderr += chunk; });
  let exited = false;
  child.once("exit", () => { exited = true; });

  // The host probes every 25 ms; a tighter loop measures the handler rather than the probe interval.
  const deadline = Date.now() + 30_000;
  while (!(await probe(port))) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the handler did not answer on port ${port}${stderr ? `:\n${stderr}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = cpuMilliseconds(child.pid);

  const gone = new Promise((r) => (exited ? r() : child.once("exit", r)));
  child.kill("SIGTERM");
  await gone;
  return { elapsed, cpu };
}

// CPU time the handler's threads used until it answered (Linux): less swayed by other work on the
// machine than the wall-clock time, which is what the host waits for.
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
console.log(`executable:  ${executable}`);
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
