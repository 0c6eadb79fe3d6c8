using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Shiming.BaiduEmulator;
using Shiming.FunctionsHost;

namespace Shiming.Tests.Infrastructure;

/// <summary>
/// The real worker (the app's build output) in a process of its own under the Functions host emulator, against the
/// shared Azurite and its own Baidu emulator. Each instance gets its own container, queues and tables, so test
/// classes can run side by side. Classes whose settings are the same share one instance (<see cref="GetSharedAsync"/>);
/// a test that needs other settings, or stops or crashes the app, starts its own.
/// </summary>
internal sealed partial class ShimingTestApp : IAsyncDisposable
{
    private readonly Func<int, Task<Shiming.FunctionsHost.FunctionsHost>> _startHost;
    private Shiming.FunctionsHost.FunctionsHost _host;

    private ShimingTestApp(
        Shiming.FunctionsHost.FunctionsHost host, Func<int, Task<Shiming.FunctionsHost.FunctionsHost>> startHost, BaiduEmulatorHost emulator, AzuriteInstance azurite, IReadOnlyDictionary<string, string?> settings)
    {
        _host = host;
        _startHost = startHost;
        Emulator = emulator;
        Azurite = azurite;
        Settings = settings;
        Client = new HttpClient { BaseAddress = host.BaseAddress };
        Client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", "test-account");
        Storage = AzuriteStorage.Verifications(azurite, settings);
    }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public BaiduEmulatorHost Emulator { get; }

    public AzuriteInstance Azurite { get; }

    /// <summary>The app settings the worker was given (names with <c>:</c>, as the app reads them).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The host emulator running the worker (a new one after <see cref="RestartAsync"/>).</summary>
    public Shiming.FunctionsHost.FunctionsHost Host => _host;

    /// <summary>The app's own container, queues and tables, as its settings name them.</summary>
    public Shiming.Jobs.JobStorage Storage { get; }

    /// <summary>The table a setting names (<c>Patients:Table</c>, <c>Verifications:JobTable</c>, …).</summary>
    public TableClient Table(string setting) => new TableServiceClient(Azurite.ConnectionString).GetTableClient(Settings[setting]);

    /// <summary>Every log item the worker sent the host, and every line it wrote to its console, one per line.</summary>
    public IReadOnlyList<string> LogLines => WorkerLogs.Describe(_host.WorkerLog);

    /// <summary>Starts an instance of the app for the caller alone, which disposes it.</summary>
    /// <param name="runTimers">False to keep jobs waiting: the timer functions are disabled (the host's
    /// <c>AzureWebJobs.{name}.Disabled</c>), and a test runs the drain itself.</param>
    /// <param name="verboseLogs">True to have the worker log at every level (for tests of what reaches the logs).</param>
    /// <param name="corsOrigins">The host's CORS origins (<c>Host.CORS</c> of local.settings.json).</param>
    /// <param name="storage">An Azurite of the test's own (one it stops and starts), instead of the shared one.</param>
    public static async Task<ShimingTestApp> StartAsync(
        Action<Dictionary<string, string?>>? configure = null,
        EmulatorOptions? emulatorOptions = null,
        string environment = "Development",
        bool runTimers = true,
        bool verboseLogs = false,
        IReadOnlyList<string>? corsOrigins = null,
        AzuriteInstance? storage = null)
    {
        var azurite = storage ?? await Infrastructure.Azurite.GetSharedAsync();
        var emulator = await BaiduEmulatorHost.StartAsync(emulatorOptions);
        var settings = StandaloneSettings(azurite, emulator);
        configure?.Invoke(settings);
        try
        {
            Task<Shiming.FunctionsHost.FunctionsHost> StartHostAsync(int port) =>
                WorkerHost.StartAsync(settings, environment, runTimers, verboseLogs, port: port, corsOrigins: corsOrigins);
            return new ShimingTestApp(await StartHostAsync(0), StartHostAsync, emulator, azurite, settings);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>The settings the README's run command gives the app, with names unique to this instance.</summary>
    private static Dictionary<string, string?> StandaloneSettings(AzuriteInstance azurite, BaiduEmulatorHost emulator)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Baidu:Endpoint"] = emulator.BaseAddress.ToString(),
            ["Baidu:ApiKey"] = emulator.Options.ApiKey,
            ["Baidu:SecretKey"] = emulator.Options.SecretKey,
            ["Baidu:QpsLimit"] = "10",
            // The authority's check follows a front only where a test asks for it, so that other tests see cards as they are read.
            ["IdentityCheck:Enabled"] = "false",
            ["Verifications:ImageContainer"] = $"images-{suffix}",
            ["Verifications:JobQueue"] = $"jobs-{suffix}",
            ["Verifications:JobTable"] = $"jobs{suffix}",
            ["Verifications:KeyTable"] = $"keys{suffix}",
            ["Verifications:StateTable"] = $"state{suffix}",
            ["Patients:Table"] = $"patients{suffix}",
            ["Encryption:CurrentKeyId"] = "test1",
            ["Encryption:Keys:test1"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Encryption:BlindIndexKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
    }

    /// <summary>
    /// The app with its timers left out, so that a test decides when a drain runs; a job is tried at most
    /// <paramref name="maxAttempts"/> times, and a drain run that keeps finding work ends after a second.
    /// </summary>
    public static Task<ShimingTestApp> StartDrainedAsync(EmulatorOptions? emulator = null, int maxAttempts = 2, Action<Dictionary<string, string?>>? configure = null) =>
        StartAsync(
            settings =>
            {
                settings["Verifications:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);

                // A drain run ends once nothing is visible in the queue and its calls are answered; this bounds one that
                // keeps finding work.
                settings["Verifications:DrainDuration"] = "00:00:01";
                configure?.Invoke(settings);
            },
            emulator ?? new EmulatorOptions(),
            runTimers: false);

    /// <summary>Submits a raw image body and returns the response.</summary>
    public Task<HttpResponseMessage> SubmitAsync(byte[] image, string side = "front", string contentType = "image/png")
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new(contentType);
        return Client.PostAsync($"/api/verifications?side={side}", content);
    }

    /// <summary>Polls the status URI, honouring Retry-After, until the job is terminal (200) or the deadline passes.</summary>
    public async Task<JsonElement> WaitForTerminalAsync(string statusUri, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await Client.GetAsync(statusUri, deadline.Token);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token);
            if (response.StatusCode == System.Net.HttpStatusCode.OK)
            {
                return body;
            }

            Assert.AreEqual(System.Net.HttpStatusCode.Accepted, response.StatusCode, body.ToString());
            var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);

            // Honour Retry-After, but poll a test's short jobs at least every half second.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(retryAfter.TotalMilliseconds, 500)), deadline.Token);
        }
    }

    /// <summary>Runs the drain once, as a timer occurrence would, and waits for it to finish.</summary>
    public Task DrainOnceAsync() => RunFunctionAsync("DrainVerifications");

    /// <summary>Runs a timer function on demand, through the host, and waits for it; it must succeed.</summary>
    public async Task RunFunctionAsync(string name)
    {
        var result = await _host.RunFunctionAsync(name);
        Assert.IsTrue(result.Succeeded, $"{name} failed: {result.ExceptionType} {result.ExceptionMessage}");
    }

    /// <summary>
    /// Stops the host, if it is still running, and starts a new one on the same address, settings, storage and Baidu
    /// emulator, as an app comes back after a stop or a lost instance.
    /// </summary>
    public async Task RestartAsync()
    {
        await _host.DisposeAsync();
        _host = await _startHost(BaseAddress.Port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
