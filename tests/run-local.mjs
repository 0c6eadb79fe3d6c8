// Runs Shiming locally: Azurite, the Baidu OCR emulator (unless Baidu keys are set) and the app,
// standalone on http://localhost:7071 with its timers in-process. Ctrl-C stops all three.
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const emulatorUrl = "http://127.0.0.1:8790/";
const children = [];

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

function start(name, command, args, env = {}) {
  const child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the rest`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) child.kill("SIGTERM");
  }
  setTimeout(() => process.exit(code), 500);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

// Only what this command runs: the app and the Baidu emulator (the tests and their workers are not needed here).
for (const project of ["functions", "tests/Shiming.BaiduEmulator"]) {
  const build = spawnSync("dotnet", ["build", project, "--nologo", "-v", "quiet"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

if (await portOpen(10000)) {
  log("Azurite is already listening on 10000-10002; using it");
} else {
  start("Azurite", path.join(root, "node_modules", ".bin", "azurite"),
    ["--silent", "--location", ".azurite", "--skipApiVersionCheck", "--disableTelemetry"]);
  await Promise.all([waitForPort(10000, "Azurite"), waitForPort(10001, "Azurite"), waitForPort(10002, "Azurite")]);
  log("Azurite is up (data in .azurite/)");
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

start("Shiming", "dotnet", ["run", "--no-build", "--no-launch-profile", "--project", "functions"], {
  ASPNETCORE_ENVIRONMENT: "Development",
  AzureWebJobsStorage: process.env.AzureWebJobsStorage ?? "UseDevelopmentStorage=true",
  ...baidu,
});
await waitForPort(7071, "Shiming");
log("Shiming is serving http://localhost:7071/api (Ctrl-C stops everything)");
