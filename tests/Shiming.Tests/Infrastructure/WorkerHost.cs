using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost;

namespace Shiming.Tests.Infrastructure;

/// <summary>Starts the app's build output under the Functions host emulator, as <c>func start</c> would.</summary>
internal static class WorkerHost
{
    public static readonly string[] TimerFunctions = ["DrainVerifications", "DrainIdentityChecks", "DrainTextRecognitions", "DrainImageModerations", "PurgeExpiredVerifications"];

    /// <summary>The app's build output: functions.metadata, worker.config.json, host.json and the worker.</summary>
    public static string ScriptRoot
    {
        get
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            return Path.Combine(Repository.Root, "functions", "bin", configuration, "net10.0");
        }
    }

    /// <param name="settings">App settings with <c>:</c> or <c>__</c> as the separator; null values are left out.</param>
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<Shiming.FunctionsHost.FunctionsHost> StartAsync(
        IReadOnlyDictionary<string, string?> settings, string environment = "Development", bool runTimers = true, bool verboseLogs = false,
        TimeSpan? gracePeriod = null, int port = 0, IReadOnlyList<string>? corsOrigins = null)
    {
        // The host forwards requests to the worker's own listener, so the address clients use comes from the app's
        // Api__PublicBaseUrl, as in Azure and under the run command: the port is chosen first to be named there. A
        // port free when chosen can be taken before the host binds it (by another process's outgoing connection):
        // then another is chosen.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(settings, environment, runTimers, verboseLogs, gracePeriod, port == 0 ? FreePort() : port, corsOrigins);
            }
            catch (IOException ex) when (port == 0 && attempt < 3 && ex.InnerException?.GetType().Name == "AddressInUseException")
            {
            }
        }
    }

    private static Task<Shiming.FunctionsHost.FunctionsHost> StartOnAsync(
        IReadOnlyDictionary<string, string?> settings, string environment, bool runTimers, bool verboseLogs,
        TimeSpan? gracePeriod, int port, IReadOnlyList<string>? corsOrigins)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Api__PublicBaseUrl"] = $"http://127.0.0.1:{port}/",
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = environment,
            // Each test's app is an app of its own: on the shared Azurite, one host ID would give all their timers one lock.
            ["AzureFunctionsWebHost__hostid"] = $"test-{Guid.NewGuid():N}"[..32],
        };
        foreach (var (key, value) in settings)
        {
            if (value is not null)
            {
                values[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        if (!runTimers)
        {
            foreach (var timer in TimerFunctions)
            {
                values[$"AzureWebJobs.{timer}.Disabled"] = "true";
            }
        }

        if (verboseLogs)
        {
            values["Logging__LogLevel__Default"] = "Trace";
        }

        return Shiming.FunctionsHost.FunctionsHost.StartAsync(
            new FunctionsHostOptions
            {
                ScriptRoot = ScriptRoot,
                Port = port,
                Settings = values,
                GracePeriod = gracePeriod ?? TimeSpan.FromSeconds(10),
                RestartDelay = TimeSpan.FromMilliseconds(200),
                CorsOrigins = corsOrigins ?? [],
            },
            LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Warning)));
    }
}

/// <summary>The worker's logs as text lines, for tests of what reaches them.</summary>
internal static class WorkerLogs
{
    public static IReadOnlyList<string> Describe(Shiming.FunctionsHost.Worker.WorkerLog log) =>
    [
        .. log.Entries.Select(e => $"{e.Level} {(e.WorkerCategory.Length > 0 ? e.WorkerCategory : e.Category)}: {e.Message}{(e.Exception is { } x ? $" | {x.Type}: {x.Message}" : "")}"),
        .. log.ConsoleLines.Select(l => $"Console: {l.Text}"),
    ];
}
