using Microsoft.Extensions.Logging;
using System.Globalization;
using System.Runtime.InteropServices;
using Shiming.FunctionsHost;

// dotnet run --project tests/Shiming.FunctionsHost -- --script-root <worker build output> [--port N]
string? scriptRoot = null;
int? port = null;
var verbose = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--script-root" when i + 1 < args.Length:
            scriptRoot = args[++i];
            break;
        case "--verbose":
            verbose = true;
            break;
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p):
            port = p;
            i++;
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
            Console.Error.WriteLine("usage: Shiming.FunctionsHost --script-root <worker build output> [--port N] [--verbose]");
            return 2;
    }
}

if (scriptRoot is null)
{
    Console.Error.WriteLine("usage: Shiming.FunctionsHost --script-root <worker build output> [--port N] [--verbose]");
    return 2;
}

var root = Path.GetFullPath(scriptRoot);
if (!File.Exists(Path.Combine(root, "worker.config.json")))
{
    Console.Error.WriteLine($"The Functions host emulator could not start: {root} has no worker.config.json; is it a worker's build output?");
    return 1;
}

var (executable, workerPath) = Shiming.FunctionsHost.Worker.WorkerSupervisor.ReadWorkerConfig(root);
Console.WriteLine(
    $"Functions host emulator {FunctionsHost.HostVersion} (a stand-in for the Azure Functions host, not Core Tools): " +
    $"running the dotnet-isolated worker {executable} {workerPath} from {root}");

using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    // The host stops the worker itself, with WorkerTerminate and its grace period.
    context.Cancel = true;
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

FunctionsHost host;
try
{
    // As func start --verbose: the worker's Debug and Trace items are shown too.
    host = await FunctionsHost.StartAsync(
        new FunctionsHostOptions { ScriptRoot = scriptRoot, Port = port },
        verbose ? FunctionsHost.CreateConsoleLoggerFactory(LogLevel.Trace) : null,
        stop.Token);
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or IOException or Shiming.FunctionsHost.Worker.WorkerUnavailableException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine($"The Functions host emulator could not start: {e.Message}");
    return 1;
}

await using (host)
{
    Console.WriteLine();
    Console.WriteLine("Functions:");
    foreach (var function in host.Functions)
    {
        Console.WriteLine();
        Console.WriteLine($"        {FunctionsListing.Describe(function, host.BaseAddress, host.HostJson.RoutePrefix, host.DisabledFunctions.Contains(function.Name))}");
    }

    Console.WriteLine();
    var stopped = Task.Delay(Timeout.Infinite, stop.Token);
    if (await Task.WhenAny(stopped, host.WorkerRestartsExhausted) != stopped)
    {
        // The host recycles itself here; the emulator stops, and the command says why.
        Console.Error.WriteLine("The Functions host emulator stopped: the worker kept exiting.");
        return 1;
    }

    Console.WriteLine("Stopping the worker...");
}

return 0;
