using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Shiming.BaiduEmulator;
using Shiming.Hosting;
using Shiming.Verifications;

namespace Shiming.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel, standalone (timers in-process), against the shared Azurite and its own
/// Baidu emulator. Each instance gets its own container, queue and table, so test classes can run side by side.
/// </summary>
internal sealed class ShimingTestApp : IAsyncDisposable
{
    private readonly ShimingFactory _factory;

    private ShimingTestApp(ShimingFactory factory, BaiduEmulatorHost emulator, AzuriteInstance azurite, IReadOnlyDictionary<string, string?> settings)
    {
        _factory = factory;
        Emulator = emulator;
        Azurite = azurite;
        Settings = settings;
        Client = factory.CreateClient();
        Client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", "test-account");
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    public Uri BaseAddress => Client.BaseAddress!;

    public BaiduEmulatorHost Emulator { get; }

    public AzuriteInstance Azurite { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The app's own container, queues and tables, as it registered them.</summary>
    public VerificationStorage Storage => Services.GetRequiredService<VerificationStorage>();

    /// <summary>The table a setting names (<c>Patients:Table</c>, <c>Verifications:JobTable</c>, …).</summary>
    public Azure.Data.Tables.TableClient Table(string setting) => Services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(Settings[setting]);

    /// <summary>Every log line the app wrote, when it was started with <see cref="CaptureEveryLogLine"/>.</summary>
    public IReadOnlyList<string> LogLines => [.. Services.GetFakeLogCollector().GetSnapshot().Select(Describe)];

    /// <summary>For <c>configureServices</c>: keeps every log line of every level and category (message, values, scopes, exception).</summary>
    public static void CaptureEveryLogLine(IServiceCollection services)
    {
        services.AddFakeLogging();
        services.Configure<Microsoft.Extensions.Logging.LoggerFilterOptions>(o =>
        {
            o.MinLevel = Microsoft.Extensions.Logging.LogLevel.Trace;
            o.Rules.Clear();
        });
    }

    private static string Describe(Microsoft.Extensions.Logging.Testing.FakeLogRecord record)
    {
        var line = new System.Text.StringBuilder().Append(record.Level).Append(' ').Append(record.Category).Append(": ").Append(record.Message);
        foreach (var (key, value) in record.StructuredState ?? [])
        {
            line.Append(" | ").Append(key).Append('=').Append(value);
        }

        foreach (var scope in record.Scopes)
        {
            line.Append(" | scope=").Append(scope);
        }

        if (record.Exception is not null)
        {
            line.Append(" | ").Append(record.Exception);
        }

        return line.ToString();
    }

    /// <param name="runTimers">False to keep jobs waiting: the in-process scheduler is left out, and a test runs the drain itself.</param>
    public static async Task<ShimingTestApp> StartAsync(
        Action<Dictionary<string, string?>>? configure = null,
        EmulatorOptions? emulatorOptions = null,
        string environment = "Development",
        bool runTimers = true,
        Action<IServiceCollection>? configureServices = null)
    {
        var azurite = await Infrastructure.Azurite.GetSharedAsync();
        var emulator = await BaiduEmulatorHost.StartAsync(emulatorOptions);
        var settings = StandaloneSettings(azurite, emulator);
        configure?.Invoke(settings);

        var factory = new ShimingFactory(settings, environment, runTimers, configureServices);
        factory.UseKestrel(0);
        try
        {
            factory.StartServer();
        }
        catch
        {
            await factory.DisposeAsync();
            await emulator.DisposeAsync();
            throw;
        }

        return new ShimingTestApp(factory, emulator, azurite, settings);
    }

    /// <summary>The settings the README's run command gives the app, with names unique to this instance.</summary>
    public static Dictionary<string, string?> StandaloneSettings(AzuriteInstance azurite, BaiduEmulatorHost emulator)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Baidu:Endpoint"] = emulator.BaseAddress.ToString(),
            ["Baidu:ApiKey"] = emulator.Options.ApiKey,
            ["Baidu:SecretKey"] = emulator.Options.SecretKey,
            ["Baidu:QpsLimit"] = "10",
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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    /// <summary>Runs the drain once, as a timer tick would.</summary>
    public Task<TimerFunctionResult> DrainOnceAsync() => RunTimerAsync(ShimingFunctions.DrainVerifications);

    public Task<TimerFunctionResult> RunTimerAsync(TimerFunctionDefinition timer) =>
        Services.GetRequiredService<TimerFunctionRunner>().RunAsync(
            timer, new TimerInvocation(timer.Name, IsPastDue: false, DateTimeOffset.UtcNow, InvocationId: null), CancellationToken.None);

    private sealed class ShimingFactory(
        IReadOnlyDictionary<string, string?> settings, string environment, bool runTimers, Action<IServiceCollection>? configureServices) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (configureServices is not null)
            {
                builder.ConfigureTestServices(configureServices);
            }

            if (!runTimers)
            {
                builder.ConfigureTestServices(services =>
                {
                    var scheduler = services.Single(d => d.ImplementationType == typeof(InProcessTimerScheduler));
                    services.Remove(scheduler);
                });
            }
        }
    }
}
