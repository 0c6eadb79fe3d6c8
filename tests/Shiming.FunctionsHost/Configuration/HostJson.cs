using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.Configuration;

/// <summary>The parts of host.json that the emulator acts on, with the real host's defaults.</summary>
public sealed record HostJson
{
    public string RoutePrefix { get; init; } = "api";

    public QueueSettings Queues { get; init; } = new();

    public SingletonSettings Singleton { get; init; } = new();

    /// <summary><c>functionTimeout</c>: how long one invocation may run before the host cancels it and fails it; null
    /// (the value <c>-1</c>) for no limit. The default is the Flex Consumption plan's, 30 minutes.</summary>
    public TimeSpan? FunctionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary><c>logging.logLevel</c>: the least level logged per category prefix (<c>default</c> for every other).</summary>
    public IReadOnlyDictionary<string, LogLevel> LogLevels { get; init; } = new Dictionary<string, LogLevel>();

    /// <summary>Applies <see cref="LogLevels"/> as the host's logger filter does: the longest matching category prefix wins.</summary>
    public void ApplyLogLevels(ILoggingBuilder logging)
    {
        foreach (var (category, level) in LogLevels)
        {
            if (category.Equals("default", StringComparison.OrdinalIgnoreCase))
            {
                logging.SetMinimumLevel(level);
            }
            else
            {
                logging.AddFilter(category, level);
            }
        }
    }

    public static HostJson Load(string scriptRoot)
    {
        var path = Path.Combine(scriptRoot, "host.json");
        if (!File.Exists(path))
        {
            return new HostJson();
        }

        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: JsonOptions) as JsonObject
            ?? throw new InvalidDataException($"{path} is not a JSON object.");
        var extensions = Child(root, "extensions");
        var http = Child(extensions, "http");
        var queues = Child(extensions, "queues");
        var defaults = new QueueSettings();
        var singleton = Child(root, "singleton");
        var singletonDefaults = new SingletonSettings();
        var listenerLockPeriod = Time(singleton, "listenerLockPeriod") ?? singletonDefaults.ListenerLockPeriod;
        if (listenerLockPeriod < TimeSpan.FromSeconds(15) || listenerLockPeriod > TimeSpan.FromSeconds(60))
        {
            // The host refuses to start on it too: a blob lease lasts 15 to 60 seconds.
            throw new InvalidDataException($"{path}: singleton.listenerLockPeriod must be between 00:00:15 and 00:01:00.");
        }

        var recoveryPollingInterval = Time(singleton, "listenerLockRecoveryPollingInterval") ?? singletonDefaults.ListenerLockRecoveryPollingInterval;
        if (recoveryPollingInterval < TimeSpan.FromSeconds(15))
        {
            // The WebJobs SDK's SingletonOptions refuses it, so the host does not start on it.
            throw new InvalidDataException($"{path}: singleton.listenerLockRecoveryPollingInterval must be at least 00:00:15.");
        }

        var batchSize = Int(queues, "batchSize") ?? defaults.BatchSize;
        var logLevels = new Dictionary<string, LogLevel>(StringComparer.OrdinalIgnoreCase);
        if (Child(Child(root, "logging"), "logLevel") is { } levels)
        {
            foreach (var (category, value) in levels)
            {
                logLevels[category] = Enum.TryParse<LogLevel>(value?.ToString(), ignoreCase: true, out var level)
                    ? level
                    : throw new InvalidDataException($"{path}: logging.logLevel.{category} is not a log level.");
            }
        }

        var functionTimeout = String(root, "functionTimeout") switch
        {
            null => new HostJson().FunctionTimeout,
            "-1" => null,
            var text => TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
        };
        return new HostJson
        {
            RoutePrefix = (String(http, "routePrefix") ?? "api").Trim('/'),
            FunctionTimeout = functionTimeout,
            LogLevels = logLevels,
            Queues = new QueueSettings
            {
                BatchSize = batchSize,
                NewBatchThreshold = Int(queues, "newBatchThreshold") ?? batchSize / 2,
                MaxPollingInterval = Time(queues, "maxPollingInterval") ?? defaults.MaxPollingInterval,
                VisibilityTimeout = Time(queues, "visibilityTimeout") ?? defaults.VisibilityTimeout,
                MaxDequeueCount = Int(queues, "maxDequeueCount") ?? defaults.MaxDequeueCount,
                MessageEncoding = String(queues, "messageEncoding") is { } encoding
                    && encoding.Equals("none", StringComparison.OrdinalIgnoreCase)
                    ? QueueMessageEncoding.None
                    : QueueMessageEncoding.Base64,
            },
            Singleton = new SingletonSettings
            {
                ListenerLockPeriod = listenerLockPeriod,
                ListenerLockRecoveryPollingInterval = recoveryPollingInterval,
            },
        };
    }

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    // host.json keys are matched without regard to case, as the host's configuration does.
    private static JsonObject? Child(JsonObject? parent, string name) =>
        parent?.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value as JsonObject;

    private static string? String(JsonObject? parent, string name) =>
        parent?.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();

    private static int? Int(JsonObject? parent, string name) =>
        String(parent, name) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static TimeSpan? Time(JsonObject? parent, string name) =>
        String(parent, name) is { } text ? TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>host.json <c>extensions.queues</c>; the defaults are the Storage Queues extension's.</summary>
public sealed record QueueSettings
{
    public int BatchSize { get; init; } = 16;

    public int NewBatchThreshold { get; init; } = 8;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public int MaxDequeueCount { get; init; } = 5;

    public QueueMessageEncoding MessageEncoding { get; init; } = QueueMessageEncoding.Base64;
}

public enum QueueMessageEncoding
{
    Base64,
    None,
}

/// <summary>host.json <c>singleton</c>, the parts the timer's listener lock uses; the defaults are the WebJobs SDK's <c>SingletonOptions</c>.</summary>
public sealed record SingletonSettings
{
    /// <summary>How long the listener lock's blob lease lasts (15–60 s, as Azure Storage allows); renewed at half of it.</summary>
    public TimeSpan ListenerLockPeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a host without the lock asks for it again.</summary>
    public TimeSpan ListenerLockRecoveryPollingInterval { get; init; } = TimeSpan.FromMinutes(1);
}
