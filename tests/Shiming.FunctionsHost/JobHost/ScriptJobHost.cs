using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.Timers;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Azure.WebJobs.Host.Executors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Configuration;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.JobHost;

/// <summary>
/// Stands in for the host's <c>ScriptHost</c>: a WebJobs SDK JobHost over the generated <c>Host.Functions</c> type, with
/// the Timer extension (Microsoft.Azure.WebJobs.Extensions), the Storage Queues extension and the blob-lease lock
/// manager (Microsoft.Azure.WebJobs.Host.Storage), configured from host.json and the app settings as the host does.
/// </summary>
internal sealed class ScriptJobHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly Type? _functions;

    private ScriptJobHost(IHost host, Type? functions)
    {
        _host = host;
        _functions = functions;
    }

    /// <summary>Whether the JobHost runs <paramref name="name"/> (a timer- or queue-triggered function).</summary>
    public bool Has(string name) => _functions?.GetMethod(name) is not null;

    public static async Task<ScriptJobHost> StartAsync(
        IReadOnlyList<FunctionDescription> functions,
        IReadOnlySet<string> disabled,
        IReadOnlyDictionary<string, string> settings,
        string hostId,
        HostJson hostJson,
        WorkerSupervisor supervisor,
        ILoggerFactory loggerFactory,
        CancellationToken ct)
    {
        var functionsType = FunctionGenerator.Generate(functions, disabled, new WorkerFunctionInvoker(supervisor));
        var builder = new HostBuilder()
            .UseEnvironment(Environments.Production)
            .ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(Configuration(settings)))
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
                hostJson.ApplyLogLevels(logging);
            })
            .ConfigureWebJobs(webJobs =>
            {
                webJobs.AddAzureStorageCoreServices();
                webJobs.AddExecutionContextBinding();
                webJobs.AddAzureStorageQueues(queues =>
                {
                    queues.BatchSize = hostJson.Queues.BatchSize;
                    queues.NewBatchThreshold = hostJson.Queues.NewBatchThreshold;
                    queues.MaxPollingInterval = hostJson.Queues.MaxPollingInterval;
                    queues.VisibilityTimeout = hostJson.Queues.VisibilityTimeout;
                    queues.MaxDequeueCount = hostJson.Queues.MaxDequeueCount;
                    queues.MessageEncoding = hostJson.Queues.MessageEncoding == QueueMessageEncoding.None
                        ? Azure.Storage.Queues.QueueMessageEncoding.None
                        : Azure.Storage.Queues.QueueMessageEncoding.Base64;
                });
                webJobs.AddTimers();
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton<ITypeLocator>(new GeneratedTypeLocator(functionsType));
                services.AddSingleton<IHostIdProvider>(new FixedHostId(hostId));
                services.RemoveAll<ScheduleMonitor>();
                services.AddSingleton<ScheduleMonitor, StorageScheduleMonitor>();
                services.Configure<SingletonOptions>(singleton =>
                {
                    singleton.ListenerLockPeriod = hostJson.Singleton.ListenerLockPeriod;
                    singleton.ListenerLockRecoveryPollingInterval = hostJson.Singleton.ListenerLockRecoveryPollingInterval;
                });
                if (hostJson.FunctionTimeout is { } timeout)
                {
                    services.Configure<JobHostFunctionTimeoutOptions>(options =>
                    {
                        options.Timeout = timeout;
                        options.TimeoutWhileDebugging = true;
                    });
                }
            });
        var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        return new ScriptJobHost(host, functionsType);
    }

    /// <summary>Runs a function once now, as the host's admin API does through <c>JobHost.CallAsync</c>: no listener
    /// lock is taken, so it may overlap a scheduled run. Returns the invocation the worker was sent, if it got that far.</summary>
    public async Task<(Invocation? Invocation, Exception? Failure)> CallAsync(string name, string? input, CancellationToken ct)
    {
        var method = _functions?.GetMethod(name) ?? throw new ArgumentException($"The worker has no timer or queue-triggered function named '{name}'.", nameof(name));
        var jobHost = _host.Services.GetRequiredService<IJobHost>();
        // As the host's admin API: the input as the trigger's value, which the Timer extension turns into a TimerInfo
        // that is not past due, and the queue extension into a message.
        var arguments = new Dictionary<string, object?> { [method.GetParameters()[0].Name!] = input ?? "" };

        Exception? failure = null;
        var invocation = await WorkerFunctionInvoker.CaptureAsync(async () =>
        {
            try
            {
                await jobHost.CallAsync(method.Name, arguments!, ct).ConfigureAwait(false);
            }
            catch (FunctionInvocationException e)
            {
                failure = e.InnerException ?? e;
            }
        }).ConfigureAwait(false);
        return (invocation, failure);
    }

    public Task StopAsync(CancellationToken ct) => _host.StopAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ((IAsyncDisposable)_host).DisposeAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Microsoft.Azure.WebJobs 3.0.48: a listener whose lock release failed at stop (storage gone) tries again on
            // dispose, and its renewal timer throws "already stopped". The failure was reported at stop; the lease runs out.
        }
    }

    // Settings under both spellings: AzureWebJobsStorage__blobServiceUri is the environment's form of the section the
    // SDK reads (AzureWebJobsStorage:blobServiceUri); %TestWorker__WorkQueue% resolves by the name as written.
    private static IEnumerable<KeyValuePair<string, string?>> Configuration(IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (name, value) in settings)
        {
            yield return new(name, value);
            if (name.Contains("__", StringComparison.Ordinal))
            {
                yield return new(name.Replace("__", ":", StringComparison.Ordinal), value);
            }
        }
    }

    private sealed class GeneratedTypeLocator(Type? type) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => type is null ? [] : [type];
    }

    private sealed class FixedHostId(string id) : IHostIdProvider
    {
        public Task<string> GetHostIdAsync(CancellationToken cancellationToken) => Task.FromResult(id);
    }

    /// <summary>The emulator's loggers behind host.json's <c>logging.logLevel</c>, for the lines the host writes itself.</summary>
    public static ILoggerFactory Filtered(ILoggerFactory loggerFactory, HostJson hostJson) => LoggerFactory.Create(logging =>
    {
        logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        hostJson.ApplyLogLevels(logging);
    });

    // The JobHost logs into the emulator's logger factory, through host.json's filters.
    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ForwardingLogger(target.CreateLogger(categoryName));

        public void Dispose()
        {
        }
    }

    // Some of the SDK's items format to null (structured state only); loggers that want a message get an empty one.
    private sealed class ForwardingLogger(ILogger target) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => target.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => target.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            target.Log(logLevel, eventId, state, exception, (s, e) => formatter(s, e) ?? "");
    }
}
