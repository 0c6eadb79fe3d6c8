using System.Globalization;

namespace Shiming.Benchmark;

/// <summary>
/// The app instances under test: each the published worker (artifacts/package, what `azd deploy` sends to Azure:
/// Release, ReadyToRun for linux-x64) under its own Functions host emulator process on a free port, all with the same settings (and so the same storage account and budget). The
/// timers run on their schedule, the drain every second, as in Azure: each on one instance at a time, the one holding its
/// listener lock (the instances are one app: one host ID, the default for one folder on one machine). The one place that knows how the app is started.
/// </summary>
internal sealed class AppInstances : IAsyncDisposable
{
    private static readonly string Tests = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));

    /// <summary>The host emulator's build output, beside this program's.</summary>
    public static readonly string HostEmulator = Path.Combine(Tests, "Shiming.FunctionsHost", "bin", "Release", "net10.0", "Shiming.FunctionsHost.dll");

    /// <summary>
    /// The published worker, its script root: `npm run benchmark` publishes it first
    /// (<c>dotnet publish functions -c Release -o artifacts/package</c>, the README's packaging command).
    /// </summary>
    public static readonly string ScriptRoot = Path.GetFullPath(Path.Combine(Tests, "..", "artifacts", "package"));

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Func<int, Action<string>> _onLine;
    private readonly ServiceProcess[] _instances;
    private readonly List<ServiceProcess> _stopped = [];

    private AppInstances(int count, IReadOnlyDictionary<string, string> settings, Func<int, Action<string>> onLine)
    {
        _settings = settings;
        _onLine = onLine;
        _instances = new ServiceProcess[count];
    }

    /// <summary>The instances now serving, by index; an instance restarted keeps its index and its address.</summary>
    public IReadOnlyList<ServiceProcess> Current => _instances;

    /// <summary>Every process started, the stopped ones too (their warnings and errors count).</summary>
    public IEnumerable<ServiceProcess> All => _instances.Concat(_stopped);

    /// <param name="onLine">Given an instance's index, what sees each line that instance's host writes.</param>
    public static async Task<AppInstances> StartAsync(int count, IReadOnlyDictionary<string, string> settings, Func<int, Action<string>> onLine)
    {
        if (!File.Exists(Path.Combine(ScriptRoot, "functions.metadata")))
        {
            throw new InvalidOperationException(
                $"No published worker in {ScriptRoot}: run the benchmark with `npm run benchmark`, which publishes it first.");
        }

        var apps = new AppInstances(count, settings, onLine);
        for (var i = 0; i < count; i++)
        {
            apps._instances[i] = await apps.StartOneAsync(i, ServiceProcess.FreePort());
        }

        return apps;
    }

    /// <summary>
    /// Stops instance <paramref name="index"/> as the platform does at scale-in or a deployment (SIGTERM to its host,
    /// which gives the worker its grace period), then starts a new one on the same address.
    /// </summary>
    /// <param name="hard">
    /// Kill the host and its worker at once (SIGKILL, no grace), as a crash or a machine lost would, instead.
    /// </param>
    /// <returns>When the stop was signalled, and how long the instance was away.</returns>
    public async Task<(DateTimeOffset StoppedAt, TimeSpan Away)> RestartAsync(int index, bool hard = false)
    {
        var old = _instances[index];
        var stoppedAt = DateTimeOffset.UtcNow;
        if (hard)
        {
            await old.KillAsync();
        }
        else
        {
            await old.StopAsync(TimeSpan.FromSeconds(60));
        }

        _stopped.Add(old);
        _instances[index] = await StartOneAsync(index, old.BaseAddress.Port);
        return (stoppedAt, DateTimeOffset.UtcNow - stoppedAt);
    }

    private Task<ServiceProcess> StartOneAsync(int index, int port)
    {
        // The worker names its own address in its answers (Api__PublicBaseUrl), so the port is chosen first.
        var instance = new Dictionary<string, string>(_settings)
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["Api:PublicBaseUrl"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/",
        };
        return ServiceProcess.StartAsync(
            HostEmulator,
            instance,
            onLine: _onLine(index),
            port: port,
            arguments: ["--script-root", ScriptRoot, "--port", port.ToString(CultureInfo.InvariantCulture), "--verbose"]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in All)
        {
            await instance.DisposeAsync();
        }
    }
}
