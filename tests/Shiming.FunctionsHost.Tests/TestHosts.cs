using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Shiming.Tests.Infrastructure;

namespace Shiming.FunctionsHost.Tests;

/// <summary>Starts the emulator on the test worker's build output; one host and worker shared by the tests that
/// leave them as they found them.</summary>
[TestClass]
public static class TestHosts
{
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static FunctionsHost? _shared;

    /// <summary>The newest Queue service version the shared Azurite accepts.</summary>
    public const QueueClientOptions.ServiceVersion AzuriteQueueVersion = QueueClientOptions.ServiceVersion.V2026_06_06;

    public static string TestWorkerOutput
    {
        get
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            return Path.Combine(Repository.Root, "tests", "Shiming.FunctionsHost.TestWorker", "bin", configuration, "net10.0");
        }
    }

    /// <summary>A host of its own, for tests that kill or stop its worker; the caller disposes it.</summary>
    public static async Task<FunctionsHost> StartAsync(
        TimeSpan? gracePeriod = null,
        IReadOnlyDictionary<string, string>? settings = null,
        ILoggerFactory? loggerFactory = null)
    {
        var azurite = await Azurite.GetSharedAsync();
        var all = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            // A host ID of its own, as a separate app's: hosts sharing one would share each timer's lock.
            ["AzureFunctionsWebHost__hostid"] = $"test-{Guid.NewGuid():N}"[..32],
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            all[name] = value;
        }

        return await FunctionsHost.StartAsync(
            new FunctionsHostOptions
            {
                ScriptRoot = TestWorkerOutput,
                Port = 0,
                Settings = all,
                GracePeriod = gracePeriod ?? TimeSpan.FromSeconds(10),
                RestartDelay = TimeSpan.FromMilliseconds(200),
            },
            loggerFactory ?? LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Warning)));
    }

    public static async Task<FunctionsHost> GetSharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            return _shared ??= await StartAsync();
        }
        finally
        {
            SharedGate.Release();
        }
    }

    [AssemblyCleanup]
    public static async Task StopSharedAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
            _shared = null;
        }

        await Azurite.StopSharedAsync();
    }
}
