// Runs Shiming locally: Azurite (unless AzureWebJobsStorage is set), the Baidu OCR emulator (unless Baidu keys
// are set), and the app's worker under the Functions host: Core Tools' `func start` when `func` is on the PATH,
// else the project's host emulator. Serves http://localhost:7071/api, or the port given with --port N.
// Ctrl-C stops everything it started.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const emulatorUrl = "http://127.0.0.1:8790/";
const children = [];
const scriptRoot = path.join(root, "functions", "bin", "Debug", "net10.0");

let port = 7071;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--port" && /^\d+$/.test(args[i + 1] ?? "")) port = Number(args[++i]);
  else {
    console.error(`unknown argument ${args[i]}; usage: npm start [-- --port N]`);
    process.exit(2);
  }
}

function onPath(command) {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));
}
const coreTools = onPath("func");

function log(message) {
  console.log(`[run-local] ${message}`);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

async function waitForPort(port, name, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not open port ${port} within ${seconds} s`);
}

function start(name, command, args, env = {}, cwd = root, { signalGroup: group = true } = {}) {
  // Each child in a process group of its own: Ctrl-C reaches this script alone, which stops them in order.
  const child = spawn(command, args, { cwd, stdio: "inherit", detached: true, env: { ...process.env, ...env } });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the rest`);
      stop(code ?? 1);
    }
  });
  child.signalGroup = group;
  children.push(child);
  return child;
}

let stopping = false;
function exited(child, seconds) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { signalGroup(child, "SIGKILL"); resolve(); }, seconds * 1000);
    child.once("exit", () => { clearTimeout(timer); resolve(); });
  });
}

// The whole group, as Ctrl-C would reach it: `dotnet run` and the program it started.
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Gone already.
  }
}

// The last started first: the Functions host stops (and gives up its locks in storage) before the Baidu emulator
// and Azurite go.
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of [...children].reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      if (child.signalGroup) signalGroup(child, "SIGINT");
      else child.kill("SIGINT");
    }
    await exited(child, 30);
  }
  process.exit(code);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

log(coreTools
  ? "Functions host: Core Tools (func start), found on the PATH"
  : "Functions host: the project's host emulator (tests/Shiming.FunctionsHost); install Core Tools to use func start");

// Only what this command runs: the app, the Baidu emulator and the host emulator (not the tests and their workers).
const projects = ["functions", "tests/Shiming.BaiduEmulator", ...(coreTools ? [] : ["tests/Shiming.FunctionsHost"])];
for (const project of projects) {
  const build = spawnSync("dotnet", ["build", project, "--nologo", "-v", "quiet"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const storage = {};
if (process.env.AzureWebJobsStorage) {
  log("AzureWebJobsStorage is set: using that storage account");
} else if (await portOpen(10000)) {
  log("Azurite is already listening on 10000-10002; using it");
  storage.AzureWebJobsStorage = "UseDevelopmentStorage=true";
} else {
  start("Azurite", path.join(root, "node_modules", ".bin", "azurite"),
    ["--silent", "--location", ".azurite", "--skipApiVersionCheck", "--disableTelemetry"]);
  await Promise.all([waitForPort(10000, "Azurite"), waitForPort(10001, "Azurite"), waitForPort(10002, "Azurite")]);
  log("Azurite is up (data in .azurite/)");
  storage.AzureWebJobsStorage = "UseDevelopmentStorage=true";
}

const baidu = {};
if (process.env.Baidu__ApiKey && process.env.Baidu__SecretKey) {
  log(`Baidu keys are set: calling ${process.env.Baidu__Endpoint ?? "https://aip.baidubce.com"}`);
} else {
  start("Baidu emulator", "dotnet",
    ["run", "--no-build", "--project", "tests/Shiming.BaiduEmulator", "--", "--urls", emulatorUrl]);
  await waitForPort(8790, "Baidu emulator");
  Object.assign(baidu, {
    Baidu__Endpoint: emulatorUrl,
    Baidu__ApiKey: "emulator-api-key",
    Baidu__SecretKey: "emulator-secret-key",
  });
  log(`No Baidu keys set: using the Baidu OCR emulator on ${emulatorUrl}`);
}

// The app settings, as local.settings.json's Values would give them; both hosts pass them on to the worker.
const settings = {
  FUNCTIONS_WORKER_RUNTIME: "dotnet-isolated",
  AZURE_FUNCTIONS_ENVIRONMENT: "Development",
  Api__PublicBaseUrl: `http://localhost:${port}/`,
  ...storage,
  ...baidu,
};
if (coreTools) {
  start("func", "func", ["start", "--port", String(port)], settings, scriptRoot);
} else {
  // Started as itself, not under `dotnet run`, and signalled alone: its worker must not get the Ctrl-C, as no worker
  // does in Azure; the host stops it with WorkerTerminate once the runs in flight have had their grace period.
  start("Functions host emulator", "dotnet",
    [path.join(root, "tests", "Shiming.FunctionsHost", "bin", "Debug", "net10.0", "Shiming.FunctionsHost.dll"),
      "--script-root", scriptRoot, "--port", String(port)],
    settings, root, { signalGroup: false });
}
await waitForPort(port, "the Functions host", 120);
log(`Shiming is serving http://localhost:${port}/api (Ctrl-C stops everything)`);
