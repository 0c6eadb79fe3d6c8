namespace Shiming.Benchmark;

/// <summary>
/// The app instances under test: each the Release worker (functions/bin/Release) under its own Functions host
/// emulator process on a free port, all with the same settings (and so the same storage account and budget). The
/// timers run on their schedule, the drain every second, as in Azure. The one place that knows how the app is started.
/// </summary>
internal static class AppInstances
{
    private static readonly string Tests = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));

    /// <summary>The host emulator's build output, beside this program's.</summary>
    public static readonly string HostEmulator = Path.Combine(Tests, "Shiming.FunctionsHost", "bin", "Release", "net10.0", "Shiming.FunctionsHost.dll");

    /// <summary>The worker's Release build output, its script root.</summary>
    public static readonly string ScriptRoot = Path.Combine(Tests, "..", "functions", "bin", "Release", "net10.0");

    public static async Task<List<ServiceProcess>> StartAsync(int count, IReadOnlyDictionary<string, string> settings, Action<string> onLine)
    {
        var apps = new List<ServiceProcess>();
        for (var i = 0; i < count; i++)
        {
            // The worker names its own address in its answers (Api__PublicBaseUrl), so the port is chosen first.
            var port = ServiceProcess.FreePort();
            var instance = new Dictionary<string, string>(settings)
            {
                ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
                ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
                ["Api:PublicBaseUrl"] = $"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/",
            };
            apps.Add(await ServiceProcess.StartAsync(
                HostEmulator,
                instance,
                onLine: onLine,
                port: port,
                arguments: ["--script-root", ScriptRoot, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--verbose"]));
        }

        return apps;
    }
}
