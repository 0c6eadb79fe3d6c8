using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Configuration;
using Shiming.FunctionsHost.Http;
using Shiming.FunctionsHost.JobHost;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost;

/// <summary>A local stand-in for the Azure Functions host: it runs one .NET isolated worker's build output and
/// serves its HTTP, timer and queue triggers the way the host does.</summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    /// <summary>The host version sent in WorkerInitRequest: the Functions runtime line this emulates.</summary>
    public const string HostVersion = "4.1040.300";

    private readonly WebApplication _rpcServer;
    private readonly WebApplication _frontDoor;
    private readonly WorkerSupervisor _supervisor;
    private readonly HttpForwarder _forwarder;
    private readonly CancellationTokenSource _listening;
    private readonly ScriptJobHost _jobHost;
    private readonly ILogger _hostLogger;
    private readonly ILoggerFactory? _ownedLoggerFactory;
    private readonly TimeSpan _gracePeriod;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _adminRuns = new();
    private int _stopped;
    private int _disposed;

    private FunctionsHost(
        WebApplication rpcServer,
        WebApplication frontDoor,
        WorkerSupervisor supervisor,
        HttpForwarder forwarder,
        CancellationTokenSource listening,
        ScriptJobHost jobHost,
        ILoggerFactory? ownedLoggerFactory,
        ILogger hostLogger,
        TimeSpan gracePeriod,
        HostJson hostJson,
        WorkerLog log,
        IReadOnlyList<FunctionDescription> functions,
        IReadOnlySet<string> disabledFunctions)
    {
        _rpcServer = rpcServer;
        _frontDoor = frontDoor;
        _supervisor = supervisor;
        _forwarder = forwarder;
        _listening = listening;
        _jobHost = jobHost;
        _hostLogger = hostLogger;
        _ownedLoggerFactory = ownedLoggerFactory;
        _gracePeriod = gracePeriod;
        HostJson = hostJson;
        WorkerLog = log;
        Functions = functions;
        DisabledFunctions = disabledFunctions;
    }

    /// <summary>The front door, e.g. http://127.0.0.1:7071/.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public HostJson HostJson { get; }

    /// <summary>The functions the worker indexed at start.</summary>
    public IReadOnlyList<FunctionDescription> Functions { get; }

    /// <summary>The functions disabled by <c>AzureWebJobs.&lt;name&gt;.Disabled</c>: their triggers do not fire, their HTTP
    /// routes answer 404, and they still run on demand (<see cref="RunFunctionAsync"/>, <c>POST /admin/functions/{name}</c>).</summary>
    public IReadOnlySet<string> DisabledFunctions { get; }

    /// <summary>Every log item the workers sent over the stream, and every line they wrote to their console.</summary>
    public WorkerLog WorkerLog { get; }

    /// <summary>How the last worker process ended, once one has.</summary>
    public WorkerExit? LastWorkerExit => _supervisor.LastExit;

    /// <summary>Completes when the worker kept exiting (three times, each within 30 minutes of the one before) and the host
    /// stopped restarting it, as the Functions host does before it recycles itself; requests then get 503.</summary>
    public Task WorkerRestartsExhausted => _supervisor.GaveUp;

    /// <summary>The process id of the worker that is ready now (waiting for one that is starting).</summary>
    public async Task<int> GetWorkerProcessIdAsync(CancellationToken ct = default) =>
        (await _supervisor.GetReadyAsync(ct).ConfigureAwait(false)).Process.Id;

    /// <summary>Kills the worker process at once, as a crash would, and returns its process id once it is gone. The host
    /// starts a new worker after <see cref="FunctionsHostOptions.RestartDelay"/>, as after any death; everything that
    /// needs a worker from here on (requests, triggers, <see cref="GetWorkerProcessIdAsync"/>) waits for that one.</summary>
    public Task<int> KillWorkerAsync(CancellationToken ct = default) => _supervisor.KillAsync(ct);

    /// <summary>Runs a timer or queue-triggered function once, now, as the host's admin API does (disabled functions
    /// included), through the JobHost's <c>CallAsync</c>, and waits for the worker's answer. As in the host, the run takes
    /// no listener lock: it may overlap a scheduled run of the same timer. A timer gets the TimerInfo the Timer extension
    /// builds for a call (never past due); a queue function gets <paramref name="input"/> as its message. Cancelling
    /// <paramref name="ct"/> sends the worker InvocationCancel and still waits for the answer.</summary>
    /// <exception cref="ArgumentException">No non-HTTP function has that name (HTTP functions are called at their URL).</exception>
    public async Task<FunctionRunResult> RunFunctionAsync(string name, string? input = null, CancellationToken ct = default)
    {
        var (invocation, failure) = await _jobHost.CallAsync(name, input, ct).ConfigureAwait(false);
        if (invocation is null)
        {
            ct.ThrowIfCancellationRequested();
            throw new InvalidOperationException($"'{name}' did not reach the worker: {failure?.Message}");
        }

        return FunctionRunResult.From(invocation, WorkerLog.ForInvocation(invocation.InvocationId));
    }

    /// <summary>Starts the worker, waits until its functions are loaded, then opens the front door and the triggers.</summary>
    public static async Task<FunctionsHost> StartAsync(
        FunctionsHostOptions options,
        ILoggerFactory? loggerFactory = null,
        CancellationToken ct = default)
    {
        var scriptRoot = Path.GetFullPath(options.ScriptRoot);
        if (!File.Exists(Path.Combine(scriptRoot, "functions.metadata")) || !File.Exists(Path.Combine(scriptRoot, "worker.config.json")))
        {
            throw new InvalidOperationException($"{scriptRoot} is not a worker's build output: functions.metadata or worker.config.json is missing.");
        }

        options = new FunctionsHostOptions
        {
            ScriptRoot = scriptRoot,
            Port = options.Port,
            Settings = options.Settings,
            GracePeriod = options.GracePeriod,
            WorkerStartTimeout = options.WorkerStartTimeout,
            RestartDelay = options.RestartDelay,
            CorsOrigins = options.CorsOrigins,
        };
        var owned = loggerFactory is null ? CreateConsoleLoggerFactory() : null;
        loggerFactory ??= owned!;
        var hostJson = HostJson.Load(scriptRoot);
        var functionLoggers = ScriptJobHost.Filtered(loggerFactory, hostJson);
        var local = LocalSettings.Load(scriptRoot);
        if (options.CorsOrigins is { } origins)
        {
            local = local with { CorsOrigins = origins };
        }
        var settings = AppSettings.Combine(Environment.GetEnvironmentVariables(), local.Values, options.Settings);
        var hostLogger = loggerFactory.CreateLogger("Host.Triggers");
        foreach (var skipped in settings.SkippedLocalValues)
        {
            hostLogger.LogWarning("Skipping '{Setting}' from local settings as it's already defined in current environment variables.", skipped);
        }

        var environment = WorkerEnvironment(scriptRoot, settings);
        var log = new WorkerLog();
        var registry = new WorkerRegistry();

        var rpcServer = await StartRpcServerAsync(registry, loggerFactory, ct).ConfigureAwait(false);
        var rpcAddress = new Uri(Address(rpcServer));
        var supervisor = new WorkerSupervisor(options, environment, () => rpcAddress, registry, log, loggerFactory);
        ReadyWorker first;
        try
        {
            first = await supervisor.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
            await rpcServer.DisposeAsync().ConfigureAwait(false);
            owned?.Dispose();
            throw;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, options.Port ?? local.LocalHttpPort ?? 7071, l => l.Protocols = HttpProtocols.Http1));
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRouting();
        builder.Services.AddHttpForwarder();
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            // As Core Tools sets it up from Host.CORS: any method and header for the listed origins.
            if (local.CorsOrigins.Contains("*"))
            {
                policy.SetIsOriginAllowed(_ => true);
            }
            else
            {
                policy.WithOrigins([.. local.CorsOrigins]);
            }

            policy.AllowAnyMethod().AllowAnyHeader();
            if (local.CorsCredentials)
            {
                policy.AllowCredentials();
            }
        }));
        var frontDoor = builder.Build();
        var disabled = first.Functions.Where(f => settings.IsFunctionDisabled(f.Name)).Select(f => f.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var forwarder = new HttpForwarder(
            supervisor,
            hostJson.RoutePrefix,
            disabled,
            frontDoor.Services.GetRequiredService<IInlineConstraintResolver>(),
            frontDoor.Services.GetRequiredService<Yarp.ReverseProxy.Forwarder.IHttpForwarder>(),
            functionLoggers,
            loggerFactory.CreateLogger<HttpForwarder>());
        if (local.CorsOrigins.Count > 0)
        {
            frontDoor.UseCors();
        }

        FunctionsHost? host = null;
        var admin = new AdminApi(
            name => host is not null && host._jobHost.Has(name),
            (name, input) => host?.StartAdminRun(name, input));
        frontDoor.Run(context => AdminApi.Handles(context) ? admin.HandleAsync(context) : forwarder.HandleAsync(context));

        var listening = new CancellationTokenSource();
        foreach (var name in disabled)
        {
            hostLogger.LogInformation("Function '{Function}' is disabled", name);
        }

        // What a start that fails part-way leaves behind.
        async Task DisposeStartedAsync()
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
            await rpcServer.DisposeAsync().ConfigureAwait(false);
            await frontDoor.DisposeAsync().ConfigureAwait(false);
            forwarder.Dispose();
            listening.Dispose();
            owned?.Dispose();
        }

        ScriptJobHost jobHost;
        try
        {
            jobHost = await ScriptJobHost.StartAsync(
                first.Functions, disabled, environment, HostId(scriptRoot, environment), hostJson, supervisor, loggerFactory, ct).ConfigureAwait(false);
        }
        catch
        {
            await DisposeStartedAsync();
            throw;
        }

        // The host exists before the front door opens, so the admin API knows its functions from the first request.
        host = new FunctionsHost(
            rpcServer, frontDoor, supervisor, forwarder, listening, jobHost, owned, hostLogger, options.GracePeriod, hostJson, log,
            first.Functions, disabled);
        try
        {
            await frontDoor.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            // A port that is taken, say: the worker and the triggers started for this host go with it.
            await listening.CancelAsync().ConfigureAwait(false);
            await jobHost.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await jobHost.DisposeAsync().ConfigureAwait(false);
            await DisposeStartedAsync();
            throw;
        }

        host.BaseAddress = new Uri(Address(frontDoor) + "/");
        return host;
    }

    // The admin API answers before the run ends, as the host does; the run is awaited when the host stops.
    private void StartAdminRun(string name, string? input)
    {
        var run = Task.Run(
            async () =>
            {
                try
                {
                    await RunFunctionAsync(name, input, _listening.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The host stopped before the run began.
                }
            },
            CancellationToken.None);
        _adminRuns.TryAdd(run, 0);
        _ = run.ContinueWith(t => _adminRuns.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Stops taking work, sends the worker WorkerTerminate with the grace period, and waits for it.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _listening.CancelAsync().ConfigureAwait(false);
        using var grace = new CancellationTokenSource(_gracePeriod);

        // The listeners stop (and give up their locks) while the worker finishes what it holds.
        await Task.WhenAll(_frontDoor.StopAsync(grace.Token), StopJobHostAsync(grace.Token), _supervisor.StopAsync()).ConfigureAwait(false);
        await Task.WhenAll(_adminRuns.Keys).ConfigureAwait(false);
        await _rpcServer.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    // Storage that went first (Azurite stopped before the host) fails the release of the listener locks: their leases
    // run out by themselves, so it is one warning, not a stack trace.
    private async Task StopJobHostAsync(CancellationToken ct)
    {
        try
        {
            await _jobHost.StopAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException)
        {
            _hostLogger.LogWarning("The listeners' locks could not be released ({Error}); their leases run out by themselves", e.GetBaseException().Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        await _frontDoor.DisposeAsync().ConfigureAwait(false);
        await _rpcServer.DisposeAsync().ConfigureAwait(false);
        await _supervisor.DisposeAsync().ConfigureAwait(false);
        await _jobHost.DisposeAsync().ConfigureAwait(false);
        _forwarder.Dispose();
        _listening.Dispose();
        _ownedLoggerFactory?.Dispose();
    }

    private static async Task<WebApplication> StartRpcServerAsync(WorkerRegistry registry, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());

        // h2c on loopback, as the host listens for its workers; messages as large as the worker may send.
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(registry);
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        var app = builder.Build();
        app.UseRouting();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(ct).ConfigureAwait(false);
        return app;
    }

    /// <summary>
    /// The host ID, which names the app's locks in storage: <c>AzureFunctionsWebHost__hostid</c> when set, else, as the
    /// host derives it off Azure, the machine's name and a stable hash of the script root (lower case, at most 32
    /// characters). Hosts of one app folder on one machine share it, and so share each timer.
    /// </summary>
    private static string HostId(string scriptRoot, IReadOnlyDictionary<string, string> environment)
    {
        if (environment.GetValueOrDefault("AzureFunctionsWebHost__hostid") is { Length: > 0 } configured)
        {
            return configured.ToLowerInvariant();
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(scriptRoot)))[..8];
        var id = $"{Environment.MachineName}-{hash}".ToLowerInvariant();
        return (id.Length > 32 ? id[..32] : id).TrimEnd('-');
    }

    private static Dictionary<string, string> WorkerEnvironment(string scriptRoot, AppSettings settings)
    {
        var environment = new Dictionary<string, string>(settings.Values, StringComparer.OrdinalIgnoreCase);
        environment.TryAdd("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated");
        environment.TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");
        environment["FUNCTIONS_WORKER_DIRECTORY"] = scriptRoot;
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = scriptRoot;
        environment["AzureWebJobsScriptRoot"] = scriptRoot;
        return environment;
    }

    // Binding expressions like %QueueName% take their value from the app settings, as in the host.
    private static string Resolve(string value, IReadOnlyDictionary<string, string> environment) =>
        value.Length > 2 && value[0] == '%' && value[^1] == '%' && environment.TryGetValue(value[1..^1], out var resolved)
            ? resolved
            : value;

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    /// <summary>The console the command logs to: one line per item; the worker's items at <paramref name="workerLevel"/> and above.</summary>
    public static ILoggerFactory CreateConsoleLoggerFactory(LogLevel workerLevel = LogLevel.Information) => LoggerFactory.Create(logging => logging
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        })
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Function", workerLevel)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("Azure", LogLevel.Warning)

        // The JobHost's per-run result and aggregate items are data for Application Insights, not console lines (a
        // failure is on the console already, as the function's Executed line).
        .AddFilter("Host.Results", LogLevel.None)
        .AddFilter("Host.Aggregator", LogLevel.None)
        .AddFilter("Grpc", LogLevel.Warning)
        .AddFilter("Host.Worker.Console", LogLevel.Warning));
}
